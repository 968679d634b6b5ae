//! `synth evolve` (run or resume an evolutionary search, one SQLite file
//! per run) and `synth show` (the best programs and a summary of a run).

use crate::search::interrupt_flag;
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use synth_engine::evolve::evaluate::Status;
use synth_engine::evolve::run::fmt_score;
use synth_engine::evolve::store::{Record, Store};
use synth_engine::evolve::{EvolveOptions, EvolveProblem, EvolveStrategy, evolve};

/// `synth evolve`'s arguments.
#[derive(clap::Args)]
pub struct EvolveArgs {
    /// The evolution problem file (TOML; see docs/evolve.md).
    problem: PathBuf,
    /// The run file (SQLite); by default `<problem name>.sqlite` here.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Continue the run in `--db` (made from the same problem file).
    #[arg(long)]
    resume: bool,
    /// Time budget of the whole run in seconds (resumes included).
    #[arg(long)]
    seconds: Option<f64>,
    /// Evaluated candidates of the whole run.
    #[arg(long)]
    candidates: Option<u64>,
    /// Seed of every random choice.
    #[arg(long)]
    seed: Option<u64>,
    /// funsearch, hill-climb or random (the baselines write the same database).
    #[arg(long)]
    strategy: Option<String>,
    /// Evaluator threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// A language model directory (any Optimum export, as `synth run`): its
    /// completions of FunSearch's prompts are the children (without it,
    /// mutation and crossover make them).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `synth evolve`.
pub fn run(args: &EvolveArgs) -> Result<ExitCode> {
    let problem = match EvolveProblem::load(&args.problem) {
        Ok(p) => Arc::new(p),
        Err(e) => {
            eprint!("{}", crate::search::with_newline(e.to_string()));
            return Ok(ExitCode::from(2));
        }
    };
    let strategy = match args.strategy.as_deref().map(EvolveStrategy::parse).transpose() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if let Some(s) = args.seconds
        && !(s.is_finite() && s > 0.0)
    {
        eprintln!("error: --seconds must be a positive number, found {s}");
        return Ok(ExitCode::from(2));
    }
    let db = args.db.clone().unwrap_or_else(|| PathBuf::from(format!("{}.sqlite", problem.name)));
    let opts = EvolveOptions {
        db: db.clone(),
        resume: args.resume,
        seconds: args.seconds,
        candidates: args.candidates,
        seed: args.seed,
        strategy,
        threads: args.threads,
        interrupt: interrupt_flag(),
        progress: !args.json && std::io::stderr().is_terminal(),
        scorer: None,
        model: args.model.clone(),
        sampling: Default::default(),
    };
    let report = match evolve(problem.clone(), &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&report).context("cannot print the report")?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} candidates evaluated ({} this session, {:.1}/s), {} valid, {} duplicates skipped, {} rejected, {} resets; stopped: {:?}",
        report.problem,
        report.candidates,
        report.session_candidates,
        report.candidates_per_second,
        report.valid,
        report.duplicates,
        report.rejected,
        report.resets,
        report.stop
    );
    if let Some(b) = &report.best {
        let seed = report.seed_score.map_or_else(String::new, |s| format!(" (seed {})", fmt_score(s)));
        println!("best score {}{seed}, signature {}", fmt_score(b.score), fmt_list(&b.signature));
        if let Some(h) = &b.held_out {
            println!("held out {}", fmt_list(h));
        }
        println!("{}", b.program.trim_end());
    }
    println!("run file: {}", db.display());
    Ok(ExitCode::SUCCESS)
}

fn fmt_list(v: &[f64]) -> String {
    format!("[{}]", v.iter().map(|s| fmt_score(*s)).collect::<Vec<_>>().join(", "))
}

/// `synth show`'s arguments.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// The run file.
    db: PathBuf,
    /// How many of the best programs to print.
    #[arg(long, default_value_t = 3)]
    top: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// The summary of a run, as `synth show --json` prints it.
#[derive(serde::Serialize)]
struct Summary {
    problem: String,
    strategy: String,
    candidates: usize,
    valid: usize,
    duplicates: i64,
    rejected: i64,
    resets: u64,
    elapsed_seconds: f64,
    outcomes: std::collections::BTreeMap<&'static str, usize>,
    best_id: Option<i64>,
    best_score: Option<f64>,
    best_signature: Option<Vec<f64>>,
    best_held_out: Option<Vec<f64>>,
    best_program: Option<String>,
    top: Vec<Record>,
}

fn summary(path: &Path, top: usize) -> Result<Summary> {
    let store = Store::open(path)?;
    let records = store.records()?;
    let counters = store.counters()?;
    let counter = |k: &str| counters.iter().find(|c| c.0 == k).map_or(0, |c| c.1);
    let settings: serde_json::Value =
        serde_json::from_str(&store.get("settings")?.unwrap_or_default()).unwrap_or_default();
    let mut outcomes = std::collections::BTreeMap::new();
    for r in &records {
        *outcomes.entry(r.status.name()).or_default() += 1;
    }
    // Best first; among equal scores the earliest.
    let mut ranked: Vec<&Record> = records.iter().filter(|r| r.score.is_some()).collect();
    ranked.sort_by(|a, b| b.score.unwrap_or(f64::NAN).total_cmp(&a.score.unwrap_or(f64::NAN)).then(a.id.cmp(&b.id)));
    let best = ranked.first().copied();
    Ok(Summary {
        problem: store.get("problem")?.unwrap_or_default(),
        strategy: settings.get("strategy").and_then(|s| s.as_str()).unwrap_or("funsearch").to_string(),
        candidates: records.len(),
        valid: records.iter().filter(|r| r.status == Status::Ok).count(),
        duplicates: counter("duplicates"),
        rejected: counter("rejected"),
        resets: store.resets()?.0,
        elapsed_seconds: records.iter().map(|r| r.elapsed).fold(0.0, f64::max),
        outcomes,
        best_id: best.map(|b| b.id),
        best_score: best.and_then(|b| b.score),
        best_signature: best.map(|b| b.signature.clone()),
        best_held_out: best.and_then(|b| b.held_out.clone()),
        best_program: best.map(|b| b.text.clone()),
        top: ranked.into_iter().take(top).cloned().collect(),
    })
}

/// Runs `synth show`.
pub fn show(args: &ShowArgs) -> Result<ExitCode> {
    let s = match summary(&args.db, args.top) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&s).context("cannot print the summary")?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} ({}): {} candidates, {} valid, {} duplicates skipped, {} rejected, {} resets, {:.0} s",
        s.problem, s.strategy, s.candidates, s.valid, s.duplicates, s.rejected, s.resets, s.elapsed_seconds
    );
    let outcomes: Vec<String> = s.outcomes.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("outcomes: {}", outcomes.join(", "));
    for (rank, r) in s.top.iter().enumerate() {
        println!();
        let held = r.held_out.as_ref().map_or_else(String::new, |h| format!(", held out {}", fmt_list(h)));
        println!(
            "#{} id {} score {} signature {}{held} (island {}, {}, parents {:?})",
            rank + 1,
            r.id,
            r.score.map_or_else(|| "-".into(), fmt_score),
            fmt_list(&r.signature),
            r.island.map_or_else(|| "-".into(), |i| i.to_string()),
            r.proposer,
            r.parents
        );
        println!("{}", r.text.trim_end());
    }
    Ok(ExitCode::SUCCESS)
}
