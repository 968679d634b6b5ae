//! `synth evolve`: FunSearch-style evolutionary search, where a program is
//! kept for its score. `problem.rs` loads evolution problem files,
//! `database.rs` is FunSearch's program database (islands, clusters),
//! `mutate.rs` the model-free proposer, `evaluate.rs` scoring in the
//! sandbox, `store.rs` the run's SQLite file, `run.rs` the loop.

pub mod database;
pub mod evaluate;
pub mod mutate;
pub mod problem;
pub mod prompt;
pub mod run;
pub mod scorer;
pub mod store;

pub use problem::{EvolveProblem, EvolveSettings, EvolveStrategy, Reduce, Selection};
pub use run::{EvolveError, EvolveOptions, EvolveReport, EvolveStop, evolve};
