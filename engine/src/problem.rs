//! Problem files: TOML that names the functions to synthesize (in the
//! language, `@synthesize`-decorated), their tests and the search budget.
//! Loading checks everything up front — the TOML, the program, every test
//! value against its parameter's type — and reports the first problem as one
//! diagnostic with the file, line and column. The format is documented in
//! `docs/problem-files.md`.

use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use synth_dsl::tir::{FuncId, Program};
use synth_dsl::value::Frozen;
use synth_dsl::{Diagnostic, Span, Type, Value, ast, render};
use synth_verifiers::verify::CaseOrigin;
use synth_verifiers::{Goal, TestCase};

use crate::propose::{ProposerName, parse_proposers};
use toml::Spanned;

/// A problem file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProblemError {
    /// The file (or its `program_file`) could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is malformed; `rendered` holds the diagnostic with its source snippet.
    #[error("{rendered}")]
    Invalid {
        /// The diagnostic, rendered with `file:line:col` and the source line.
        rendered: String,
    },
}

/// Search settings from `[search]`; the CLI may override them.
#[derive(Clone, Debug)]
pub struct SearchSettings {
    /// Wall-clock budget in seconds (60 by default).
    pub seconds: f64,
    /// Candidate budget: programs evaluated (1,000,000 by default).
    pub candidates: u64,
    /// Seed of every random choice (0 by default; the enumerator is deterministic).
    pub seed: u64,
    /// Largest expression the enumerator builds, in AST nodes (14 by default).
    pub max_size: u32,
    /// Extra constants for the enumerator (ints, floats, strings, bools);
    /// none by default.
    pub constants: Vec<Value>,
    /// Which proposers run, in order of priority (`proposer = "enumerate,model"`,
    /// `["enumerate", "model"]` or `"all"`); unset: every proposer that is
    /// available (see [`crate::propose::default_proposers`]).
    pub proposer: Option<Vec<ProposerName>>,
}

/// The language model settings of `[model]`.
#[derive(Clone, Debug, Default)]
pub struct ModelSettings {
    /// The model directory (relative paths are relative to the problem file).
    pub path: Option<PathBuf>,
    /// Sampling settings (samples, temperature, top_k, top_p, max_new_tokens).
    pub sampling: crate::model::SamplingSettings,
}

impl Default for SearchSettings {
    fn default() -> SearchSettings {
        SearchSettings {
            seconds: 60.0,
            candidates: 1_000_000,
            seed: 0,
            max_size: 14,
            constants: Vec::new(),
            proposer: None,
        }
    }
}

/// One test: a call of a target with arguments and the value it must return.
#[derive(Clone, Debug)]
pub struct Test {
    /// The target it calls.
    pub function: FuncId,
    /// The call and its expected value, converted once at load time by the
    /// target's parameter and return types (`Send`: tests cross threads).
    pub case: TestCase,
    /// Held out: never shown to a proposer, reported as generalisation.
    pub hidden: bool,
    /// The line of its `[[tests]]` header, for messages.
    pub line: usize,
}

/// A synthesis target: a `@synthesize` function.
#[derive(Clone, Debug)]
pub struct Target {
    /// Its index in the program.
    pub func: FuncId,
    /// Its name.
    pub name: String,
    /// Parameter types.
    pub params: Vec<Type>,
    /// Return type.
    pub ret: Type,
    /// Does it come with a seed implementation (a body other than `...`)?
    pub has_seed: bool,
    /// Its `[spec]`, checked by Z3 (`synth verify`, counterexample-guided search).
    pub spec: Option<crate::spec::Spec>,
    /// The productions the enumerator is limited to (a SyGuS grammar).
    pub grammar: Option<std::sync::Arc<synth_dsl::sygus::EnumGrammar>>,
    /// Inputs where the spec must hold, known before the search (a SyGuS
    /// solution's counterexample from the independent check).
    pub spec_cases: Vec<Vec<Frozen>>,
}

