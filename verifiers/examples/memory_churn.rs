//! Memory of allocation-heavy loops on the Wasm backend (BENCHMARKS.md,
//! issue 15): `cargo run --release -p synth-verifiers --example memory_churn -- [N]`
//! runs loops that make and drop N temporary strings, tuples and lists
//! (and one that keeps what it makes, for scale) and prints, per loop, the
//! peak linear memory, the bytes live at the end and the time, as JSON lines.

use std::time::Instant;
use synth_dsl::Limits;
use synth_verifiers::WasmRunner;

const PROGRAM: &str = r#"
def strings(n: int) -> int:
    total = 0
    for i in range(n):
        s = str(i) + "-"
        total += len(s)
    return total

def tuples(n: int) -> int:
    total = 0
    for i in range(n):
        t = (i, i + 1, i + 2)
        total += t[1]
    return total

def lists(n: int) -> int:
    total = 0
    for i in range(n):
        xs = [i, i + 1, i + 2, i + 3]
        total += len(xs)
    return total

def mixed(n: int) -> int:
    total = 0
    for i in range(n // 3):
        t = tuple([(-(a + b)) % 3 for a, b in zip((i % 3, 1, 2, 0), (2, i % 3, 1, 0))])
        total += t[0] + len(str(i) + "x")
    return total

def kept(n: int) -> int:
    xs = []
    for i in range(n):
        xs.append((i, i))
    return len(xs)
"#;

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000_000);
    let compiled = synth_dsl::compile(PROGRAM);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let limits = Limits { fuel: u64::MAX / 1000, alloc: u64::MAX, max_depth: 100 };
    for (f, count) in [("strings", n), ("tuples", n), ("lists", n), ("mixed", n), ("kept", n / 10)] {
        let call = format!("{f}({count})");
        let (ast, _) = synth_dsl::parser::parse_expression(&call);
        let (Some(expr), _) = synth_dsl::check::check_expression(&compiled.program, &ast) else {
            panic!("{call} does not check")
        };
        let runner = WasmRunner::new(&compiled.program, Some(&expr), limits)
            .expect("compiles")
            .with_time_limit(std::time::Duration::from_secs(600));
        let start = Instant::now();
        let m = runner.entry_memory().expect("runs");
        let secs = start.elapsed().as_secs_f64();
        match m {
            Some((peak, live)) => println!(
                "{{\"loop\": \"{f}\", \"n\": {count}, \"peak_linear_memory_bytes\": {peak}, \"live_bytes_at_end\": {live}, \"seconds\": {secs:.3}}}"
            ),
            None => println!("{{\"loop\": \"{f}\", \"n\": {count}, \"error\": \"did not finish (memory cap?)\"}}"),
        }
    }
}
