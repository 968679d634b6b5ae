//! End-to-end tests of the `synth` binary: what a user sees and the exit
//! codes scripts rely on (0 ok, 1 program error, 2 bad usage or file).

use std::path::PathBuf;
use std::process::{Command, Output};

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run synth")
}

fn temp_file(name: &str, src: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synth-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, src).expect("write");
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_accepts_the_examples() {
    let out = synth(&["check", "examples/text.py", "examples/numbers.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_reports_located_diagnostics_and_exits_1() {
    let out = synth(&["check", "examples/broken.py"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("examples/broken.py:5:9"), "{err}");
    assert!(err.contains("examples/broken.py:10:12"), "{err}");
    assert!(err.contains("missing return"), "{err}");
    assert!(err.contains("total += x / 2"), "the source line is shown: {err}");
}

#[test]
fn exec_prints_python_repr() {
    let out = synth(&["exec", "examples/text.py", "--call", "word_lengths(\"it's a\")"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "[(\"it's\", 4), ('a', 1)]\n");
    let out = synth(&["exec", "examples/numbers.py", "--call", "mean_and_spread([1e16, 0.5])"]);
    assert_eq!(text(&out.stdout), "(5000000000000000.0, 1e+16)\n");
}

#[test]
fn exec_runtime_error_names_the_exception_and_location() {
    let path = temp_file("err.py", "def f(xs: list[int]) -> int:\n    return xs[3]\n");
    let out = synth(&["exec", path.to_str().expect("utf-8 path"), "--call", "f([1])"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("IndexError: list index out of range ("), "{err}");
    assert!(err.trim_end().ends_with("err.py:2:12)"), "{err}");
}

#[test]
fn exec_error_inside_the_call_is_located_in_the_call() {
    let out = synth(&["exec", "examples/numbers.py", "--call", "fib(1 // 0)"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).trim_end(), "ZeroDivisionError: integer division or modulo by zero (<call>:1:5)");
}

#[test]
fn exec_budget_stop_is_reported() {
    let path = temp_file("loop.py", "def f() -> int:\n    n = 0\n    while True:\n        n += 1\n");
    let out = synth(&["exec", path.to_str().expect("utf-8 path"), "--call", "f()", "--fuel", "1000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("OutOfFuel: step budget of 1000 exhausted"), "{}", text(&out.stderr));
}

#[test]
fn exec_rejects_a_bad_call_with_a_diagnostic() {
    let out = synth(&["exec", "examples/numbers.py", "--call", "fib(\"x\")"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("<call>:1:5"), "{err}");
    assert!(err.contains("expected `int`"), "{err}");
    let out = synth(&["exec", "examples/numbers.py", "--call", "nope()"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("undefined function `nope`"));
}

#[test]
fn missing_file_and_bad_usage_exit_2() {
    let out = synth(&["check", "does/not/exist.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read does/not/exist.py"));
    let out = synth(&["exec", "examples/numbers.py"]);
    assert_eq!(out.status.code(), Some(2), "--call is required");
}

#[test]
fn exec_wasm_backend_matches_the_interpreter() {
    let path = temp_file(
        "scalar.py",
        "def collatz(n: int) -> int:\n    steps = 0\n    while n != 1:\n        n = n // 2 if n % 2 == 0 else 3 * n + 1\n        steps += 1\n    return steps\n\ndef spin() -> int:\n    while True:\n        pass\n\ndef down(n: int) -> int:\n    return 0 if n == 0 else 1 + down(n - 1)\n",
    );
    let file = path.to_str().expect("utf-8 path");
    for call in ["collatz(27)", "down(500)", "down(5000)", "collatz(1 // 0)"] {
        let a = synth(&["exec", file, "--call", call]);
        let b = synth(&["exec", file, "--call", call, "--backend", "wasm"]);
        assert_eq!(
            (a.status.code(), text(&a.stdout), text(&a.stderr)),
            (b.status.code(), text(&b.stdout), text(&b.stderr)),
            "{call}"
        );
    }
    // A hostile loop ends with a budget stop on the Wasm backend too.
    let out = synth(&["exec", file, "--call", "spin()", "--backend", "wasm", "--fuel", "10000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("OutOfFuel: step budget of 10000 exhausted"), "{}", text(&out.stderr));
}

#[test]
fn exec_backends_agree_on_the_examples() {
    // Wasm is the default backend; the interpreter must print the same.
    let calls = [
        ("examples/text.py", "initials(\"Ada Lovelace\")"),
        ("examples/text.py", "normalize_phone(\"(555) 123-4567\")"),
        ("examples/text.py", "file_extension(\"archive.tar.gz\")"),
        ("examples/text.py", "caesar(\"Hello, World!\", 3)"),
        ("examples/text.py", "word_lengths(\"the quick  brown fox\")"),
        ("examples/text.py", "initials(\"\")"),
        ("examples/numbers.py", "fib(50)"),
        ("examples/numbers.py", "primes_below(60)"),
        ("examples/numbers.py", "running_max([3, 1, 4, 1, 5, 9, 2, 6])"),
        ("examples/numbers.py", "mean_and_spread([1.5, 2.25, -3.0])"),
        ("examples/numbers.py", "popcount(-1)"),
        ("examples/numbers.py", "second_largest([7])"),
    ];
    for (file, call) in calls {
        let a = synth(&["exec", file, "--call", call]);
        let b = synth(&["exec", file, "--call", call, "--backend", "interp"]);
        assert_eq!(
            (a.status.code(), text(&a.stdout), text(&a.stderr)),
            (b.status.code(), text(&b.stdout), text(&b.stderr)),
            "{call}"
        );
        assert!(!text(&a.stdout).is_empty() || !text(&a.stderr).is_empty(), "{call} printed nothing");
    }
}

/// The natural cap-set program (benches/capset/natural.py with FunSearch's
/// priority function), in one file as a user would have it.
fn natural_capset() -> PathBuf {
    let read = |p: &str| std::fs::read_to_string(p).expect("bench source");
    let src = read("benches/capset/priority_funsearch_n8.py") + "\n" + &read("benches/capset/natural.py");
    temp_file("capset.py", &src)
}

#[test]
fn exec_runs_the_natural_cap_set_with_default_flags_on_both_backends() {
    // No step budget by default, and memory is reclaimed: every pair of
    // chosen vectors makes and drops a list and a tuple.
    let path = natural_capset();
    for backend in ["wasm", "interp"] {
        let out = synth(&["exec", path.to_str().expect("utf-8 path"), "--call", "solve(8)", "--backend", backend]);
        assert_eq!(out.status.code(), Some(0), "{backend}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "512\n", "{backend}");
    }
}

#[test]
fn exec_budget_stops_name_the_function_and_line_on_both_backends() {
    let path = natural_capset();
    let p = path.to_str().expect("utf-8 path");
    let defs: Vec<usize> = std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("def all_vectors"))
        .map(|(i, _)| i + 1)
        .collect();
    for backend in ["wasm", "interp"] {
        let out = synth(&["exec", p, "--call", "solve(8)", "--fuel", "1000", "--backend", backend]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.starts_with("OutOfFuel: step budget of 1000 exhausted in `all_vectors` ("), "{backend}: {err}");
        // The Wasm backend names the function's `def` line, the interpreter the expression's.
        let line: usize = err.rsplit(':').nth(1).and_then(|l| l.parse().ok()).expect("a line number");
        assert!(line >= defs[0] && line <= defs[0] + 4, "{backend}: {err}");
    }
    let spin = temp_file("spin.py", "def f() -> int:\n    while True:\n        pass\n    return 0\n");
    let grow = temp_file("grow.py", "def f() -> list[int]:\n    xs = [1]\n    while True:\n        xs = xs + xs\n");
    for backend in ["wasm", "interp"] {
        let out =
            synth(&["exec", spin.to_str().expect("path"), "--call", "f()", "--timeout", "0.3", "--backend", backend]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.starts_with("OutOfFuel: time limit") && err.contains("exceeded in `f` ("), "{backend}: {err}");
        let out =
            synth(&["exec", grow.to_str().expect("path"), "--call", "f()", "--memory-mib", "16", "--backend", backend]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.starts_with("OutOfMemory: memory cap of 16777216 bytes exceeded in `f` ("), "{backend}: {err}");
    }
}

#[test]
fn exec_compiles_comprehensions_in_the_call_on_both_backends() {
    for backend in ["wasm", "interp"] {
        let call = "[(i, c) for i, c in enumerate(\"abc\") if c != \"b\"]";
        let out = synth(&["exec", "examples/numbers.py", "--call", call, "--backend", backend]);
        assert_eq!(out.status.code(), Some(0), "{backend}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "[(0, 'a'), (2, 'c')]\n", "{backend}");
    }
}

#[test]
fn check_locates_the_first_byte_that_is_not_utf8() {
    let dir = std::env::temp_dir().join(format!("synth-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("latin1.py");
    std::fs::write(&path, b"def f() -> int:\n    return 1\n# caf\xe9\n").expect("write");
    let out = synth(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("not valid UTF-8: byte 0xe9"), "{err}");
    assert!(err.contains("latin1.py:3:6"), "{err}");
}

#[test]
fn exec_ctrl_c_stops_cleanly_on_both_backends() {
    let spin = temp_file("spin-int.py", "def f() -> int:\n    n = 0\n    while True:\n        n += 1\n    return n\n");
    for backend in ["wasm", "interp"] {
        let child = Command::new(env!("CARGO_BIN_EXE_synth"))
            .args(["exec", spin.to_str().expect("path"), "--call", "f()", "--backend", backend])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn synth");
        std::thread::sleep(std::time::Duration::from_millis(700));
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
        assert!(status.success());
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(130), "{backend}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.starts_with("KeyboardInterrupt: interrupted (Ctrl-C)"), "{backend}: {err}");
    }
}

#[test]
fn exec_keeps_compiled_functions_on_disk_and_survives_a_damaged_cache() {
    let dir = std::env::temp_dir().join(format!("synth-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_synth"))
            .args(["exec", "examples/text.py", "--call", "word_lengths(\"it's a\")"])
            .env("SYNTH_CACHE_DIR", &dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run synth")
    };
    let first = run();
    assert_eq!(text(&first.stdout), "[(\"it's\", 4), ('a', 1)]\n", "{}", text(&first.stderr));
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("cranelift-wasmtime-48.0.8"))
        .expect("the cache folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(!files.is_empty(), "compiled functions are kept");
    assert_eq!(text(&run().stdout), text(&first.stdout), "from the cache");
    // Damaged files (flipped code bytes, cut short) are misses, not crashes.
    for (i, f) in files.iter().enumerate() {
        let mut bytes = std::fs::read(f).expect("read");
        if i % 2 == 0 {
            let last = bytes.len() - 1;
            bytes[last] ^= 0xff;
        } else {
            bytes.truncate(bytes.len() / 2);
        }
        std::fs::write(f, bytes).expect("write");
    }
    let again = run();
    assert_eq!(text(&again.stdout), text(&first.stdout), "{}", text(&again.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
