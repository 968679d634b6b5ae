//! The search context: what every strategy shares, owned by the engine.
//! It holds the budget and what was spent, the program database (so
//! de-duplication), placing and verifying a candidate, the best program so
//! far, progress reporting, and the targets' reports, built once.

use super::budget::{Budget, Spent, StopReason};
use super::report::{Progress, TargetReport};
use crate::db::{ProgramDatabase, ProgramId, ProgramRecord, Status};
use crate::place::{Placed, Placer, Rejection};
use crate::problem::{Problem, Target};
use crate::propose::{Candidate, Feedback, Outcome, Proposer, ProposerStats, Quota};
use crate::score::{Score, Scorer};
use std::time::{Duration, Instant};
use synth_verifiers::verify::CaseOrigin;
use synth_verifiers::{Goal, TestCase, Verdict, Verifier};

/// Random inputs a candidate outside the verifiable fragment is tested on.
const RANDOM_TRIES: u64 = 300;

/// How often the progress callback is called, at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A placed, verified candidate worth keeping.
struct Kept {
    placed: Placed,
    verdict: Verdict,
    score: Score,
    proposer: &'static str,
    logprob: Option<f32>,
}

/// The target being searched.
struct TargetState<'a> {
    index: usize,
    target: &'a Target,
    placer: Placer<'a>,
    goal: Goal,
    visible: Vec<TestCase>,
    hidden: Vec<TestCase>,
    best: Option<Kept>,
    solution: Option<Kept>,
    /// Counterexamples with no expected value (an `ensures`-only spec):
    /// a candidate must satisfy the spec on each before Z3 sees it.
    spec_cases: Vec<Vec<synth_dsl::value::Frozen>>,
    counterexamples: Vec<String>,
    verdict: Option<String>,
}

/// What a strategy works with. One per search; the engine moves it from
/// target to target.
pub struct SearchContext<'a> {
    problem: &'a Problem,
    budget: Budget,
    verifier: &'a dyn Verifier,
    scorer: &'a dyn Scorer,
    db: &'a mut dyn ProgramDatabase,
    progress: &'a mut dyn FnMut(&Progress),
    last_progress: Instant,
    spent: Spent,
    /// Candidates and evaluations of earlier targets.
    before: (u64, u64),
    sandbox_runs: u64,
    current: Option<TargetState<'a>>,
    /// A counterexample was added: the proposers should start again with it.
    restart: bool,
}

