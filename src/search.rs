//! `synth run` and `synth eval`: parse the command line into the engine's
//! overrides, run the engine's sample-then-test on each problem file, and
//! print the report as text, a progress line on a terminal, and JSON.

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use synth_engine::dsl::smt::sexp::Sexp;
use synth_engine::lm::LanguageModel;
use synth_engine::model::SamplingSettings;
use synth_engine::problem::Problem;
use synth_engine::propose::{ProposerName, parse_proposers};
use synth_engine::search::{ModelCache, Overrides, Progress, Report, SearchOptions, Technique, sample_then_test};
use synth_engine::sygus::{Check, Solution, SygusProblem, is_sygus};

/// Budget overrides shared by `run` and `eval`.
#[derive(clap::Args, Clone, Debug)]
pub struct BudgetArgs {
    /// Wall-clock budget per problem, in seconds (default: the problem's `[search] seconds`, else 60).
    #[arg(long)]
    seconds: Option<f64>,
    /// Candidate budget per problem (default: the problem's `[search] candidates`, else 1,000,000).
    #[arg(long)]
    candidates: Option<u64>,
    /// Seed of random choices (default: the problem's `[search] seed`, else 0).
    #[arg(long)]
    seed: Option<u64>,
    /// Search techniques to switch off, to measure what they bring:
    /// `constants`, `conditionals`, `idioms` (comma-separated).
    #[arg(long, value_name = "TECHNIQUES", value_parser = parse_techniques)]
    without: Option<TechniqueList>,
    #[command(flatten)]
    model: ModelArgs,
}

/// A comma-separated list of techniques, as one value.
#[derive(Clone, Debug)]
pub struct TechniqueList(Vec<Technique>);

fn parse_techniques(s: &str) -> Result<TechniqueList, String> {
    Technique::parse_list(s).map(TechniqueList)
}

/// The model proposer's settings (over the problem's `[model]` and the
/// model's `synth-model.toml`).
#[derive(clap::Args, Clone, Debug)]
pub struct ModelArgs {
    /// Which proposers run, in order of priority, e.g. `enumerate,model`
    /// (default: the problem's `[search] proposer`, else `model,enumerate`
    /// when a model is given, else `enumerate`; `all` is both).
    #[arg(long, value_parser = parse_proposer, value_name = "NAMES")]
    proposer: Option<ProposerList>,
    /// A model directory: model.onnx, tokenizer.json, optional synth-model.toml
    /// (default: the problem's `[model] path`).
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// ONNX Runtime intra-op threads (default: the model's setting, else one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    sampling: SamplingArgs,
}

/// How completions are sampled.
#[derive(clap::Args, Clone, Debug)]
pub struct SamplingArgs {
    /// Completions sampled per target (default 64).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    samples: Option<u64>,
    /// Sampling temperature; 0 is greedy (default 0.8).
    #[arg(long, value_name = "T")]
    temperature: Option<f32>,
    /// Sample from the k most likely tokens only (default: all).
    #[arg(long, value_name = "K")]
    top_k: Option<usize>,
    /// Nucleus sampling: the most likely tokens up to this probability (default 0.95).
    #[arg(long, value_name = "P")]
    top_p: Option<f32>,
    /// Most tokens per completion (default 128).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_new_tokens: Option<u64>,
}

impl SamplingArgs {
    /// The settings given (unchecked).
    fn given(&self) -> SamplingSettings {
        SamplingSettings {
            temperature: self.temperature,
            top_k: self.top_k,
            top_p: self.top_p,
            max_new_tokens: self.max_new_tokens.map(|n| n as usize),
            samples: self.samples.map(|n| n as usize),
        }
    }

    /// The settings given, checked.
    pub fn settings(&self) -> Result<SamplingSettings> {
        let settings = self.given();
        if let Some((field, message)) = settings.invalid() {
            anyhow::bail!("--{}: {message}", field.replace('_', "-"));
        }
        Ok(settings)
    }
}

