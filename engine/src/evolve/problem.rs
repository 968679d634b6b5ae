//! Evolution problem files (`synth evolve`): a program with `@evolve`
//! functions (their bodies evolve; the first version is the seed) and one
//! `@score` function (the evaluator, `-> float`), the score inputs (one call
//! per entry: the score signature), how the signature reduces to the number
//! that ranks, held-out inputs, the sandbox limits per call, and the
//! `[evolve]` settings with FunSearch's defaults. Loading checks everything
//! and reports the first problem as one located diagnostic, like other
//! problem files. The format is documented in `docs/evolve.md`.

use crate::problem::{ProblemError, describe, load_program, located, parse_toml, to_value};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use synth_dsl::tir::{FuncId, Program};
use synth_dsl::value::Frozen;
use synth_dsl::{Span, Type, ast, printer};
use toml::Spanned;

/// How a score signature becomes the number that ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    /// The last input's score (FunSearch's choice).
    Last,
    /// The mean of the scores.
    Mean,
    /// The smallest score.
    Min,
    /// The sum of the scores.
    Sum,
    /// The score of input number `i` (from 0).
    Index(usize),
}

impl Reduce {
    /// The ranking number of a signature (every item finite).
    pub fn apply(self, signature: &[f64]) -> f64 {
        match self {
            Reduce::Last => signature.last().copied().unwrap_or(f64::NAN),
            Reduce::Mean => signature.iter().sum::<f64>() / signature.len() as f64,
            Reduce::Min => signature.iter().copied().fold(f64::INFINITY, f64::min),
            Reduce::Sum => signature.iter().sum(),
            Reduce::Index(i) => signature.get(i).copied().unwrap_or(f64::NAN),
        }
    }
}

/// Which search runs (`--strategy`): all write the same database, so
/// their curves compare on one budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvolveStrategy {
    /// FunSearch: islands, clusters by signature, Boltzmann selection.
    Funsearch,
    /// (1+1) hill climbing: every child is made from the best program so far.
    HillClimb,
    /// Random sampling from the seed (no database): best-of-N.
    Random,
}

impl EvolveStrategy {
    /// Parses a name (`funsearch`, `hill-climb`, `random`).
    pub fn parse(s: &str) -> Result<EvolveStrategy, String> {
        match s {
            "funsearch" => Ok(EvolveStrategy::Funsearch),
            "hill-climb" | "hillclimb" | "hill_climb" => Ok(EvolveStrategy::HillClimb),
            "random" => Ok(EvolveStrategy::Random),
            other => Err(format!("unknown strategy `{other}` (expected funsearch, hill-climb or random)")),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            EvolveStrategy::Funsearch => "funsearch",
            EvolveStrategy::HillClimb => "hill-climb",
            EvolveStrategy::Random => "random",
        }
    }
}

/// How clusters are chosen inside an island.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// FunSearch's softmax of the cluster scores at the current temperature.
    Boltzmann,
    /// The same softmax over the clusters' ranks scaled to [0, 1]: robust
    /// to the scale of the scores.
    Rank,
}

/// The `[evolve]` settings; the CLI may override the budget, seed and strategy.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EvolveSettings {
    /// Wall-clock budget of the whole run, resumes included (none: unbounded).
    pub seconds: Option<f64>,
    /// Evaluated candidates of the whole run (none: unbounded).
    pub candidates: Option<u64>,
    /// Islands (10).
    pub islands: usize,
    /// Programs per prompt (2).
    pub functions_per_prompt: usize,
    /// Candidates made from each prompt (4).
    pub samples_per_prompt: usize,
    /// The initial cluster-sampling temperature, FunSearch's T0 (0.1).
    pub cluster_temperature: f64,
    /// Programs over which the temperature decays to 0 and restarts (30,000).
    pub temperature_period: u64,
    /// Seconds between island resets (14,400), unless `reset_period_programs`.
    pub reset_period_seconds: Option<f64>,
    /// Registered programs between island resets.
    pub reset_period_programs: Option<u64>,
    /// Seed of every random choice (0).
    pub seed: u64,
    /// Cluster selection (`boltzmann`).
    pub selection: Selection,
    /// Which search (`funsearch`).
    pub strategy: EvolveStrategy,
}

