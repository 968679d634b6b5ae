//! The `synth` command line: `check` reports diagnostics for program files,
//! `exec` evaluates a call of a function in a file and prints its result as
//! Python's `repr` would, `run` synthesizes the targets of a problem file and
//! `eval` runs many problems, `verify` checks specifications with Z3, `sample` samples a language model, `evolve`
//! runs an evolutionary search, `show`, `plot` and `lineage` read its run file. Exit codes: 0 success (solved), 1 a diagnostic
//! or runtime error in the program (not solved), 2 bad usage or bad input.

mod evolve;
mod plot;
mod sample;
mod search;
mod verify;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use synth_dsl::span::line_col;
use synth_dsl::{Limits, render};
use synth_verifiers::{Backend, eval_with};
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
        /// Step budget (interpreter steps; about 100 Wasm instructions
        /// each). None unless given: a call runs to its end, as in Python.
        #[arg(long)]
        fuel: Option<u64>,
        /// Wall-clock limit in seconds.
        #[arg(long, default_value_t = 600.0)]
        timeout: f64,
        /// Memory cap in MiB: the Wasm backend's live data, the interpreter's
        /// growth of the process's resident memory.
        #[arg(long, default_value_t = 1024)]
        memory_mib: u64,
        /// The interpreter's budget of allocated elements over the whole
        /// run (none unless given).
        #[arg(long)]
        alloc: Option<u64>,
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
        /// The problem file: TOML (see docs/problem-files.md) or SyGuS-IF (`.sl`, see docs/verification.md).
        problem: PathBuf,
        #[command(flatten)]
        budget: search::BudgetArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// How a SyGuS solution is printed: SMT-LIB (`define-fun`) or synth's language.
        #[arg(long, value_enum, default_value = "smt")]
        format: search::Format,
    },
    /// Check the targets that have a `[spec]` with Z3: proved, or a counterexample.
    Verify(verify::VerifyArgs),
    /// Evolve the `@evolve` functions of an evolution problem file (FunSearch-style), or resume a run.
    Evolve(evolve::EvolveArgs),
    /// The best programs and a summary of an evolution run file.
    Show(evolve::ShowArgs),
    /// Plot the best score of an evolution run over time and candidates, per island (SVG).
    Plot(plot::PlotArgs),
    /// Write the ancestry of a program of an evolution run as a DOT graph.
    Lineage(plot::LineageArgs),
    /// Sample completions from a model (a prompt, or a problem's first target) and report the throughput.
    Sample(sample::SampleArgs),
    /// Run many problems (files, or folders searched for `*.toml` and `*.sl`) and print a table.
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
    quiet_broken_pipe();
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Check { files } => check(&files),
        Command::Exec { file, call, fuel, timeout, memory_mib, alloc, max_depth, backend } => {
            let backend = match backend {
                BackendArg::Interp => Backend::Interp,
                BackendArg::Wasm => Backend::Wasm,
            };
            let limits = Limits { fuel: fuel.unwrap_or(u64::MAX), alloc: alloc.unwrap_or(u64::MAX), max_depth };
            exec(&file, &call, limits, timeout, memory_mib, backend)
        }
        Command::Run { problem, budget, json, format } => search::run(&problem, &budget, json, format),
        Command::Eval { paths, budget, output } => search::eval(&paths, &budget, &output),
        Command::Sample(args) => sample::sample(&args),
        Command::Verify(args) => verify::verify(&args),
        Command::Evolve(args) => evolve::run(&args),
        Command::Show(args) => evolve::show(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Lineage(args) => plot::lineage(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `synth show run.sqlite | head` closes stdout early: end quietly (as a
/// Unix filter does on SIGPIPE) instead of reporting a panic of `println!`.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
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

/// The process's resident memory in bytes (Linux: `/proc/self/statm`; 0
/// elsewhere, where the interpreter's memory cap then does not apply).
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).map_or(0, |pages| pages * 4096)
}

/// What the process had resident when the run began.
static RESIDENT_BEFORE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Resident memory grown since the run began: the interpreter's memory cap
/// (read every few thousand steps and before large allocations, so a
/// counting allocator does not tax every allocation of the process).
fn allocated() -> u64 {
    resident().saturating_sub(RESIDENT_BEFORE.load(std::sync::atomic::Ordering::Relaxed))
}

/// A source file's text. Not UTF-8 is a diagnostic at the first bad byte
/// (`Err(Ok(rendered))`); an unreadable file is an error.
fn read_source(path: &PathBuf) -> Result<std::result::Result<String, String>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Ok(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Show the line up to the bad byte (the rest replaced), located in it.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let prefix = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let d = synth_dsl::Diagnostic::error(
                synth_dsl::span::Span { start: prefix.len() as u32, end: prefix.len() as u32 + 1 },
                format!("the file is not valid UTF-8: byte 0x{:02x} at offset {at}", bytes[at]),
                "not UTF-8",
            );
            Ok(Err(render(&path.display().to_string(), &text, &[d])))
        }
    }
}