/// A comma-separated list of proposers, as one value (clap would take a
/// `Vec` as one value per occurrence).
#[derive(Clone, Debug)]
pub struct ProposerList(Vec<ProposerName>);

fn parse_proposer(s: &str) -> Result<ProposerList, String> {
    parse_proposers(s).map(ProposerList)
}

impl BudgetArgs {
    /// The engine's overrides.
    fn overrides(&self) -> Overrides {
        Overrides {
            seconds: self.seconds,
            candidates: self.candidates,
            seed: self.seed,
            proposers: self.model.proposer.clone().map(|p| p.0),
            model: self.model.model.clone(),
            threads: self.model.threads,
            sampling: self.model.sampling.given(),
            without: self.without.clone().map(|t| t.0).unwrap_or_default(),
        }
    }
}

fn options(problem: &Problem, budget: &BudgetArgs, interrupt: &Arc<AtomicBool>) -> Result<SearchOptions> {
    Ok(SearchOptions::resolve(problem, &budget.overrides(), interrupt.clone())?)
}

/// Ctrl-C sets the flag: the search stops and reports the best so far.
pub(crate) fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    if let Err(e) = ctrlc::set_handler(move || f.store(true, Ordering::Relaxed)) {
        tracing::warn!(error = %e, "cannot install the Ctrl-C handler");
    }
    flag
}

fn spinner(show: bool) -> ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

fn progress_message(name: &str, p: &Progress) -> String {
    let statuses: String = p.statuses.iter().map(|s| format!(", {s}")).collect();
    format!(
        "{name}: {} candidates ({} evaluated){statuses}, best {}/{} visible tests",
        p.candidates, p.evaluated, p.best.0, p.best.1
    )
}

/// How `synth run` prints a SyGuS solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A SyGuS `define-fun` in SMT-LIB.
    Smt,
    /// synth's language.
    Py,
}

/// A problem file of either kind.
enum Loaded {
    Toml(Box<Problem>),
    Sygus(Box<SygusProblem>),
}

impl Loaded {
    fn load(path: &Path) -> Result<Loaded, synth_engine::problem::ProblemError> {
        if is_sygus(path) {
            SygusProblem::load(path).map(|p| Loaded::Sygus(Box::new(p)))
        } else {
            Problem::load(path).map(|p| Loaded::Toml(Box::new(p)))
        }
    }

    fn problem(&self) -> &Problem {
        match self {
            Loaded::Toml(p) => p,
            Loaded::Sygus(s) => &s.problem,
        }
    }
}

/// A SyGuS search's outcome: the solutions and Z3's check of them against
/// the file's own constraints (a solution Z3 rejects is not a solution).
#[derive(serde::Serialize)]
struct SygusOutcome {
    solutions: Vec<Solution>,
    check: Option<Check>,
    error: Option<String>,
}

/// Searches a SyGuS problem; a solution the independent check refutes
/// gives its counterexample to the next search (at most 3 more).
fn search_sygus(
    s: &mut SygusProblem,
    options: &SearchOptions,
    progress: &mut dyn FnMut(&Progress),
) -> (Report, Option<SygusOutcome>) {
    let mut round = 0;
    loop {
        let mut report = sample_then_test(&s.problem, options, None, &mut *progress);
        let (outcome, values) = sygus_outcome(s, &mut report);
        let refuted = outcome.as_ref().is_some_and(|o| matches!(o.check, Some(Check::Invalid(_))));
        if refuted && round < 3 && !options.budget.interrupt.load(Ordering::Relaxed) && s.add_counterexample(&values) {
            tracing::info!(
                round,
                "the independent check refuted the solution; searching again with its counterexample"
            );
            round += 1;
            continue;
        }
        return (report, outcome);
    }
}

