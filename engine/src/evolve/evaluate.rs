//! Evaluating a candidate of an evolutionary run: its evolved functions are
//! put in place (each body under the seed's own header, printed, parsed and
//! checked against the program), compared by behaviour with every earlier
//! candidate (outputs on probe inputs: the arguments the seed's evaluator
//! really passed to the evolved functions), then the `@score` function runs
//! once per score input, in parallel, in the Wasm sandbox under the
//! problem's time and memory limits. Errors, timeouts, out-of-memory, NaN
//! and infinities are outcomes, never scores.

use super::problem::EvolveProblem;
use super::scorer::{Candidate, Scorer};
use rayon::prelude::*;
use std::hash::Hasher;
use std::time::{Duration, Instant};
use synth_dsl::ast::{self, Item};
use synth_dsl::interp::{ErrorKind, Interpreter, Limits};
use synth_dsl::tir::Program;
use synth_dsl::value::{Frozen, Value};
use synth_dsl::{check, parser, printer};
use synth_verifiers::scorer::{ScorerFailure, WasmScorer};
use synth_verifiers::{BackendError, WasmRunner};

/// What became of a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every score input gave a finite score.
    Ok,
    /// The evaluator raised an error on some input.
    Error,
    /// A call ran past its time limit.
    Timeout,
    /// A call ran past its memory cap.
    OutOfMemory,
    /// A score was NaN or infinite.
    NotFinite,
    /// The text does not parse as the evolved functions.
    Syntax,
    /// The functions do not type-check.
    Type,
    /// It behaves as an earlier candidate on the probes, or has its text.
    Duplicate,
}

impl Status {
    /// Its name in the database and reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::OutOfMemory => "out_of_memory",
            Status::NotFinite => "not_finite",
            Status::Syntax => "syntax",
            Status::Type => "type",
            Status::Duplicate => "duplicate",
        }
    }

    /// The status of a name.
    pub fn from_name(s: &str) -> Option<Status> {
        [
            Status::Ok,
            Status::Error,
            Status::Timeout,
            Status::OutOfMemory,
            Status::NotFinite,
            Status::Syntax,
            Status::Type,
            Status::Duplicate,
        ]
        .into_iter()
        .find(|st| st.name() == s)
    }
}

/// A candidate's scores.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// Ok, or why not.
    pub status: Status,
    /// The first failure's message (with the input it happened on).
    pub message: String,
    /// One score per input (complete only when `status` is `Ok`).
    pub signature: Vec<f64>,
    /// Wall time of the evaluation.
    pub seconds: f64,
}

/// The evolved functions of a candidate put in place.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The evolved `def`s, printed (the canonical text, which is stored).
    pub text: String,
    /// The whole program with them in place.
    pub program: Program,
}

/// Puts candidate text (the evolved functions' `def`s; a body alone is
/// taken for the first evolved function) in place. Each function keeps the
/// seed's header: a candidate changes bodies, never signatures.
pub fn place(problem: &EvolveProblem, text: &str) -> Result<Placed, (Status, String)> {
    let (module, diagnostics) = parser::parse_module(text);
    if let Some(d) = diagnostics.first() {
        return Err((Status::Syntax, d.message.clone()));
    }
    let mut program = problem.program.clone();
    let mut printed = Vec::new();
    for ev in &problem.evolved {
        let def = module.items.iter().find_map(|i| match i {
            Item::Function(f) if f.name.name == ev.name => Some(f),
            _ => None,
        });
        let mut f = ev.def.clone();
        if let Some(d) = def {
            f.body.clone_from(&d.body);
        }
        let shown = printer::function(&f);
        // Check what was printed: that is what runs and is stored.
        let (reparsed, diags) = parser::parse_module(&shown);
        let Some(Item::Function(g)) = reparsed.items.into_iter().next().filter(|_| diags.is_empty()) else {
            return Err((Status::Syntax, format!("`{}` does not print back", ev.name)));
        };
        let (checked, diags) = check::check_function(&problem.program, &g);
        let mut checked = match checked {
            Some(c) if !diags.iter().any(synth_dsl::Diagnostic::is_error) => c,
            _ => {
                let why = diags.iter().find(|d| d.is_error()).map_or_else(String::new, |d| d.message.clone());
                return Err((Status::Type, format!("`{}`: {why}", ev.name)));
            }
        };
        checked.decorators.clone_from(&problem.program.functions[ev.func].decorators);
        program.functions[ev.func] = checked;
        printed.push(shown);
    }
    Ok(Placed { text: printed.join("\n"), program })
}