/// A loaded, checked problem.
#[derive(Clone, Debug)]
pub struct Problem {
    /// `name`, or the file's stem.
    pub name: String,
    /// The natural-language description (used in prompts).
    pub description: String,
    /// The problem file.
    pub path: PathBuf,
    /// The program's source text.
    pub source: String,
    /// The parsed program.
    pub module: ast::Module,
    /// The checked program (targets may be stubs).
    pub program: Program,
    /// The `@synthesize` functions, in source order.
    pub targets: Vec<Target>,
    /// Visible and hidden tests, in file order.
    pub tests: Vec<Test>,
    /// The search budget and settings.
    pub search: SearchSettings,
    /// Which proposers are expected to solve it (`solvable_by`), e.g. `["enumerate"]`.
    pub solvable_by: Vec<String>,
    /// `[model]`: the language model and how to sample it.
    pub model: ModelSettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProblem {
    name: Option<String>,
    description: Option<String>,
    program: Option<Spanned<String>>,
    program_file: Option<Spanned<String>>,
    #[serde(default)]
    tests: Vec<Spanned<RawTest>>,
    search: Option<Spanned<RawSearch>>,
    #[serde(default)]
    solvable_by: Vec<String>,
    model: Option<RawModel>,
    /// Read by `crate::spec` (which needs each field's place).
    #[allow(dead_code)]
    spec: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[serde(alias = "dir", alias = "model")]
    path: Option<String>,
    proposer: Option<Spanned<toml::Value>>,
    samples: Option<Spanned<usize>>,
    temperature: Option<Spanned<f32>>,
    top_k: Option<usize>,
    top_p: Option<Spanned<f32>>,
    max_new_tokens: Option<Spanned<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    function: Option<Spanned<String>>,
    args: Spanned<Vec<Spanned<toml::Value>>>,
    expect: Option<Spanned<toml::Value>>,
    #[serde(default)]
    hidden: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    seconds: Option<Spanned<f64>>,
    candidates: Option<u64>,
    seed: Option<u64>,
    max_size: Option<u32>,
    #[serde(default)]
    constants: Vec<Spanned<toml::Value>>,
    proposer: Option<Spanned<toml::Value>>,
}

impl Test {
    /// The arguments as values.
    pub fn args(&self) -> Vec<Value> {
        self.case.arg_values()
    }

    /// The expected result as a value.
    pub fn expect(&self) -> Value {
        self.case.expect.thaw()
    }

