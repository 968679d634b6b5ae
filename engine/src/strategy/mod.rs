//! The strategy seam: a strategy decides which proposer runs next and what
//! to do with each verdict, over the shared [`SearchContext`]. One file per
//! strategy; sample-then-test is the first (evolution, CEGIS, rerank and
//! repair come next).

mod sample_then_test;
mod schedule;

pub use sample_then_test::SampleThenTest;
pub use schedule::TimeShare;

use crate::propose::Proposer;
use crate::search::{SearchContext, StopReason};

/// A search policy for one target.
pub trait Strategy {
    /// Its name in reports.
    fn name(&self) -> &'static str;

    /// Searches the context's current target with `proposers` (in order of
    /// priority) until it is solved, the budget runs out or the proposers
    /// are exhausted; says which.
    fn search(&mut self, cx: &mut SearchContext<'_>, proposers: &mut [Box<dyn Proposer + '_>]) -> StopReason;
}
