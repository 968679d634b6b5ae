//! synth's language: a statically typed subset of Python. This crate is the
//! pure core (no IO): source text in; AST, diagnostics, typed IR, values and
//! generated programs out.
//!
//! Pipeline: `lexer` → `parser` (AST) → `check` (typed IR) → `interp`
//! (the reference semantics). `printer` turns an AST back into source and
//! `generator` makes random well-typed programs for tests and training data.

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod generator;
pub mod interp;
pub mod lexer;
pub mod parser;
pub mod printer;
pub mod runfile;
pub mod smt;
pub mod sort;
pub mod span;
pub mod strings;
pub mod sygus;
pub mod tir;
pub mod types;
pub mod value;
pub mod wasm;

pub use diagnostic::{Diagnostic, render};
pub use interp::{ErrorKind, Interpreter, Limits, RunError, Stats};
pub use span::Span;
pub use types::Type;
pub use value::Value;

/// A source file after the front end: its AST, its typed program (as far as
/// it could be checked) and every diagnostic.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The parsed module.
    pub module: ast::Module,
    /// The checked program (complete only when there are no errors).
    pub program: tir::Program,
    /// Syntax and type diagnostics, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// Did the front end report any error?
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and type-checks a source file. Never fails: problems are diagnostics.
pub fn compile(src: &str) -> Compiled {
    let (module, mut diagnostics) = parser::parse_module(src);
    // Type errors in a file with syntax errors are mostly echoes of them.
    let (program, check_diags) = check::check_module(&module);
    if diagnostics.is_empty() {
        diagnostics.extend(check_diags);
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup();
    Compiled { module, program, diagnostics }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decorators_and_holes_are_kept() {
        let src = "@synthesize\ndef f(x: int) -> int:\n    ...\n\n@evolve\n@score\ndef g(x: int) -> int:\n    return x * ?? + ??\n";
        let c = compile(src);
        assert!(!c.has_errors(), "{}", render("t.py", src, &c.diagnostics));
        assert_eq!(c.program.functions[0].decorators, ["synthesize"]);
        assert!(c.program.functions[0].is_stub);
        assert_eq!(c.program.functions[1].decorators, ["evolve", "score"]);
        assert_eq!(c.program.n_holes, 2);
        // Filled holes run.
        let mut interp = Interpreter::new(&c.program, Limits::default()).expect("no constants");
        interp.set_holes(&[3, 4]);
        assert_eq!(interp.call(1, vec![Value::Int(5)]).map(|v| v.repr()), Ok("19".into()));
    }
}