    /// The arguments as Python-literal text, e.g. `"Ada", 3`.
    pub fn args_text(&self) -> String {
        self.case.args.iter().map(Frozen::repr).collect::<Vec<_>>().join(", ")
    }
}

impl Problem {
    /// Loads and checks a problem file.
    pub fn load(path: &Path) -> Result<Problem, ProblemError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProblemError::Io { path: path.into(), source })?;
        Problem::parse(path, &text)
    }

    /// Checks the text of a problem file; `path` names it in messages and
    /// locates its `program_file`.
    pub fn parse(path: &Path, text: &str) -> Result<Problem, ProblemError> {
        let file = path.display().to_string();
        let fail = |span: Range<usize>, message: String, label: &str| located(&file, text, span, message, label);
        let raw: RawProblem = parse_toml(&file, text)?;

        let loaded = load_program(path, &file, text, raw.program.as_ref(), raw.program_file.as_ref())?;
        let (source, compiled) = (loaded.source, loaded.compiled);
        let mut program = compiled.program;
        let mut targets: Vec<Target> = program
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.decorators.iter().any(|d| d == "synthesize"))
            .map(|(func, f)| Target {
                func,
                name: f.name.clone(),
                params: f.params.iter().map(|p| p.ty.clone()).collect(),
                ret: f.ret.clone(),
                has_seed: !f.is_stub,
                spec: None,
                grammar: None,
                spec_cases: Vec::new(),
            })
            .collect();
        let program_span = raw.program.as_ref().or(raw.program_file.as_ref()).map_or(0..0, Spanned::span);
        if targets.is_empty() {
            return Err(fail(
                program_span,
                "no synthesis target: expected a function decorated `@synthesize`".into(),
                "in this program",
            ));
        }

        let sigs: Vec<crate::spec::TargetSig<'_>> =
            targets.iter().map(|t| crate::spec::TargetSig { func: t.func, name: &t.name }).collect();
        if let Some(parsed) = crate::spec::parse(&file, text, &source, &program, &sigs)? {
            program = parsed.program;
            for (func, spec) in parsed.specs {
                if let Some(t) = targets.iter_mut().find(|t| t.func == func) {
                    t.spec = Some(spec);
                }
            }
        }

        let mut tests = Vec::new();
        for raw_test in &raw.tests {
            let t = raw_test.get_ref();
            let line = line_of(text, raw_test.span().start);
            let target = match &t.function {
                Some(name) => targets.iter().find(|g| &g.name == name.get_ref()).ok_or_else(|| {
                    let names: Vec<_> = targets.iter().map(|g| format!("`{}`", g.name)).collect();
                    fail(
                        name.span(),
                        format!("`{}` is not a synthesis target (targets: {})", name.get_ref(), names.join(", ")),
                        "unknown target",
                    )
                })?,
                None if targets.len() == 1 => &targets[0],
                None => {
                    return Err(fail(
                        raw_test.span(),
                        "this test does not say which target it calls: expected `function = \"...\"`".into(),
                        "the problem has several targets",
                    ));
                }
            };
            let f = &program.functions[target.func];
            let args = t.args.get_ref();
            if args.len() != f.params.len() {
                return Err(fail(
                    t.args.span(),
                    format!(
                        "`{}` takes {} argument{}, found {}",
                        f.name,
                        f.params.len(),
                        if f.params.len() == 1 { "" } else { "s" },
                        args.len()
                    ),
                    "arguments",
                ));
            }
            let mut arg_values = Vec::with_capacity(args.len());
            for (arg, p) in args.iter().zip(&f.params) {
                let v = to_value(arg.get_ref(), &p.ty).map_err(|found| {
                    fail(
                        arg.span(),
                        format!("expected `{}` for parameter `{}` of `{}`, found {found}", p.ty, p.name, f.name),
                        &format!("not `{}`", p.ty),
                    )
                })?;
                arg_values.push(v.freeze());
            }
            let expect = match (&t.expect, &f.ret) {
                (Some(e), ret) => to_value(e.get_ref(), ret)
                    .map_err(|found| {
                        fail(
                            e.span(),
                            format!("expected `{ret}` (the return type of `{}`), found {found}", f.name),
                            &format!("not `{ret}`"),
                        )
                    })?
                    .freeze(),
                (None, _) => {
                    return Err(fail(
                        raw_test.span(),
                        "this test has no `expect` value".into(),
                        "expected `expect = ...`",
                    ));
                }
            };
            tests.push(Test {
                function: target.func,
                case: TestCase { args: arg_values, expect, origin: CaseOrigin::File { line } },
                hidden: t.hidden,
                line,
            });
        }
        for g in &targets {
            // A target with a spec may start with no test: counterexamples make them.
            if g.spec.is_none() && !tests.iter().any(|t: &Test| t.function == g.func && !t.hidden) {
                return Err(fail(
                    program_span.clone(),
                    format!(
                        "target `{}` has no visible test: expected a `[[tests]]` entry without `hidden = true`",
                        g.name
                    ),
                    "in this program",
                ));
            }
        }

        let mut search = SearchSettings::default();
        if let Some(s) = &raw.search {
            let s = s.get_ref();
            if let Some(secs) = &s.seconds {
                let v = *secs.get_ref();
                if !(v.is_finite() && v > 0.0) {
                    return Err(fail(
                        secs.span(),
                        format!("expected a positive number of seconds, found {v}"),
                        "seconds",
                    ));
                }
                search.seconds = v;
            }
            search.candidates = s.candidates.unwrap_or(search.candidates);
            search.seed = s.seed.unwrap_or(search.seed);
            search.max_size = s.max_size.unwrap_or(search.max_size);
            for c in &s.constants {
                let v = match c.get_ref() {
                    toml::Value::Integer(i) => Value::Int(*i),
                    toml::Value::Float(f) => Value::Float(*f),
                    toml::Value::Boolean(b) => Value::Bool(*b),
                    toml::Value::String(t) => Value::str(t.as_str()),
                    other => {
                        return Err(fail(
                            c.span(),
                            format!("expected an int, float, bool or string constant, found {}", describe(other)),
                            "constant",
                        ));
                    }
                };
                search.constants.push(v);
            }
            if let Some(p) = &s.proposer {
                search.proposer = Some(proposer_list(p.get_ref()).map_err(|e| fail(p.span(), e, "proposer"))?);
            }
        }
        let mut model = ModelSettings::default();
        if let Some(m) = &raw.model {
            // `proposer` may sit here too, beside the model it concerns.
            if let Some(p) = &m.proposer {
                let choice = proposer_list(p.get_ref()).map_err(|e| fail(p.span(), e, "proposer"))?;
                if search.proposer.as_ref().is_some_and(|c| *c != choice) {
                    return Err(fail(p.span(), "[search] names another proposer".into(), "proposer"));
                }
                search.proposer = Some(choice);
            }
            let dir = path.parent().unwrap_or(Path::new("."));
            model.path = m.path.as_ref().map(|p| dir.join(p));
            model.sampling = crate::model::SamplingSettings {
                temperature: m.temperature.as_ref().map(|v| *v.get_ref()),
                top_k: m.top_k,
                top_p: m.top_p.as_ref().map(|v| *v.get_ref()),
                max_new_tokens: m.max_new_tokens.as_ref().map(|v| *v.get_ref()),
                samples: m.samples.as_ref().map(|v| *v.get_ref()),
            };
            if let Some((field, message)) = model.sampling.invalid() {
                let span = match field {
                    "temperature" => m.temperature.as_ref().map(Spanned::span),
                    "top_p" => m.top_p.as_ref().map(Spanned::span),
                    "samples" => m.samples.as_ref().map(Spanned::span),
                    _ => m.max_new_tokens.as_ref().map(Spanned::span),
                };
                return Err(fail(span.unwrap_or(0..0), message, "here"));
            }
        }
        let name = raw
            .name
            .clone()
            .unwrap_or_else(|| path.file_stem().map_or_else(|| "problem".into(), |s| s.to_string_lossy().into_owned()));
        Ok(Problem {
            name,
            description: raw.description.unwrap_or_default(),
            path: path.into(),
            source,
            module: compiled.module,
            program,
            targets,
            tests,
            search,
            solvable_by: raw.solvable_by,
            model,
        })
    }

    /// The visible tests of target `func`: what proposers and prompts see.
    pub fn visible_tests(&self, func: FuncId) -> impl Iterator<Item = &Test> {
        self.tests.iter().filter(move |t| t.function == func && !t.hidden)
    }

    /// The hidden tests of target `func`: run only on a solution.
    pub fn hidden_tests(&self, func: FuncId) -> impl Iterator<Item = &Test> {
        self.tests.iter().filter(move |t| t.function == func && t.hidden)
    }

    /// The source `def` of target `func` (the one place that finds it).
    pub fn target_def(&self, target: &Target) -> Option<&ast::Function> {
        self.module.items.iter().find_map(|i| match i {
            ast::Item::Function(f) if f.name.name == target.name => Some(f),
            _ => None,
        })
    }

    /// The verifier's view of a target.
    pub fn goal(&self, target: &Target) -> Goal {
        Goal { func: target.func, name: target.name.clone(), params: target.params.clone(), ret: target.ret.clone() }
    }
}

