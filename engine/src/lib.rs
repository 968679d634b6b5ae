//! synth's search engine: problem files, proposers (enumeration, language
//! models, mutation), strategies (sample-then-test, CEGIS, evolutionary
//! search) and the program database. It builds on `synth-dsl` for the
//! language and `synth-verifiers` to run and check candidates; the first
//! pieces arrive with the `synth run` issue.

pub use synth_dsl as dsl;
pub use synth_verifiers as verifiers;
