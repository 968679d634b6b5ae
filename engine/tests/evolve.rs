//! The shipped evolution problems score as published: FunSearch's cap-set
//! skeleton gives 2^n with the trivial priority and 512 at n = 8 with the
//! priority function FunSearch found.

use std::path::Path;
use std::sync::Arc;
use synth_engine::dsl::value::Frozen;
use synth_engine::evolve::EvolveProblem;
use synth_engine::evolve::evaluate::{Evaluator, Status, place};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn cap_set_trivial_priority_gives_2_to_the_n_and_funsearchs_gives_512() {
    let problem = Arc::new(EvolveProblem::load(&root().join("problems/evolve/cap-set.toml")).expect("loads"));
    let ev = Evaluator::new(problem.clone()).expect("loads");
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

/// A Rust scorer: the candidate's `priority` at one vector.
struct AtOneVector;

impl synth_engine::evolve::scorer::Scorer for AtOneVector {
    fn score(
        &self,
        candidate: &synth_engine::evolve::scorer::Candidate<'_>,
        input: &[synth_engine::dsl::Value],
    ) -> Result<f64, synth_engine::evolve::scorer::ScoreError> {
        use synth_engine::dsl::Value;
        let el = Value::tuple(vec![Value::Int(0), Value::Int(1), Value::Int(2)]);
        match candidate.call("priority", &[el, input[0].clone()])? {
            Value::Float(f) => Ok(f),
            _ => Err(synth_engine::evolve::scorer::ScoreError::new("not a float")),
        }
    }
}

#[test]
fn a_rust_scorer_scores_by_calling_the_candidate() {
    let problem = Arc::new(EvolveProblem::load(&root().join("problems/evolve/cap-set.toml")).expect("loads"));
    let ev = Evaluator::with_scorer(problem.clone(), Arc::new(AtOneVector));
    let text = |body: &str| format!("def priority(el: tuple[int, ...], n: int) -> float:\n    {body}\n");
    let placed = place(&problem, &text("return float(el[2] * n)")).unwrap();
    let s = ev.score(&placed.program, &problem.inputs);
    assert_eq!(s.status, Status::Ok, "{}", s.message);
    assert_eq!(s.signature, vec![6.0, 8.0, 10.0, 12.0, 14.0, 16.0]);
    let placed = place(&problem, &text("return 1.0 / float(el[0])")).unwrap();
    let s = ev.score(&placed.program, &problem.inputs);
    assert_eq!(s.status, Status::Error);
    assert!(s.message.contains("ZeroDivisionError"), "{}", s.message);
    let placed = place(&problem, &text("return float(el[2]) / 0.0 if n > 100 else float('nan')")).unwrap();
    assert_eq!(ev.score(&placed.program, &problem.inputs).status, Status::NotFinite);
}

#[test]
fn an_external_wasm_module_scores_the_score_functions_values() {
    let problem = Arc::new(EvolveProblem::load(&root().join("problems/evolve/spread-points.toml")).expect("loads"));
    let ev = Evaluator::new(problem.clone()).expect("the module loads");
    let seed = place(&problem, &problem.seed_text()).unwrap();
    assert_eq!(ev.score(&seed.program, &problem.inputs).signature, vec![0.0, 0.0, 0.0]);
    let even = place(&problem, "def point(i: int, n: int) -> float:\n    return i / (n - 1)\n").unwrap();
    let s = ev.score(&even.program, &problem.inputs);
    assert_eq!(s.status, Status::Ok, "{}", s.message);
    for v in s.signature {
        assert!((v - 1.0).abs() < 1e-9, "{v}");
    }
    let mut broken = (*problem).clone();
    broken.wasm_scorer = Some(("bad.wasm".into(), b"(module)".to_vec()));
    let e = Evaluator::new(Arc::new(broken)).err().expect("refused");
    assert!(e.contains("must export its `memory`"), "{e}");
}