impl Default for EvolveSettings {
    fn default() -> EvolveSettings {
        EvolveSettings {
            seconds: None,
            candidates: None,
            islands: 10,
            functions_per_prompt: 2,
            samples_per_prompt: 4,
            cluster_temperature: 0.1,
            temperature_period: 30_000,
            reset_period_seconds: Some(4.0 * 60.0 * 60.0),
            reset_period_programs: None,
            seed: 0,
            selection: Selection::Boltzmann,
            strategy: EvolveStrategy::Funsearch,
        }
    }
}

/// A function whose body evolves.
#[derive(Clone, Debug)]
pub struct Evolved {
    /// Its index in the program.
    pub func: FuncId,
    /// Its name.
    pub name: String,
    /// Its `def` as written (without `@evolve`): the seed version.
    pub def: ast::Function,
}

/// A loaded, checked evolution problem.
#[derive(Clone, Debug)]
pub struct EvolveProblem {
    /// `name`, or the file's stem.
    pub name: String,
    /// The description (used in prompts).
    pub description: String,
    /// The problem file.
    pub path: PathBuf,
    /// The problem file's text and the program's source: what a resumed
    /// run must find unchanged.
    pub fingerprint: String,
    /// The program's source.
    pub source: String,
    /// The parsed program.
    pub module: ast::Module,
    /// The checked program (the seed versions in place).
    pub program: Program,
    /// The `@evolve` functions, in source order.
    pub evolved: Vec<Evolved>,
    /// The `@score` function.
    pub score_func: FuncId,
    /// Its name.
    pub score_name: String,
    /// Score inputs: one call each, the score signature.
    pub inputs: Vec<Vec<Frozen>>,
    /// Held-out inputs: scored for the report, never for selection.
    pub held_out: Vec<Vec<Frozen>>,
    /// Signature → ranking number.
    pub reduce: Reduce,
    /// Wall-clock limit per score call.
    pub timeout: Duration,
    /// Memory cap per score call, in MiB.
    pub memory_mib: u64,
    /// The `[evolve]` settings.
    pub settings: EvolveSettings,
    /// `[score] wasm`: an external scoring module (its path and bytes),
    /// which turns the `@score` function's result into the score.
    pub wasm_scorer: Option<(PathBuf, Vec<u8>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProblem {
    name: Option<String>,
    description: Option<String>,
    program: Option<Spanned<String>>,
    program_file: Option<Spanned<String>>,
    score: Option<Spanned<RawScore>>,
    evolve: Option<RawEvolve>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScore {
    inputs: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    reduce: Option<Spanned<toml::Value>>,
    #[serde(default)]
    held_out: Vec<Spanned<toml::Value>>,
    timeout_seconds: Option<Spanned<f64>>,
    memory_mib: Option<Spanned<i64>>,
    wasm: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvolve {
    seconds: Option<Spanned<f64>>,
    candidates: Option<Spanned<i64>>,
    islands: Option<Spanned<i64>>,
    functions_per_prompt: Option<Spanned<i64>>,
    samples_per_prompt: Option<Spanned<i64>>,
    cluster_temperature: Option<Spanned<f64>>,
    temperature_period: Option<Spanned<i64>>,
    reset_period_seconds: Option<Spanned<f64>>,
    reset_period_programs: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    selection: Option<Spanned<String>>,
    strategy: Option<Spanned<String>>,
}

impl EvolveProblem {
    /// Loads and checks an evolution problem file.
    pub fn load(path: &Path) -> Result<EvolveProblem, ProblemError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProblemError::Io { path: path.into(), source })?;
        EvolveProblem::parse(path, &text)
    }

    /// Checks the text of an evolution problem file; `path` names it in
    /// messages and locates its `program_file`.
    pub fn parse(path: &Path, text: &str) -> Result<EvolveProblem, ProblemError> {
        let file = path.display().to_string();
        let fail = |span: Range<usize>, message: String, label: &str| located(&file, text, span, message, label);
        let raw: RawProblem = parse_toml(&file, text)?;
        let loaded = load_program(path, &file, text, raw.program.as_ref(), raw.program_file.as_ref())?;
        let program_span = raw.program.as_ref().or(raw.program_file.as_ref()).map_or(0..0, Spanned::span);
        let in_program = |span: Span, message: String, label: &str| loaded.fail(&file, text, span, message, label);
        let program = &loaded.compiled.program;
        let module = &loaded.compiled.module;
        let def_of = |name: &str| {
            module.items.iter().find_map(|i| match i {
                ast::Item::Function(f) if f.name.name == name => Some(f),
                _ => None,
            })
        };

        let mut evolved = Vec::new();
        let mut scores = Vec::new();
        for (func, f) in program.functions.iter().enumerate() {
            let is_evolve = f.decorators.iter().any(|d| d == "evolve");
            let is_score = f.decorators.iter().any(|d| d == "score");
            if is_evolve && is_score {
                return Err(in_program(f.span, "a function cannot be both `@evolve` and `@score`".into(), "here"));
            }
            if f.decorators.iter().any(|d| d == "synthesize") {
                return Err(in_program(
                    f.span,
                    "`@synthesize` belongs in `synth run` problem files; an evolution problem evolves `@evolve` functions"
                        .into(),
                    "here",
                ));
            }
            if is_evolve {
                let Some(def) = def_of(&f.name) else { continue };
                if f.is_stub {
                    return Err(in_program(
                        def.name.span,
                        format!("`@evolve` function `{}` has no body: its first version is the seed program", f.name),
                        "write a first version here",
                    ));
                }
                let mut def = def.clone();
                def.decorators.retain(|d| d.name.name != "evolve");
                evolved.push(Evolved { func, name: f.name.clone(), def });
            }
            if is_score {
                scores.push(func);
            }
        }
        if evolved.is_empty() {
            return Err(fail(
                program_span,
                "no function to evolve: expected a function decorated `@evolve`".into(),
                "in this program",
            ));
        }
        let score_func = match scores.as_slice() {
            [] => {
                return Err(fail(
                    program_span,
                    "no evaluator: expected a function decorated `@score` (returning `float`)".into(),
                    "in this program",
                ));
            }
            [one] => *one,
            [_, second, ..] => {
                let f = &program.functions[*second];
                return Err(in_program(
                    f.span,
                    "a second `@score` function: a problem has one evaluator".into(),
                    "here",
                ));
            }
        };
        let sf = &program.functions[score_func];
        let wasm_scorer = match raw.score.as_ref().and_then(|s| s.get_ref().wasm.as_ref()) {
            None => None,
            Some(w) => {
                let wpath = path.parent().unwrap_or(Path::new(".")).join(w.get_ref());
                let bytes = std::fs::read(&wpath).map_err(|e| {
                    fail(w.span(), format!("cannot read scoring module {}: {e}", wpath.display()), "this file")
                })?;
                Some((wpath, bytes))
            }
        };
        let numbers = |t: &Type| matches!(t, Type::Int | Type::Float);
        let wasm_ok = match &sf.ret {
            t if numbers(t) => true,
            Type::List(t) | Type::TupleOf(t) => numbers(t),
            Type::Tuple(ts) => ts.iter().all(numbers),
            _ => false,
        };
        if wasm_scorer.is_some() && !wasm_ok {
            let span = def_of(&sf.name).and_then(|d| d.ret.as_ref()).map_or(sf.span, ast::TypeExpr::span);
            return Err(in_program(
                span,
                format!(
                    "with a scoring module, the `@score` function `{}` must return numbers (`float`, `int`, `list[float]`, `list[int]` or a tuple of them), not `{}`",
                    sf.name, sf.ret
                ),
                "the values the module scores",
            ));
        }
        if wasm_scorer.is_none() && sf.ret != Type::Float {
            let span = def_of(&sf.name).and_then(|d| d.ret.as_ref()).map_or(sf.span, ast::TypeExpr::span);
            return Err(in_program(
                span,
                format!("the `@score` function `{}` must return `float`, not `{}`", sf.name, sf.ret),
                "expected `-> float`",
            ));
        }

        // The score table.
        let Some(score) = &raw.score else {
            return Err(fail(
                0..0,
                "no `[score]` table: expected `[score]` with `inputs = [...]`".into(),
                "in this file",
            ));
        };
        let score_span = score.span();
        let score = score.get_ref();
        let convert = |entry: &Spanned<toml::Value>, what: &str| -> Result<Vec<Frozen>, ProblemError> {
            let toml::Value::Array(args) = entry.get_ref() else {
                return Err(fail(
                    entry.span(),
                    format!(
                        "expected the arguments of one call of `{}` as an array (e.g. `[8]`), found {}",
                        sf.name,
                        describe(entry.get_ref())
                    ),
                    what,
                ));
            };
            if args.len() != sf.params.len() {
                return Err(fail(
                    entry.span(),
                    format!(
                        "`{}` takes {} argument{}, found {}",
                        sf.name,
                        sf.params.len(),
                        if sf.params.len() == 1 { "" } else { "s" },
                        args.len()
                    ),
                    what,
                ));
            }
            let mut out = Vec::new();
            for (a, p) in args.iter().zip(&sf.params) {
                let v = to_value(a, &p.ty).map_err(|found| {
                    fail(
                        entry.span(),
                        format!("expected `{}` for parameter `{}` of `{}`, found {found}", p.ty, p.name, sf.name),
                        &format!("not `{}`", p.ty),
                    )
                })?;
                out.push(v.freeze());
            }
            Ok(out)
        };
        let Some(raw_inputs) = &score.inputs else {
            return Err(fail(
                score_span,
                "no score inputs: expected `inputs = [[...], ...]`, one call of the `@score` function each".into(),
                "in this table",
            ));
        };
        if raw_inputs.get_ref().is_empty() {
            return Err(fail(raw_inputs.span(), "expected at least one score input".into(), "empty"));
        }
        let inputs = raw_inputs.get_ref().iter().map(|e| convert(e, "score input")).collect::<Result<Vec<_>, _>>()?;
        let held_out = score.held_out.iter().map(|e| convert(e, "held-out input")).collect::<Result<Vec<_>, _>>()?;
        let reduce = match &score.reduce {
            None => Reduce::Last,
            Some(r) => match r.get_ref() {
                toml::Value::String(s) => match s.as_str() {
                    "last" => Reduce::Last,
                    "mean" => Reduce::Mean,
                    "min" => Reduce::Min,
                    "sum" => Reduce::Sum,
                    other => {
                        return Err(fail(
                            r.span(),
                            format!("unknown reduction `{other}` (expected last, mean, min, sum or an input index)"),
                            "reduce",
                        ));
                    }
                },
                toml::Value::Integer(i) if *i >= 0 && (*i as usize) < inputs.len() => Reduce::Index(*i as usize),
                toml::Value::Integer(i) => {
                    return Err(fail(
                        r.span(),
                        format!("input index {i} is out of range: there are {} score inputs", inputs.len()),
                        "reduce",
                    ));
                }
                other => {
                    return Err(fail(
                        r.span(),
                        format!("expected `last`, `mean`, `min`, `sum` or an input index, found {}", describe(other)),
                        "reduce",
                    ));
                }
            },
        };
        let timeout = match &score.timeout_seconds {
            None => Duration::from_secs(30),
            Some(t) => {
                let v = *t.get_ref();
                if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
                    return Err(fail(t.span(), format!("expected a positive number of seconds, found {v}"), "timeout"));
                }
                Duration::from_secs_f64(v)
            }
        };
        let memory_mib = match &score.memory_mib {
            None => 1024,
            Some(m) => {
                let v = *m.get_ref();
                if !(1..=4096).contains(&v) {
                    return Err(fail(m.span(), format!("expected a memory cap of 1 to 4096 MiB, found {v}"), "memory"));
                }
                v as u64
            }
        };

        let mut settings = EvolveSettings::default();
        if let Some(e) = &raw.evolve {
            let count = |v: &Option<Spanned<i64>>, min: i64| -> Result<Option<u64>, ProblemError> {
                match v {
                    None => Ok(None),
                    Some(s) if *s.get_ref() >= min => Ok(Some(*s.get_ref() as u64)),
                    Some(s) => Err(fail(
                        s.span(),
                        format!("expected a count of at least {min}, found {}", s.get_ref()),
                        "here",
                    )),
                }
            };
            let positive = |v: &Option<Spanned<f64>>| -> Result<Option<f64>, ProblemError> {
                match v {
                    None => Ok(None),
                    Some(s) if s.get_ref().is_finite() && *s.get_ref() > 0.0 => Ok(Some(*s.get_ref())),
                    Some(s) => {
                        Err(fail(s.span(), format!("expected a positive number, found {}", s.get_ref()), "here"))
                    }
                }
            };
            settings.seconds = positive(&e.seconds)?;
            settings.candidates = count(&e.candidates, 1)?;
            if let Some(n) = count(&e.islands, 1)? {
                settings.islands = n.min(1000) as usize;
            }
            if let Some(n) = count(&e.functions_per_prompt, 1)? {
                settings.functions_per_prompt = n.min(100) as usize;
            }
            if let Some(n) = count(&e.samples_per_prompt, 1)? {
                settings.samples_per_prompt = n.min(1000) as usize;
            }
            if let Some(t) = positive(&e.cluster_temperature)? {
                settings.cluster_temperature = t;
            }
            if let Some(n) = count(&e.temperature_period, 1)? {
                settings.temperature_period = n;
            }
            match (&e.reset_period_seconds, &e.reset_period_programs) {
                (Some(_), Some(p)) => {
                    return Err(fail(
                        p.span(),
                        "give `reset_period_seconds` or `reset_period_programs`, not both".into(),
                        "here",
                    ));
                }
                (Some(_), None) => settings.reset_period_seconds = positive(&e.reset_period_seconds)?,
                (None, Some(_)) => {
                    settings.reset_period_seconds = None;
                    settings.reset_period_programs = count(&e.reset_period_programs, 1)?;
                }
                (None, None) => {}
            }
            if let Some(s) = count(&e.seed, 0)? {
                settings.seed = s;
            }
            if let Some(s) = &e.selection {
                settings.selection = match s.get_ref().as_str() {
                    "boltzmann" => Selection::Boltzmann,
                    "rank" => Selection::Rank,
                    other => {
                        return Err(fail(
                            s.span(),
                            format!("unknown selection `{other}` (expected boltzmann or rank)"),
                            "selection",
                        ));
                    }
                };
            }
            if let Some(s) = &e.strategy {
                settings.strategy = EvolveStrategy::parse(s.get_ref()).map_err(|m| fail(s.span(), m, "strategy"))?;
            }
        }

        let name = raw
            .name
            .clone()
            .unwrap_or_else(|| path.file_stem().map_or_else(|| "problem".into(), |s| s.to_string_lossy().into_owned()));
        let fingerprint = format!("{text}\n\u{0}\n{}", loaded.source);
        let score_name = sf.name.clone();
        Ok(EvolveProblem {
            name,
            description: raw.description.unwrap_or_default(),
            path: path.into(),
            fingerprint,
            source: loaded.source,
            module: loaded.compiled.module,
            program: loaded.compiled.program,
            evolved,
            score_func,
            score_name,
            inputs,
            held_out,
            reduce,
            timeout,
            memory_mib,
            settings,
            wasm_scorer,
        })
    }

    /// The seed: every evolved function's `def` as written, printed.
    pub fn seed_text(&self) -> String {
        self.evolved.iter().map(|e| printer::function(&e.def)).collect::<Vec<_>>().join("\n")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const CAPSET: &str = r#"name = "tiny"
program = '''
@evolve
def priority(v: tuple[int, ...], n: int) -> float:
    return 0.0

@score
def evaluate(n: int) -> float:
    total = 0.0
    for i in range(n):
        total += priority((i, n), n)
    return total + n
'''

[score]
inputs = [[3], [4]]
held_out = [[5]]

[evolve]
candidates = 10
"#;

    fn load(text: &str) -> Result<EvolveProblem, String> {
        EvolveProblem::parse(Path::new("e.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_good_file_loads_with_funsearch_defaults() {
        let p = load(CAPSET).expect("loads");
        assert_eq!(p.evolved.len(), 1);
        assert_eq!(p.evolved[0].name, "priority");
        assert_eq!(p.score_name, "evaluate");
        assert_eq!(p.inputs.len(), 2);
        assert_eq!(p.held_out.len(), 1);
        assert_eq!(p.reduce, Reduce::Last);
        assert_eq!(p.timeout, Duration::from_secs(30));
        assert_eq!(p.settings.islands, 10);
        assert_eq!(p.settings.functions_per_prompt, 2);
        assert_eq!(p.settings.cluster_temperature, 0.1);
        assert_eq!(p.settings.temperature_period, 30_000);
        assert_eq!(p.settings.reset_period_seconds, Some(14_400.0));
        assert_eq!(p.settings.candidates, Some(10));
        assert_eq!(p.seed_text(), "def priority(v: tuple[int, ...], n: int) -> float:\n    return 0.0\n");
    }

    #[test]
    fn bad_files_are_located() {
        let e = load(&CAPSET.replace("@evolve\n", "")).unwrap_err();
        assert!(e.contains("no function to evolve") && e.contains("e.toml:2:"), "{e}");
        let e = load(&CAPSET.replace("@score\n", "")).unwrap_err();
        assert!(e.contains("no evaluator"), "{e}");
        let e = load(
            &CAPSET
                .replace("def evaluate(n: int) -> float:", "def evaluate(n: int) -> int:")
                .replace("return total + n", "return n"),
        )
        .unwrap_err();
        assert!(e.contains("must return `float`, not `int`") && e.contains("e.toml:8:"), "{e}");
        let e = load(&CAPSET.replace("inputs = [[3], [4]]", "inputs = [[3], [\"x\"]]")).unwrap_err();
        assert!(e.contains("expected `int` for parameter `n` of `evaluate`") && e.contains("e.toml:16:"), "{e}");
        let e = load(&CAPSET.replace("inputs = [[3], [4]]", "inputs = [[3, 4]]")).unwrap_err();
        assert!(e.contains("`evaluate` takes 1 argument, found 2"), "{e}");
        let e = load(&CAPSET.replace("candidates = 10", "candidate = 10")).unwrap_err();
        assert!(e.contains("unknown field `candidate`") && e.contains("e.toml:20:"), "{e}");
        let e = load(&CAPSET.replace("held_out = [[5]]", "reduce = \"median\"")).unwrap_err();
        assert!(e.contains("unknown reduction `median`"), "{e}");
        let e = load(&CAPSET.replace("    return 0.0\n", "    ...\n")).unwrap_err();
        assert!(e.contains("has no body"), "{e}");
        let e = load(&CAPSET.replace("candidates = 10", "islands = 0")).unwrap_err();
        assert!(e.contains("expected a count of at least 1, found 0"), "{e}");
        let e = load(&CAPSET.replace("return 0.0", "return \"x\"")).unwrap_err();
        assert!(e.contains("e.toml:5:"), "a type error is located in the inline program: {e}");
        let e = load(&CAPSET.replace("[score]\ninputs = [[3], [4]]\nheld_out = [[5]]\n", "")).unwrap_err();
        assert!(e.contains("no `[score]` table"), "{e}");
    }

    #[test]
    fn reductions() {
        let s = [1.0, 4.0, 2.0];
        assert_eq!(Reduce::Last.apply(&s), 2.0);
        assert_eq!(Reduce::Mean.apply(&s), 7.0 / 3.0);
        assert_eq!(Reduce::Min.apply(&s), 1.0);
        assert_eq!(Reduce::Sum.apply(&s), 7.0);
        assert_eq!(Reduce::Index(1).apply(&s), 4.0);
        let p = load(&CAPSET.replace("held_out = [[5]]", "reduce = 1")).expect("loads");
        assert_eq!(p.reduce, Reduce::Index(1));
        let e = load(&CAPSET.replace("held_out = [[5]]", "reduce = 2")).unwrap_err();
        assert!(e.contains("input index 2 is out of range"), "{e}");
    }
}
