//! A search's budget: one counter struct for time, candidates, memory and
//! the user's interrupt. Running out is a result, a [`StopReason`].

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
    /// A proposer's store reached the memory budget.
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

/// The limits of one search (all targets together).
#[derive(Clone, Debug)]
pub struct Budget {
    /// Wall-clock time. By default 60 s.
    pub time: Duration,
    /// Candidates counted by the proposers (distinct programs checked).
    /// By default 1,000,000.
    pub candidates: u64,
    /// The most expressions a proposer keeps in memory (the enumerator's
    /// store). By default 3,000,000.
    pub memory_terms: usize,
    /// Set (e.g. by a Ctrl-C handler) to stop the search; the best so far is reported.
    pub interrupt: Arc<AtomicBool>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            time: Duration::from_secs(60),
            candidates: 1_000_000,
            memory_terms: 3_000_000,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// What a search has used of its budget.
#[derive(Clone, Copy, Debug)]
pub struct Spent {
    /// When the search started.
    pub start: Instant,
    /// Candidates counted so far.
    pub candidates: u64,
}

impl Budget {
    /// The reason to stop now, if any (the interrupt first).
    pub fn exceeded(&self, spent: &Spent) -> Option<StopReason> {
        if self.interrupt.load(Ordering::Relaxed) {
            Some(StopReason::Interrupted)
        } else if spent.start.elapsed() >= self.time {
            Some(StopReason::TimeBudget)
        } else if spent.candidates >= self.candidates {
            Some(StopReason::CandidateBudget)
        } else {
            None
        }
    }

    /// When the time budget ends.
    pub fn deadline(&self, spent: &Spent) -> Instant {
        spent.start.checked_add(self.time).unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365))
    }

    /// Candidates left.
    pub fn candidates_left(&self, spent: &Spent) -> u64 {
        self.candidates.saturating_sub(spent.candidates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interrupt_comes_first_then_time_then_candidates() {
        let budget = Budget { time: Duration::from_secs(3600), candidates: 10, ..Budget::default() };
        let mut spent = Spent { start: Instant::now(), candidates: 9 };
        assert_eq!(budget.exceeded(&spent), None);
        assert_eq!(budget.candidates_left(&spent), 1);
        spent.candidates = 10;
        assert_eq!(budget.exceeded(&spent), Some(StopReason::CandidateBudget));
        let zero = Budget { time: Duration::ZERO, ..budget.clone() };
        assert_eq!(zero.exceeded(&spent), Some(StopReason::TimeBudget));
        budget.interrupt.store(true, Ordering::Relaxed);
        assert_eq!(budget.exceeded(&spent), Some(StopReason::Interrupted));
    }
}
