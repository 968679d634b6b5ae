//! A custom scorer in Rust (the third way to score, beside `@score` in
//! synth's language and an external Wasm module): the cap-set greedy run
//! in Rust, calling the candidate's `priority` in the sandbox for every
//! vector. The problem file's `@score` function only types the inputs.
//!
//!     cargo run --release -p synth-engine --example custom_scorer -- [CANDIDATES]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use synth_engine::dsl::Value;
use synth_engine::evolve::scorer::{Candidate, ScoreError, Scorer};
use synth_engine::evolve::{EvolveOptions, EvolveProblem, evolve};

const PROBLEM: &str = r#"
name = "cap-set-rust-scorer"
program = '''
@evolve
def priority(el: tuple[int, ...], n: int) -> float:
    return 0.0

@score
def evaluate(n: int) -> float:
    """Scored in Rust (examples/custom_scorer.rs): this body is not run."""
    return 0.0
'''

[score]
inputs = [[3], [4], [5]]
"#;

/// FunSearch's cap-set greedy, in Rust.
struct CapSet;

impl Scorer for CapSet {
    fn score(&self, candidate: &Candidate<'_>, input: &[Value]) -> Result<f64, ScoreError> {
        let Some(Value::Int(n)) = input.first() else { return Err(ScoreError::new("expected n")) };
        let n = *n as u32;
        let vectors: Vec<Vec<i64>> =
            (0..3i64.pow(n)).map(|i| (0..n).rev().map(|k| i / 3i64.pow(k) % 3).collect()).collect();
        let mut prio = Vec::with_capacity(vectors.len());
        for v in &vectors {
            let el = Value::tuple(v.iter().map(|d| Value::Int(*d)).collect());
            match candidate.call("priority", &[el, Value::Int(i64::from(n))])? {
                Value::Float(p) => prio.push(p),
                other => return Err(ScoreError::new(format!("priority gave {}", other.repr()))),
            }
        }
        let mut blocked = vec![false; vectors.len()];
        let mut chosen: Vec<usize> = Vec::new();
        loop {
            let best = (0..vectors.len()).filter(|i| !blocked[*i]).fold(None, |b: Option<usize>, i| match b {
                Some(j) if prio[i] <= prio[j] => Some(j),
                _ => Some(i),
            });
            let Some(best) = best else { break };
            for c in &chosen {
                let idx =
                    (0..n as usize).fold(0, |acc, k| acc * 3 + (-vectors[*c][k] - vectors[best][k]).rem_euclid(3));
                blocked[idx as usize] = true;
            }
            blocked[best] = true;
            chosen.push(best);
        }
        Ok(chosen.len() as f64)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let candidates = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let problem = Arc::new(EvolveProblem::parse(Path::new("custom-scorer.toml"), PROBLEM)?);
    let db = std::env::temp_dir().join(format!("synth-custom-scorer-{}.sqlite", std::process::id()));
    let opts = EvolveOptions {
        db: db.clone(),
        resume: false,
        seconds: Some(120.0),
        candidates: Some(candidates),
        seed: None,
        strategy: None,
        threads: None,
        interrupt: Arc::new(AtomicBool::new(false)),
        progress: false,
        scorer: Some(Arc::new(CapSet)),
        model: None,
        sampling: Default::default(),
    };
    let report = evolve(problem, &opts)?;
    println!(
        "{} candidates; seed {:?}; best {:?} {:?}",
        report.candidates,
        report.seed_score,
        report.best.as_ref().map(|b| b.score),
        report.best.as_ref().map(|b| &b.signature)
    );
    if let Some(b) = report.best {
        println!("{}", b.program);
    }
    let _ = std::fs::remove_file(&db);
    Ok(())
}
