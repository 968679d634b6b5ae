//! `synth run` with the model proposer, on the fixture models in
//! tests/models/: the model alone, interleaved with the enumerator, set from
//! a problem file's `[model]`, and the errors when the model or the ONNX
//! Runtime library is missing or broken.

use std::process::{Command, Output};

fn synth(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_synth"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("synth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)))
}

fn count(v: &serde_json::Value, key: &str) -> u64 {
    v["model"][key].as_u64().unwrap_or_else(|| panic!("no model.{key} in {v}"))
}

#[test]
fn the_model_proposer_alone_samples_and_accounts_for_every_completion() {
    for model in ["tests/models/gpt2-tiny", "tests/models/llama-tiny", "tests/models/gpt2-tiny-nocache"] {
        let args = [
            "run",
            "problems/strings/initials.toml",
            "--proposer",
            "model",
            "--model",
            model,
            "--samples",
            "20",
            "--json",
        ];
        let out = synth(&args, &[]);
        assert_eq!(out.status.code(), Some(1), "{model}: {}", text(&out.stderr));
        let v = json(&out);
        assert_eq!(v["stop_reason"], "search_exhausted", "{model}: every sample drawn, none passed");
        assert_eq!(count(&v, "completions"), 20);
        let accounted =
            ["syntax_errors", "type_errors", "duplicates", "tested"].iter().map(|k| count(&v, k)).sum::<u64>();
        assert_eq!(accounted, 20, "{model}: {v}");
        assert_eq!(v["candidates"].as_u64(), Some(count(&v, "tested")));
        assert!(count(&v, "tokens") >= 20);
        // The same seed gives the same report.
        let again = json(&synth(&args, &[]));
        assert_eq!(again["model"]["tokens"], v["model"]["tokens"]);
        assert_eq!(again["model"]["syntax_errors"], v["model"]["syntax_errors"]);
    }
}

