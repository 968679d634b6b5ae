//! synth's search engine: problem files, and the seams everything plugs
//! into: proposers (`propose/`: enumerator, language model, seed),
//! strategies (`strategy/`: sample-then-test), the verifier (from
//! `synth-verifiers`), scorers (`score.rs`) and the program database
//! (`db/`), run by the search loop and its shared context (`search/`).

pub mod db;
pub mod evolve;
pub mod lm;
pub mod model;
pub mod place;
pub mod problem;
pub mod prompt;
pub mod propose;
pub mod score;
pub mod search;
pub mod spec;
pub mod strategy;
pub mod sygus;

pub use synth_dsl as dsl;
pub use synth_verifiers as verifiers;
