//! The evolutionary run: a sampler thread draws prompts from the program
//! database and makes children; evaluator threads (one per core) place,
//! de-duplicate and score them; the calling thread registers results,
//! commits each to the run file as it completes, resets islands, shows a
//! status line and watches the budget. Bounded queues connect them.
//!
//! Randomness is derived per prompt (the run's seed, stream = prompt
//! number), so a resumed run draws the prompts it would have drawn next.

use super::database::{Entry, ProgramsDatabase};
use super::evaluate::{Evaluator, Placed, Scored, Status, place, text_hash};
use super::mutate;
use super::problem::{EvolveProblem, EvolveSettings, EvolveStrategy};
use super::store::{Join, Record, Store, StoreError};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How `synth evolve` was asked to run.
#[derive(Clone)]
pub struct EvolveOptions {
    /// The run file.
    pub db: PathBuf,
    /// Continue the run in `db`.
    pub resume: bool,
    /// Overrides of the problem's `[evolve]` settings.
    pub seconds: Option<f64>,
    /// Evaluated candidates of the whole run.
    pub candidates: Option<u64>,
    /// The seed.
    pub seed: Option<u64>,
    /// The strategy.
    pub strategy: Option<EvolveStrategy>,
    /// Evaluator threads (default: one per core).
    pub threads: Option<usize>,
    /// Set by Ctrl-C: stop cleanly.
    pub interrupt: Arc<AtomicBool>,
    /// Draw a status line on stderr.
    pub progress: bool,
    /// A Rust scorer instead of the problem's `@score` function.
    pub scorer: Option<Arc<dyn super::scorer::Scorer>>,
    /// A language model directory: children are its completions of
    /// FunSearch's prompts (else mutation and crossover make them).
    pub model: Option<PathBuf>,
    /// Sampling settings for the model (over the model's own).
    pub sampling: crate::model::SamplingSettings,
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvolveStop {
    /// The time budget was spent.
    Time,
    /// The candidate budget was spent.
    Candidates,
    /// Ctrl-C.
    Interrupted,
    /// The proposer made nothing new for a long time.
    Exhausted,
}

/// The best program of a run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Best {
    /// Its id in the run file.
    pub id: i64,
    /// Its ranking number.
    pub score: f64,
    /// Its scores per input.
    pub signature: Vec<f64>,
    /// Its held-out scores (when the problem has held-out inputs).
    pub held_out: Option<Vec<f64>>,
    /// The evolved functions.
    pub program: String,
}

/// What a run did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EvolveReport {
    /// The problem's name.
    pub problem: String,
    /// The strategy.
    pub strategy: &'static str,
    /// Candidates evaluated (the seed included), the whole run.
    pub candidates: u64,
    /// Of those, how many scored.
    pub valid: u64,
    /// Children skipped as duplicates (text or behaviour), the whole run.
    pub duplicates: u64,
    /// Children that did not parse or type-check, the whole run.
    pub rejected: u64,
    /// Candidates evaluated in this session.
    pub session_candidates: u64,
    /// Seconds of this session.
    pub session_seconds: f64,
    /// Seconds of the whole run.
    pub elapsed_seconds: f64,
    /// Evaluated candidates per second in this session.
    pub candidates_per_second: f64,
    /// Island resets, the whole run.
    pub resets: u64,
    /// Why it stopped.
    pub stop: EvolveStop,
    /// The best program.
    pub best: Option<Best>,
    /// The seed's score.
    pub seed_score: Option<f64>,
}

/// A run could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum EvolveError {
    /// The run file.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The seed program does not score.
    #[error("the seed program does not score: {0}")]
    Seed(String),
    /// The scoring module does not load.
    #[error("the scoring module does not load: {0}")]
    Scorer(String),
    /// The language model does not load.
    #[error("{0}")]
    Model(#[from] crate::model::ModelError),
}

/// A child on its way to evaluation.
struct Job {
    prompt: u64,
    island: Option<usize>,
    parents: Vec<i64>,
    proposer: String,
    text: String,
}

/// A scored child.
struct Evaluated {
    job: Job,
    placed: Placed,
    behaviour: Option<u64>,
    scored: Scored,
    held_out: Option<Vec<f64>>,
}

