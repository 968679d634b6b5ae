//! Enumerator throughput: distinct programs per second on shipped problems,
//! measured as the time to keep the first 50,000 distinct expressions (one
//! per output vector) of a string problem, an integer problem and a list
//! problem. `cargo bench -p synth-engine --bench enumerate`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use synth_engine::problem::Problem;
use synth_engine::propose::enumerate::{EnumConfig, Enumerator, Pull, PullLimit};

const DISTINCT: u64 = 50_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("enumerate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DISTINCT));
    for file in ["strings/initials", "integers/clamp", "lists/running-sum"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../problems").join(format!("{file}.toml"));
        let problem = Problem::load(&path).expect("shipped problem loads");
        let target = problem.targets[0].clone();
        let visible: Vec<_> = problem.visible_tests(target.func).map(|t| t.case.clone()).collect();
        group.bench_function(file, |b| {
            b.iter(|| {
                let config = EnumConfig { max_size: 30, ..EnumConfig::default() };
                let mut e =
                    Enumerator::new(&problem.program, target.func, &visible, config).expect("constants evaluate");
                // Never accepts an offer; pauses at `DISTINCT` distinct expressions.
                let limit = PullLimit { distinct: DISTINCT, ..PullLimit::none() };
                while let Pull::Offer(_) = e.pull(&limit) {}
                assert!(e.stats.distinct >= DISTINCT);
                e.stats.evaluated
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
