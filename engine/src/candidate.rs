//! Candidates: a proposed body for a synthesis target, and the program it
//! makes when put in place of the target's `...`. Every proposer's output
//! goes through here, so the engine tests exactly what it prints.

use crate::problem::{Problem, Target};
use synth_dsl::ast::{Item, Module, Stmt};
use synth_dsl::tir::Program;
use synth_dsl::{parser, printer};

/// A proposed implementation of one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The function's body, as source lines without indentation of the
    /// `def` (e.g. `return s[:s.find(" ")]`).
    pub body: String,
    /// The proposer that made it (`enumerate`, `seed`, `model`, ...).
    pub proposer: &'static str,
    /// A language model's log-probability of the completion it came from.
    pub logprob: Option<f32>,
}

/// A candidate put in place: the whole program, checked.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The program with the target's body replaced.
    pub program: Program,
    /// The target's `def`, printed (without `@synthesize`): what the user gets.
    pub def: String,
}

/// Why a candidate was not put in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The body does not parse.
    Syntax,
    /// The program with the body does not type-check.
    Type,
}

impl Candidate {
    /// Puts the candidate in place of `target`'s body; `None` when the body
    /// does not parse or the program does not type-check.
    pub fn place(&self, problem: &Problem, target: &Target) -> Option<Placed> {
        self.check(problem, target).ok()
    }

    /// Puts the candidate in place of `target`'s body, or says why not.
    pub fn check(&self, problem: &Problem, target: &Target) -> Result<Placed, Rejection> {
        let body = parse_body(&self.body).ok_or(Rejection::Syntax)?;
        let mut module: Module = problem.module.clone();
        let mut def = None;
        for item in &mut module.items {
            if let Item::Function(f) = item
                && f.name.name == target.name
            {
                f.body = body.clone();
                let mut shown = f.clone();
                shown.decorators.retain(|d| d.name.name != "synthesize");
                def = Some(printer::function(&shown));
            }
        }
        let compiled = synth_dsl::compile(&printer::module(&module));
        if compiled.has_errors() {
            return Err(Rejection::Type);
        }
        Ok(Placed { program: compiled.program, def: def.ok_or(Rejection::Type)? })
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
