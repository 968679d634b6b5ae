//! SyGuS-IF problems (`.sl` files) as synth problems, and their solutions
//! back in SyGuS form. Loading reads and sort-checks the file, translates
//! it into the language (`synth_dsl::sygus`) and builds a [`Problem`]
//! whose targets carry their grammars for the enumerator. A solution comes
//! back as an SMT-LIB `define-fun` and is checked by Z3 against the file's
//! own constraints, printed from the parsed file in SMT-LIB (not from the
//! translation), so a mistake of the translation cannot pass unnoticed.

use crate::problem::{Problem, ProblemError, located};
use crate::search::Report;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use synth_dsl::Value;
use synth_dsl::smt::sexp::Sexp;
use synth_dsl::sygus::{self, Lit, Sygus, Translation, term::Sort};
use synth_dsl::value::Frozen;
use synth_verifiers::smt::{Answer, check};

/// A loaded SyGuS problem.
pub struct SygusProblem {
    /// The problem synth searches.
    pub problem: Problem,
    /// The parsed file.
    pub file: Sygus,
    /// Its translation.
    pub translation: Translation,
}

/// A solved function in both forms.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Solution {
    /// The function's SMT-LIB name.
    pub name: String,
    /// `(define-fun ...)`.
    pub smt: String,
    /// The function in synth's language.
    pub py: String,
}

/// What Z3 says of the solutions against the file's constraints.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict", content = "detail")]
pub enum Check {
    /// Every constraint holds for every value of the variables.
    Valid,
    /// A constraint fails at these values of the variables.
    Invalid(String),
    /// Z3 could not decide (the reason).
    Unknown(String),
}

/// Is `path` a SyGuS file (by its extension)?
pub fn is_sygus(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "sl")
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_lit(l: &Lit) -> String {
    match l {
        Lit::Int(n) => n.to_string(),
        Lit::Bool(b) => b.to_string(),
        Lit::Str(s) => toml_str(s),
    }
}

