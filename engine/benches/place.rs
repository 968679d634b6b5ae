//! Placing and testing candidates, the path every proposed body takes:
//! the placing this engine had before (the body spliced into the module,
//! the whole module printed and compiled again) against the one-step
//! placing (the target's `def` printed and checked alone), and placing
//! plus the visible tests in the sandbox. Distinct bodies per iteration, as
//! a model proposes them. `cargo bench -p synth-engine --bench place`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use synth_dsl::ast::Item;
use synth_dsl::{parser, printer};
use synth_engine::place::Placer;
use synth_engine::problem::Problem;
use synth_verifiers::{ExampleVerifier, Verifier};

const CASES: &[(&str, &[&str])] = &[
    (
        "integers/clamp",
        &[
            "return min(max(x, lo), hi)",
            "if x < lo:\n    return lo\nif x > hi:\n    return hi\nreturn x",
            "return max(lo, min(x, hi))",
            "y = x\nif y < lo:\n    y = lo\nreturn min(y, hi)",
            "return lo if x < lo else hi if x > hi else x",
            "return sorted([x, lo, hi])[1]",
            "return x",
            "return x + lo - hi",
        ],
    ),
    (
        "strings/count-vowels-helper",
        &[
            "return len([c for c in s if is_vowel(c)])",
            "n = 0\nfor c in s:\n    if is_vowel(c):\n        n += 1\nreturn n",
            "return sum([1 for c in s.lower() if is_vowel(c)])",
            "return len(s)",
            "count = 0\nfor i in range(len(s)):\n    if is_vowel(s[i]):\n        count += 1\nreturn count",
            "return len([c for c in s if c in 'aeiou'])",
        ],
    ),
];

/// The placing synth had before: splice into the module, print the whole
/// module, compile all of it again.
fn place_whole(problem: &Problem, name: &str, body: &str) -> Option<synth_dsl::tir::Program> {
    let mut src = String::from("def __body():\n");
    for line in body.lines() {
        src.push_str("    ");
        src.push_str(line);
        src.push('\n');
    }
    let (parsed, diagnostics) = parser::parse_module(&src);
    let Some(Item::Function(parsed)) = parsed.items.into_iter().next().filter(|_| diagnostics.is_empty()) else {
        return None;
    };
    let mut module = problem.module.clone();
    let mut def = None;
    for item in &mut module.items {
        if let Item::Function(f) = item
            && f.name.name == name
        {
            f.body = parsed.body.clone();
            let mut shown = f.clone();
            shown.decorators.retain(|d| d.name.name != "synthesize");
            def = Some(printer::function(&shown));
        }
    }
    let compiled = synth_dsl::compile(&printer::module(&module));
    (!compiled.has_errors() && def.is_some()).then_some(compiled.program)
}

/// FunSearch's cap-set evaluator with `priority` to synthesize: a larger
/// program around the target (the evaluator, 50 lines), and bodies that
/// are FunSearch's own priority function and small variations.
fn capset() -> (Problem, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/capset");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("the cap-set bench files");
    let priority = read("priority_funsearch_n8.py");
    let solve = read("solve.py");
    let def = priority.find("def priority").expect("a priority function");
    let body: String =
        priority[def..].lines().skip(1).map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l))).collect();
    let program = format!("@synthesize\n{}\n{solve}", &priority[def..]);
    let text = format!("program = '''\n{program}'''\n[[tests]]\nargs = [[0, 1, 2], 3]\nexpect = 1.0\n");
    let problem = Problem::parse(Path::new("capset.toml"), &text).expect("the cap-set problem loads");
    let bodies = vec![
        body.clone(),
        body.replace("score *= 1.5", "score *= 1.25"),
        "return float(n)\n".to_string(),
        "return float(el.count(0))\n".to_string(),
        "return -float(sum(el))\n".to_string(),
    ];
    (problem, bodies)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("place");
    let mut cases: Vec<(String, Problem, Vec<String>)> = CASES
        .iter()
        .map(|(file, bodies)| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../problems").join(format!("{file}.toml"));
            let problem = Problem::load(&path).expect("shipped problem loads");
            (file.to_string(), problem, bodies.iter().map(|b| b.to_string()).collect())
        })
        .collect();
    let (problem, bodies) = capset();
    cases.push(("capset/priority".into(), problem, bodies));
    for (file, problem, bodies) in &cases {
        let target = problem.targets[0].clone();
        let placer = Placer::new(problem, &target);
        let goal = problem.goal(&target);
        let visible: Vec<_> = problem.visible_tests(target.func).map(|t| t.case.clone()).collect();
        let verifier = ExampleVerifier::default();
        group.throughput(Throughput::Elements(bodies.len() as u64));
        // Distinct bodies each iteration (a comment line the printer drops
        // would not do: the sandbox caches modules by content), so every
        // module is compiled afresh, as for a model's new candidate.
        let mut round = 0u64;
        let mut fresh = |b: &str| {
            round += 1;
            format!("k = {round}\n{b}")
        };
        assert!(bodies.iter().all(|b| placer.place(b).is_ok()), "{file}: every body places");
        group.bench_function(format!("{file}/whole program (before)"), |bench| {
            bench.iter(|| bodies.iter().filter_map(|b| place_whole(problem, &target.name, &fresh(b))).count())
        });
        group.bench_function(format!("{file}/whole program + visible tests (before)"), |bench| {
            bench.iter(|| {
                bodies
                    .iter()
                    .filter_map(|b| place_whole(problem, &target.name, &fresh(b)))
                    .map(|p| verifier.verify(&p, &goal, &visible).passed)
                    .sum::<usize>()
            })
        });
        group.bench_function(format!("{file}/target only"), |bench| {
            bench.iter(|| bodies.iter().filter(|b| placer.place(&fresh(b)).is_ok()).count())
        });
        group.bench_function(format!("{file}/target only + visible tests"), |bench| {
            bench.iter(|| {
                bodies
                    .iter()
                    .filter_map(|b| placer.place(&fresh(b)).ok())
                    .map(|p| verifier.verify(&p.program, &goal, &visible).passed)
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, bench);
}
criterion_main!(group::benches);
