//! The language's run files (`dsl/tests/run/*.py`, whose `# run:` lines
//! the dsl tests check against the interpreter and CPython; one parser,
//! `synth_dsl::runfile`, serves both) run through the
//! Wasm backend: every expectation must hold there too, so the three agree.

use std::path::PathBuf;
use synth_dsl::Limits;
use synth_dsl::runfile::{Expected, parse_run_directives};
use synth_verifiers::{Backend, eval};

#[test]
fn run_files_hold_on_the_wasm_backend() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dsl/tests/run");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dsl/tests/run")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut n = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).expect("read");
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let compiled = synth_dsl::compile(&src);
        assert!(!compiled.has_errors(), "{name} does not check");
        for d in parse_run_directives(&src).unwrap_or_else(|e| panic!("{name}: {e}")) {
            let (line, call) = (d.line, d.call);
            let expected = match d.expected {
                Expected::Repr(r) => r,
                Expected::Error(e) => format!("!{e}"),
            };
            let (ast, diags) = synth_dsl::parser::parse_expression(&call);
            assert!(diags.is_empty(), "{name}:{line}: bad call");
            let (expr, diags) = synth_dsl::check::check_expression(&compiled.program, &ast);
            let expr = expr.unwrap_or_else(|| panic!("{name}:{line}: {diags:?}"));
            let out = eval(&compiled.program, &expr, Limits::default(), Backend::Wasm)
                .unwrap_or_else(|e| panic!("{name}:{line}: {call}: {e}"));
            let got = match out.result {
                Ok(v) => v.repr(),
                Err(e) => format!("!{}", e.kind.name()),
            };
            n += 1;
            if got != expected {
                failures.push(format!("{name}:{line}: {call} gave {got}, expected {expected}"));
            }
        }
    }
    assert!(n >= 100, "only {n} expectations found");
    assert!(failures.is_empty(), "{} of {n} failed:\n{}", failures.len(), failures.join("\n"));
}