/// The `def`s of a stored candidate text, by evolved function.
pub fn defs(problem: &EvolveProblem, text: &str) -> Vec<ast::Function> {
    let (module, _) = parser::parse_module(text);
    problem
        .evolved
        .iter()
        .map(|ev| {
            module
                .items
                .iter()
                .find_map(|i| match i {
                    Item::Function(f) if f.name.name == ev.name => Some(f.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| ev.def.clone())
        })
        .collect()
}

/// Scores candidates of one problem.
pub struct Evaluator {
    problem: std::sync::Arc<EvolveProblem>,
    /// Probe calls: (evolved function index, arguments).
    probes: Vec<(usize, Vec<Frozen>)>,
    /// What turns a run into a score.
    by: ScoreBy,
}

/// The three ways to score.
enum ScoreBy {
    /// The `@score` function's float.
    Program,
    /// An external module scores the `@score` function's numbers.
    Wasm(WasmScorer),
    /// A Rust scorer.
    Rust(std::sync::Arc<dyn Scorer>),
}

/// Probes per evolved function.
const PROBES: usize = 32;

impl Evaluator {
    /// An evaluator by the problem's `@score` function (and its scoring
    /// module, when the problem names one: an error if it does not load).
    pub fn new(problem: std::sync::Arc<EvolveProblem>) -> Result<Evaluator, String> {
        let by = match &problem.wasm_scorer {
            None => ScoreBy::Program,
            Some((path, bytes)) => {
                ScoreBy::Wasm(WasmScorer::new(bytes).map_err(|e| format!("{}: {e}", path.display()))?)
            }
        };
        Ok(Evaluator::with(problem, by))
    }

    /// An evaluator by a Rust scorer (the `@score` function types the inputs; its body is not run).
    pub fn with_scorer(problem: std::sync::Arc<EvolveProblem>, scorer: std::sync::Arc<dyn Scorer>) -> Evaluator {
        Evaluator::with(problem, ScoreBy::Rust(scorer))
    }

    /// Finds the probe inputs by running the seed's evaluator on the first
    /// score input in the reference interpreter (recording the arguments of
    /// the first calls of each evolved function).
    fn with(problem: std::sync::Arc<EvolveProblem>, by: ScoreBy) -> Evaluator {
        let mut probes = Vec::new();
        let funcs: Vec<usize> = problem.evolved.iter().map(|e| e.func).collect();
        let limits = Limits { fuel: 50_000_000, ..Limits::default() };
        if let Ok(mut it) = Interpreter::new(&problem.program, limits) {
            it.record_calls(&funcs, PROBES * 8);
            let args: Vec<Value> = problem.inputs[0].iter().map(Frozen::thaw).collect();
            let _ = it.call(problem.score_func, args);
            let calls = it.take_recorded();
            for (k, f) in funcs.iter().enumerate() {
                let mine: Vec<&Vec<Value>> = calls.iter().filter(|c| c.0 == *f).map(|c| &c.1).collect();
                // Spread over the calls made, not only the first few.
                let step = mine.len().div_ceil(PROBES).max(1);
                for a in mine.iter().step_by(step) {
                    probes.push((k, a.iter().map(Value::freeze).collect()));
                }
            }
        }
        tracing::info!(probes = probes.len(), "probe inputs for behaviour de-duplication");
        Evaluator { problem, probes, by }
    }

    /// The problem.
    pub fn problem(&self) -> &EvolveProblem {
        &self.problem
    }

    /// Probe calls recorded.
    pub fn probe_count(&self) -> usize {
        self.probes.len()
    }

    /// A hash of what the evolved functions return (or raise) on the
    /// probes: equal hashes, equal behaviour there. `None` without probes.
    pub fn behaviour(&self, program: &Program) -> Option<u64> {
        if self.probes.is_empty() {
            return None;
        }
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        let limits = Limits { fuel: 200_000, ..Limits::default() };
        let mut it = Interpreter::new(program, limits).ok()?;
        for (k, args) in &self.probes {
            it.reset_budget();
            let func = self.problem.evolved[*k].func;
            match it.call(func, args.iter().map(Frozen::thaw).collect()) {
                Ok(v) => h.write(v.repr().as_bytes()),
                Err(e) if e.kind == ErrorKind::OutOfFuel => h.write(b"<budget>"),
                Err(e) => h.write(e.kind.name().as_bytes()),
            }
            h.write_u8(0);
        }
        Some(h.finish())
    }

    /// Runs the `@score` function on each of `inputs` (in parallel).
    pub fn score(&self, program: &Program, inputs: &[Vec<Frozen>]) -> Scored {
        let start = Instant::now();
        let p = &self.problem;
        let limits = Limits { fuel: u64::MAX, alloc: u64::MAX, max_depth: Limits::default().max_depth };
        let runner = match WasmRunner::new(program, None, limits) {
            Ok(r) => r.with_time_limit(p.timeout).with_memory_limit((p.memory_mib as usize) << 20),
            Err(e) => {
                let message = match e {
                    BackendError::Unsupported { message, .. } => {
                        format!("not supported by the Wasm backend: {message}")
                    }
                    other => other.to_string(),
                };
                return Scored { status: Status::Error, message, signature: Vec::new(), seconds: secs(start) };
            }
        };
        let results: Vec<Result<f64, (Status, String)>> = inputs
            .par_iter()
            .map(|args| {
                let values: Vec<Value> = args.iter().map(Frozen::thaw).collect();
                let shown = || args.iter().map(Frozen::repr).collect::<Vec<_>>().join(", ");
                let call = || format!("{}({})", p.score_name, shown());
                if let ScoreBy::Rust(scorer) = &self.by {
                    let candidate = Candidate { runner: &runner, program };
                    return match scorer.score(&candidate, &values) {
                        Ok(f) if f.is_finite() => Ok(f),
                        Ok(f) => Err((Status::NotFinite, format!("the scorer gave {f} for {}: not a score", call()))),
                        Err(e) => Err((e.status, format!("the scorer, on {}: {}", call(), e.message))),
                    };
                }
                let value = match runner.call(p.score_func, &values) {
                    Ok(out) => match out.result {
                        Ok(v) => v,
                        Err(e) => {
                            let status = match e.kind {
                                ErrorKind::OutOfFuel => Status::Timeout,
                                ErrorKind::OutOfMemory => Status::OutOfMemory,
                                _ => Status::Error,
                            };
                            return Err((status, format!("{}: {e}", call())));
                        }
                    },
                    Err(e) => return Err((Status::Error, e.to_string())),
                };
                let score = match (&self.by, value) {
                    (ScoreBy::Wasm(module), v) => {
                        let numbers = numbers_of(&v);
                        match module.score(&numbers, p.timeout, (p.memory_mib as usize) << 20) {
                            Ok(f) => f,
                            Err(ScorerFailure::Timeout) => {
                                return Err((
                                    Status::Timeout,
                                    format!("the scoring module ran out of time on {}", call()),
                                ));
                            }
                            Err(ScorerFailure::OutOfMemory) => {
                                return Err((
                                    Status::OutOfMemory,
                                    format!("the scoring module ran out of memory on {}", call()),
                                ));
                            }
                            Err(ScorerFailure::Error(m)) => return Err((Status::Error, format!("{}: {m}", call()))),
                        }
                    }
                    (_, Value::Float(f)) => f,
                    (_, other) => return Err((Status::Error, format!("{} gave {}", call(), other.repr()))),
                };
                if score.is_finite() {
                    Ok(score)
                } else {
                    Err((Status::NotFinite, format!("{} = {score}: not a score", call())))
                }
            })
            .collect();
        let mut signature = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(f) => signature.push(f),
                Err((status, message)) => return Scored { status, message, signature, seconds: secs(start) },
            }
        }
        Scored { status: Status::Ok, message: String::new(), signature, seconds: secs(start) }
    }
}

