//! The scorer seam: a scorer turns a verdict into the score a strategy
//! ranks candidates by. Scores are vectors compared lexicographically, so a
//! scorer can break ties (tests passed, then a model's log-probability);
//! NaN ranks below every number, so a broken score never comes first.

use crate::propose::Candidate;
use serde::Serialize;
use std::cmp::Ordering;
use synth_verifiers::Verdict;

/// A candidate's score: higher is better, compared item by item.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Score(pub Vec<f64>);

impl Score {
    /// Compares two scores; NaN is below every number (and equal to NaN).
    pub fn compare(&self, other: &Score) -> Ordering {
        for (a, b) in self.0.iter().zip(&other.0) {
            let order = match (a.is_nan(), b.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        self.0.len().cmp(&other.0.len())
    }

    /// Is this score strictly better than `other`?
    pub fn beats(&self, other: &Score) -> bool {
        self.compare(other) == Ordering::Greater
    }
}

/// Turns verdicts into scores.
pub trait Scorer: Send + Sync {
    /// Its name in reports.
    fn name(&self) -> &'static str;

    /// The score of `candidate`, whose verdict is `verdict`.
    fn score(&self, candidate: &Candidate, verdict: &Verdict) -> Score;
}

/// Ranks by visible tests passed (sample-then-test's ranking).
#[derive(Clone, Copy, Debug, Default)]
pub struct TestsPassed;

impl Scorer for TestsPassed {
    fn name(&self) -> &'static str {
        "tests_passed"
    }

    fn score(&self, _: &Candidate, verdict: &Verdict) -> Score {
        Score(vec![verdict.passed as f64])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_compare_lexicographically_with_nan_last() {
        let s = |v: &[f64]| Score(v.to_vec());
        assert!(s(&[2.0]).beats(&s(&[1.0])));
        assert!(s(&[1.0, 0.5]).beats(&s(&[1.0, -3.0])));
        assert!(!s(&[1.0]).beats(&s(&[1.0])), "a tie is not better");
        assert!(s(&[-1e300]).beats(&s(&[f64::NAN])), "NaN never ranks first");
        assert!(!s(&[f64::NAN]).beats(&s(&[0.0])));
        let v = Verdict { passed: 3, total: 4, ..Verdict::default() };
        assert_eq!(TestsPassed.score(&Candidate::new("return 1"), &v), s(&[3.0]));
    }
}