/// `read_source`, with a bad file reported here: `None` means exit 1.
fn read(path: &PathBuf) -> Result<Option<String>> {
    match read_source(path)? {
        Ok(s) => Ok(Some(s)),
        Err(rendered) => {
            eprint!("{rendered}");
            Ok(None)
        }
    }
}

fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let mut failed = false;
    for path in files {
        let Some(src) = read(path)? else {
            failed = true;
            continue;
        };
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

fn exec(
    path: &PathBuf,
    call: &str,
    limits: Limits,
    timeout: f64,
    memory_mib: u64,
    backend: Backend,
) -> Result<ExitCode> {
    let Some(src) = read(path)? else { return Ok(ExitCode::from(1)) };
    if !(timeout > 0.0 && timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds, not {timeout}");
    }
    let time = std::time::Duration::from_secs_f64(timeout);
    let memory_bytes = usize::try_from(memory_mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX).min(4 << 30);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicU8::new(0));
    {
        // Ctrl-C: the interpreter stops at its next check and reports
        // where; a Wasm run ends here, with the same message.
        let stop = stop.clone();
        let wasm = backend == Backend::Wasm;
        let _ = ctrlc::set_handler(move || {
            stop.store(synth_dsl::interp::STOP_INTERRUPT, std::sync::atomic::Ordering::Relaxed);
            if wasm {
                eprintln!("KeyboardInterrupt: interrupted (Ctrl-C)");
                std::process::exit(130);
            }
        });
    }
    if backend == Backend::Interp {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(time);
            let _ = stop.compare_exchange(
                0,
                synth_dsl::interp::STOP_TIME,
                std::sync::atomic::Ordering::Relaxed,
                std::sync::atomic::Ordering::Relaxed,
            );
        });
    }
    let sandbox = synth_verifiers::sandbox::SandboxLimits { memory_bytes, ..Default::default() };
    synth_verifiers::configure_shared_sandbox(sandbox);
    RESIDENT_BEFORE.store(resident(), std::sync::atomic::Ordering::Relaxed);
    let exec_limits = synth_verifiers::ExecLimits {
        limits,
        time,
        memory_bytes,
        watch: Some(synth_dsl::interp::Watch { stop: stop.clone(), memory: Some((memory_bytes as u64, allocated)) }),
    };
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
    let outcome = match eval_with(&compiled.program, &expr, &exec_limits, backend) {
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
            if stop.load(std::sync::atomic::Ordering::Relaxed) == synth_dsl::interp::STOP_INTERRUPT {
                eprintln!("KeyboardInterrupt: {} ({name}:{line}:{col})", e.message);
                return Ok(ExitCode::from(130));
            }
            eprintln!("{e} ({name}:{line}:{col})");
            Ok(ExitCode::from(1))
        }
    }
}