/// The numbers a scoring module gets from a result value.
fn numbers_of(v: &Value) -> Vec<f64> {
    match v {
        Value::Int(i) => vec![*i as f64],
        Value::Float(f) => vec![*f],
        Value::Bool(b) => vec![f64::from(u8::from(*b))],
        Value::List(l) => l.borrow().iter().flat_map(numbers_of).collect(),
        Value::Tuple(t) => t.iter().flat_map(numbers_of).collect(),
        Value::Str(_) | Value::None => Vec::new(),
    }
}

fn secs(start: Instant) -> f64 {
    Duration::as_secs_f64(&start.elapsed())
}

/// FNV-1a: a hash that is the same in every build (stored hashes compare
/// across resumed runs).
pub struct Fnv(pub u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The FNV-1a hash of a text.
pub fn text_hash(text: &str) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.write(text.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    fn problem() -> Arc<EvolveProblem> {
        Arc::new(EvolveProblem::parse(Path::new("e.toml"), super::super::problem::tests::CAPSET).expect("loads"))
    }

    #[test]
    fn the_seed_scores_and_bad_candidates_are_outcomes() {
        let p = problem();
        let ev = Evaluator::new(p.clone()).unwrap();
        assert!(ev.probe_count() > 0);
        let seed = place(&p, &p.seed_text()).expect("the seed places");
        let s = ev.score(&seed.program, &p.inputs);
        assert_eq!(s.status, Status::Ok, "{}", s.message);
        assert_eq!(s.signature, vec![3.0, 4.0]);
        let better = place(&p, "def priority(v: tuple[int, ...], n: int) -> float:\n    return float(v[0])\n").unwrap();
        assert_eq!(ev.score(&better.program, &p.inputs).signature, vec![6.0, 10.0]);
        // A body alone, with a different header: the seed's header is kept.
        let div =
            place(&p, "def priority(v: tuple[int, ...], n: int) -> float:\n    return 1.0 / (v[0] - v[0])\n").unwrap();
        let s = ev.score(&div.program, &p.inputs);
        assert_eq!(s.status, Status::Error);
        assert!(s.message.contains("ZeroDivisionError") && s.message.contains("evaluate(3)"), "{}", s.message);
        let nan =
            place(&p, "def priority(v: tuple[int, ...], n: int) -> float:\n    return float('inf') - float('inf')\n")
                .unwrap();
        assert_eq!(ev.score(&nan.program, &p.inputs).status, Status::NotFinite);
        let spin = place(
            &p,
            "def priority(v: tuple[int, ...], n: int) -> float:\n    while True:\n        pass\n    return 0.0\n",
        )
        .unwrap();
        let mut short = (*p).clone();
        short.timeout = Duration::from_millis(100);
        let ev2 = Evaluator::new(Arc::new(short)).unwrap();
        assert_eq!(ev2.score(&spin.program, &p.inputs).status, Status::Timeout);
        let grow = place(
            &p,
            "def priority(v: tuple[int, ...], n: int) -> float:\n    x = [1]\n    while True:\n        x = x + x\n    return 0.0\n",
        )
        .unwrap();
        assert_eq!(ev.score(&grow.program, &p.inputs).status, Status::OutOfMemory);
        assert_eq!(
            place(&p, "def priority(v: tuple[int, ...], n: int) -> float:\n    return v\n").unwrap_err().0,
            Status::Type
        );
        assert_eq!(place(&p, "def priority(:\n").unwrap_err().0, Status::Syntax);
    }

    #[test]
    fn behaviour_tells_equivalent_candidates_apart_from_different_ones() {
        let p = problem();
        let ev = Evaluator::new(p.clone()).unwrap();
        let b = |body: &str| {
            let placed = place(&p, &format!("def priority(v: tuple[int, ...], n: int) -> float:\n{body}")).unwrap();
            ev.behaviour(&placed.program).unwrap()
        };
        assert_eq!(b("    return 0.0\n"), b("    return 0.0 * n\n"));
        assert_ne!(b("    return 0.0\n"), b("    return float(v[0])\n"));
        assert_eq!(b("    return float(v[0])\n"), b("    x = v[0]\n    return x * 1.0\n"));
    }
}