/// What an evaluator made of a job.
enum Done {
    Rejected,
    Duplicate,
    Evaluated(Box<Evaluated>),
}

/// What the sampler and evaluators share with the main thread.
struct Shared {
    database: ProgramsDatabase,
    texts: FxHashMap<i64, String>,
    next_prompt: u64,
    best: Option<Entry>,
    seed_id: i64,
    seed_score: Option<f64>,
}

/// Seen texts and behaviours: children equal to an earlier one cost no evaluation.
#[derive(Default)]
struct Seen {
    texts: FxHashSet<u64>,
    behaviours: FxHashSet<u64>,
}

/// The settings a run uses: the problem's, overridden by the options.
pub fn effective_settings(problem: &EvolveProblem, opts: &EvolveOptions) -> EvolveSettings {
    let mut s = problem.settings.clone();
    if let Some(v) = opts.seconds {
        s.seconds = Some(v);
    }
    if let Some(v) = opts.candidates {
        s.candidates = Some(v);
    }
    if let Some(v) = opts.seed {
        s.seed = v;
    }
    if let Some(v) = opts.strategy {
        s.strategy = v;
    }
    s
}

fn new_database(s: &EvolveSettings) -> ProgramsDatabase {
    let islands = if s.strategy == EvolveStrategy::Funsearch { s.islands } else { 1 };
    ProgramsDatabase::new(islands, s.functions_per_prompt, s.cluster_temperature, s.temperature_period, s.selection)
}

