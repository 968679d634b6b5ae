//! `synth sample`: completions of a prompt (or of a problem's first target)
//! from a model directory, with their log-probabilities and the sampling
//! throughput (the model benchmark's Rust side, `benches/model-throughput.sh`).

use crate::search::SamplingArgs;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use synth_engine::lm::sampling_params;
use synth_engine::model::{Finish, Model, SamplingParams};
use synth_engine::problem::Problem;
use synth_engine::prompt::PromptParts;

/// `synth sample`'s options.
#[derive(clap::Args, Clone, Debug)]
pub struct SampleArgs {
    /// The model directory (model.onnx, tokenizer.json, optional synth-model.toml).
    model: PathBuf,
    /// The prompt text.
    #[arg(long, group = "input")]
    prompt: Option<String>,
    /// A file holding the prompt text.
    #[arg(long, group = "input")]
    prompt_file: Option<PathBuf>,
    /// A problem file: prompt with its first target, and stop at the end of the function.
    #[arg(long, group = "input")]
    problem: Option<PathBuf>,
    /// End a completion at a line that starts in column 0 (the end of a
    /// function body); implied by --problem.
    #[arg(long)]
    stop_at_dedent: bool,
    #[command(flatten)]
    sampling: SamplingArgs,
    /// Seed of the random streams.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Rows decoded together (default: the model's setting, else 32).
    #[arg(long)]
    batch: Option<usize>,
    /// ONNX Runtime intra-op threads (default: the model's setting, else one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Do not end completions at the end-of-sequence token (benchmarks).
    #[arg(long)]
    ignore_eos: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct SampleJson {
    index: usize,
    text: String,
    tokens: usize,
    logprob: f32,
    finish: Finish,
}

/// `synth sample`.
pub fn sample(args: &SampleArgs) -> Result<ExitCode> {
    let load_start = Instant::now();
    let mut model = Model::load(&args.model, args.threads)?;
    let load_seconds = load_start.elapsed().as_secs_f64();
    if let Some(b) = args.batch {
        anyhow::ensure!(b > 0, "--batch must be at least 1");
        model.config.batch = b;
    }
    let (params, n) = sampling_params(&model, &args.sampling.settings()?);
    let mut params =
        SamplingParams { seed: args.seed, ignore_eos: args.ignore_eos, stop_at_dedent: args.stop_at_dedent, ..params };
    let prompt = match (&args.prompt, &args.prompt_file, &args.problem) {
        (Some(p), _, _) => p.clone(),
        (None, Some(file), _) => {
            std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?
        }
        (None, None, Some(path)) => {
            let problem = Problem::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
            let target = problem.targets.first().context("the problem has no target")?;
            params.stop_at_dedent = true;
            PromptParts::new(&problem, target).render(&model.config.prompt).map_err(|e| anyhow::anyhow!(e))?
        }
        (None, None, None) => anyhow::bail!("give --prompt TEXT, --prompt-file FILE or --problem FILE"),
    };
    let prompt_tokens = model.encode(&prompt)?.len();
    let start = Instant::now();
    let samples = model.sample(&prompt, n, &params)?;
    let seconds = start.elapsed().as_secs_f64();
    let tokens: usize = samples.iter().map(|s| s.tokens.len()).sum();
    let rate = tokens as f64 / seconds.max(1e-9);
    if args.json {
        let out = serde_json::json!({
            "model": args.model,
            "prompt": prompt,
            "prompt_tokens": prompt_tokens,
            "samples": samples.iter().map(|s| SampleJson {
                index: s.index, text: s.text.clone(), tokens: s.tokens.len(), logprob: s.logprob, finish: s.finish,
            }).collect::<Vec<_>>(),
            "tokens": tokens,
            "seconds": seconds,
            "tokens_per_second": rate,
            "load_seconds": load_seconds,
            "batch": model.config.batch,
            "attention_fused": model.attention_fused(),
            "peak_rss_mib": peak_rss_mib(),
        });
        println!("{out}");
    } else {
        for s in &samples {
            println!("# sample {} ({} tokens, logprob {:.2}, {:?})", s.index, s.tokens.len(), s.logprob, s.finish);
            println!("{}", s.text);
        }
        eprintln!(
            "{n} samples, {tokens} tokens in {seconds:.3} s: {rate:.0} tokens/s (prompt {prompt_tokens} tokens, batch {}{})",
            model.config.batch,
            if model.attention_fused() { ", attention fused" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The process's peak resident memory (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string(Path::new("/proc/self/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
