//! The `synth` command line: `check` reports diagnostics for program files,
//! `exec` evaluates a call of a function in a file and prints its result as
//! Python's `repr` would, `run` synthesizes the targets of a problem file and
//! `eval` runs many problems, `sample` samples a language model. Exit codes: 0 success (solved), 1 a diagnostic
//! or runtime error in the program (not solved), 2 bad usage or bad input.

mod sample;
mod search;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use synth_dsl::span::line_col;
use synth_dsl::{Limits, render};
use synth_verifiers::{Backend, eval};
use tracing::debug;

#[derive(Parser)]
#[command(
    name = "synth",
    version,
    about = "Program synthesis with language models, enumeration, a Wasm sandbox and Z3"
)]
struct Cli {
    /// More logging (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and type-check program files; print every diagnostic.
    Check {
        /// Program files (`.py`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Evaluate a call of a function in FILE and print the result's repr.
    Exec {
        /// The program file.
        file: PathBuf,
        /// The call, e.g. `f(1, "a")`, with Python-literal arguments.
        #[arg(long)]
        call: String,
        /// Step budget (fuel).
        #[arg(long, default_value_t = Limits::default().fuel)]
        fuel: u64,
        /// Allocation budget, in elements.
        #[arg(long, default_value_t = Limits::default().alloc)]
        alloc: u64,
        /// Maximum call depth.
        #[arg(long, default_value_t = Limits::default().max_depth)]
        max_depth: usize,
        /// Which engine runs the call: the program compiled to WebAssembly
        /// in the sandbox, or the reference interpreter. Both print the
        /// same output and exit codes.
        #[arg(long, value_enum, default_value_t = BackendArg::Wasm)]
        backend: BackendArg,
    },
    /// Synthesize the `@synthesize` functions of a problem file.
    Run {
        /// The problem file (TOML; see docs/problem-files.md).
        problem: PathBuf,
        #[command(flatten)]
        budget: search::BudgetArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Sample completions from a model (a prompt, or a problem's first target) and report the throughput.
    Sample(sample::SampleArgs),
    /// Run many problems (files, or folders searched for `*.toml`) and print a table.
    Eval {
        /// Problem files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        budget: search::BudgetArgs,
        /// Where the JSON results go.
        #[arg(long, default_value = "synth-eval.json")]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum BackendArg {
    Interp,
    Wasm,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Check { files } => check(&files),
        Command::Exec { file, call, fuel, alloc, max_depth, backend } => {
            let backend = match backend {
                BackendArg::Interp => Backend::Interp,
                BackendArg::Wasm => Backend::Wasm,
            };
            exec(&file, &call, Limits { fuel, alloc, max_depth }, backend)
        }
        Command::Run { problem, budget, json } => search::run(&problem, &budget, json),
        Command::Eval { paths, budget, output } => search::eval(&paths, &budget, &output),
        Command::Sample(args) => sample::sample(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

fn read(path: &PathBuf) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let mut failed = false;
    for path in files {
        let src = read(path)?;
        let compiled = synth_dsl::compile(&src);
        debug!(file = %path.display(), n_diagnostics = compiled.diagnostics.len(), "checked");
        if !compiled.diagnostics.is_empty() {
            eprint!("{}", render(&path.display().to_string(), &src, &compiled.diagnostics));
        }
        failed |= compiled.has_errors();
    }
    if failed {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn exec(path: &PathBuf, call: &str, limits: Limits, backend: Backend) -> Result<ExitCode> {
    let src = read(path)?;
    let file_name = path.display().to_string();
    let compiled = synth_dsl::compile(&src);
    if compiled.has_errors() {
        eprint!("{}", render(&file_name, &src, &compiled.diagnostics));
        return Ok(ExitCode::from(1));
    }
    // The call's spans start past the end of the file, so a runtime error
    // inside the call expression is located in the call, not in the file.
    let base = src.len() + 1;
    let (ast, mut diags) = synth_dsl::parser::parse_expression_at(call, base);
    let mut typed = None;
    if diags.is_empty() {
        let (t, check_diags) = synth_dsl::check::check_expression(&compiled.program, &ast);
        diags = check_diags;
        typed = t;
    }
    let Some(expr) = typed.filter(|_| diags.is_empty()) else {
        let shifted: Vec<_> = diags
            .into_iter()
            .map(|mut d| {
                d.span.start = d.span.start.saturating_sub(base as u32);
                d.span.end = d.span.end.saturating_sub(base as u32);
                d
            })
            .collect();
        eprint!("{}", render("<call>", call, &shifted));
        return Ok(ExitCode::from(1));
    };
    let outcome = match eval(&compiled.program, &expr, limits, backend) {
        Ok(o) => o,
        Err(synth_verifiers::BackendError::Unsupported { message, span }) => {
            let d = synth_dsl::Diagnostic::error(span, message, "not compiled yet")
                .with_note("run it with `--backend interp`");
            if span.start as usize >= base {
                let mut d = d;
                d.span.start -= base as u32;
                d.span.end = d.span.end.saturating_sub(base as u32);
                eprint!("{}", render("<call>", call, &[d]));
            } else {
                eprint!("{}", render(&file_name, &src, &[d]));
            }
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    debug!(
        fuel_used = outcome.stats.fuel_used,
        allocated = outcome.stats.allocated,
        overflowed = outcome.stats.overflowed,
        "ran"
    );
    match outcome.result {
        Ok(v) => {
            println!("{}", v.repr());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let (name, text, offset) = if e.span.start as usize >= base {
                ("<call>", call, e.span.start - base as u32)
            } else {
                (file_name.as_str(), src.as_str(), e.span.start)
            };
            let (line, col) = line_col(text, offset);
            eprintln!("{e} ({name}:{line}:{col})");
            Ok(ExitCode::from(1))
        }
    }
}
