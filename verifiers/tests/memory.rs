//! Memory follows the live data in the Wasm runtime (reference counting):
//! loops that make and drop temporaries run in a small, fixed memory cap
//! however long they run, and a value that really grows still ends with
//! OutOfMemory.

use synth_dsl::{ErrorKind, Limits, Value};
use synth_verifiers::WasmRunner;

const PROGRAM: &str = r#"
def churn(n: int) -> int:
    total = 0
    for i in range(n):
        s = str(i) + "-" + str(i * 2)
        t = (i, s, [i, i + 1])
        xs = [s, s + "x"]
        ys = [c for c in s if c != "-"]
        total += len(s) + len(t[2]) + len(xs[1]) + len(ys) + len(sorted(ys))
    return total

def keep(n: int) -> int:
    xs = []
    for i in range(n):
        xs.append(str(i) * 10)
    return len(xs)

def third_points(n: int) -> int:
    v = tuple([k % 3 for k in range(8)])
    w = tuple([(k * 2) % 3 for k in range(8)])
    s = 0
    for _ in range(n):
        t = tuple([(-(a + b)) % 3 for a, b in zip(v, w)])
        s += t[0]
    return s
"#;

fn runner(mib: usize) -> (WasmRunner, synth_dsl::tir::Program) {
    let compiled = synth_dsl::compile(PROGRAM);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let limits = Limits { fuel: u64::MAX / 1000, alloc: u64::MAX, max_depth: 100 };
    let r = WasmRunner::new(&compiled.program, None, limits).expect("compiles").with_memory_limit(mib << 20);
    (r, compiled.program)
}

fn call(mib: usize, func: &str, n: i64) -> Result<Value, synth_dsl::RunError> {
    let (r, program) = runner(mib);
    let (fid, _) = program.function(func).expect("function");
    r.call(fid, &[Value::Int(n)]).expect("runs").result
}

#[test]
fn temporaries_are_reclaimed_in_a_small_cap() {
    // A million iterations, each making about ten strings, lists and
    // tuples: hundreds of MiB without reclamation, under 2 MiB with it.
    let n = 1_000_000;
    let expect: i64 = (0..n)
        .map(|i: i64| {
            let s = format!("{i}-{}", i * 2);
            let digits = (s.len() - 1) as i64;
            s.len() as i64 + 2 + s.len() as i64 + 1 + 2 * digits
        })
        .sum();
    assert_eq!(call(2, "churn", n).expect("runs in 2 MiB"), Value::Int(expect));
    assert_eq!(call(2, "third_points", 1_000_000).expect("runs in 2 MiB"), Value::Int(0));
}

#[test]
fn live_data_past_the_cap_is_out_of_memory() {
    // 100,000 strings of 50-60 bytes kept alive: about 10 MiB of live data.
    assert_eq!(call(64, "keep", 100_000).expect("fits in 64 MiB"), Value::Int(100_000));
    let err = call(4, "keep", 100_000).expect_err("does not fit in 4 MiB");
    assert_eq!(err.kind, ErrorKind::OutOfMemory, "{err:?}");
    assert!(err.message.contains("in `keep`"), "{}", err.message);
}
