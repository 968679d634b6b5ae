//! `synth verify` and counterexample-guided `synth run` on spec problems:
//! a right candidate is proved, a wrong one refuted by a counterexample
//! that really fails in the sandbox, and `synth run` turns counterexamples
//! into tests until Z3 proves what it found.

use std::process::{Command, Output};

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("synth runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

const PROBLEM: &str = "problems/spec/rightmost-one-off.toml";

#[test]
fn a_right_candidate_is_proved() {
    let out = synth(&["verify", PROBLEM, "--candidate", "tests/verify/right.py", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["targets"][0]["verdict"], "proved");
}

#[test]
fn a_wrong_candidate_gets_a_counterexample_that_fails_in_the_sandbox() {
    let out = synth(&["verify", PROBLEM, "--candidate", "tests/verify/wrong.py", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let t = &json(&out)["targets"][0];
    assert_eq!(t["verdict"], "counterexample");
    assert_eq!(t["confirmed"], true);
    // The sandbox's result is the wrong one: x & (x - 2), not the reference's.
    let x: i64 = t["args"][0].as_str().unwrap().parse().unwrap();
    assert_eq!(t["sandbox"]["value"].as_str().unwrap(), (x & x.wrapping_sub(2)).to_string());
    assert_eq!(t["expected"]["value"].as_str().unwrap(), (x & x.wrapping_sub(1)).to_string());
    assert_ne!(t["sandbox"], t["expected"]);
    // The text form says the same.
    let text = synth(&["verify", PROBLEM, "--candidate", "tests/verify/wrong.py"]);
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(s.contains("f: counterexample f(") && s.contains("sandbox:"), "{s}");
}

#[test]
fn run_turns_counterexamples_into_tests_until_the_solution_is_proved() {
    let out = synth(&["run", PROBLEM, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let t = &v["targets"][0];
    assert_eq!(t["verdict"], "proved");
    assert!(!t["counterexamples"].as_array().unwrap().is_empty(), "{t}");
    // The solution is the trick, not the reference (which it may not call).
    let program = v["program"].as_str().unwrap();
    assert!(!program.contains("reference"), "{program}");
}

#[test]
fn verify_reports_a_target_outside_the_fragment_as_unsupported() {
    let dir = std::env::temp_dir().join(format!("synth-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cand = dir.join("float.py");
    std::fs::write(&cand, "def f(x: int) -> int:\n    return int(float(x))\n").unwrap();
    let out = synth(&["verify", PROBLEM, "--candidate", cand.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let t = &json(&out)["targets"][0];
    assert_eq!(t["verdict"], "unsupported", "{t}");
    assert!(t["reason"].as_str().unwrap().contains("outside the verifiable fragment"), "{t}");
}

#[test]
fn holes_are_filled_by_z3_from_the_spec_and_from_tests() {
    // Sketch's first example: `x * ??` must equal `x + x`.
    let out = synth(&["run", "problems/sketch/double.toml", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert!(v["program"].as_str().unwrap().contains("t = x * 2"), "{v}");
    assert_eq!(v["targets"][0]["verdict"], "proved");
    // From tests alone: a line through three points.
    let v = json(&synth(&["run", "problems/sketch/linear.toml", "--json"]));
    assert!(v["program"].as_str().unwrap().contains("return 3 * x + 7"), "{v}");
    // Many counterexample rounds (a 64-bit mask), still proved.
    let v = json(&synth(&["run", "problems/sketch/second-byte.toml", "--json"]));
    assert_eq!(v["targets"][0]["verdict"], "proved", "{v}");
}

#[test]
fn an_ensures_only_spec_gives_tests_where_it_fixes_the_result() {
    let v = json(&synth(&["run", "problems/spec/sign.toml", "--json"]));
    let t = &v["targets"][0];
    assert_eq!(t["verdict"], "proved", "{v}");
    assert!(t["counterexamples"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().contains("==")), "{t}");
}
