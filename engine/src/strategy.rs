//! Sample-then-test: pull candidates from the proposers, run the visible
//! tests in the sandbox, stop at the first that passes them all, then run the
//! hidden tests and report them. Running out of budget is a result (a
//! [`StopReason`]), not an error; the best candidate so far is kept.

use crate::candidate::{Candidate, Placed, Rejection};
use crate::enumerate::{EnumConfig, EnumEnd, EnumStats, Enumerator, Flow, Offer, Sink};
use crate::model::{Model, SamplingParams, SamplingSettings};
use crate::problem::{Problem, ProposerChoice, Target};
use crate::prompt::{PromptParts, body_of_completion};
use crate::tester::{TestLimits, TestReport, run_tests};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Why a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Every target has a program passing its visible tests.
    Solved,
    /// The wall-clock budget ran out.
    TimeBudget,
    /// The candidate budget ran out.
    CandidateBudget,
    /// The proposers have nothing more to propose (e.g. every expression up
    /// to the enumerator's size limit was tried).
    SearchExhausted,
    /// The enumerator's store of expressions is full (its memory budget).
    MemoryBudget,
    /// The user interrupted the search (Ctrl-C).
    Interrupted,
}

impl StopReason {
    /// Its name in reports: `solved`, `time_budget`, ...
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Solved => "solved",
            StopReason::TimeBudget => "time_budget",
            StopReason::CandidateBudget => "candidate_budget",
            StopReason::SearchExhausted => "search_exhausted",
            StopReason::MemoryBudget => "memory_budget",
            StopReason::Interrupted => "interrupted",
        }
    }
}

/// The budget and controls of one search.
#[derive(Clone, Debug)]
pub struct SearchOptions {
    /// Wall-clock budget for the whole problem.
    pub time: Duration,
    /// Candidate budget (expressions evaluated) for the whole problem.
    pub candidates: u64,
    /// Largest expression the enumerator builds.
    pub max_size: u32,
    /// Seed of the proposers that sample (the enumerator is deterministic).
    pub seed: u64,
    /// Set (e.g. by a Ctrl-C handler) to stop the search; the best so far is reported.
    pub interrupt: Arc<AtomicBool>,
    /// Limits of each test run in the sandbox.
    pub test_limits: TestLimits,
    /// Which proposers run.
    pub proposer: ProposerChoice,
    /// Sampling settings for the model proposer (over the model's own).
    pub sampling: SamplingSettings,
}

impl SearchOptions {
    /// The problem's own `[search]` settings.
    pub fn from_problem(problem: &Problem) -> SearchOptions {
        SearchOptions {
            time: Duration::from_secs_f64(problem.search.seconds),
            candidates: problem.search.candidates,
            max_size: problem.search.max_size,
            seed: problem.search.seed,
            interrupt: Arc::new(AtomicBool::new(false)),
            test_limits: TestLimits::default(),
            proposer: problem.search.proposer.unwrap_or(ProposerChoice::default_for(problem.model.path.is_some())),
            sampling: problem.model.sampling.clone(),
        }
    }
}

/// What the search found for one target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetReport {
    /// The target's name.
    pub name: String,
    /// Does `program` pass every visible test?
    pub solved: bool,
    /// The best program found (passing every visible test when `solved`).
    pub program: Option<String>,
    /// The proposer that made it.
    pub proposer: Option<String>,
    /// The model's log-probability of the solution's completion (model proposer).
    pub logprob: Option<f32>,
    /// Visible tests the program passes, of how many.
    pub visible_passed: usize,
    /// Visible tests.
    pub visible_total: usize,
    /// Hidden tests the program passes (run only on a solution).
    pub hidden_passed: usize,
    /// Hidden tests.
    pub hidden_total: usize,
    /// The first hidden test the solution fails, if any.
    pub hidden_failure: Option<String>,
}

