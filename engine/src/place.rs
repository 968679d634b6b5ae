//! Placing a candidate: its body is spliced into the target's `def`, the
//! `def` is printed, and the printed text is parsed and checked alone
//! against the already-checked program (the other functions are not
//! checked again). What is tested is exactly what is printed: the function
//! the user gets is the one the verifier ran.

use crate::problem::{Problem, Target, shown};
use synth_dsl::ast::{self, Item, Stmt};
use synth_dsl::tir::{FuncId, Program};
use synth_dsl::{check, parser, printer};

/// A candidate put in place: the whole program, checked.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The program with the target's function replaced.
    pub program: Program,
    /// The target's `def`, printed (without `@synthesize`): what the user gets.
    pub def: String,
}

/// Why a candidate was not put in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// The body does not parse.
    Syntax,
    /// The function with the body does not type-check.
    Type,
}

/// Places candidate bodies for one target.
pub struct Placer<'p> {
    program: &'p Program,
    func: FuncId,
    /// The target's `def` as shown to the user; its body is replaced.
    shown: Option<ast::Function>,
    /// The target's decorators, kept on the checked function.
    decorators: Vec<String>,
}

impl<'p> Placer<'p> {
    /// A placer for `target` of `problem`.
    pub fn new(problem: &'p Problem, target: &Target) -> Placer<'p> {
        Placer {
            program: &problem.program,
            func: target.func,
            shown: problem.target_def(target).map(shown),
            decorators: problem.program.functions[target.func].decorators.clone(),
        }
    }

    /// Puts `body` in place of the target's body, or says why not.
    pub fn place(&self, body: &str) -> Result<Placed, Rejection> {
        let stmts = parse_body(body).ok_or(Rejection::Syntax)?;
        let mut f = self.shown.clone().ok_or(Rejection::Type)?;
        f.body = stmts;
        let def = printer::function(&f);
        // Parse what was printed: that is what gets checked and run.
        let (module, diagnostics) = parser::parse_module(&def);
        let printed = match module.items.into_iter().next() {
            Some(Item::Function(printed)) if diagnostics.is_empty() => printed,
            _ => {
                tracing::warn!(%def, "a printed candidate does not parse back");
                return Err(Rejection::Syntax);
            }
        };
        let (checked, diagnostics) = check::check_function(self.program, &printed);
        let mut checked = match checked {
            Some(c) if !diagnostics.iter().any(synth_dsl::Diagnostic::is_error) => c,
            _ => return Err(Rejection::Type),
        };
        checked.decorators.clone_from(&self.decorators);
        let mut program = self.program.clone();
        program.functions[self.func] = checked;
        Ok(Placed { program, def })
    }

    /// The target's own body, printed, when the program gives one (a seed).
    pub fn seed_body(problem: &Problem, target: &Target) -> Option<String> {
        if !target.has_seed {
            return None;
        }
        let f = problem.target_def(target)?;
        let mut body = String::new();
        for s in &f.body {
            printer::stmt(&mut body, s, 0);
        }
        Some(body)
    }
}

/// Parses a function body given as unindented lines.
fn parse_body(body: &str) -> Option<Vec<Stmt>> {
    let mut src = String::from("def __body():\n");
    for line in body.lines() {
        src.push_str("    ");
        src.push_str(line);
        src.push('\n');
    }
    let (module, diagnostics) = parser::parse_module(&src);
    if !diagnostics.is_empty() {
        return None;
    }
    match module.items.into_iter().next() {
        Some(Item::Function(f)) => Some(f.body),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const PROBLEM: &str = r#"
program = '''
K = 3

def helper(x: int) -> int:
    return x * K

@synthesize
def f(x: int, s: str) -> int:
    ...

def after(y: int) -> int:
    return f(y, "a") + 1
'''
[[tests]]
args = [1, "a"]
expect = 4
"#;

    #[test]
    fn a_placed_body_is_checked_against_the_rest_of_the_program() {
        let problem = Problem::parse(Path::new("p.toml"), PROBLEM).expect("loads");
        let placer = Placer::new(&problem, &problem.targets[0]);
        let placed = placer.place("return helper(x) + len(s)\n").expect("places");
        assert_eq!(placed.def, "def f(x: int, s: str) -> int:\n    return helper(x) + len(s)\n");
        // The placed program is the whole program, compiled afresh: the same.
        let whole = problem.source.replace("    ...\n", "    return helper(x) + len(s)\n");
        let compiled = synth_dsl::compile(&whole);
        assert!(!compiled.has_errors());
        let mut a = synth_dsl::Interpreter::new(&placed.program, synth_dsl::Limits::default()).expect("constants");
        let mut b = synth_dsl::Interpreter::new(&compiled.program, synth_dsl::Limits::default()).expect("constants");
        for y in [0, 5, -2] {
            let call = |i: &mut synth_dsl::Interpreter<'_>| i.call(2, vec![synth_dsl::Value::Int(y)]).map(|v| v.repr());
            assert_eq!(call(&mut a), call(&mut b));
        }
        assert_eq!(placed.program.functions[1].decorators, ["synthesize"]);
    }

    #[test]
    fn bad_bodies_are_rejected_by_kind() {
        let problem = Problem::parse(Path::new("p.toml"), PROBLEM).expect("loads");
        let placer = Placer::new(&problem, &problem.targets[0]);
        assert_eq!(placer.place("return (x +\n").unwrap_err(), Rejection::Syntax);
        assert_eq!(placer.place("return s\n").unwrap_err(), Rejection::Type, "str where int is declared");
        assert_eq!(placer.place("return nope(x)\n").unwrap_err(), Rejection::Type);
        assert_eq!(placer.place("y = x\n").unwrap_err(), Rejection::Type, "missing return");
        assert_eq!(placer.place("return x * ??\n").unwrap_err(), Rejection::Type, "no new holes");
        // Recursion resolves to the target itself.
        assert!(placer.place("return f(x - 1, s) if x > 0 else 0\n").is_ok());
    }
}
