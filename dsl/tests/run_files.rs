//! Data-driven run tests: each file in `tests/run/` is a program whose
//! comment lines hold calls and expected results, as cranelift's filetests
//! (parsed by `synth_dsl::runfile`, shared with the Wasm backend's test):
//!
//! ```text
//! # run: f(1, 2) -> 3               value, compared by repr
//! # run: f(0) -> !ZeroDivisionError  runtime error by name
//! # run-synth: g() -> 0             synth only (a documented divergence)
//! ```
//!
//! Every `run:` line is checked twice: against synth's interpreter and
//! against CPython, so the expectations are Python's, not just ours.

mod common;

use common::{Case, Observed, cpython, synth};
use std::path::PathBuf;
use synth_dsl::runfile::{Expected, parse_run_directives};

struct Expectation {
    file: String,
    line: usize,
    call: String,
    expected: Observed,
    python_too: bool,
}

fn parse_expectations(file: &str, src: &str) -> Vec<Expectation> {
    parse_run_directives(src)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .into_iter()
        .map(|d| Expectation {
            file: file.to_string(),
            line: d.line,
            call: d.call,
            expected: match d.expected {
                Expected::Repr(r) => Observed::Ok(r),
                Expected::Error(e) => Observed::Err(e),
            },
            python_too: d.cpython_too,
        })
        .collect()
}

#[test]
fn run_files_match_expectations_in_synth_and_cpython() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/run");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/run")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected the run files in {}", dir.display());
    let mut failures = Vec::new();
    let mut python_cases = Vec::new();
    let mut python_expect = Vec::new();
    let mut n_checks = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).expect("read");
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let expectations = parse_expectations(&name, &src);
        assert!(!expectations.is_empty(), "{name} has no `# run:` lines");
        for ex in expectations {
            let got = synth(&src, &ex.call, synth_dsl::Limits::default()).observed;
            n_checks += 1;
            if got != ex.expected {
                failures.push(format!(
                    "{}:{}: synth: {} gave {:?}, expected {:?}",
                    ex.file, ex.line, ex.call, got, ex.expected
                ));
            }
            if ex.python_too {
                python_cases.push(Case { src: src.clone(), call: ex.call.clone() });
                python_expect.push(ex);
            }
        }
    }
    let py = cpython(&python_cases);
    for (ex, got) in python_expect.iter().zip(py) {
        if got != ex.expected {
            failures.push(format!(
                "{}:{}: CPython: {} gave {:?}, expected {:?}",
                ex.file, ex.line, ex.call, got, ex.expected
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {n_checks} expectations failed:\n{}", failures.len(), failures.join("\n"));
}
