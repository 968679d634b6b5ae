//! Hostile programs in the language, compiled to Wasm: each ends with the
//! right outcome (a budget stop or a Python error, never a crash or a hang)
//! well within its limit, and thousands of them in a row leave the host's
//! memory flat. (`sandbox.rs` covers hand-written hostile modules.)

use std::time::{Duration, Instant};
use synth_dsl::{ErrorKind, Limits, RunError, Value};
use synth_verifiers::WasmRunner;

const PROGRAMS: &str = r#"
def spin() -> int:
    while True:
        pass
    return 0

def recurse(n: int) -> int:
    return recurse(n + 1) + 1

def double_list() -> int:
    xs = [1]
    while True:
        xs = xs + xs
    return 0

def double_in_place() -> int:
    xs = [1]
    while True:
        xs += xs
    return 0

def double_str() -> int:
    s = "ab"
    while True:
        s = s + s
    return 0

def hundred_million() -> int:
    return len([0] * 10 ** 8)

def hundred_million_range() -> int:
    return len(list(range(10 ** 8)))

def huge_repeat() -> int:
    return len("ab" * 10 ** 9)

def absurd_repeat() -> int:
    return len("x" * 2 ** 62)

def long_range() -> int:
    total = 0
    for i in range(10 ** 15):
        total += i
    return total

def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def needle_search() -> int:
    # The runtime's substring search is quadratic here: 2 * 10^11 byte
    # comparisons inside one call.
    return ("a" * 20_000_000).find("a" * 10_000 + "b")

def append_forever() -> int:
    xs = []
    while True:
        xs.append("x" * 100)
    return 0
"#;

fn runner(call: &str, limits: Limits) -> WasmRunner {
    let compiled = synth_dsl::compile(PROGRAMS);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let (ast, _) = synth_dsl::parser::parse_expression(call);
    let (expr, diags) = synth_dsl::check::check_expression(&compiled.program, &ast);
    let expr = expr.unwrap_or_else(|| panic!("{diags:?}"));
    WasmRunner::new(&compiled.program, Some(&expr), limits).expect("compiles")
}

fn run(call: &str, limits: Limits) -> (Result<Value, RunError>, Duration) {
    let r = runner(call, limits);
    let start = Instant::now();
    let out = r.run_entry().expect("runs").result;
    (out, start.elapsed())
}

fn kind(r: &Result<Value, RunError>) -> Option<ErrorKind> {
    r.as_ref().err().map(|e| e.kind)
}

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let (out, t) = run("spin()", Limits { fuel: 1_000_000, ..Limits::default() });
    assert_eq!(kind(&out), Some(ErrorKind::OutOfFuel), "{out:?}");
    assert!(t < Duration::from_secs(2), "took {t:?}");
}

#[test]
fn an_infinite_loop_meets_its_deadline() {
    // Fuel enough for minutes; the wall-clock limit ends it.
    let r = runner("spin()", Limits { fuel: u64::MAX / 1000, ..Limits::default() })
        .with_time_limit(Duration::from_millis(200));
    let start = Instant::now();
    let out = r.run_entry().expect("runs").result;
    assert_eq!(kind(&out), Some(ErrorKind::OutOfFuel), "{out:?}");
    assert!(start.elapsed() < Duration::from_millis(400), "took {:?}", start.elapsed());
}

#[test]
fn every_kind_of_long_work_runs_out_of_fuel() {
    // A counted loop (charged per chunk of iterations), exponential
    // recursion without loops (charged at function entries) and loops
    // inside the C runtime (charged at their headers): each stops within
    // its step budget.
    for call in ["long_range()", "fib(60)", "needle_search()"] {
        let (out, t) = run(call, Limits { fuel: 1_000_000, ..Limits::default() });
        assert_eq!(kind(&out), Some(ErrorKind::OutOfFuel), "{call}: {out:?}");
        assert!(t < Duration::from_secs(2), "{call} took {t:?}");
    }
}

#[test]
fn every_kind_of_long_work_meets_its_deadline() {
    for call in ["long_range()", "fib(60)", "needle_search()"] {
        let r = runner(call, Limits { fuel: u64::MAX / 1000, ..Limits::default() })
            .with_time_limit(Duration::from_millis(100));
        let start = Instant::now();
        let out = r.run_entry().expect("runs").result;
        let t = start.elapsed();
        assert_eq!(kind(&out), Some(ErrorKind::OutOfFuel), "{call}: {out:?}");
        assert!(out.as_ref().is_err_and(|e| e.message.contains("time limit")), "{call}: {out:?}");
        assert!(t < Duration::from_millis(200), "{call} took {t:?}");
    }
}

#[test]
fn runaway_recursion_is_a_recursion_error() {
    let (out, _) = run("recurse(0)", Limits::default());
    assert_eq!(kind(&out), Some(ErrorKind::RecursionError), "{out:?}");
    // With the depth limit lifted, the Wasm stack limit ends it the same way.
    let (out, _) = run("recurse(0)", Limits { max_depth: 100_000_000, ..Limits::default() });
    assert_eq!(kind(&out), Some(ErrorKind::RecursionError), "{out:?}");
}

#[test]
fn growing_without_bound_runs_out_of_memory() {
    for call in [
        "double_list()",
        "double_in_place()",
        "double_str()",
        "hundred_million()",
        "hundred_million_range()",
        "huge_repeat()",
        "absurd_repeat()",
        "append_forever()",
    ] {
        let (out, t) = run(call, Limits { fuel: 1_000_000_000, ..Limits::default() });
        assert_eq!(kind(&out), Some(ErrorKind::OutOfMemory), "{call}: {out:?}");
        assert!(t < Duration::from_secs(5), "{call} took {t:?}");
    }
}

#[test]
fn deeply_nested_source_compiles_or_is_refused_cleanly() {
    // Legal depth: compiles and runs.
    let depth = 300;
    let src = format!("def f() -> int:\n    return {}1{}\n", "(1 + ".repeat(depth), ")".repeat(depth));
    let compiled = synth_dsl::compile(&src);
    assert!(!compiled.has_errors());
    let (fid, _) = compiled.program.function("f").expect("f");
    let r = WasmRunner::new(&compiled.program, None, Limits::default()).expect("compiles");
    assert_eq!(r.call(fid, &[]).expect("runs").result.map(|v| v.repr()), Ok((depth + 1).to_string()));
    // Past the nesting limit: a diagnostic, not a crash.
    let src = format!("def f() -> int:\n    return {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    assert!(synth_dsl::compile(&src).has_errors());
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

#[test]
fn ten_thousand_hostile_programs_leave_memory_flat() {
    let limits = Limits { fuel: 2_000, max_depth: 100, ..Limits::default() };
    let runners: Vec<WasmRunner> = ["spin()", "recurse(0)", "double_list()", "huge_repeat()", "append_forever()"]
        .iter()
        .map(|c| runner(c, limits).with_memory_limit(2 << 20))
        .collect();
    let go = |i: usize| {
        let out = runners[i % runners.len()].run_entry().expect("runs").result;
        assert!(out.is_err(), "run {i}: {out:?}");
    };
    for i in 0..1000 {
        go(i);
    }
    let before = rss_bytes();
    for i in 0..10_000 {
        go(i);
    }
    let after = rss_bytes();
    assert!(after < before + (32 << 20), "RSS grew from {before} to {after} bytes");
}
