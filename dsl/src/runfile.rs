//! The `# run:` directives of run files (`dsl/tests/run/*.py`), parsed in
//! one place for every backend (as cranelift's filetests): the interpreter
//! and CPython tests, the Wasm backend's, and any later backend's, each add
//! a runner, not a parser.
//!
//! ```text
//! # run: f(1, 2) -> 3               value, compared by repr
//! # run: f(0) -> !ZeroDivisionError  runtime error by name
//! # run-synth: g() -> 0             synth only (a documented divergence)
//! ```

/// What a call must give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A value, as its `repr`.
    Repr(String),
    /// A runtime error, by its Python name.
    Error(String),
}

/// One `# run:` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunDirective {
    /// Its line (1-based).
    pub line: usize,
    /// The call, as source.
    pub call: String,
    /// What it must give.
    pub expected: Expected,
    /// Does CPython give the same (`run:`), or is it synth only (`run-synth:`)?
    pub cpython_too: bool,
}

/// The directives of a run file; the error names the line of a malformed one.
pub fn parse_run_directives(src: &str) -> Result<Vec<RunDirective>, String> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let (rest, cpython_too) = if let Some(r) = line.strip_prefix("# run:") {
            (r, true)
        } else if let Some(r) = line.strip_prefix("# run-synth:") {
            (r, false)
        } else {
            continue;
        };
        let (call, expected) =
            rest.rsplit_once(" -> ").ok_or_else(|| format!("line {}: expected `CALL -> RESULT`", i + 1))?;
        let expected = expected.trim();
        let expected = match expected.strip_prefix('!') {
            Some(name) => Expected::Error(name.to_string()),
            None => Expected::Repr(expected.to_string()),
        };
        out.push(RunDirective { line: i + 1, call: call.trim().to_string(), expected, cpython_too });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse_with_their_lines() {
        let src = "def f() -> int:\n    return 1\n# run: f() -> 1\n# run-synth: g(1 -> 2) -> !ValueError\n";
        let d = parse_run_directives(src).expect("parses");
        assert_eq!(
            d[0],
            RunDirective { line: 3, call: "f()".into(), expected: Expected::Repr("1".into()), cpython_too: true }
        );
        assert_eq!(
            (d[1].call.as_str(), &d[1].expected, d[1].cpython_too),
            ("g(1 -> 2)", &Expected::Error("ValueError".into()), false)
        );
        assert!(parse_run_directives("# run: f()\n").unwrap_err().contains("line 1"));
    }
}
