//! synth's search engine: problem files, proposers (enumeration now; language
//! models and mutation later), strategies (sample-then-test now; CEGIS and
//! evolutionary search later) and the search's results. It builds on
//! `synth-dsl` for the language and `synth-verifiers` to run candidates.

pub mod candidate;
pub mod enumerate;
pub mod model;
pub mod problem;
pub mod prompt;
pub mod strategy;
pub mod tester;

pub use synth_dsl as dsl;
pub use synth_verifiers as verifiers;