/// Runs (or resumes) an evolutionary search.
pub fn evolve(problem: Arc<EvolveProblem>, opts: &EvolveOptions) -> Result<EvolveReport, EvolveError> {
    let session_start = Instant::now();
    // The sandbox's cap must allow the problem's.
    let memory_bytes = ((problem.memory_mib as usize) << 20).max(64 << 20);
    synth_verifiers::configure_shared_sandbox(synth_verifiers::sandbox::SandboxLimits {
        memory_bytes,
        ..Default::default()
    });
    let mut settings = effective_settings(&problem, opts);
    let evaluator = Arc::new(match &opts.scorer {
        Some(s) => Evaluator::with_scorer(problem.clone(), s.clone()),
        None => Evaluator::new(problem.clone()).map_err(EvolveError::Scorer)?,
    });
    let seen = Arc::new(Mutex::new(Seen::default()));
    let model = match &opts.model {
        Some(dir) => Some(crate::model::Model::load(dir, None)?),
        None => None,
    };

    // Open or create the run file, and the state it holds.
    let (store, state, mut counters, mut offset, mut resets, mut last_reset, (mut evaluated, mut valid)) = if opts
        .resume
    {
        let store = Store::open(&opts.db)?;
        if store.get("fingerprint")?.as_deref() != Some(problem.fingerprint.as_str()) {
            let theirs = store.get("problem_path")?.unwrap_or_default();
            return Err(StoreError::Refused(format!(
                "{} holds a run of another problem file ({theirs}), or the file changed since: refusing to resume it with {}",
                opts.db.display(),
                problem.path.display()
            ))
            .into());
        }
        // The stored settings hold; the command line may change the budget and strategy.
        if let Some(stored) = store.get("settings")?.and_then(|s| serde_json::from_str::<EvolveSettings>(&s).ok()) {
            let overridden = settings.clone();
            settings = EvolveSettings { seconds: overridden.seconds, candidates: overridden.candidates, ..stored };
            if opts.strategy.is_some() {
                settings.strategy = overridden.strategy;
            }
            if opts.seed.is_some() {
                settings.seed = overridden.seed;
            }
        }
        let resumed = store.resume(new_database(&settings))?;
        let mut texts = FxHashMap::default();
        let mut best: Option<Entry> = None;
        let mut next_prompt = 0;
        let mut seed_id = 1;
        let mut seed_score = None;
        {
            let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            for r in &resumed.records {
                texts.insert(r.id, r.text.clone());
                seen.texts.insert(text_hash(&r.text));
                if let Some(b) = r.behaviour {
                    seen.behaviours.insert(b);
                }
                if let Some(p) = r.prompt {
                    next_prompt = next_prompt.max(p + 1);
                } else {
                    seed_id = r.id;
                    seed_score = r.score;
                }
                if let Some(score) = r.score
                    && best.as_ref().is_none_or(|b| score > b.score)
                {
                    best = Some(Entry { id: r.id, score, signature: r.signature.clone(), length: r.text.len() });
                }
            }
        }
        let offset = resumed.records.iter().map(|r| r.elapsed).fold(0.0, f64::max);
        let counters: FxHashMap<String, i64> = resumed.counters.into_iter().collect();
        let state = Shared { database: resumed.database, texts, next_prompt, best, seed_id, seed_score };
        tracing::info!(candidates = resumed.records.len(), next_prompt, "resuming");
        let done =
            (resumed.records.len() as u64, resumed.records.iter().filter(|r| r.status == Status::Ok).count() as u64);
        (store, state, counters, offset, resumed.resets, resumed.last_reset, done)
    } else {
        let store = Store::create(
            &opts.db,
            &[
                ("fingerprint", problem.fingerprint.clone()),
                ("problem", problem.name.clone()),
                ("problem_path", problem.path.display().to_string()),
                ("settings", serde_json::to_string(&settings).unwrap_or_default()),
                ("synth_version", env!("CARGO_PKG_VERSION").to_string()),
            ],
        )?;
        // The seed, in every island.
        let placed = place(&problem, &problem.seed_text()).map_err(|(_, m)| EvolveError::Seed(m))?;
        let scored = evaluator.score(&placed.program, &problem.inputs);
        if scored.status != Status::Ok {
            return Err(EvolveError::Seed(scored.message));
        }
        let held_out =
            (!problem.held_out.is_empty()).then(|| evaluator.score(&placed.program, &problem.held_out).signature);
        let score = problem.reduce.apply(&scored.signature);
        let behaviour = evaluator.behaviour(&placed.program);
        let mut database = new_database(&settings);
        let record = Record {
            id: 0,
            prompt: None,
            island: None,
            parents: Vec::new(),
            proposer: "seed".into(),
            status: Status::Ok,
            message: String::new(),
            text: placed.text.clone(),
            behaviour,
            score: Some(score),
            signature: scored.signature.clone(),
            held_out,
            eval_seconds: scored.seconds,
            elapsed: session_start.elapsed().as_secs_f64(),
        };
        let join = if settings.strategy == EvolveStrategy::Random { Join::None } else { Join::All(database.islands()) };
        let id = store.commit(&record, join, &[])?;
        let entry = Entry { id, score, signature: scored.signature, length: placed.text.len() };
        if join != Join::None {
            database.register(entry.clone(), None);
        }
        {
            let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            seen.texts.insert(text_hash(&placed.text));
            if let Some(b) = behaviour {
                seen.behaviours.insert(b);
            }
        }
        let mut texts = FxHashMap::default();
        texts.insert(id, placed.text);
        let state = Shared { database, texts, next_prompt: 0, best: Some(entry), seed_id: id, seed_score: Some(score) };
        (store, state, FxHashMap::default(), 0.0, 0, 0.0, (1, 1))
    };
    let seed_score = state.seed_score;
    if offset == 0.0 {
        offset = session_start.elapsed().as_secs_f64();
    }

    let shared = Arc::new(Mutex::new(state));
    let stop = Arc::new(AtomicBool::new(false));
    let best_bits = Arc::new(AtomicU64::new(
        shared
            .lock()
            .map(|s| s.best.as_ref().map_or(f64::NEG_INFINITY, |b| b.score))
            .unwrap_or(f64::NEG_INFINITY)
            .to_bits(),
    ));
    let threads = opts.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    let (job_tx, job_rx) = sync_channel::<Job>(threads * 4);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = sync_channel::<Done>(threads * 4);

    // The sampler.
    {
        let (shared, stop, problem, settings) = (shared.clone(), stop.clone(), problem.clone(), settings.clone());
        let (done, sampling) = (done_tx.clone(), opts.sampling.clone());
        std::thread::Builder::new()
            .name("evolve-sampler".into())
            .spawn(move || {
                let mut proposer = match model {
                    Some(m) => Children::Model(Box::new(m), sampling),
                    None => Children::Mutation,
                };
                sampler(&problem, &settings, &shared, &stop, &job_tx, &done, &mut proposer);
            })
            .ok();
    }
    // The evaluators.
    for i in 0..threads {
        let (rx, tx, stop, ev, seen, best_bits) =
            (job_rx.clone(), done_tx.clone(), stop.clone(), evaluator.clone(), seen.clone(), best_bits.clone());
        std::thread::Builder::new()
            .name(format!("evolve-eval-{i}"))
            .spawn(move || evaluate_loop(&ev, &rx, &tx, &stop, &seen, &best_bits))
            .ok();
    }
    drop(done_tx);

    // Counters of the whole run.
    let count = |c: &FxHashMap<String, i64>, k: &str| c.get(k).copied().unwrap_or(0).max(0) as u64;
    let mut session_evaluated = 0u64;
    let bar = status_bar(opts.progress);
    let mut last_status = Instant::now() - Duration::from_secs(1);
    let mut last_new = Instant::now();
    let mut pending = (0i64, 0i64);
    let mut last_flush = Instant::now();
    let elapsed = |start: &Instant| offset + start.elapsed().as_secs_f64();
    let stop_reason = loop {
        if opts.interrupt.load(Ordering::Relaxed) {
            break EvolveStop::Interrupted;
        }
        if settings.seconds.is_some_and(|s| elapsed(&session_start) >= s) {
            break EvolveStop::Time;
        }
        if settings.candidates.is_some_and(|c| evaluated >= c) {
            break EvolveStop::Candidates;
        }
        if last_new.elapsed() > Duration::from_secs(120).max(problem.timeout * 4) {
            break EvolveStop::Exhausted;
        }
        let msg = match done_rx.recv_timeout(Duration::from_millis(100)) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break EvolveStop::Exhausted,
        };
        match msg {
            None => {}
            // Counted in memory, written with the next candidate or every
            // second (a killed run may lose a second's worth of counts).
            Some(Done::Rejected) => {
                *counters.entry("rejected".into()).or_default() += 1;
                pending.0 += 1;
            }
            Some(Done::Duplicate) => {
                *counters.entry("duplicates".into()).or_default() += 1;
                pending.1 += 1;
            }
            Some(Done::Evaluated(b)) => {
                let Evaluated { job, placed, behaviour, scored, held_out } = *b;
                last_new = Instant::now();
                let score = (scored.status == Status::Ok).then(|| problem.reduce.apply(&scored.signature));
                let join = match (score, settings.strategy, job.island) {
                    (None, ..) | (_, EvolveStrategy::Random, _) => Join::None,
                    (Some(_), _, Some(i)) => Join::Island(i),
                    (Some(_), _, None) => Join::Island(0),
                };
                let record = Record {
                    id: 0,
                    prompt: Some(job.prompt),
                    island: match join {
                        Join::Island(i) => Some(i),
                        _ => None,
                    },
                    parents: job.parents,
                    proposer: job.proposer,
                    status: scored.status,
                    message: scored.message,
                    text: placed.text.clone(),
                    behaviour,
                    score,
                    signature: scored.signature.clone(),
                    held_out,
                    eval_seconds: scored.seconds,
                    elapsed: elapsed(&session_start),
                };
                let id = store.commit(&record, join, &[("rejected", pending.0), ("duplicates", pending.1)])?;
                pending = (0, 0);
                last_flush = Instant::now();
                evaluated += 1;
                session_evaluated += 1;
                let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(score) = score {
                    valid += 1;
                    let entry = Entry { id, score, signature: scored.signature, length: placed.text.len() };
                    s.texts.insert(id, placed.text);
                    if let Join::Island(i) = join {
                        s.database.register(entry.clone(), Some(i));
                    }
                    if s.best.as_ref().is_none_or(|b| score > b.score) {
                        tracing::info!(id, score, signature = ?entry.signature, "new best");
                        best_bits.store(score.to_bits(), Ordering::Relaxed);
                        s.best = Some(entry);
                    }
                }
                // Island resets (FunSearch only).
                if settings.strategy == EvolveStrategy::Funsearch {
                    let now = elapsed(&session_start);
                    let due = match (settings.reset_period_seconds, settings.reset_period_programs) {
                        (Some(p), _) => now - last_reset >= p,
                        (None, Some(n)) => s.database.registered().iter().sum::<u64>() >= n * (resets + 1),
                        (None, None) => false,
                    };
                    if due {
                        let mut rng = ChaCha8Rng::seed_from_u64(settings.seed ^ 0x7265_7365_7473);
                        rng.set_stream(resets);
                        let reset = s.database.reset(&mut rng);
                        store.reset(&reset, now, id)?;
                        resets += 1;
                        last_reset = now;
                        tracing::info!(resets, reseeded = ?reset.reseeded, "islands reset");
                    }
                }
            }
        }
        if last_flush.elapsed() >= Duration::from_secs(1) && pending != (0, 0) {
            store.count(&[("rejected", pending.0), ("duplicates", pending.1)])?;
            pending = (0, 0);
            last_flush = Instant::now();
        }
        if last_status.elapsed() >= Duration::from_millis(250) {
            last_status = Instant::now();
            let s = shared.lock().unwrap_or_else(|e| e.into_inner());
            let rate = session_evaluated as f64 / session_start.elapsed().as_secs_f64().max(1e-9);
            let best =
                s.best.as_ref().map_or_else(|| "-".into(), |b| format!("{} {:?}", fmt_score(b.score), b.signature));
            bar.set_message(format!(
                "best {best} · {} evaluated ({rate:.1}/s) · valid {:.0}% · {} duplicates · {} islands · {:.0}s",
                evaluated,
                100.0 * valid as f64 / evaluated.max(1) as f64,
                count(&counters, "duplicates"),
                s.database.islands(),
                elapsed(&session_start)
            ));
        }
    };
    stop.store(true, Ordering::Relaxed);
    store.count(&[("rejected", pending.0), ("duplicates", pending.1)])?;
    bar.finish_and_clear();
    let session_seconds = session_start.elapsed().as_secs_f64();
    let s = shared.lock().unwrap_or_else(|e| e.into_inner());
    let best = match &s.best {
        Some(b) => {
            let held_out = store.held_out(b.id)?;
            Some(Best {
                id: b.id,
                score: b.score,
                signature: b.signature.clone(),
                held_out,
                program: s.texts.get(&b.id).cloned().unwrap_or_default(),
            })
        }
        None => None,
    };
    let _ = s.seed_id;
    Ok(EvolveReport {
        problem: problem.name.clone(),
        strategy: settings.strategy.name(),
        candidates: evaluated,
        valid,
        duplicates: count(&counters, "duplicates"),
        rejected: count(&counters, "rejected"),
        session_candidates: session_evaluated,
        session_seconds,
        elapsed_seconds: offset + session_seconds,
        candidates_per_second: session_evaluated as f64 / session_seconds.max(1e-9),
        resets,
        stop: stop_reason,
        best,
        seed_score,
    })
}