#[test]
fn a_model_candidate_is_tested_and_solves() {
    // The bigram fixture writes `    return x + 1` after this problem's prompt.
    let out = synth(&["run", "tests/problems/model-solves.toml", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["program"], "def f(x: int) -> int:\n    return x + 1\n");
    assert_eq!(v["targets"][0]["proposer"], "model");
    assert!(v["targets"][0]["logprob"].as_f64().unwrap() <= 0.0);
    assert_eq!((v["hidden_passed"].as_u64(), v["hidden_total"].as_u64()), (Some(1), Some(1)));
    assert_eq!((count(&v, "completions"), count(&v, "tested"), count(&v, "skipped")), (4, 1, 3));
    // With the enumerator too, the model's first round comes first.
    let out = synth(&["run", "tests/problems/model-solves.toml", "--proposer", "all", "--json"], &[]);
    assert_eq!(json(&out)["targets"][0]["proposer"], "model");
    // On another problem the same body fails: tested once, then duplicates;
    // a body with a name the target lacks is a type error.
    let args = ["run", "problems/integers/clamp.toml", "--proposer", "model", "--samples", "4", "--json"];
    let out = synth(&[&args[..], &["--model", "tests/models/bigram-add-one"]].concat(), &[]);
    let v = json(&out);
    assert_eq!(v["solved"], false);
    assert_eq!((count(&v, "tested"), count(&v, "duplicates")), (1, 3));
    assert_eq!(v["targets"][0]["visible_passed"].as_u64(), Some(0));
    let out = synth(
        &[
            "run",
            "problems/strings/initials.toml",
            "--proposer",
            "model",
            "--samples",
            "2",
            "--json",
            "--model",
            "tests/models/bigram-add-one",
        ],
        &[],
    );
    let v = json(&out);
    assert_eq!((count(&v, "type_errors"), count(&v, "duplicates")), (1, 1), "`x` is not a parameter of initials' f(s)");
}

#[test]
fn model_and_enumerator_together_solve_under_one_budget() {
    let out =
        synth(&["run", "problems/integers/clamp.toml", "--model", "tests/models/gpt2-tiny", "--samples", "40"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("solved clamp"), "{stderr}");
    assert!(
        stderr.contains("model: ") && stderr.contains("syntax errors"),
        "the summary shows the model's error rates: {stderr}"
    );
}

#[test]
fn a_problem_file_sets_the_model_and_its_sampling() {
    let out = synth(&["run", "tests/problems/with-model.toml", "--json"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(count(&v, "completions"), 12);
    assert!(count(&v, "tokens") <= 12 * 16, "max_new_tokens = 16");
    // The command line overrides the file.
    let v = json(&synth(&["run", "tests/problems/with-model.toml", "--json", "--samples", "3"], &[]));
    assert_eq!(count(&v, "completions"), 3);
    let v = json(&synth(&["run", "tests/problems/with-model.toml", "--json", "--proposer", "enumerate"], &[]));
    assert_eq!(v["solved"], true);
    assert!(v["model"].is_null());
}

#[test]
fn missing_models_and_libraries_are_clear_errors() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = synth(args, env);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    };
    let initials = "problems/strings/initials.toml";
    let e = run(
        &["run", initials, "--model", "tests/models/gpt2-tiny"],
        &[("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")],
    );
    assert!(e.contains("ONNX Runtime library was not found") && e.contains("scripts/setup.sh"), "{e}");
    let e = run(
        &["run", initials, "--model", "tests/models/gpt2-tiny"],
        &[("ORT_DYLIB_PATH", "tests/models/not-a-decoder.onnx")],
    );
    assert!(e.contains("cannot load ONNX Runtime"), "{e}");
    let e = run(&["run", initials, "--proposer", "model"], &[]);
    assert!(e.contains("needs a model"), "{e}");
    let e = run(&["run", initials, "--model", "tests/models/missing"], &[]);
    assert!(e.contains("tests/models/missing") && e.contains("no such model directory"), "{e}");
    let e = run(&["run", initials, "--model", "tests/models/not-a-decoder.onnx"], &[]);
    assert!(e.contains("tests/models/tokenizer.json") && e.contains("No such file"), "{e}");
    let e = run(&["run", initials, "--model", "tests/models/gpt2-tiny", "--temperature=-1"], &[]);
    assert!(e.contains("--temperature: expected a temperature >= 0, found -1"), "{e}");
    let e = run(&["run", initials, "--proposer", "llm"], &[]);
    assert!(e.contains("unknown proposer `llm`"), "{e}");
}

#[test]
fn sample_reports_completions_and_whether_the_attention_is_fused() {
    for (model, fused) in [("tests/models/gpt2-tiny", true), ("tests/models/gpt2-tiny-nocache", false)] {
        let args = ["sample", model, "--prompt", "def f(x: int) -> int:", "--samples", "3", "--seed", "5", "--json"];
        let out = synth(&args, &[]);
        assert!(out.status.success(), "{model}: {}", text(&out.stderr));
        let v = json(&out);
        assert_eq!(v["samples"].as_array().map(Vec::len), Some(3), "{model}");
        assert_eq!(v["attention_fused"], fused, "{model}");
        // The same seed gives the same completions, fused or not.
        assert_eq!(json(&synth(&args, &[]))["samples"], v["samples"], "{model}");
    }
}

#[test]
fn synth_evolve_samples_children_from_a_model() {
    let db = std::env::temp_dir().join(format!("synth-evolve-model-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let args = [
        "evolve",
        "tests/evolve/small-cap-set.toml",
        "--db",
        db.to_str().unwrap(),
        "--model",
        "tests/models/gpt2-tiny",
        "--seconds",
        "3",
        "--json",
    ];
    let out = synth(&args, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = json(&out);
    // A random-weight model writes no usable body: every completion is
    // accounted for as rejected, and the seed stays the best.
    assert!(v["rejected"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["best"]["score"], 32.0);
    let out = synth(
        &["evolve", "tests/evolve/small-cap-set.toml", "--db", "/tmp/x.sqlite", "--model", "tests/models/nope"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let _ = std::fs::remove_file(&db);
}
