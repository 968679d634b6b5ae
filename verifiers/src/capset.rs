//! The cap-set evaluator of FunSearch (`benches/capset/`), as synth
//! programs and as the same algorithm in native Rust, for the benchmark
//! that compares the Wasm backend with native code and with CPython, and
//! for the tests that check the published sizes (256 with the trivial
//! priority, 512 with FunSearch's n = 8 priority).

/// The greedy construction, in synth's language (needs a `priority`).
pub const SOLVE: &str = include_str!("../../benches/capset/solve.py");
/// The trivial priority (`return 0.0`).
pub const PRIORITY_TRIVIAL: &str = include_str!("../../benches/capset/priority_trivial.py");
/// FunSearch's published priority for n = 8.
pub const PRIORITY_FUNSEARCH_N8: &str = include_str!("../../benches/capset/priority_funsearch_n8.py");

/// A whole evaluator program: a priority function and the construction.
pub fn program(priority: &str) -> String {
    format!("{priority}\n{SOLVE}")
}

/// FunSearch's n = 8 priority in Rust, line for line as the synth source.
pub fn priority_funsearch(el: &[i64], n: i64) -> f64 {
    let mut score = n as f64;
    let mut in_el = 0;
    let el_count = el.iter().filter(|e| **e == 0).count() as i64;
    let at = |i: i64| if i < 0 { el[(el.len() as i64 + i) as usize] } else { el[i as usize] };
    if el_count == 0 {
        score += (n * n) as f64;
        for k in 1..=3 {
            if at(k) == at(-k) {
                score *= 1.5;
            }
        }
    } else {
        for k in 1..=2 {
            if at(k) == at(-k) {
                score *= 0.5;
            }
        }
    }
    for e in el {
        if *e == 0 {
            if in_el == 0 {
                score *= n as f64 * 0.5;
            } else if in_el == el_count - 1 {
                score *= 0.5;
            } else {
                score *= n as f64 * 0.5f64.powi(in_el as i32);
            }
            in_el += 1;
        } else {
            score += 1.0;
        }
    }
    for k in 1..=2 {
        if at(k) == at(-k) {
            score *= 1.5;
        }
    }
    score
}

/// The trivial priority.
pub fn priority_trivial(_el: &[i64], _n: i64) -> f64 {
    0.0
}

/// The greedy construction in native Rust (same order, same tie-breaking);
/// returns the size of the cap set.
pub fn evaluate_native(n: u32, priority: fn(&[i64], i64) -> f64) -> usize {
    let size = 3usize.pow(n);
    let vectors: Vec<Vec<i64>> = (0..size)
        .map(|i| {
            let mut digits = Vec::with_capacity(n as usize);
            let mut x = i as i64;
            for _ in 0..n {
                digits.push(x % 3);
                x /= 3;
            }
            digits.reverse();
            digits
        })
        .collect();
    let prio: Vec<f64> = vectors.iter().map(|v| priority(v, n as i64)).collect();
    let mut blocked = vec![false; size];
    let mut capset: Vec<usize> = Vec::new();
    loop {
        let mut best: Option<usize> = None;
        for i in 0..size {
            if !blocked[i] && best.is_none_or(|b| prio[i] > prio[b]) {
                best = Some(i);
            }
        }
        let Some(best) = best else { break };
        let v = &vectors[best];
        for &c in &capset {
            let w = &vectors[c];
            let mut idx = 0;
            for k in 0..n as usize {
                idx = idx * 3 + (-w[k] - v[k]).rem_euclid(3) as usize;
            }
            blocked[idx] = true;
        }
        blocked[best] = true;
        capset.push(best);
    }
    capset.len()
}