fn sygus_outcome(s: &SygusProblem, report: &mut Report) -> (Option<SygusOutcome>, Vec<(String, Sexp)>) {
    if !report.solved {
        return (None, Vec::new());
    }
    let mut values = Vec::new();
    let out = match s.solutions(report) {
        Ok(solutions) => match s.check(&solutions, std::time::Duration::from_secs(60)) {
            Ok((check, v)) => {
                values = v;
                SygusOutcome { solutions, check: Some(check), error: None }
            }
            Err(e) => SygusOutcome { solutions, check: None, error: Some(format!("bug in synth: {e}")) },
        },
        Err(e) => SygusOutcome { solutions: Vec::new(), check: None, error: Some(e) },
    };
    if out.check != Some(Check::Valid) {
        report.solved = false;
    }
    (Some(out), values)
}

/// `synth run`.
pub fn run(path: &Path, budget: &BudgetArgs, json: bool, format: Format) -> Result<ExitCode> {
    let mut loaded = match Loaded::load(path) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", with_newline(e.to_string()));
            return Ok(ExitCode::from(2));
        }
    };
    let interrupt = interrupt_flag();
    let options = options(loaded.problem(), budget, &interrupt)?;
    let name = loaded.problem().name.clone();
    let bar = spinner(!json);
    let mut progress = |p: &Progress| bar.set_message(progress_message(&name, p));
    let report;
    let outcome = match &mut loaded {
        Loaded::Sygus(s) => {
            let (r, o) = search_sygus(s, &options, &mut progress);
            report = r;
            o
        }
        Loaded::Toml(problem) => {
            let mut models = ModelCache::default();
            let model = match models.get(problem, &options) {
                Ok(m) => m.map(|m| m as &mut dyn LanguageModel),
                Err(e) => {
                    bar.finish_and_clear();
                    eprintln!("error: {e:#}");
                    return Ok(ExitCode::from(2));
                }
            };
            report = sample_then_test(problem, &options, model, &mut progress);
            bar.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string(&report).context("cannot print the report")?);
            } else {
                print_report(&report);
            }
            return Ok(if report.solved { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
    };
    bar.finish_and_clear();
    if json {
        let mut v = serde_json::to_value(&report).context("cannot print the report")?;
        if let Some(o) = &outcome {
            let smt: Vec<&str> = o.solutions.iter().map(|s| s.smt.as_str()).collect();
            let py: Vec<&str> = o.solutions.iter().map(|s| s.py.as_str()).collect();
            v["program"] = if o.check == Some(Check::Valid) { smt.join("\n").into() } else { serde_json::Value::Null };
            v["program_py"] = py.join("\n").into();
            v["sygus"] = serde_json::to_value(o).context("cannot print the report")?;
        }
        println!("{v}");
    } else {
        match &outcome {
            Some(o) if o.check == Some(Check::Valid) => {
                for s in &o.solutions {
                    match format {
                        Format::Smt => println!("{}", s.smt),
                        Format::Py => print!("{}", with_newline(s.py.clone())),
                    }
                }
            }
            Some(o) => {
                for s in &o.solutions {
                    println!("# rejected: {}", s.smt);
                }
            }
            None => {}
        }
        // The solution is printed above, in the asked form.
        let mut shown = report.clone();
        shown.program = None;
        if outcome.as_ref().is_some_and(|o| o.check == Some(Check::Valid)) {
            for t in &mut shown.targets {
                t.program = None;
            }
        }
        print_report(&shown);
        match outcome.as_ref().map(|o| (&o.check, &o.error)) {
            Some((Some(Check::Valid), _)) => eprintln!("  Z3 accepts the solution against the file's constraints"),
            Some((Some(Check::Invalid(at)), _)) => {
                // Accepted on an inconclusive check of the translated spec, or a bug.
                let why =
                    if report.targets.iter().any(|t| t.verdict.as_deref().is_some_and(|v| v.starts_with("unknown"))) {
                        "synth's own check of it was inconclusive"
                    } else {
                        "a bug in synth's translation"
                    };
                eprintln!("  Z3 rejects the solution: a constraint fails at {at} ({why})")
            }
            Some((Some(Check::Unknown(r)), _)) => eprintln!("  Z3 could not check the solution ({r})"),
            Some((None, Some(e))) => eprintln!("  {e}"),
            _ => {}
        }
    }
    Ok(if report.solved { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub(crate) fn with_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn print_report(r: &Report) {
    if r.solved && r.program.is_some() {
        if let Some(p) = &r.program {
            print!("{}", with_newline(p.clone()));
        }
    } else {
        for t in r.targets.iter().filter(|t| t.program.is_some()) {
            if t.solved {
                println!("# `{}`: passes its {} visible tests", t.name, t.visible_total);
            } else {
                println!(
                    "# best so far for `{}`: passes {}/{} visible tests",
                    t.name, t.visible_passed, t.visible_total
                );
            }
            if let Some(p) = &t.program {
                print!("{}", with_newline(p.clone()));
            }
        }
    }
    let mut proposers: Vec<String> = r.targets.iter().filter_map(|t| t.proposer.clone()).collect();
    proposers.sort();
    proposers.dedup();
    eprintln!(
        "{} {} in {:.2} s ({}): {} candidates ({} evaluated), {} run in the sandbox; proposer {}; visible {}/{}, hidden {}/{}",
        if r.solved { "solved" } else { "not solved:" },
        r.problem,
        r.seconds,
        r.stop_reason.name(),
        r.candidates,
        r.evaluated,
        r.sandbox_runs,
        if proposers.is_empty() { "-".into() } else { proposers.join(", ") },
        r.visible_passed,
        r.visible_total,
        r.hidden_passed,
        r.hidden_total,
    );
    for t in &r.targets {
        if let Some(f) = &t.hidden_failure {
            eprintln!("  hidden test failed: {f}");
        }
        for c in &t.counterexamples {
            eprintln!("  {}: counterexample {c}, added as a test", t.name);
        }
        if let Some(v) = &t.verdict {
            eprintln!("  {}: {v}", t.name);
        }
        if !t.constants.is_empty() {
            eprintln!("  {}: constants from the examples: {}", t.name, t.constants.join(", "));
        }
    }
    if let Some(m) = &r.model {
        let pct = |n: u64| if m.completions == 0 { 0.0 } else { 100.0 * n as f64 / m.completions as f64 };
        eprintln!(
            "model: {} completions ({} tokens in {:.2} s, {:.0} tokens/s): {:.0}% syntax errors, {:.0}% type errors, \
             {} duplicates, {} tested, {} not needed",
            m.completions,
            m.tokens,
            m.seconds,
            if m.seconds > 0.0 { m.tokens as f64 / m.seconds } else { 0.0 },
            pct(m.syntax_errors),
            pct(m.type_errors),
            m.duplicates,
            m.tested,
            m.skipped
        );
        if let Some(e) = &m.error {
            eprintln!("model failed: {e}");
        }
    }
}

/// Is this an evolution problem file (`synth evolve`'s, with a `[score]`
/// table)? A folder search of `synth eval` leaves those out.
fn is_evolution_problem(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.lines().any(|l| l.trim() == "[score]"))
}

/// Every `*.toml` under the paths (folders: problem files for `synth run`,
/// not evolution problems), sorted.
fn problem_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
                    let path = entry?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if (path.extension().is_some_and(|e| e == "toml") && !is_evolution_problem(&path))
                        || is_sygus(&path)
                    {
                        out.push(path);
                    }
                }
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            anyhow::bail!("cannot read {}: no such file or folder", p.display());
        }
    }
    out.sort();
    Ok(out)
}