/// A diagnostic at `span` of a problem file (named `file`, with `text`), rendered.
pub(crate) fn located(file: &str, text: &str, span: Range<usize>, message: String, label: &str) -> ProblemError {
    ProblemError::Invalid {
        rendered: render(file, text, &[Diagnostic::error(Span::new(span.start, span.end), message, label)]),
    }
}

/// A problem file's TOML as `T`; syntax errors and unknown fields located.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, ProblemError> {
    toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        located(file, text, span, e.message().trim_end_matches('\n').to_string(), "here")
    })
}

/// A problem file's program, read and compiled without errors.
pub(crate) struct LoadedProgram {
    /// Its source text.
    pub source: String,
    /// The file it is reported in (the problem file when inline).
    pub source_name: String,
    /// Where an inline program starts in the problem file (offsets map one to one).
    pub base: Option<usize>,
    /// The compiled program.
    pub compiled: synth_dsl::Compiled,
}

impl LoadedProgram {
    /// A diagnostic at `span` of the program, rendered where the user wrote
    /// it: in the program file, or at its place in the problem file.
    pub fn fail(&self, file: &str, text: &str, span: Span, message: String, label: &str) -> ProblemError {
        self.render(file, text, vec![Diagnostic::error(span, message, label)])
    }

    fn render(&self, file: &str, text: &str, diagnostics: Vec<Diagnostic>) -> ProblemError {
        let rendered = match self.base {
            Some(base) => {
                let shifted: Vec<Diagnostic> = diagnostics
                    .into_iter()
                    .map(|mut d| {
                        d.span = Span::new(d.span.start as usize + base, d.span.end as usize + base);
                        d
                    })
                    .collect();
                render(file, text, &shifted)
            }
            None => render(&self.source_name, &self.source, &diagnostics),
        };
        ProblemError::Invalid { rendered }
    }
}