/// A score as people read it: integers without a fraction.
pub fn fmt_score(s: f64) -> String {
    if s.fract() == 0.0 && s.abs() < 1e15 { format!("{}", s as i64) } else { format!("{s:.6}") }
}

fn status_bar(show: bool) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// What makes children.
enum Children {
    /// Typed mutation and crossover.
    Mutation,
    /// A language model completing FunSearch's prompts.
    Model(Box<crate::model::Model>, crate::model::SamplingSettings),
}

impl Children {
    /// Children of `texts` (ascending score): (text, proposer name), or
    /// `None` for a completion that is not a usable body.
    fn make(
        &mut self,
        problem: &EvolveProblem,
        texts: &[String],
        n: usize,
        seed: u64,
        rng: &mut ChaCha8Rng,
    ) -> Vec<Option<(String, String)>> {
        match self {
            Children::Mutation => (0..n)
                .map(|_| {
                    let c = mutate::child(problem, texts, rng);
                    Some((c.text, format!("mutate:{}", c.how)))
                })
                .collect(),
            Children::Model(model, sampling) => {
                use crate::lm::LanguageModel;
                use rand::Rng;
                let k = rng.random_range(0..problem.evolved.len());
                let text = super::prompt::prompt(problem, texts, k);
                let (params, _) = crate::lm::sampling_params(&**model as &dyn LanguageModel, sampling);
                let params = crate::model::SamplingParams { stop_at_dedent: true, seed, ..params };
                match model.sample_range(&text, 0..n, &params) {
                    Ok(samples) => samples
                        .iter()
                        .map(|s| {
                            super::prompt::candidate(problem, texts.last(), k, &s.text).map(|t| (t, "model".into()))
                        })
                        .collect(),
                    Err(e) => {
                        tracing::error!(error = %e, "the model failed to sample");
                        vec![None; n]
                    }
                }
            }
        }
    }
}