/// The result of a search.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The problem's name.
    pub problem: String,
    /// Did every target get a program passing its visible tests?
    pub solved: bool,
    /// The programs found (every target's `def`), when solved.
    pub program: Option<String>,
    /// Why the search ended.
    pub stop_reason: StopReason,
    /// Candidates tried: distinct programs checked against the visible tests
    /// (the enumerator keeps one per output vector), plus seeds.
    pub candidates: u64,
    /// Expressions the enumerator evaluated, equivalent ones included.
    pub evaluated: u64,
    /// Candidates put in the sandbox.
    pub sandbox_runs: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Visible tests passed, over all targets.
    pub visible_passed: usize,
    /// Visible tests, over all targets.
    pub visible_total: usize,
    /// Hidden tests passed, over all targets.
    pub hidden_passed: usize,
    /// Hidden tests, over all targets.
    pub hidden_total: usize,
    /// Per target.
    pub targets: Vec<TargetReport>,
    /// What the model proposer did (when it ran).
    pub model: Option<ModelStats>,
}

/// What the model proposer did, over all targets.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ModelStats {
    /// Completions sampled.
    pub completions: u64,
    /// Completions that do not parse as a function body.
    pub syntax_errors: u64,
    /// Completions that parse but do not type-check.
    pub type_errors: u64,
    /// Completions identical to a body already tried.
    pub duplicates: u64,
    /// Completions run in the sandbox.
    pub tested: u64,
    /// Completions left unexamined because one of their round solved the target.
    pub skipped: u64,
    /// Tokens sampled.
    pub tokens: u64,
    /// Seconds spent sampling.
    pub seconds: f64,
    /// Why the model stopped proposing early, if it failed.
    pub error: Option<String>,
}

impl ModelStats {
    fn add(&mut self, other: &ModelStats) {
        self.completions += other.completions;
        self.syntax_errors += other.syntax_errors;
        self.type_errors += other.type_errors;
        self.duplicates += other.duplicates;
        self.tested += other.tested;
        self.skipped += other.skipped;
        self.tokens += other.tokens;
        self.seconds += other.seconds;
        if self.error.is_none() {
            self.error.clone_from(&other.error);
        }
    }
}

/// Progress of a running search, for status lines.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Candidates (distinct programs) so far.
    pub candidates: u64,
    /// Expressions evaluated so far.
    pub evaluated: u64,
    /// The enumerator's current expression size.
    pub size: u32,
    /// Best visible tests passed so far, and of how many.
    pub best: (usize, usize),
    /// Time since the start.
    pub elapsed: Duration,
    /// Model completions sampled so far (for this target), of how many.
    pub model: Option<(usize, usize)>,
}

/// Runs sample-then-test on every target of `problem`, one after the other
/// under one budget. `model` serves the model proposer (when
/// `options.proposer` asks for it). `progress` is called a few times a second.
pub fn sample_then_test(
    problem: &Problem,
    options: &SearchOptions,
    mut model: Option<&mut Model>,
    progress: &mut dyn FnMut(&Progress),
) -> Report {
    let start = Instant::now();
    let use_model = options.proposer != ProposerChoice::Enumerate;
    if use_model && model.is_none() {
        tracing::warn!("the model proposer was asked for but no model is loaded");
    }
    let mut model_stats = (use_model && model.is_some()).then(ModelStats::default);
    let mut candidates = 0u64;
    let mut evaluated = 0u64;
    let mut sandbox_runs = 0u64;
    let mut targets = Vec::new();
    let mut stop = StopReason::Solved;
    for (index, target) in problem.targets.iter().enumerate() {
        let model_run = match model.as_deref_mut() {
            Some(m) if use_model => ModelRun::new(m, problem, target, index, options),
            _ => None,
        };
        let mut state = TargetSearch {
            problem,
            target,
            options,
            start,
            spent_before: candidates,
            best: None,
            solution: None,
            stop: None,
            sandbox_runs: 0,
            last_progress: Instant::now(),
            progress,
            seen: std::collections::HashSet::new(),
            model: model_run,
            model_tested: 0,
        };
        let (tried, n_evaluated) = state.search();
        if let (Some(total), Some(run)) = (&mut model_stats, &state.model) {
            total.add(&run.stats);
        }
        candidates += tried;
        evaluated += n_evaluated;
        sandbox_runs += state.sandbox_runs;
        let visible_total = problem.tests_of(target.func, false).count();
        let hidden_total = problem.tests_of(target.func, true).count();
        let report = match (&state.solution, &state.best) {
            (Some((placed, proposer, logprob)), _) => {
                let hidden = run_tests(problem, target, placed, true, options.test_limits);
                TargetReport {
                    name: target.name.clone(),
                    solved: true,
                    program: Some(placed.def.clone()),
                    proposer: Some(proposer.to_string()),
                    logprob: *logprob,
                    visible_passed: visible_total,
                    visible_total,
                    hidden_passed: hidden.passed,
                    hidden_total,
                    hidden_failure: hidden.first_failure,
                }
            }
            (None, best) => TargetReport {
                name: target.name.clone(),
                solved: false,
                program: best.as_ref().map(|(p, ..)| p.def.clone()),
                proposer: best.as_ref().map(|(_, _, proposer)| proposer.to_string()),
                logprob: None,
                visible_passed: best.as_ref().map_or(0, |(_, r, _)| r.passed),
                visible_total,
                hidden_passed: 0,
                hidden_total,
                hidden_failure: None,
            },
        };
        let solved = report.solved;
        targets.push(report);
        if !solved {
            stop = state.stop.unwrap_or(StopReason::SearchExhausted);
            break;
        }
    }
    // Targets never reached count as unsolved.
    for target in problem.targets.iter().skip(targets.len()) {
        targets.push(TargetReport {
            name: target.name.clone(),
            solved: false,
            program: None,
            proposer: None,
            logprob: None,
            visible_passed: 0,
            visible_total: problem.tests_of(target.func, false).count(),
            hidden_passed: 0,
            hidden_total: problem.tests_of(target.func, true).count(),
            hidden_failure: None,
        });
    }
    let solved = targets.iter().all(|t| t.solved);
    let program = solved.then(|| targets.iter().filter_map(|t| t.program.clone()).collect::<Vec<_>>().join("\n"));
    Report {
        problem: problem.name.clone(),
        solved,
        program,
        stop_reason: if solved { StopReason::Solved } else { stop },
        candidates,
        evaluated,
        sandbox_runs,
        seconds: start.elapsed().as_secs_f64(),
        visible_passed: targets.iter().map(|t| t.visible_passed).sum(),
        visible_total: targets.iter().map(|t| t.visible_total).sum(),
        hidden_passed: targets.iter().map(|t| t.hidden_passed).sum(),
        hidden_total: targets.iter().map(|t| t.hidden_total).sum(),
        targets,
        model: model_stats,
    }
}