/// Reads (inline, or from a file next to the problem file) and compiles the
/// program of a problem file; its errors are reported where it was written.
pub(crate) fn load_program(
    path: &Path,
    file: &str,
    text: &str,
    program: Option<&Spanned<String>>,
    program_file: Option<&Spanned<String>>,
) -> Result<LoadedProgram, ProblemError> {
    let fail = |span: Range<usize>, message: String, label: &str| located(file, text, span, message, label);
    let (source, source_name, base) = match (program, program_file) {
        (Some(_), Some(f)) => {
            return Err(fail(f.span(), "`program` and `program_file` both given".into(), "keep one of the two"));
        }
        (None, None) => {
            return Err(fail(
                0..0,
                "no program: expected `program = '''...'''` or `program_file = \"...\"`".into(),
                "in this file",
            ));
        }
        (Some(p), None) => (p.get_ref().clone(), file.to_string(), inline_base(text, p.span())),
        (None, Some(f)) => {
            let program_path = path.parent().unwrap_or(Path::new(".")).join(f.get_ref());
            let source = std::fs::read_to_string(&program_path).map_err(|e| {
                fail(f.span(), format!("cannot read program file {}: {e}", program_path.display()), "this file")
            })?;
            (source, program_path.display().to_string(), None)
        }
    };
    let compiled = synth_dsl::compile(&source);
    let loaded = LoadedProgram { source, source_name, base, compiled };
    let errors: Vec<Diagnostic> = loaded.compiled.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Err(loaded.render(file, text, errors));
    }
    Ok(loaded)
}

/// A `proposer` setting: a comma-separated string or an array of names.
fn proposer_list(v: &toml::Value) -> Result<Vec<ProposerName>, String> {
    match v {
        toml::Value::String(s) => parse_proposers(s),
        toml::Value::Array(items) => {
            let mut names = Vec::new();
            for item in items {
                let toml::Value::String(s) = item else {
                    return Err(format!("expected a proposer name, found {}", describe(item)));
                };
                names.extend(parse_proposers(s)?);
            }
            Ok(names)
        }
        other => Err(format!("expected a proposer name or a list of them, found {}", describe(other))),
    }
}

/// A function as the user sees it: without the `@synthesize` decorator
/// (the one place that strips it).
pub fn shown(f: &ast::Function) -> ast::Function {
    let mut f = f.clone();
    f.decorators.retain(|d| d.name.name != "synthesize");
    f
}

