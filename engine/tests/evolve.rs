//! The shipped evolution problems score as published: FunSearch's cap-set
//! skeleton gives 2^n with the trivial priority and 512 at n = 8 with the
//! priority function FunSearch found.

use std::path::Path;
use std::sync::Arc;
use synth_engine::evolve::EvolveProblem;
use synth_engine::dsl::value::Frozen;
use synth_engine::evolve::evaluate::{Evaluator, Status, place};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn cap_set_trivial_priority_gives_2_to_the_n_and_funsearchs_gives_512() {
    let problem = Arc::new(EvolveProblem::load(&root().join("problems/evolve/cap-set.toml")).expect("loads"));
    let ev = Evaluator::new(problem.clone());
    let seed = place(&problem, &problem.seed_text()).expect("the seed places");
    let s = ev.score(&seed.program, &problem.inputs);
    assert_eq!(s.status, Status::Ok, "{}", s.message);
    assert_eq!(s.signature, vec![8.0, 16.0, 32.0, 64.0, 128.0, 256.0]);
    let funsearch = std::fs::read_to_string(root().join("benches/capset/priority_funsearch_n8.py")).unwrap();
    let placed = place(&problem, &funsearch).expect("FunSearch's function places");
    // It indexes `el[3]`: written for n = 8 (at n = 3 it raises IndexError, an outcome).
    assert_eq!(ev.score(&placed.program, &problem.inputs).status, Status::Error);
    let s = ev.score(&placed.program, &[vec![Frozen::Int(8)]]);
    assert_eq!(s.status, Status::Ok, "{}", s.message);
    assert_eq!(s.signature, vec![512.0]);
}
