//! The enumerator as a proposer: each step pulls until an offer (one
//! candidate) or the quota; the enumerator counts every distinct expression
//! it checked on the visible tests against the candidate budget.

use super::{EnumConfig, EnumEnd, Enumerator, Pull, PullLimit};
use crate::propose::{Candidate, Exhausted, Feedback, Proposer, ProposerFactory, ProposerStats, Quota, Setup, Step};
use crate::search::Technique;
use std::time::Instant;

/// Makes the enumerator of each target.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnumerateFactory;

impl ProposerFactory for EnumerateFactory {
    fn name(&self) -> &'static str {
        "enumerate"
    }

    fn build<'a>(&'a mut self, setup: Setup<'a>) -> Box<dyn Proposer + 'a> {
        let config = EnumConfig {
            max_size: setup.options.max_size,
            max_terms: setup.options.budget.memory_terms,
            constants: setup.problem.search.constants.clone(),
            grammar: setup.target.grammar.clone(),
            // Trees as big as needed under a spec (it checks them); on examples
            // alone one condition, two with many examples (bigger ones overfit).
            unify: (!setup.options.without.contains(&Technique::Conditionals)).then(|| {
                if setup.target.spec.is_some() {
                    usize::MAX
                } else if setup.visible.len() >= 6 {
                    3
                } else {
                    2
                }
            }),
            mine_constants: !setup.options.without.contains(&Technique::Constants),
            idioms: !setup.options.without.contains(&Technique::Idioms),
            spec_cases: match setup.target.spec.and_then(|s| s.fns.ensures) {
                Some(ensures) => {
                    setup.spec_cases.iter().map(|c| (c.iter().map(|v| v.thaw()).collect(), ensures)).collect()
                }
                None => Vec::new(),
            },
        };
        let enumerator = match Enumerator::new(&setup.problem.program, setup.target.func, setup.visible, config) {
            Ok(e) => Some(e),
            Err(e) => {
                tracing::warn!(error = %e, "the program's constants fail to evaluate; nothing to enumerate");
                None
            }
        };
        Box::new(EnumerateProposer { enumerator, stats: ProposerStats::named("enumerate") })
    }
}

/// The bottom-up enumerator of one target.
pub struct EnumerateProposer<'p> {
    /// None when the program's constants fail to evaluate.
    enumerator: Option<Enumerator<'p>>,
    stats: ProposerStats,
}

impl Proposer for EnumerateProposer<'_> {
    fn name(&self) -> &'static str {
        "enumerate"
    }

    fn step(&mut self, quota: &Quota) -> Step {
        let Some(e) = &mut self.enumerator else {
            return Step { candidates: Vec::new(), end: Some(Exhausted::Searched) };
        };
        let started = Instant::now();
        let limit = PullLimit {
            deadline: Some(quota.deadline),
            distinct: e.stats.distinct.saturating_add(quota.candidates),
            interrupt: Some(quota.interrupt.clone()),
        };
        let pulled = e.pull(&limit);
        self.stats.seconds += started.elapsed().as_secs_f64();
        match pulled {
            Pull::Offer(offer) => {
                self.stats.proposed += 1;
                Step { candidates: vec![Candidate::new(offer.body)], end: None }
            }
            Pull::Paused => Step::default(),
            Pull::End(EnumEnd::Exhausted) => {
                tracing::info!(size = e.stats.size, "every expression up to the size limit was tried");
                Step { candidates: Vec::new(), end: Some(Exhausted::Searched) }
            }
            Pull::End(EnumEnd::MemoryLimit) => {
                tracing::info!(size = e.stats.size, "the enumerator's store is full");
                Step { candidates: Vec::new(), end: Some(Exhausted::Memory) }
            }
        }
    }

    fn feedback(&mut self, feedback: &Feedback<'_>) {
        self.stats.record(feedback.outcome);
    }

    fn stats(&self) -> ProposerStats {
        let mut stats = self.stats.clone();
        if let Some(e) = &self.enumerator {
            stats.candidates = e.stats.distinct;
            stats.evaluated = e.stats.evaluated;
            stats.mined_constants = e.mined().to_vec();
        }
        stats
    }

    fn status(&self) -> Option<String> {
        let e = self.enumerator.as_ref()?;
        (e.stats.evaluated > 0).then(|| format!("size {}", e.stats.size + 1))
    }
}
