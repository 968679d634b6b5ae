//! Time-sharing between proposers: the next step goes to the proposer that
//! has had the least time so far (ties to the one named first), for as
//! long as it takes to catch up with the next one. So a model whose round
//! takes 300 ms is followed by 300 ms of enumeration, and a proposer left
//! alone gets steps of [`TimeShare::ALONE`].

use crate::propose::Exhausted;
use crate::search::StopReason;
use std::time::Duration;

/// The proposers' time so far, and which of them are done.
#[derive(Clone, Debug)]
pub struct TimeShare {
    used: Vec<Duration>,
    ended: Vec<Option<Exhausted>>,
}

impl TimeShare {
    /// The slice of a proposer running alone (also the longest slice).
    pub const ALONE: Duration = Duration::from_millis(100);
    /// The shortest slice.
    pub const MIN: Duration = Duration::from_millis(1);

    /// Shares time among `n` proposers.
    pub fn new(n: usize) -> TimeShare {
        TimeShare { used: vec![Duration::ZERO; n], ended: vec![None; n] }
    }

    /// The proposer to run next and its slice; `None` when all are done.
    pub fn next(&self) -> Option<(usize, Duration)> {
        let active = || (0..self.used.len()).filter(|&i| self.ended[i].is_none());
        let first = active().min_by_key(|&i| (self.used[i], i))?;
        let slice = match active().filter(|&i| i != first).map(|i| self.used[i]).min() {
            Some(other) => (other - self.used[first]).clamp(Self::MIN, Self::ALONE),
            None => Self::ALONE,
        };
        Some((first, slice))
    }

    /// Charges proposer `i` for time it ran.
    pub fn charge(&mut self, i: usize, time: Duration) {
        self.used[i] += time;
    }

    /// Proposer `i` is done.
    pub fn end(&mut self, i: usize, why: Exhausted) {
        self.ended[i] = Some(why);
    }

    /// Is proposer `i` done?
    pub fn is_ended(&self, i: usize) -> bool {
        self.ended[i].is_some()
    }

    /// Why the search ends when every proposer is done: the memory budget
    /// when a store filled up, else the search space is exhausted.
    pub fn exhausted(&self) -> StopReason {
        if self.ended.contains(&Some(Exhausted::Memory)) {
            StopReason::MemoryBudget
        } else {
            StopReason::SearchExhausted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposer_behind_catches_up_ties_go_to_the_first() {
        let ms = Duration::from_millis;
        let mut share = TimeShare::new(2);
        assert_eq!(share.next(), Some((0, TimeShare::MIN)), "a tie: the first, briefly");
        share.charge(0, ms(30));
        assert_eq!(share.next(), Some((1, ms(30))), "the second catches up");
        share.charge(1, ms(31));
        assert_eq!(share.next(), Some((0, ms(1))));
        share.charge(0, ms(500));
        assert_eq!(share.next(), Some((1, TimeShare::ALONE)), "slices are capped");
        share.end(1, Exhausted::Memory);
        assert_eq!(share.next(), Some((0, TimeShare::ALONE)));
        share.end(0, Exhausted::Searched);
        assert_eq!(share.next(), None);
        assert_eq!(share.exhausted(), StopReason::MemoryBudget);
    }
}