/// Where an inline program's text starts in the TOML file, when its offsets
/// map one to one (a literal string, or a basic string without escapes).
fn inline_base(text: &str, span: Range<usize>) -> Option<usize> {
    let raw = text.get(span.clone())?;
    let (delim, basic) = if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else {
        (1, true)
    };
    if basic && raw.contains('\\') {
        return None;
    }
    let mut offset = delim;
    // TOML trims a newline right after an opening triple quote.
    if delim == 3 {
        if raw[offset..].starts_with("\r\n") {
            offset += 2;
        } else if raw[offset..].starts_with('\n') {
            offset += 1;
        }
    }
    Some(span.start + offset)
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Converts a TOML value to a value of type `ty`; the error says what was found.
pub fn to_value(v: &toml::Value, ty: &Type) -> Result<Value, String> {
    use toml::Value as T;
    Ok(match (ty, v) {
        (Type::Int, T::Integer(i)) => Value::Int(*i),
        (Type::Float, T::Float(f)) => Value::Float(*f),
        // `1` for a float parameter means `1.0`, as a JSON or TOML user writes it.
        (Type::Float, T::Integer(i)) => Value::Float(*i as f64),
        (Type::Bool, T::Boolean(b)) => Value::Bool(*b),
        (Type::Str, T::String(s)) => Value::str(s.as_str()),
        (Type::List(t), T::Array(items)) => {
            Value::list(items.iter().map(|i| to_value(i, t)).collect::<Result<Vec<_>, _>>()?)
        }
        (Type::TupleOf(t), T::Array(items)) => {
            Value::tuple(items.iter().map(|i| to_value(i, t)).collect::<Result<Vec<_>, _>>()?)
        }
        (Type::Tuple(ts), T::Array(items)) => {
            if ts.len() != items.len() {
                return Err(format!("an array of {} items", items.len()));
            }
            Value::tuple(items.iter().zip(ts).map(|(i, t)| to_value(i, t)).collect::<Result<Vec<_>, _>>()?)
        }
        (_, other) => return Err(describe(other)),
    })
}

pub(crate) fn describe(v: &toml::Value) -> String {
    use toml::Value as T;
    match v {
        T::String(s) => format!("the string {s:?}"),
        T::Integer(i) => format!("the integer {i}"),
        T::Float(f) => format!("the float {f}"),
        T::Boolean(b) => format!("the boolean {b}"),
        T::Datetime(d) => format!("the date {d}"),
        T::Array(a) => format!("an array of {} items", a.len()),
        T::Table(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Problem, String> {
        Problem::parse(Path::new("p.toml"), text).map_err(|e| e.to_string())
    }

    const GOOD: &str = r#"name = "initials"
description = "Abbreviate a full name."
program = '''
@synthesize
def f(s: str) -> str:
    ...
'''

[[tests]]
args = ["Ada Lovelace"]
expect = "A.L."

[[tests]]
args = ["Alan Mathison Turing"]
expect = "A.M.T."
hidden = true
"#;

    #[test]
    fn a_good_file_loads() {
        let p = load(GOOD).expect("loads");
        assert_eq!(p.name, "initials");
        assert_eq!(p.targets.len(), 1);
        assert_eq!(p.tests.len(), 2);
        assert!(p.tests[1].hidden);
        assert_eq!(p.tests[1].line, 13);
        assert_eq!(p.tests[0].args()[0].repr(), "'Ada Lovelace'");
        assert_eq!(p.search.seconds, 60.0);
        assert_eq!(p.search.candidates, 1_000_000);
    }

    #[test]
    fn a_type_error_in_an_inline_program_points_into_the_toml_file() {
        let bad = GOOD.replace("    ...", "    return 1");
        let e = load(&bad).unwrap_err();
        assert!(e.contains("p.toml:6:12"), "{e}");
    }

    #[test]
    fn a_wrong_test_value_names_the_parameter_and_its_line() {
        let bad = GOOD.replace("args = [\"Ada Lovelace\"]", "args = [3]");
        let e = load(&bad).unwrap_err();
        assert!(e.contains("expected `str` for parameter `s` of `f`, found the integer 3"), "{e}");
        assert!(e.contains("p.toml:10:9"), "{e}");
    }

    #[test]
    fn unknown_fields_and_bad_toml_are_located() {
        let e = load(&GOOD.replace("hidden = true", "hiden = true")).unwrap_err();
        assert!(e.contains("unknown field `hiden`") && e.contains("p.toml:16:1"), "{e}");
        let e = load(&GOOD.replace("expect = \"A.L.\"", "expect = \"A.L.")).unwrap_err();
        assert!(e.contains("p.toml:11:"), "{e}");
    }

    #[test]
    fn the_model_table_sets_the_model_and_its_sampling() {
        let p =
            load(&format!("{GOOD}\n[model]\ndir = 'models/m'\nsamples = 8\ntemperature = 0.5\nproposer = 'model'\n"))
                .expect("loads");
        assert_eq!(p.model.path.as_deref(), Some(Path::new("models/m")));
        assert_eq!(p.model.sampling.samples, Some(8));
        assert_eq!(p.model.sampling.temperature, Some(0.5));
        assert_eq!(p.search.proposer, Some(vec![ProposerName::Model]));
        let p = load(&format!("{GOOD}\n[search]\nproposer = ['model', 'enumerate']\n")).expect("loads");
        assert_eq!(p.search.proposer, Some(vec![ProposerName::Model, ProposerName::Enumerate]));
        let e = load(&format!("{GOOD}\n[search]\nproposer = 'enumerate,llm'\n")).unwrap_err();
        assert!(e.contains("unknown proposer `llm`"), "{e}");
        let e = load(&format!("{GOOD}\n[search]\nproposer = 'all'\n[model]\nproposer = 'model'\n")).unwrap_err();
        assert!(e.contains("[search] names another proposer"), "{e}");
        let e = load(&format!("{GOOD}\n[model]\ntop_p = 1.5\n")).unwrap_err();
        assert!(e.contains("expected a top_p in (0, 1], found 1.5"), "{e}");
        let e = load(&format!("{GOOD}\n[model]\nsamples = 0\n")).unwrap_err();
        assert!(e.contains("expected a positive count, found 0"), "{e}");
        let e = load(&format!("{GOOD}\n[model]\nbatch_size = 3\n")).unwrap_err();
        assert!(e.contains("unknown field `batch_size`"), "{e}");
    }

    #[test]
    fn missing_pieces_are_errors() {
        let e = load(&GOOD.replace("@synthesize\n", "")).unwrap_err();
        assert!(e.contains("no synthesis target"), "{e}");
        let e = load(&GOOD.replace("program = '''", "program_file = 'nope.py'\nx = '''")).unwrap_err();
        assert!(e.contains("unknown field `x`"), "{e}");
        let e = load("program_file = 'does-not-exist.py'\n").unwrap_err();
        assert!(e.contains("cannot read program file") && e.contains("p.toml:1:16"), "{e}");
        let e = load(&GOOD.replace("args = [\"Ada Lovelace\"]", "args = [\"a\", \"b\"]")).unwrap_err();
        assert!(e.contains("`f` takes 1 argument, found 2"), "{e}");
        let e = load(&GOOD.replace("expect = \"A.L.\"\n", "")).unwrap_err();
        assert!(e.contains("no `expect`"), "{e}");
    }

    #[test]
    fn values_convert_by_type() {
        let v: toml::Value = toml::from_str::<toml::Table>("x = [[1, 2.5], [3, 4.0]]").unwrap()["x"].clone();
        let ty = Type::list(Type::Tuple(vec![Type::Int, Type::Float]));
        assert_eq!(to_value(&v, &ty).unwrap().repr(), "[(1, 2.5), (3, 4.0)]");
        assert!(to_value(&v, &Type::list(Type::Tuple(vec![Type::Int]))).is_err());
    }
}
