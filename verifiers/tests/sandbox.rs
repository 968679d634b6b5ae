//! The sandbox on hand-written hostile modules: each run ends with the right
//! outcome within twice its limit, the host survives, and memory stays flat.

use std::time::{Duration, Instant};
use synth_verifiers::sandbox::{GuestMessage, Outcome, Sandbox, SandboxError, SandboxLimits, TimeoutKind};
use wasmtime::Val;

fn sandbox(limits: SandboxLimits) -> Sandbox {
    Sandbox::new(limits).expect("engine")
}

fn run_i64(sb: &Sandbox, wat: &str, func: &str, args: &[Val]) -> Outcome<i64> {
    let bytes = wat::parse_str(wat).expect("valid wat");
    let module = sb.compile(&bytes).expect("compiles");
    sb.run(&module, |g| {
        let r = g.call(func, args, 1)?;
        Ok(r[0].unwrap_i64())
    })
}

const ADD: &str = r#"(module (memory (export "memory") 1)
  (func (export "add") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add))"#;

const SPIN: &str = r#"(module (memory (export "memory") 1)
  (func (export "spin") (result i64) (loop $l (br $l)) i64.const 0))"#;

const GROW: &str = r#"(module (memory (export "memory") 1)
  (func (export "grow") (result i64)
    (loop $l (drop (memory.grow (i32.const 16))) (br $l)) i64.const 0))"#;

const RECURSE: &str = r#"(module (memory (export "memory") 1)
  (func $f (export "recurse") (param i64) (result i64)
    local.get 0 i64.const 1 i64.add call $f))"#;

// Writes an error record (kind 3, span 10..20, message "boom") and traps.
const ERROR: &str = r#"(module (memory (export "memory") 1)
  (data (i32.const 100) "boom")
  (func (export "__synth_error_addr") (result i32) i32.const 64)
  (func (export "fail") (result i64)
    (i32.store (i32.const 64) (i32.const 3))
    (i32.store (i32.const 68) (i32.const 10))
    (i32.store (i32.const 72) (i32.const 20))
    (i32.store (i32.const 76) (i32.const 100))
    (i32.store (i32.const 80) (i32.const 4))
    unreachable))"#;

// An `unreachable` with no record is a plain trap, not a runtime error.
const BARE_TRAP: &str = r#"(module (memory (export "memory") 1)
  (func (export "__synth_error_addr") (result i32) i32.const 64)
  (func (export "fail") (result i64) unreachable))"#;

#[test]
fn a_plain_function_returns_its_value() {
    let sb = sandbox(SandboxLimits::default());
    assert_eq!(run_i64(&sb, ADD, "add", &[Val::I64(40), Val::I64(2)]), Outcome::Ok(42));
}

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let sb =
        sandbox(SandboxLimits { fuel: 10_000_000, time_limit: Duration::from_secs(60), ..SandboxLimits::default() });
    assert!(matches!(run_i64(&sb, SPIN, "spin", &[]), Outcome::Timeout(TimeoutKind::Fuel, _)));
}

#[test]
fn an_infinite_loop_hits_the_deadline_within_twice_the_limit() {
    let limit = Duration::from_millis(200);
    let sb = sandbox(SandboxLimits { fuel: u64::MAX / 2, time_limit: limit, ..SandboxLimits::default() });
    let bytes = wat::parse_str(SPIN).expect("wat");
    let module = sb.compile(&bytes).expect("compiles");
    let start = Instant::now();
    let out = sb.run(&module, |g| g.call("spin", &[], 1).map(|_| ()));
    let elapsed = start.elapsed();
    assert!(matches!(out, Outcome::Timeout(TimeoutKind::Deadline, _)));
    assert!(elapsed < 2 * limit, "took {elapsed:?} for a {limit:?} limit");
}

#[test]
fn growing_memory_forever_is_out_of_memory() {
    let sb = sandbox(SandboxLimits::default());
    assert!(matches!(run_i64(&sb, GROW, "grow", &[]), Outcome::OutOfMemory(_)));
}

#[test]
fn runaway_recursion_is_a_stack_overflow() {
    let sb = sandbox(SandboxLimits::default());
    assert_eq!(run_i64(&sb, RECURSE, "recurse", &[Val::I64(0)]), Outcome::StackOverflow);
}

#[test]
fn a_recorded_runtime_error_comes_back_with_its_span() {
    let sb = sandbox(SandboxLimits::default());
    match run_i64(&sb, ERROR, "fail", &[]) {
        Outcome::RuntimeError(e) => {
            assert_eq!((e.kind, e.span, e.message), (3, (10, 20), GuestMessage::Text("boom".into())));
        }
        other => panic!("expected a runtime error, got {other:?}"),
    }
}

#[test]
fn an_unrecorded_trap_is_a_trap() {
    let sb = sandbox(SandboxLimits::default());
    assert!(matches!(run_i64(&sb, BARE_TRAP, "fail", &[]), Outcome::Trap(_)));
}

