//! `synth evolve` and `synth show` end to end: a run improves on the seed
//! and records every evaluated candidate; kill -9 loses nothing committed
//! and `--resume` goes on without re-adding the seed; Ctrl-C stops
//! cleanly; a run file of another problem is refused; bad problem files
//! (`tests/bad-evolve/`, with `# expect:` lines) give located errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SMALL: &str = "tests/evolve/small-cap-set.toml";

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

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synth-evolve-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

fn show(db: &Path) -> serde_json::Value {
    json(&synth(&["show", db.to_str().unwrap(), "--json", "--top", "1000000"]))
}

#[test]
fn a_run_improves_on_the_seed_and_records_every_candidate() {
    let db = temp_db("improve.sqlite");
    let out = synth(&["evolve", SMALL, "--db", db.to_str().unwrap(), "--candidates", "500", "--json"]);
    let report = json(&out);
    assert_eq!(report["problem"], "small-cap-set");
    assert_eq!(report["seed_score"], 32.0, "the trivial priority gives 2^5");
    assert!(report["candidates"].as_u64().unwrap() >= 500);
    let best = &report["best"];
    assert!(best["score"].as_f64().unwrap() > 32.0, "mutation beats the seed: {report}");
    assert_eq!(best["signature"].as_array().unwrap().len(), 3);
    assert_eq!(best["held_out"].as_array().map(Vec::len), Some(1), "held-out scored for the best");
    assert!(best["program"].as_str().unwrap().starts_with("def priority(el: tuple[int, ...], n: int) -> float:"));
    let s = show(&db);
    for key in ["problem", "candidates", "valid", "best_score", "best_signature", "best_held_out", "best_program"] {
        assert!(s.get(key).is_some(), "show --json has {key}: {s}");
    }
    assert_eq!(s["candidates"], report["candidates"]);
    assert_eq!(s["best_score"], best["score"]);
    assert_eq!(s["best_program"], best["program"]);
    // Every stored candidate is distinct, ranks only with a finite score,
    // and names its parents among earlier candidates.
    let top = s["top"].as_array().unwrap();
    let mut texts = std::collections::HashSet::new();
    for r in top {
        assert!(texts.insert(r["text"].as_str().unwrap().to_string()), "duplicate text stored");
        assert!(r["score"].as_f64().unwrap().is_finite());
        for p in r["parents"].as_array().unwrap() {
            assert!(p.as_i64().unwrap() < r["id"].as_i64().unwrap());
        }
    }
    assert_eq!(s["valid"].as_u64().unwrap() as usize, top.len());
    // The text report and the show command read the same file.
    let out = synth(&["show", db.to_str().unwrap()]);
    assert!(text(&out.stdout).contains("small-cap-set (funsearch)"), "{}", text(&out.stdout));
    // The plot and the lineage of the best program.
    let svg = db.with_extension("svg");
    let out = synth(&["plot", db.to_str().unwrap(), "-o", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg") && drawn.contains("best score over time") && drawn.contains("island 0"));
    let out = synth(&["plot", db.to_str().unwrap(), "-o", "best.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("writes SVG"), "{}", text(&out.stderr));
    let out = synth(&["lineage", db.to_str().unwrap(), "-o", "-"]);
    let dot = text(&out.stdout);
    let best_id = best["id"].as_i64().unwrap();
    assert!(dot.starts_with("digraph") && dot.contains(&format!("#{best_id} ")), "{dot}");
    assert!(dot.contains("#1 32"), "the seed is an ancestor: {dot}");
}

#[test]
fn the_baselines_write_the_same_kind_of_run_file() {
    for strategy in ["hill-climb", "random"] {
        let db = temp_db(&format!("{strategy}.sqlite"));
        let report = json(&synth(&[
            "evolve",
            SMALL,
            "--db",
            db.to_str().unwrap(),
            "--candidates",
            "40",
            "--strategy",
            strategy,
            "--json",
        ]));
        assert_eq!(report["strategy"], strategy);
        assert!(report["best"]["score"].as_f64().unwrap() >= 32.0);
        let s = show(&db);
        assert_eq!(s["strategy"], strategy);
        assert_eq!(s["candidates"], report["candidates"]);
        if strategy == "random" {
            // Every child of the random baseline comes from the seed.
            for r in s["top"].as_array().unwrap() {
                let parents = r["parents"].as_array().unwrap();
                assert!(parents.is_empty() || parents == &vec![serde_json::json!(1)], "{r}");
            }
        }
    }
}

#[test]
fn kill_9_loses_nothing_committed_and_resume_goes_on() {
    let db = temp_db("killed.sqlite");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(["evolve", SMALL, "--db", db.to_str().unwrap(), "--seconds", "600"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    // Wait until some candidates are committed, then kill it hard.
    let start = Instant::now();
    while show_count(&db) < 30 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().expect("kill -9");
    child.wait().unwrap();
    let before = show(&db);
    let n = before["candidates"].as_u64().unwrap();
    assert!(n >= 30, "{before}");
    // Without --resume the file is not touched.
    let out = synth(&["evolve", SMALL, "--db", db.to_str().unwrap(), "--candidates", "10"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already holds a run: pass --resume"), "{}", text(&out.stderr));
    // Resuming goes on to the total budget, keeping everything.
    let target = n + 20;
    let report = json(&synth(&[
        "evolve",
        SMALL,
        "--db",
        db.to_str().unwrap(),
        "--resume",
        "--candidates",
        &target.to_string(),
        "--json",
    ]));
    assert!(report["candidates"].as_u64().unwrap() >= target);
    assert_eq!(report["seed_score"], 32.0);
    let after = show(&db);
    assert_eq!(after["candidates"], report["candidates"]);
    assert!(after["best_score"].as_f64() >= before["best_score"].as_f64());
    let top = after["top"].as_array().unwrap();
    let seeds = top.iter().filter(|r| r["proposer"] == "seed").count();
    assert_eq!(seeds, 1, "the seed is not added again");
    let ids: Vec<i64> = top.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
    // A run file of another problem is refused.
    let other = small_problem_copy("other.toml", "seed = 2");
    let out = synth(&["evolve", other.to_str().unwrap(), "--db", db.to_str().unwrap(), "--resume"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("refusing to resume"), "{}", text(&out.stderr));
}

#[test]
fn ctrl_c_stops_cleanly_with_a_report() {
    let db = temp_db("interrupted.sqlite");
    let child = Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(["evolve", SMALL, "--db", db.to_str().unwrap(), "--seconds", "600", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let start = Instant::now();
    while show_count(&db) < 10 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let report = json(&out);
    assert_eq!(report["stop"], "interrupted");
    assert_eq!(show(&db)["candidates"], report["candidates"]);
}

/// A copy of the small problem in the temporary folder, its `seed = 1`
/// line replaced by `evolve` (its program found by an absolute path).
fn small_problem_copy(name: &str, evolve: &str) -> PathBuf {
    let path = temp_db(name);
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SMALL)).unwrap();
    let cap_set = Path::new(env!("CARGO_MANIFEST_DIR")).join("problems/evolve/cap_set.py");
    std::fs::write(
        &path,
        src.replace("../../problems/evolve/cap_set.py", cap_set.to_str().unwrap()).replace("seed = 1", evolve),
    )
    .unwrap();
    path
}

fn show_count(db: &Path) -> u64 {
    let out = synth(&["show", db.to_str().unwrap(), "--json"]);
    serde_json::from_slice::<serde_json::Value>(&out.stdout).ok().and_then(|v| v["candidates"].as_u64()).unwrap_or(0)
}

#[test]
fn bad_evolution_problem_files_give_located_errors_and_exit_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-evolve");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 7);
    for path in files {
        let rel = format!("tests/bad-evolve/{}", path.file_name().unwrap().to_string_lossy());
        let src = std::fs::read_to_string(&path).unwrap();
        let expects: Vec<String> =
            src.lines().filter_map(|l| l.strip_prefix("# expect: ")).map(|e| e.replace("{file}", &rel)).collect();
        assert!(!expects.is_empty(), "{rel} has no `# expect:` line");
        let db = temp_db(&format!("{}.sqlite", path.file_stem().unwrap().to_string_lossy()));
        let out = synth(&["evolve", &rel, "--db", db.to_str().unwrap(), "--candidates", "5"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rel}: {stderr}");
        assert!(!stderr.contains("panicked"), "{rel}: {stderr}");
        for e in &expects {
            assert!(stderr.contains(e.as_str()), "{rel}: expected {e:?} in\n{stderr}");
        }
    }
    let out = synth(&["show", "/nonexistent/run.sqlite"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no such run file"), "{}", text(&out.stderr));
}

#[test]
fn islands_are_reset_on_the_programs_period_and_the_run_file_records_it() {
    let db = temp_db("resets.sqlite");
    let toml = small_problem_copy("resets.toml", "seed = 1\nreset_period_programs = 25\nselection = \"rank\"");
    let report = json(&synth(&[
        "evolve",
        toml.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--candidates",
        "120",
        "--json",
    ]));
    assert!(report["resets"].as_u64().unwrap() >= 1, "{report}");
    let s = show(&db);
    assert_eq!(s["resets"], report["resets"]);
    // Resuming keeps the islands as the resets left them and goes on.
    let more = json(&synth(&[
        "evolve",
        toml.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--resume",
        "--candidates",
        "160",
        "--json",
    ]));
    assert!(more["resets"].as_u64() >= report["resets"].as_u64());
    assert!(more["candidates"].as_u64().unwrap() >= 160);
}