impl<'a> SearchContext<'a> {
    /// A context for searching `problem` under `budget`.
    pub fn new(
        problem: &'a Problem,
        budget: Budget,
        verifier: &'a dyn Verifier,
        scorer: &'a dyn Scorer,
        db: &'a mut dyn ProgramDatabase,
        progress: &'a mut dyn FnMut(&Progress),
    ) -> SearchContext<'a> {
        SearchContext {
            problem,
            budget,
            verifier,
            scorer,
            db,
            progress,
            last_progress: Instant::now(),
            spent: Spent { start: Instant::now(), candidates: 0 },
            before: (0, 0),
            sandbox_runs: 0,
            current: None,
            restart: false,
        }
    }

    /// Moves to the problem's target `index`: its visible and hidden tests.
    pub fn begin_target(&mut self, index: usize) {
        let target = &self.problem.targets[index];
        self.current = Some(TargetState {
            index,
            target,
            placer: Placer::new(self.problem, target),
            goal: self.problem.goal(target),
            visible: self.problem.visible_tests(target.func).map(|t| t.case.clone()).collect(),
            hidden: self.problem.hidden_tests(target.func).map(|t| t.case.clone()).collect(),
            best: None,
            solution: None,
            spec_cases: target.spec_cases.clone(),
            counterexamples: Vec::new(),
            verdict: None,
        });
    }

    fn state(&self) -> &TargetState<'a> {
        self.current.as_ref().expect("begin_target is called before the search of a target")
    }

    fn state_mut(&mut self) -> &mut TargetState<'a> {
        self.current.as_mut().expect("begin_target is called before the search of a target")
    }

    /// The problem.
    pub fn problem(&self) -> &'a Problem {
        self.problem
    }

    /// The target being searched.
    pub fn target(&self) -> &'a Target {
        self.state().target
    }

    /// The target's index among the problem's targets.
    pub fn target_index(&self) -> usize {
        self.state().index
    }

    /// The target's visible tests: what candidates are checked against.
    pub fn visible(&self) -> &[TestCase] {
        &self.state().visible
    }

    /// Inputs where an earlier candidate broke the spec and no single
    /// result is expected (the spec allows several): a candidate must
    /// satisfy `ensures` there.
    pub fn spec_cases(&self) -> &[Vec<synth_dsl::value::Frozen>] {
        &self.state().spec_cases
    }

    /// Adds a visible test (a counterexample, say): later candidates are
    /// checked against it too.
    pub fn add_visible(&mut self, case: TestCase) {
        self.state_mut().visible.push(case);
    }

    /// The budget.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// What was spent so far.
    pub fn spent(&self) -> Spent {
        self.spent
    }

    /// Has the target a program passing every visible test?
    pub fn solved(&self) -> bool {
        self.state().solution.is_some()
    }

    /// The best score so far on this target.
    pub fn best_score(&self) -> Option<&Score> {
        self.state().best.as_ref().or(self.state().solution.as_ref()).map(|k| &k.score)
    }

    /// The program database.
    pub fn db(&self) -> &dyn ProgramDatabase {
        self.db
    }

    /// Counts what the proposers spent, reports progress when it is due,
    /// and says whether the budget is out.
    pub fn checkpoint(&mut self, proposers: &[Box<dyn Proposer + '_>]) -> Option<StopReason> {
        let stats: Vec<_> = proposers.iter().map(|p| p.stats()).collect();
        self.spent.candidates = self.before.0 + stats.iter().map(|s| s.candidates).sum::<u64>();
        if self.last_progress.elapsed() >= PROGRESS_EVERY {
            self.last_progress = Instant::now();
            let state = self.state();
            let progress = Progress {
                candidates: self.spent.candidates,
                evaluated: self.before.1 + stats.iter().map(|s| s.evaluated).sum::<u64>(),
                best: (state.best.as_ref().map_or(0, |k| k.verdict.passed), state.visible.len()),
                elapsed: self.spent.start.elapsed(),
                statuses: proposers.iter().filter_map(|p| p.status()).collect(),
            };
            (self.progress)(&progress);
        }
        self.budget.exceeded(&self.spent)
    }

    /// The quota of a step that should last about `slice`: cut at the
    /// time budget, with the candidates left.
    pub fn quota(&self, slice: Duration) -> Quota {
        let end = Instant::now().checked_add(slice).unwrap_or_else(|| self.budget.deadline(&self.spent));
        Quota {
            deadline: end.min(self.budget.deadline(&self.spent)),
            candidates: self.budget.candidates_left(&self.spent),
            interrupt: self.budget.interrupt.clone(),
        }
    }

    /// De-duplicates, places and verifies a candidate of `proposer` on the
    /// visible tests, records it, keeps it when it is the best so far, and
    /// gives the proposer its feedback. True when it solves the target.
    pub fn submit(&mut self, proposer: &mut dyn Proposer, candidate: Candidate) -> bool {
        let index = self.state().index;
        if let Some(id) = self.db.find(index, &candidate.body) {
            let outcome = Outcome::Duplicate(id);
            proposer.feedback(&Feedback { candidate: &candidate, id: Some(id), outcome: &outcome, score: None });
            return false;
        }
        let record = |status, def, score| ProgramRecord {
            target: index,
            body: candidate.body.clone(),
            def,
            proposer: proposer.name(),
            parents: candidate.parents.clone(),
            logprob: candidate.logprob,
            status,
            score,
        };
        let placed = match self.state().placer.place(&candidate.body) {
            // A sketch: Z3 fills its holes from the tests and the spec first.
            Ok(p) if p.program.n_holes > 0 => match self.fill_holes(p) {
                Some(filled) => filled,
                None => {
                    let id = self.db.insert(record(Status::Rejected(Rejection::Type), None, None));
                    let outcome = Outcome::Rejected(Rejection::Type);
                    proposer.feedback(&Feedback {
                        candidate: &candidate,
                        id: Some(id),
                        outcome: &outcome,
                        score: None,
                    });
                    return false;
                }
            },
            Ok(p) => p,
            Err(rejection) => {
                tracing::debug!(body = %candidate.body, ?rejection, "candidate does not check");
                let id = self.db.insert(record(Status::Rejected(rejection), None, None));
                let outcome = Outcome::Rejected(rejection);
                proposer.feedback(&Feedback { candidate: &candidate, id: Some(id), outcome: &outcome, score: None });
                return false;
            }
        };
        self.sandbox_runs += 1;
        let state = self.state();
        let verdict = self.verifier.verify(&placed.program, &state.goal, &state.visible);
        tracing::debug!(body = %candidate.body, passed = verdict.passed, total = verdict.total, "tested");
        let score = self.scorer.score(&candidate, &verdict);
        let status = Status::Tested {
            passed: verdict.passed,
            total: verdict.total,
            failure: verdict.failure.as_ref().map(ToString::to_string),
        };
        let id: ProgramId = self.db.insert(record(status, Some(placed.def.clone()), Some(score.clone())));
        // A target with a spec may have no test yet: then Z3 decides alone.
        let tests_pass = verdict.all_passed() || (verdict.total == 0 && self.state().target.spec.is_some());
        let solved = tests_pass && self.spec_holds(&placed.program);
        let outcome = Outcome::Tested(Box::new(verdict));
        proposer.feedback(&Feedback { candidate: &candidate, id: Some(id), outcome: &outcome, score: Some(&score) });
        let Outcome::Tested(verdict) = outcome else { unreachable!("built just above") };
        let kept = Kept { placed, verdict: *verdict, score, proposer: proposer.name(), logprob: candidate.logprob };
        let state = self.state_mut();
        if solved {
            state.solution = Some(kept);
        } else if state.best.as_ref().is_none_or(|b| kept.score.beats(&b.score)) {
            state.best = Some(kept);
        }
        solved
    }

    /// Counterexample-guided checking of a candidate that passes every
    /// visible test, for a target with a `[spec]`: true when Z3 proves it
    /// (or cannot decide, which the verdict says). A counterexample becomes
    /// a visible test (or a spec case) and the search goes on.
    fn spec_holds(&mut self, program: &synth_dsl::tir::Program) -> bool {
        let state = self.state();
        let Some(spec) = state.target.spec else { return true };
        let func = state.goal.func;
        if state.spec_cases.iter().any(|args| !crate::spec::holds_on(program, func, &spec, args)) {
            return false;
        }
        let (checked, took) = match crate::spec::check(program, func, &spec) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("bug in synth: {e}");
                self.state_mut().verdict = Some(format!("unverified: {e}"));
                return true;
            }
        };
        tracing::info!(target = %state.target.name, seconds = took.as_secs_f64(), "verified");
        let name = state.target.name.clone();
        let state = self.state_mut();
        match checked {
            crate::spec::Checked::Proved { bound, assumptions } => {
                let mut v = match bound {
                    Some(k) => format!("proved for loops up to {k} iterations"),
                    None => "proved".to_string(),
                };
                if !assumptions.is_empty() {
                    v.push_str(&format!(" (assuming no {})", assumptions.join(", no ")));
                }
                state.verdict = Some(v);
                true
            }
            crate::spec::Checked::Counterexample(cx) if cx.confirmed => {
                let call = TestCase {
                    args: cx.args.clone(),
                    expect: synth_dsl::value::Frozen::None,
                    origin: CaseOrigin::Found,
                }
                .call_text(&name);
                match &cx.expected {
                    Some(Ok(want)) => {
                        state.counterexamples.push(format!("{call} == {}", want.repr()));
                        state.visible.push(TestCase { args: cx.args, expect: want.clone(), origin: CaseOrigin::Found });
                    }
                    _ => {
                        state.counterexamples.push(format!("{call} (breaks the spec)"));
                        state.spec_cases.push(cx.args);
                    }
                }
                tracing::info!(counterexample = %call, "counterexample");
                self.restart = true;
                false
            }
            crate::spec::Checked::Counterexample(cx) => {
                tracing::error!(?cx, "bug in synth: Z3's counterexample does not fail in the sandbox");
                state.verdict = Some("unverified: Z3 and the sandbox disagree (a bug in synth)".into());
                true
            }
            crate::spec::Checked::Unknown(r) => {
                state.verdict = Some(format!("unknown ({r})"));
                true
            }
            crate::spec::Checked::Unsupported(u) => {
                // When the spec can be encoded, the candidate is what is
                // outside the fragment: look for one that can be verified.
                let spec_ok = synth_dsl::smt::spec_supported(program, func, spec.fns, spec.unroll).is_ok();
                tracing::debug!(reason = %u.reason, spec_ok, "not verifiable");
                if !spec_ok {
                    state.verdict =
                        Some(format!("unverified: the spec is outside the verifiable fragment ({})", u.reason));
                    return true;
                }
                // The candidate is outside the fragment: test it against the
                // spec on random inputs instead; a failing one is a counterexample.
                let seen: Vec<_> = state.visible.iter().map(|t| t.args.clone()).collect();
                match crate::spec::random_counterexample(program, func, &spec, RANDOM_TRIES, &seen) {
                    Some(cx) => {
                        let call = TestCase {
                            args: cx.args.clone(),
                            expect: synth_dsl::value::Frozen::None,
                            origin: CaseOrigin::Found,
                        }
                        .call_text(&name);
                        let state = self.state_mut();
                        match cx.expected {
                            Some(Ok(want)) => {
                                state.counterexamples.push(format!("{call} == {} (found by testing)", want.repr()));
                                state.visible.push(TestCase { args: cx.args, expect: want, origin: CaseOrigin::Found });
                            }
                            _ => {
                                state.counterexamples.push(format!("{call} (breaks the spec; found by testing)"));
                                state.spec_cases.push(cx.args);
                            }
                        }
                        self.restart = true;
                        false
                    }
                    None => {
                        self.state_mut().verdict = Some(format!(
                            "unverified ({}), but the spec holds on {RANDOM_TRIES} random inputs",
                            u.reason
                        ));
                        true
                    }
                }
            }
        }
    }

    /// Fills a sketch's `??` holes by counterexample-guided solving: Z3
    /// finds values that make the visible tests (and spec cases) pass, the
    /// spec is checked with them, and a counterexample joins the cases.
    /// `None` when no values work (or the sketch is outside the fragment).
    fn fill_holes(&mut self, placed: Placed) -> Option<Placed> {
        let state = self.state();
        let func = state.goal.func;
        let spec = state.target.spec;
        let (unroll, timeout_ms) = spec
            .map_or((synth_dsl::smt::DEFAULT_UNROLL, crate::spec::DEFAULT_TIMEOUT_MS), |s| (s.unroll, s.timeout_ms));
        let timeout = Duration::from_millis(timeout_ms);
        let ensures = spec.and_then(|s| s.fns.ensures);
        let mut cases: Vec<(Vec<synth_dsl::value::Frozen>, Option<synth_dsl::value::Frozen>)> =
            state.visible.iter().map(|t| (t.args.clone(), Some(t.expect.clone()))).collect();
        cases.extend(state.spec_cases.iter().map(|a| (a.clone(), None)));
        // Bit-level counterexamples may fix one bit a round: 64-bit masks need ~64.
        for _round in 0..160 {
            let values =
                match synth_verifiers::smt::solve_holes(&placed.program, func, &cases, ensures, unroll, timeout) {
                    Ok(Some(v)) => v,
                    Ok(None) => {
                        tracing::debug!(cases = cases.len(), "no hole values pass the cases");
                        return None;
                    }
                    Err(e) => {
                        tracing::debug!(%e, "holes not filled");
                        return None;
                    }
                };
            let program = synth_dsl::tir::fill_holes(&placed.program, &values);
            let done = |program| {
                let mut def = placed.def.clone();
                for v in &values {
                    let lit = if *v < 0 { format!("({v})") } else { v.to_string() };
                    def = def.replacen("??", &lit, 1);
                }
                tracing::info!(holes = ?values, "holes filled");
                Some(Placed { program, def })
            };
            let Some(spec) = spec else { return done(program) };
            match crate::spec::check(&program, func, &spec) {
                Ok((crate::spec::Checked::Counterexample(cx), _)) if cx.confirmed => {
                    tracing::debug!(?values, args = ?cx.args, "holes: counterexample");
                    cases.push((cx.args, cx.expected.and_then(Result::ok)));
                }
                _ => return done(program),
            }
        }
        None
    }

    /// Has a counterexample been added since the proposers were built
    /// (so they should be built again, seeing it)?
    pub fn restart_pending(&self) -> bool {
        self.restart
    }

    /// Takes the restart request.
    pub fn take_restart(&mut self) -> bool {
        std::mem::take(&mut self.restart)
    }

    /// Counts the work of proposers that are replaced (a restart).
    pub fn retire(&mut self, proposers: &[Box<dyn Proposer + '_>]) {
        let stats: Vec<_> = proposers.iter().map(|p| p.stats()).collect();
        self.before.0 += stats.iter().map(|s| s.candidates).sum::<u64>();
        self.before.1 += stats.iter().map(|s| s.evaluated).sum::<u64>();
    }

    /// Tells `proposer` that these candidates of its step were never examined.
    pub fn not_examined(&mut self, proposer: &mut dyn Proposer, rest: impl IntoIterator<Item = Candidate>) {
        for candidate in rest {
            let outcome = Outcome::NotExamined;
            proposer.feedback(&Feedback { candidate: &candidate, id: None, outcome: &outcome, score: None });
        }
    }

    /// Ends the target: runs the hidden tests on its solution and reports.
    /// `proposers` are the target's, for the budget's counters.
    pub fn finish_target(&mut self, proposers: &[Box<dyn Proposer + '_>]) -> TargetReport {
        let stats: Vec<_> = proposers.iter().map(|p| p.stats()).collect();
        self.before.0 += stats.iter().map(|s| s.candidates).sum::<u64>();
        self.before.1 += stats.iter().map(|s| s.evaluated).sum::<u64>();
        self.spent.candidates = self.before.0;
        let state = self.current.take().expect("begin_target is called before finish_target");
        let visible_total = state.visible.len();
        let hidden_total = state.hidden.len();
        match (state.solution, state.best) {
            (Some(solution), _) => {
                // Hidden tests run only here, on a program that passed every visible test.
                let hidden = self.verifier.verify(&solution.placed.program, &state.goal, &state.hidden);
                let constants = used_constants(&stats, &solution.placed.def);
                TargetReport {
                    name: state.target.name.clone(),
                    solved: true,
                    program: Some(solution.placed.def),
                    proposer: Some(solution.proposer.to_string()),
                    logprob: solution.logprob,
                    visible_passed: visible_total,
                    visible_total,
                    hidden_passed: hidden.passed,
                    hidden_total,
                    hidden_failure: hidden.failure.map(|f| f.to_string()),
                    verdict: state.verdict,
                    counterexamples: state.counterexamples,
                    constants,
                }
            }
            (None, best) => TargetReport {
                counterexamples: state.counterexamples,
                ..TargetReport::unsolved(
                    &state.target.name,
                    best.map(|k| (k.placed.def, k.proposer.to_string(), k.verdict.passed)),
                    visible_total,
                    hidden_total,
                )
            },
        }
    }

    /// Candidates counted and expressions evaluated over the finished targets.
    pub fn totals(&self) -> (u64, u64) {
        self.before
    }

    /// Candidates run on the visible tests so far.
    pub fn sandbox_runs(&self) -> u64 {
        self.sandbox_runs
    }

    /// Seconds since the search started.
    pub fn elapsed(&self) -> Duration {
        self.spent.start.elapsed()
    }
}

/// The mined constants (of any proposer) that appear in `program`'s text.
fn used_constants(stats: &[ProposerStats], program: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in stats.iter().flat_map(|s| &s.mined_constants) {
        if program.contains(c.as_str()) && !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}