#[test]
fn modules_with_imports_or_bad_bytes_are_refused() {
    let sb = sandbox(SandboxLimits::default());
    let importing = wat::parse_str(r#"(module (import "wasi" "fd_write" (func (param i32))))"#).expect("wat");
    assert!(matches!(sb.compile(&importing), Err(SandboxError::Import(name)) if name == "wasi::fd_write"));
    assert!(matches!(sb.compile(b"\0asm garbage"), Err(SandboxError::Invalid(_))));
}

#[test]
fn compiled_modules_are_cached() {
    let sb = sandbox(SandboxLimits::default());
    let bytes = wat::parse_str(ADD).expect("wat");
    let a = sb.compile(&bytes).expect("compiles");
    let b = sb.compile(&bytes).expect("compiles");
    assert!(std::sync::Arc::ptr_eq(&a, &b));
}

#[test]
fn a_batch_runs_in_parallel() {
    let sb = sandbox(SandboxLimits::default());
    let bytes = wat::parse_str(ADD).expect("wat");
    let module = sb.compile(&bytes).expect("compiles");
    let jobs: Vec<i64> = (0..200).collect();
    let outs = sb.run_batch(&jobs, |sb, j| {
        sb.run(&module, |g| Ok(g.call("add", &[Val::I64(*j), Val::I64(1)], 1)?[0].unwrap_i64()))
    });
    let want: Vec<Outcome<i64>> = (1..201).map(Outcome::Ok).collect();
    assert_eq!(outs, want);
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

#[test]
fn ten_thousand_hostile_runs_leave_memory_flat() {
    let sb = sandbox(SandboxLimits { fuel: 20_000, memory_bytes: 4 << 20, ..SandboxLimits::default() });
    let modules: Vec<_> = [SPIN, GROW, RECURSE, ERROR]
        .iter()
        .map(|w| sb.compile(&wat::parse_str(w).expect("wat")).expect("compiles"))
        .collect();
    let names = ["spin", "grow", "recurse", "fail"];
    let run = |i: usize| {
        let k = i % 4;
        let args = if k == 2 { vec![Val::I64(0)] } else { vec![] };
        let out = sb.run(&modules[k], |g| g.call(names[k], &args, 1).map(|_| ()));
        assert!(!matches!(out, Outcome::Ok(_) | Outcome::Trap(_)), "run {i}: {out:?}");
    };
    for i in 0..1000 {
        run(i);
    }
    let before = rss_bytes();
    for i in 0..10_000 {
        run(i);
    }
    let after = rss_bytes();
    assert!(after < before + (32 << 20), "RSS grew from {before} to {after} bytes");
}

#[test]
fn the_module_cache_is_bounded_and_keeps_the_newest() {
    // A search compiles each candidate once: the cache must not grow with
    // the search, and a module compiled again is served from it.
    let sb = sandbox(SandboxLimits::default());
    let module =
        |k: usize| wat::parse_str(format!(r#"(module (func (export "k") (result i64) i64.const {k}))"#)).expect("wat");
    let n = Sandbox::CACHE_CAPACITY + 20;
    for k in 0..n {
        sb.compile(&module(k)).expect("compiles");
    }
    assert_eq!(sb.cached_modules(), Sandbox::CACHE_CAPACITY);
    let newest = sb.compile(&module(n - 1)).expect("cached");
    assert!(std::sync::Arc::ptr_eq(&newest, &sb.compile(&module(n - 1)).expect("cached")));
    assert_eq!(sb.cached_modules(), Sandbox::CACHE_CAPACITY);
    let k = sb.run(&newest, |g| Ok(g.call("k", &[], 1)?[0].unwrap_i64()));
    assert_eq!(k, Outcome::Ok((n - 1) as i64));
}

#[test]
fn every_run_starts_from_fresh_memory() {
    // Pool slots are reused and their first pages kept resident between
    // runs: a run must still see only zeros and its data segments, below and
    // above the part kept resident.
    const DIRTY: &str = r#"(module (memory (export "memory") 1)
      (data (i32.const 8) "\07")
      (func (export "dirty") (param i64) (result i64) (local $a i32) (local $seen i64)
        (drop (memory.grow (i32.const 160)))
        (local.set $a (i32.wrap_i64 (local.get 0)))
        (local.set $seen (i64.add (i64.load (local.get $a)) (i64.load8_u (i32.const 8))))
        (i64.store (local.get $a) (i64.const 42))
        (i32.store8 (i32.const 8) (i32.const 99))
        (local.get $seen)))"#;
    let sb = sandbox(SandboxLimits::default());
    for addr in [64i64, 3 << 20, 9 << 20] {
        for _ in 0..3 {
            assert_eq!(run_i64(&sb, DIRTY, "dirty", &[Val::I64(addr)]), Outcome::Ok(7), "address {addr}");
        }
    }
}
