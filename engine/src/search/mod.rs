//! The engine's search loop around a strategy: for each target in turn it
//! builds the target's proposers, lets the strategy run them through the
//! shared [`SearchContext`], and ends the target (hidden tests on a
//! solution); the first unsolved target ends the search. Running out of
//! budget is a result, a [`StopReason`].

mod budget;
mod context;
mod options;
mod report;

pub use budget::{Budget, Spent, StopReason};
pub use context::SearchContext;
pub use options::{ModelCache, OptionsError, Overrides, SearchOptions, Technique};
pub use report::{ModelStats, Progress, Report, TargetReport};

use crate::db::MemoryDb;
use crate::lm::LanguageModel;
use crate::problem::Problem;
use crate::propose::enumerate::EnumerateFactory;
use crate::propose::model::ModelFactory;
use crate::propose::seed::SeedFactory;
use crate::propose::{ProposerFactory, ProposerName, ProposerStats, Setup};
use crate::score::{Scorer, TestsPassed};
use crate::strategy::{SampleThenTest, Strategy};
use synth_verifiers::Verifier;

/// The proposers `options` names, in order, the seed proposer first; the
/// model proposer only when a model is given (with a warning otherwise).
pub fn proposer_factories<'m>(
    options: &SearchOptions,
    model: Option<&'m mut dyn LanguageModel>,
) -> Vec<Box<dyn ProposerFactory + 'm>> {
    let mut factories: Vec<Box<dyn ProposerFactory + 'm>> = vec![Box::new(SeedFactory)];
    let mut model = model;
    for name in &options.proposers {
        match name {
            ProposerName::Seed => {}
            ProposerName::Enumerate => factories.push(Box::new(EnumerateFactory)),
            ProposerName::Model => match model.take() {
                Some(lm) => factories.push(Box::new(ModelFactory::new(lm))),
                None => tracing::warn!("the model proposer was asked for but no model is loaded"),
            },
        }
    }
    factories
}

/// Sample-then-test on `problem` with the proposers `options` names:
/// examples checked in the sandbox, ranked by tests passed, every
/// candidate in an in-memory database. `progress` is called a few times a
/// second.
pub fn sample_then_test(
    problem: &Problem,
    options: &SearchOptions,
    model: Option<&mut dyn LanguageModel>,
    progress: &mut dyn FnMut(&Progress),
) -> Report {
    let mut factories = proposer_factories(options, model);
    let mut db = MemoryDb::new();
    run(problem, options, &mut factories, &mut SampleThenTest, &options.verifier, &TestsPassed, &mut db, progress)
}

/// Runs `strategy` on every target of `problem`, one after the other under
/// one budget, with a proposer from each factory per target.
#[allow(clippy::too_many_arguments)] // each is one seam of the engine
pub fn run(
    problem: &Problem,
    options: &SearchOptions,
    factories: &mut [Box<dyn ProposerFactory + '_>],
    strategy: &mut dyn Strategy,
    verifier: &dyn Verifier,
    scorer: &dyn Scorer,
    db: &mut dyn crate::db::ProgramDatabase,
    progress: &mut dyn FnMut(&Progress),
) -> Report {
    let mut cx = SearchContext::new(problem, options.budget.clone(), verifier, scorer, db, progress);
    let mut totals: Vec<ProposerStats> = Vec::new();
    let mut targets = Vec::new();
    let mut stop = StopReason::Solved;
    for (index, target) in problem.targets.iter().enumerate() {
        cx.begin_target(index);
        let (end, report) = loop {
            let visible = cx.visible().to_vec();
            let spec_cases = cx.spec_cases().to_vec();
            let mut proposers: Vec<_> = factories
                .iter_mut()
                .map(|f| f.build(Setup { problem, target, index, visible: &visible, spec_cases: &spec_cases, options }))
                .collect();
            let end = strategy.search(&mut cx, &mut proposers);
            for p in &proposers {
                let s = p.stats();
                match totals.iter_mut().find(|t| t.name == s.name) {
                    Some(t) => t.add(&s),
                    None => totals.push(s),
                }
            }
            // Counterexample-guided search: a counterexample became a test,
            // so the proposers start again seeing it (the enumerator's
            // equivalence classes change with the tests).
            if cx.take_restart() && end != StopReason::Solved && cx.checkpoint(&proposers).is_none() {
                cx.retire(&proposers);
                continue;
            }
            break (end, cx.finish_target(&proposers));
        };
        let solved = report.solved;
        targets.push(report);
        if !solved {
            stop = if end == StopReason::Solved { StopReason::SearchExhausted } else { end };
            break;
        }
    }
    // Targets never reached count as unsolved.
    for target in problem.targets.iter().skip(targets.len()) {
        let (visible, hidden) = (problem.visible_tests(target.func).count(), problem.hidden_tests(target.func).count());
        targets.push(TargetReport::unsolved(&target.name, None, visible, hidden));
    }
    let solved = targets.iter().all(|t| t.solved);
    let program = solved.then(|| targets.iter().filter_map(|t| t.program.clone()).collect::<Vec<_>>().join("\n"));
    let (candidates, evaluated) = cx.totals();
    // The seed proposer is reported only where it proposed something.
    totals.retain(|s| s.name != "seed" || s.proposed > 0);
    let model = totals.iter().find(|s| s.name == "model").map(ModelStats::from);
    Report {
        problem: problem.name.clone(),
        solved,
        program,
        stop_reason: if solved { StopReason::Solved } else { stop },
        strategy: strategy.name().to_string(),
        candidates,
        evaluated,
        sandbox_runs: cx.sandbox_runs(),
        seconds: cx.elapsed().as_secs_f64(),
        visible_passed: targets.iter().map(|t| t.visible_passed).sum(),
        visible_total: targets.iter().map(|t| t.visible_total).sum(),
        hidden_passed: targets.iter().map(|t| t.hidden_passed).sum(),
        hidden_total: targets.iter().map(|t| t.hidden_total).sum(),
        targets,
        proposers: totals,
        model,
    }
}