#[derive(serde::Serialize)]
struct EvalRow {
    file: String,
    marked: Vec<String>,
    error: Option<String>,
    /// A SyGuS file's solutions and Z3's check of them.
    sygus: Option<SygusOutcome>,
    #[serde(flatten)]
    report: Option<Report>,
}

/// `synth eval`.
pub fn eval(paths: &[PathBuf], budget: &BudgetArgs, output: &Path) -> Result<ExitCode> {
    let files = problem_files(paths)?;
    let interrupt = interrupt_flag();
    let mut models = ModelCache::default();
    let mut rows = Vec::new();
    println!("{:<28} {:>8} {:>8} {:>12} {:>8}  stop", "problem", "solved", "seconds", "candidates", "hidden");
    for file in &files {
        if interrupt.load(Ordering::Relaxed) {
            break;
        }
        let mut loaded = match Loaded::load(file) {
            Ok(p) => p,
            Err(e) => {
                eprint!("{}", with_newline(e.to_string()));
                println!("{:<28} {:>8}", file.display(), "error");
                rows.push(EvalRow {
                    file: file.display().to_string(),
                    marked: Vec::new(),
                    error: Some(e.to_string()),
                    sygus: None,
                    report: None,
                });
                continue;
            }
        };
        let options = options(loaded.problem(), budget, &interrupt)?;
        let name = loaded.problem().name.clone();
        let bar = spinner(true);
        let mut progress = |p: &Progress| bar.set_message(progress_message(&name, p));
        let (report, sygus) = match &mut loaded {
            Loaded::Sygus(s) => search_sygus(s, &options, &mut progress),
            Loaded::Toml(problem) => {
                let model = models.get(problem, &options)?.map(|m| m as &mut dyn LanguageModel);
                (sample_then_test(problem, &options, model, &mut progress), None)
            }
        };
        bar.finish_and_clear();
        if let Some(o) = &sygus
            && let Some(e) = &o.error
        {
            eprintln!("{}: {e}", file.display());
        }
        let problem = loaded.problem();
        let hidden = if report.hidden_total == 0 {
            "-".to_string()
        } else {
            format!("{}/{}", report.hidden_passed, report.hidden_total)
        };
        println!(
            "{:<28} {:>8} {:>8.2} {:>12} {:>8}  {}",
            problem.name,
            if report.solved { "yes" } else { "no" },
            report.seconds,
            report.candidates,
            hidden,
            report.stop_reason.name()
        );
        rows.push(EvalRow {
            file: file.display().to_string(),
            marked: problem.solvable_by.clone(),
            error: None,
            sygus,
            report: Some(report),
        });
    }
    let solved = rows.iter().filter(|r| r.report.as_ref().is_some_and(|r| r.solved)).count();
    let (hidden_passed, hidden_total) = rows
        .iter()
        .filter_map(|r| r.report.as_ref())
        .filter(|r| r.solved)
        .fold((0, 0), |(p, t), r| (p + r.hidden_passed, t + r.hidden_total));
    let marked: Vec<&EvalRow> = rows.iter().filter(|r| r.marked.iter().any(|m| m == "enumerate")).collect();
    let marked_missed: Vec<&str> =
        marked.iter().filter(|r| !r.report.as_ref().is_some_and(|r| r.solved)).map(|r| r.file.as_str()).collect();
    let errors = rows.iter().filter(|r| r.error.is_some()).count();
    println!(
        "solved {solved}/{} problems ({} of {} marked solvable by enumeration); hidden tests of solved problems {hidden_passed}/{hidden_total}; {errors} bad files",
        rows.len(),
        marked.len() - marked_missed.len(),
        marked.len(),
    );
    for m in &marked_missed {
        println!("  marked solvable by enumeration, not solved: {m}");
    }
    let json = serde_json::to_string_pretty(&rows).context("cannot serialize the results")?;
    std::fs::write(output, json).with_context(|| format!("cannot write {}", output.display()))?;
    println!("results written to {}", output.display());
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if marked_missed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