/// The model proposer for one target: its prompt, and samples drawn in
/// rounds of the model's batch size.
struct ModelRun<'m> {
    model: &'m mut Model,
    prompt: String,
    params: SamplingParams,
    /// Completions to draw in all.
    samples: usize,
    /// Completions drawn so far (the next sample's index).
    next: usize,
    /// How long the last round took: the enumerator gets as long between rounds.
    last_round: Duration,
    /// When the last round ended.
    round_end: Instant,
    stats: ModelStats,
}

impl<'m> ModelRun<'m> {
    fn new(
        model: &'m mut Model,
        problem: &Problem,
        target: &Target,
        index: usize,
        options: &SearchOptions,
    ) -> Option<Self> {
        let prompt = match PromptParts::new(problem, target).render(&model.config.prompt) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "the model's prompt template is invalid; the model proposer is off");
                return None;
            }
        };
        let s = options.sampling.or(&model.config.sampling);
        let params = SamplingParams {
            stop: model.config.stop.clone(),
            stop_at_dedent: true,
            // Targets get different streams.
            seed: options.seed.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            ..SamplingParams::from_settings(&s)
        };
        tracing::debug!(%prompt, "model prompt");
        Some(ModelRun {
            model,
            prompt,
            params,
            samples: s.samples.unwrap_or(crate::model::DEFAULT_SAMPLES),
            next: 0,
            last_round: Duration::ZERO,
            round_end: Instant::now(),
            stats: ModelStats::default(),
        })
    }

    fn remaining(&self) -> usize {
        if self.stats.error.is_some() { 0 } else { self.samples - self.next }
    }

    /// Draws the next round of completions: their bodies (None: not a
    /// body) and log-probabilities.
    fn round(&mut self) -> Vec<(Option<String>, f32)> {
        let n = self.remaining().min(self.model.config.batch);
        let t0 = Instant::now();
        let result = self.model.sample_range(&self.prompt, self.next..self.next + n, &self.params);
        self.next += n;
        self.last_round = t0.elapsed();
        self.stats.seconds += self.last_round.as_secs_f64();
        self.round_end = Instant::now();
        match result {
            Ok(samples) => {
                self.stats.completions += samples.len() as u64;
                self.stats.tokens += samples.iter().map(|s| s.tokens.len() as u64).sum::<u64>();
                samples.iter().map(|s| (body_of_completion(&s.text), s.logprob)).collect()
            }
            Err(e) => {
                tracing::error!(error = %e, "the model failed; the model proposer is off");
                self.stats.error = Some(e.to_string());
                Vec::new()
            }
        }
    }
}

