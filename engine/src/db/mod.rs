//! The program database seam: every candidate a search has seen, with its
//! proposer, outcome, score and parents. Strategies ask it whether a body
//! was seen (de-duplication) and for the best program of a target; the
//! evolution strategy adds islands and a persistent store behind the same
//! interface.

mod memory;

pub use memory::MemoryDb;

use crate::place::Rejection;
use crate::score::Score;

/// A program's index in its database.
pub type ProgramId = usize;

/// What the database knows of a candidate's checks.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// It could not be placed.
    Rejected(Rejection),
    /// It ran on the visible tests.
    Tested {
        /// Tests passed.
        passed: usize,
        /// Tests run.
        total: usize,
        /// The first failure, as a message.
        failure: Option<String>,
    },
}

/// One candidate the search has seen.
#[derive(Clone, Debug)]
pub struct ProgramRecord {
    /// The target's index in the problem.
    pub target: usize,
    /// The candidate's body.
    pub body: String,
    /// The printed `def`, when it was placed.
    pub def: Option<String>,
    /// The proposer that made it.
    pub proposer: &'static str,
    /// The programs it was made from.
    pub parents: Vec<ProgramId>,
    /// A language model's log-probability of it.
    pub logprob: Option<f32>,
    /// What its checks said.
    pub status: Status,
    /// Its score, when tested.
    pub score: Option<Score>,
}

/// Where a search keeps the candidates it has seen.
pub trait ProgramDatabase {
    /// The program with this body for this target, if one was seen.
    fn find(&self, target: usize, body: &str) -> Option<ProgramId>;

    /// Adds a program; its id.
    fn insert(&mut self, record: ProgramRecord) -> ProgramId;

    /// A program by id.
    fn get(&self, id: ProgramId) -> Option<&ProgramRecord>;

    /// How many programs it holds.
    fn len(&self) -> usize;

    /// Does it hold none?
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The target's best-scored program (the first of equals).
    fn best(&self, target: usize) -> Option<ProgramId>;
}
