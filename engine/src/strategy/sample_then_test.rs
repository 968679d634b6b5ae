//! Sample-then-test (Codex/MBPP's loop): proposers take turns by time
//! ([`TimeShare`]); each candidate is placed and run on the visible tests;
//! the first to pass them all solves the target (the rest of its step is
//! left unexamined). The best candidate so far is kept by the context.

use super::{Strategy, TimeShare};
use crate::propose::Proposer;
use crate::search::{SearchContext, StopReason};
use std::time::Instant;

/// Sample-then-test.
#[derive(Clone, Copy, Debug, Default)]
pub struct SampleThenTest;

impl Strategy for SampleThenTest {
    fn name(&self) -> &'static str {
        "sample_then_test"
    }

    fn search(&mut self, cx: &mut SearchContext<'_>, proposers: &mut [Box<dyn Proposer + '_>]) -> StopReason {
        let mut share = TimeShare::new(proposers.len());
        loop {
            if let Some(stop) = cx.checkpoint(proposers) {
                return stop;
            }
            let Some((i, slice)) = share.next() else { return share.exhausted() };
            let started = Instant::now();
            let step = proposers[i].step(&cx.quota(slice));
            let mut candidates = step.candidates.into_iter();
            while let Some(candidate) = candidates.next() {
                if cx.submit(&mut *proposers[i], candidate) {
                    cx.not_examined(&mut *proposers[i], candidates);
                    return StopReason::Solved;
                }
                if cx.restart_pending() {
                    // A counterexample: the engine builds the proposers again with it.
                    cx.not_examined(&mut *proposers[i], candidates);
                    return StopReason::SearchExhausted;
                }
            }
            share.charge(i, started.elapsed());
            if let Some(why) = step.end {
                share.end(i, why);
            }
        }
    }
}