/// Draws prompts and makes children until told to stop.
fn sampler(
    problem: &EvolveProblem,
    settings: &EvolveSettings,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
    tx: &SyncSender<Job>,
    done: &SyncSender<Done>,
    children: &mut Children,
) {
    while !stop.load(Ordering::Relaxed) {
        let (prompt, mut rng, island, parents, texts) = {
            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
            let prompt = s.next_prompt;
            s.next_prompt += 1;
            let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
            rng.set_stream(prompt);
            let (island, parents) = match settings.strategy {
                EvolveStrategy::Funsearch => match s.database.sample(&mut rng) {
                    Some(p) => (Some(p.island), p.parents),
                    None => (Some(0), vec![s.seed_id]),
                },
                EvolveStrategy::HillClimb => (Some(0), vec![s.best.as_ref().map_or(s.seed_id, |b| b.id)]),
                EvolveStrategy::Random => (None, vec![s.seed_id]),
            };
            let texts: Vec<String> = parents.iter().filter_map(|id| s.texts.get(id).cloned()).collect();
            (prompt, rng, island, parents, texts)
        };
        let seed = settings.seed.wrapping_add(prompt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for child in children.make(problem, &texts, settings.samples_per_prompt, seed, &mut rng) {
            let Some((text, proposer)) = child else {
                if done.send(Done::Rejected).is_err() {
                    return;
                }
                continue;
            };
            let mut job = Job { prompt, island, parents: parents.clone(), proposer, text };
            // A bounded queue: wait for room, but not past a stop.
            loop {
                match tx.try_send(job) {
                    Ok(()) => break,
                    Err(TrySendError::Full(j)) => {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        job = j;
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Err(TrySendError::Disconnected(_)) => return,
                }
            }
        }
    }
}

/// Places, de-duplicates and scores children until told to stop.
fn evaluate_loop(
    ev: &Evaluator,
    rx: &Mutex<Receiver<Job>>,
    tx: &SyncSender<Done>,
    stop: &AtomicBool,
    seen: &Mutex<Seen>,
    best_bits: &AtomicU64,
) {
    let problem = ev.problem();
    while !stop.load(Ordering::Relaxed) {
        let job = {
            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(j) => j,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        let done = match place(problem, &job.text) {
            Err(_) => Done::Rejected,
            Ok(placed) => {
                let fresh_text = seen.lock().unwrap_or_else(|e| e.into_inner()).texts.insert(text_hash(&placed.text));
                let behaviour = if fresh_text { ev.behaviour(&placed.program) } else { None };
                let fresh = fresh_text
                    && behaviour.is_none_or(|b| seen.lock().unwrap_or_else(|e| e.into_inner()).behaviours.insert(b));
                if !fresh {
                    Done::Duplicate
                } else {
                    let scored = ev.score(&placed.program, &problem.inputs);
                    // Held-out inputs are scored for programs that beat the best when they finish.
                    let held_out = (scored.status == Status::Ok
                        && !problem.held_out.is_empty()
                        && problem.reduce.apply(&scored.signature) > f64::from_bits(best_bits.load(Ordering::Relaxed)))
                    .then(|| ev.score(&placed.program, &problem.held_out))
                    .map(|h| if h.status == Status::Ok { h.signature } else { Vec::new() });
                    Done::Evaluated(Box::new(Evaluated { job, placed, behaviour, scored, held_out }))
                }
            }
        };
        if tx.send(done).is_err() {
            return;
        }
    }
}
