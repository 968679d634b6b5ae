//! `synth run` and `synth eval` on problem files: the shipped problems
//! (those marked solvable by enumeration must be solved, with their hidden
//! tests), the JSON report, and bad problem files (`tests/bad-problems/`,
//! each carrying the messages it must produce in `# expect:` lines).

use std::path::Path;
use std::process::{Command, Output};

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("synth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn bad_problem_files_give_located_errors_and_exit_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-problems");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 10);
    for path in files {
        let rel = format!("tests/bad-problems/{}", path.file_name().unwrap().to_string_lossy());
        let src = std::fs::read_to_string(&path).unwrap();
        let expects: Vec<String> = src
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: ").or_else(|| l.strip_prefix("; expect: ")))
            .map(|e| e.replace("{file}", &rel))
            .collect();
        assert!(!expects.is_empty(), "{rel} has no `# expect:` line");
        let out = synth(&["run", &rel]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rel}: {stderr}");
        assert!(!stderr.contains("panicked"), "{rel}: {stderr}");
        for e in &expects {
            assert!(stderr.contains(e.as_str()), "{rel}: expected {e:?} in\n{stderr}");
        }
        assert!(out.stdout.is_empty(), "{rel}: nothing on stdout");
    }
}

#[test]
fn run_prints_the_program_and_a_json_report() {
    let out = synth(&["run", "problems/strings/first-word.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "def f(s: str) -> str:\n    return s.split()[0]\n");
    assert!(text(&out.stderr).contains("solved first-word"), "{}", text(&out.stderr));

    let out = synth(&["run", "problems/strings/first-word.toml", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["problem"], "first-word");
    assert_eq!(v["solved"], true);
    assert_eq!(v["program"], "def f(s: str) -> str:\n    return s.split()[0]\n");
    assert_eq!(v["stop_reason"], "solved");
    assert_eq!(v["visible_passed"], 3);
    assert_eq!(v["visible_total"], 3);
    assert_eq!(v["hidden_passed"], 3);
    assert_eq!(v["hidden_total"], 3);
    assert!(v["candidates"].as_u64().unwrap() > 0);
    assert!(v["seconds"].as_f64().unwrap() >= 0.0);
}

#[test]
fn an_unsolved_problem_exits_1_with_its_stop_reason_and_best_so_far() {
    let out = synth(&["run", "problems/lists/running-sum.toml", "--candidates", "2000", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["solved"], false);
    assert_eq!(v["program"], serde_json::Value::Null);
    assert_eq!(v["stop_reason"], "candidate_budget");
    let best = &v["targets"][0];
    assert!(best["visible_passed"].as_u64().unwrap() < best["visible_total"].as_u64().unwrap());

    let out = synth(&["run", "problems/lists/running-sum.toml", "--seconds", "0.5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("(time_budget)"), "{}", text(&out.stderr));
}

#[test]
fn eval_solves_the_marked_shipped_problems_with_their_hidden_tests() {
    let json = std::env::temp_dir().join(format!("synth-eval-{}.json", std::process::id()));
    // Every folder of problems/ but the benchmark suites (pbe-*: unmarked, measured by
    // scripts/pbe-bench.sh, a minute or more each in a debug build).
    let mut folders: Vec<String> = std::fs::read_dir("problems")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with("pbe-"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut args = vec!["eval"];
    args.extend(folders.iter().map(String::as_str));
    args.extend(["--output", json.to_str().unwrap()]);
    let out = synth(&args);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    std::fs::remove_file(&json).ok();
    assert!(rows.len() >= 40, "{} problems", rows.len());
    let mut marked = 0;
    for r in &rows {
        assert!(r["error"].is_null(), "{}", r["file"]);
        let is_marked = r["marked"].as_array().unwrap().iter().any(|m| m == "enumerate");
        if is_marked {
            marked += 1;
            assert_eq!(r["solved"], true, "{} is marked solvable by enumeration", r["file"]);
            assert_eq!(r["hidden_passed"], r["hidden_total"], "{}: {}", r["file"], r["program"]);
        }
        if r["solved"] == false {
            assert_ne!(r["stop_reason"], "solved");
        }
    }
    assert!(marked >= 40, "{marked} marked");
}

#[test]
fn ctrl_c_stops_the_search_and_prints_the_best_so_far() {
    let child = Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(["run", "problems/strings/mask-card.toml", "--seconds", "60"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("synth runs");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("synth ends");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("(interrupted)"), "{stderr}");
    assert!(text(&out.stdout).contains("# best so far for `f`"), "{}", text(&out.stdout));
}

#[test]
fn several_targets_tuples_floats_helpers_and_seeds() {
    let out = synth(&["run", "tests/problems/several-targets.toml", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let names: Vec<&str> = v["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["f", "g", "h"]);
    assert_eq!(v["visible_passed"], 6);
    assert_eq!(v["hidden_passed"], v["hidden_total"]);
    let program = v["program"].as_str().unwrap();
    assert!(program.contains("def g(xs: list[str]) -> tuple[int, str]:"), "{program}");
    assert!(!program.contains("@synthesize"), "{program}");
}