impl SygusProblem {
    /// Reads, checks and translates a SyGuS file.
    pub fn load(path: &Path) -> Result<SygusProblem, ProblemError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProblemError::Io { path: path.into(), source })?;
        SygusProblem::parse(path, &text)
    }

    /// Checks and translates SyGuS text; `path` names it in messages.
    pub fn parse(path: &Path, text: &str) -> Result<SygusProblem, ProblemError> {
        let name = path.display().to_string();
        let fail = |e: sygus::SygusError| {
            located(&name, text, offset(text, e.pos)..offset(text, e.pos) + 1, e.message, &e.label)
        };
        let file = sygus::parse(text).map_err(fail)?;
        let translation = sygus::translate(&file).map_err(fail)?;
        let stem = path.file_stem().map_or("sygus".into(), |s| s.to_string_lossy().into_owned());
        let mut toml = format!(
            "name = {}\ndescription = {}\nprogram = {}\n\n[search]\nproposer = \"enumerate\"\nmax_size = 24\n\n",
            toml_str(&stem),
            toml_str(&format!(
                "SyGuS-IF problem ({}) from {}",
                if file.logic.is_empty() { "no logic" } else { &file.logic },
                name
            )),
            toml_str(&translation.program)
        );
        for t in &translation.targets {
            for (args, expect) in &t.tests {
                let args: Vec<String> = args.iter().map(toml_lit).collect();
                toml.push_str(&format!(
                    "[[tests]]\nfunction = {}\nargs = [{}]\nexpect = {}\n\n",
                    toml_str(&t.py_name),
                    args.join(", "),
                    toml_lit(expect)
                ));
            }
        }
        for t in &translation.targets {
            if let Some(ensures) = &t.ensures {
                toml.push_str(&format!("[spec.{}]\nensures = {}\ntimeout_ms = 10000\n", t.py_name, toml_str(ensures)));
                if let Some(r) = &t.requires {
                    toml.push_str(&format!("requires = {}\n", toml_str(r)));
                }
                toml.push('\n');
            }
        }
        let mut problem = Problem::parse(path, &toml).map_err(|e| ProblemError::Invalid {
            rendered: format!("{name}: bug in synth: the translation of this SyGuS file does not load:\n{e}"),
        })?;
        for target in &mut problem.targets {
            if let Some(t) = translation.targets.iter().find(|t| t.py_name == target.name) {
                target.grammar = Some(Arc::new(t.grammar.clone()));
            }
        }
        Ok(SygusProblem { problem, file, translation })
    }

    /// The solutions of a solved search, in SMT-LIB and in the language.
    pub fn solutions(&self, report: &Report) -> Result<Vec<Solution>, String> {
        let mut out = Vec::new();
        for t in &self.translation.targets {
            let Some(tr) = report.targets.iter().find(|r| r.name == t.py_name) else { continue };
            let Some(py) = &tr.program else { continue };
            let (module, diags) = synth_dsl::parser::parse_module(py);
            if let Some(d) = diags.first() {
                return Err(format!("cannot read the program found for `{}`: {}", t.name, d.message));
            }
            let body = module.items.iter().find_map(|it| match it {
                synth_dsl::ast::Item::Function(f) if f.name.name == t.py_name => Some(&f.body),
                _ => None,
            });
            let expr = match body.map(Vec::as_slice) {
                Some([synth_dsl::ast::Stmt::Return { value: Some(e), .. }]) => e,
                _ => {
                    return Err(format!(
                        "the program found for `{}` is not one expression, so it has no SMT-LIB form",
                        t.name
                    ));
                }
            };
            let term = sygus::back::to_smt(&synth_dsl::printer::expr(expr), t.ret, &self.translation.table)?;
            let params: Vec<String> = t
                .smt_params
                .iter()
                .zip(&t.params)
                .map(|(n, (_, s))| format!("({} {s})", sygus::term::symbol(n)))
                .collect();
            let smt = format!("(define-fun {} ({}) {} {term})", sygus::term::symbol(&t.name), params.join(" "), t.ret);
            out.push(Solution { name: t.name.clone(), smt, py: py.clone() });
        }
        Ok(out)
    }

    /// Adds the counterexample `values` (of the file's variables) as an input
    /// where each target's spec must hold; false when no target takes it.
    pub fn add_counterexample(&mut self, values: &[(String, Sexp)]) -> bool {
        let mut added = false;
        for t in &self.translation.targets {
            let Some(vars) = &t.arg_vars else { continue };
            let args: Option<Vec<Frozen>> = vars
                .iter()
                .zip(&t.params)
                .map(|(v, (_, sort))| {
                    let e = &values.iter().find(|(n, _)| *n == sygus::term::symbol(v))?.1;
                    decode(e, *sort).map(|v| v.freeze())
                })
                .collect();
            let Some(args) = args else { continue };
            if let Some(target) = self.problem.targets.iter_mut().find(|g| g.name == t.py_name)
                && target.spec.is_some()
                && !target.spec_cases.iter().any(|c| c.iter().map(Frozen::repr).eq(args.iter().map(Frozen::repr)))
            {
                target.spec_cases.push(args);
                added = true;
            }
        }
        added
    }

    /// Checks the solutions against the file's constraints with Z3, in the
    /// file's logic (all of SMT-LIB when Z3 does not take that logic); a
    /// counterexample comes with the variables' values.
    pub fn check(&self, solutions: &[Solution], timeout: Duration) -> Result<(Check, Vec<(String, Sexp)>), String> {
        // Definitions that call a solved function come after the solutions.
        let mut body = String::new();
        let define = |d: &sygus::DefineFun| {
            let params: Vec<String> =
                d.params.iter().map(|p| format!("({} {})", sygus::term::symbol(&p.name), p.sort)).collect();
            format!("(define-fun {} ({}) {} {})\n", sygus::term::symbol(&d.name), params.join(" "), d.ret, d.body)
        };
        let (after, before): (Vec<_>, Vec<_>) =
            self.file.defines.iter().partition(|d| sygus::calls_synth(&self.file, &d.name));
        for d in before {
            body.push_str(&define(d));
        }
        for s in solutions {
            body.push_str(&s.smt);
            body.push('\n');
        }
        for d in after {
            body.push_str(&define(d));
        }
        let mut wanted = Vec::new();
        for v in &self.file.vars {
            body.push_str(&format!("(declare-const {} {})\n", sygus::term::symbol(&v.name), v.sort));
            wanted.push(sygus::term::symbol(&v.name));
        }
        let all = |ts: &[(sygus::term::Term, synth_dsl::smt::sexp::Pos)]| match ts {
            [] => "true".to_string(),
            [(t, _)] => t.to_string(),
            _ => format!("(and {})", ts.iter().map(|(t, _)| t.to_string()).collect::<Vec<_>>().join(" ")),
        };
        body.push_str(&format!("(assert (not (=> {} {})))\n", all(&self.file.assumes), all(&self.file.constraints)));
        let logic = match self.file.logic.as_str() {
            "LIA" | "CLIA" => "QF_LIA",
            "NIA" => "QF_NIA",
            "BV" => "QF_BV",
            "SLIA" | "S" => "QF_SLIA",
            "" | "ALL" => "ALL",
            other => other,
        };
        let answer = match check(&format!("(set-logic {logic})\n{body}"), timeout, &wanted) {
            Ok(a) => a,
            Err(_) => check(&body, timeout, &wanted).map_err(|e| e.to_string())?,
        };
        Ok(match answer {
            Answer::Unsat => (Check::Valid, Vec::new()),
            Answer::Sat(values) => {
                let found: Vec<(String, Sexp)> =
                    wanted.iter().filter_map(|w| values.get(w).map(|v| (w.clone(), v.clone()))).collect();
                let mut parts: Vec<String> = found.iter().map(|(w, v)| format!("{w} = {v}")).collect();
                parts.sort();
                (Check::Invalid(parts.join(", ")), found)
            }
            Answer::Unknown(r) => (Check::Unknown(r), Vec::new()),
        })
    }
}

/// A Z3 value of a sort, as the language represents it.
fn decode(e: &Sexp, sort: Sort) -> Option<Value> {
    match (sort, e) {
        (Sort::Bv(w), _) => {
            let (v, width) = synth_dsl::smt::sexp::read_bv(e)?;
            (width == w).then(|| Value::Int(sygus::py::bv_value(v, w)))
        }
        (Sort::Int, Sexp::Num(n, _)) => n.parse().ok().map(Value::Int),
        (Sort::Int, Sexp::List(xs, _)) => match xs.as_slice() {
            [m, Sexp::Num(n, _)] if m.atom() == Some("-") => n.parse::<i64>().ok().map(|n| Value::Int(-n)),
            _ => None,
        },
        (Sort::Bool, Sexp::Atom(a, _)) => Some(Value::Bool(a == "true")),
        (Sort::Str, Sexp::Str(s, _)) => Some(Value::str(s.clone())),
        _ => None,
    }
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(text: &str, pos: synth_dsl::smt::sexp::Pos) -> usize {
    let mut line = 1;
    let mut col = 1;
    for (i, c) in text.char_indices() {
        if line == pos.line && col == pos.col {
            return i;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    text.len().saturating_sub(1)
}