/// The search for one target: the sink of its proposers.
struct TargetSearch<'a> {
    problem: &'a Problem,
    target: &'a Target,
    options: &'a SearchOptions,
    start: Instant,
    /// Candidates used by earlier targets.
    spent_before: u64,
    best: Option<(Placed, TestReport, &'static str)>,
    /// The solution, its proposer and (from a model) its log-probability.
    solution: Option<(Placed, &'static str, Option<f32>)>,
    stop: Option<StopReason>,
    sandbox_runs: u64,
    last_progress: Instant,
    progress: &'a mut dyn FnMut(&Progress),
    /// Bodies already tested.
    seen: std::collections::HashSet<String>,
    model: Option<ModelRun<'a>>,
    /// Model candidates run in the sandbox (they count against the budget).
    model_tested: u64,
}

/// What became of one candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Duplicate,
    Rejected(Rejection),
    Tested(Flow),
}

impl TargetSearch<'_> {
    /// Runs the proposers; returns (candidates tried, expressions evaluated).
    fn search(&mut self) -> (u64, u64) {
        let mut tried = 0;
        // A seed implementation is the first candidate.
        if self.target.has_seed {
            let f = &self.problem.module.items.iter().find_map(|i| match i {
                synth_dsl::ast::Item::Function(f) if f.name.name == self.target.name => Some(f),
                _ => None,
            });
            if let Some(f) = f {
                let mut body = String::new();
                for s in &f.body {
                    synth_dsl::printer::stmt(&mut body, s, 0);
                }
                tried += 1;
                if self.test(Candidate { body, proposer: "seed", logprob: None }) == Outcome::Tested(Flow::Stop) {
                    return (tried, tried);
                }
            }
        }
        if self.model.is_some() {
            // A model round first: its candidates are few and often good.
            let mut flow = self.model_round();
            if flow == Flow::Continue && self.options.proposer == ProposerChoice::Model {
                flow = self.drain_model(&EnumStats::default());
                if flow == Flow::Continue {
                    self.stop.get_or_insert(StopReason::SearchExhausted);
                }
            }
            if flow == Flow::Stop || self.options.proposer == ProposerChoice::Model {
                return (tried + self.model_tested, tried + self.model_tested);
            }
        }
        let config = EnumConfig {
            max_size: self.options.max_size,
            constants: self.problem.search.constants.clone(),
            ..EnumConfig::default()
        };
        let mut enumerator = match Enumerator::new(self.problem, self.target, config) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "the program's constants fail to evaluate; nothing to enumerate");
                self.stop.get_or_insert(StopReason::SearchExhausted);
                return (tried, tried);
            }
        };
        let end = enumerator.run(self);
        // The enumerator is done; the model may still have samples to draw.
        if end != EnumEnd::Stopped && self.drain_model(&enumerator.stats) == Flow::Stop {
            let n = tried + self.model_tested;
            return (n + enumerator.stats.distinct, n + enumerator.stats.evaluated);
        }
        match end {
            EnumEnd::Stopped => {}
            EnumEnd::Exhausted => {
                tracing::info!(size = enumerator.stats.size, "every expression up to the size limit was tried");
                self.stop.get_or_insert(StopReason::SearchExhausted);
            }
            EnumEnd::MemoryLimit => {
                tracing::info!(size = enumerator.stats.size, "the enumerator's store is full");
                self.stop.get_or_insert(StopReason::MemoryBudget);
            }
        }
        let n = tried + self.model_tested;
        (n + enumerator.stats.distinct, n + enumerator.stats.evaluated)
    }

    /// Draws a round of model completions and tests them.
    fn model_round(&mut self) -> Flow {
        let Some(run) = &mut self.model else { return Flow::Continue };
        let bodies = run.round();
        let n = bodies.len() as u64;
        for (i, (body, logprob)) in bodies.into_iter().enumerate() {
            let outcome = match body {
                Some(body) => self.test(Candidate { body, proposer: "model", logprob: Some(logprob) }),
                None => Outcome::Rejected(Rejection::Syntax),
            };
            let Some(stats) = self.model.as_mut().map(|m| &mut m.stats) else { break };
            match outcome {
                Outcome::Duplicate => stats.duplicates += 1,
                Outcome::Rejected(Rejection::Syntax) => stats.syntax_errors += 1,
                Outcome::Rejected(Rejection::Type) => stats.type_errors += 1,
                Outcome::Tested(flow) => {
                    stats.tested += 1;
                    self.model_tested += 1;
                    if flow == Flow::Stop {
                        stats.skipped += n - i as u64 - 1;
                        return Flow::Stop;
                    }
                }
            }
        }
        Flow::Continue
    }

    /// Draws the model's remaining rounds (the budget permitting).
    fn drain_model(&mut self, stats: &EnumStats) -> Flow {
        while self.model.as_ref().is_some_and(|m| m.remaining() > 0) {
            if self.check_budget(stats) == Flow::Stop || self.model_round() == Flow::Stop {
                return Flow::Stop;
            }
        }
        Flow::Continue
    }

    /// Whether the model is due another round: it has samples left and the
    /// enumerator has had as long as the model's last round took.
    fn model_due(&self) -> bool {
        self.model.as_ref().is_some_and(|m| m.remaining() > 0 && m.round_end.elapsed() >= m.last_round)
    }

    /// Tests a candidate in the sandbox on the visible tests.
    fn test(&mut self, candidate: Candidate) -> Outcome {
        if !self.seen.insert(candidate.body.clone()) {
            return Outcome::Duplicate;
        }
        let placed = match candidate.check(self.problem, self.target) {
            Ok(placed) => placed,
            Err(rejection) => {
                tracing::debug!(body = %candidate.body, ?rejection, "candidate does not check");
                return Outcome::Rejected(rejection);
            }
        };
        self.sandbox_runs += 1;
        let report = run_tests(self.problem, self.target, &placed, false, self.options.test_limits);
        tracing::debug!(body = %candidate.body, passed = report.passed, total = report.total, "tested");
        if report.passed == report.total && report.total > 0 {
            self.solution = Some((placed, candidate.proposer, candidate.logprob));
            self.stop = Some(StopReason::Solved);
            return Outcome::Tested(Flow::Stop);
        }
        if self.best.as_ref().is_none_or(|(_, b, _)| report.passed > b.passed) {
            self.best = Some((placed, report, candidate.proposer));
        }
        Outcome::Tested(Flow::Continue)
    }

    fn check_budget(&mut self, stats: &EnumStats) -> Flow {
        let elapsed = self.start.elapsed();
        if self.options.interrupt.load(Ordering::Relaxed) {
            self.stop = Some(StopReason::Interrupted);
            return Flow::Stop;
        }
        if elapsed >= self.options.time {
            self.stop = Some(StopReason::TimeBudget);
            return Flow::Stop;
        }
        if self.spent_before + stats.distinct + self.model_tested >= self.options.candidates {
            self.stop = Some(StopReason::CandidateBudget);
            return Flow::Stop;
        }
        if self.last_progress.elapsed() >= Duration::from_millis(100) {
            self.last_progress = Instant::now();
            let best = (
                self.best.as_ref().map_or(0, |(_, r, _)| r.passed),
                self.problem.tests_of(self.target.func, false).count(),
            );
            (self.progress)(&Progress {
                candidates: self.spent_before + stats.distinct + self.model_tested,
                evaluated: stats.evaluated,
                size: stats.size + 1,
                best,
                elapsed,
                model: self.model.as_ref().map(|m| (m.next, m.samples)),
            });
        }
        Flow::Continue
    }

    /// The budget, then the model's turn if it is due (between the
    /// enumerator's offers and polls).
    fn between_offers(&mut self, stats: &EnumStats) -> Flow {
        if self.check_budget(stats) == Flow::Stop {
            return Flow::Stop;
        }
        if self.model_due() { self.model_round() } else { Flow::Continue }
    }
}

impl Sink for TargetSearch<'_> {
    fn offer(&mut self, offer: Offer, stats: &EnumStats) -> Flow {
        if self.test(offer.candidate) == Outcome::Tested(Flow::Stop) {
            return Flow::Stop;
        }
        self.between_offers(stats)
    }

    fn poll(&mut self, stats: &EnumStats) -> Flow {
        self.between_offers(stats)
    }
}
