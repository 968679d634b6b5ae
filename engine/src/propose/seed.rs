//! The seed proposer: a target written with a body (not `...`) offers that
//! body first, so a search starts from what the user wrote.

use super::{Candidate, Exhausted, Feedback, Proposer, ProposerFactory, ProposerStats, Quota, Setup, Step};
use crate::place::Placer;

/// Makes the seed proposer of each target.
#[derive(Clone, Copy, Debug, Default)]
pub struct SeedFactory;

impl ProposerFactory for SeedFactory {
    fn name(&self) -> &'static str {
        "seed"
    }

    fn build<'a>(&'a mut self, setup: Setup<'a>) -> Box<dyn Proposer + 'a> {
        Box::new(SeedProposer {
            body: Placer::seed_body(setup.problem, setup.target),
            stats: ProposerStats::named("seed"),
        })
    }
}

/// Proposes the target's own body, once.
pub struct SeedProposer {
    body: Option<String>,
    stats: ProposerStats,
}

impl Proposer for SeedProposer {
    fn name(&self) -> &'static str {
        "seed"
    }

    fn step(&mut self, _: &Quota) -> Step {
        let candidates: Vec<Candidate> = self.body.take().map(Candidate::new).into_iter().collect();
        // A seed counts as a candidate whatever becomes of it.
        self.stats.proposed += candidates.len() as u64;
        self.stats.candidates += candidates.len() as u64;
        self.stats.evaluated += candidates.len() as u64;
        Step { candidates, end: Some(Exhausted::Searched) }
    }

    fn feedback(&mut self, feedback: &Feedback<'_>) {
        self.stats.record(feedback.outcome);
    }

    fn stats(&self) -> ProposerStats {
        self.stats.clone()
    }
}
