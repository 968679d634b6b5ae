//! The model runtime on the committed fixture models (tests/models/, made by
//! scripts/make-test-models.py): the KV-cache path against a full
//! recompute, batched against one-by-one sampling, seeds, stop sequences,
//! and errors for broken inputs. Needs the ONNX Runtime library
//! (`bash scripts/setup.sh`).

use std::path::{Path, PathBuf};
use synth_engine::model::{Cache, Decoder, Finish, LoadOptions, Model, ModelError, SamplingParams};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/models").join(name)
}

fn load(name: &str) -> Model {
    Model::load(&fixture(name), Some(1)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const TEXT: &str = "def initials(s: str) -> str:\n    return '.'.join([w[0] for w in s.split()])\n";

/// Logits of every position of `ids` from one pass with no cache.
fn full_logits(model: &mut Model, ids: &[i64]) -> (usize, Vec<f32>) {
    let out = model.decoder().forward(ids, 1, None).unwrap();
    let (shape, data) = out.logits().unwrap();
    assert_eq!(shape, vec![1, ids.len(), shape[2]]);
    (shape[2], data.to_vec())
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn kv_cache_logits_equal_a_full_recompute() {
    for name in ["gpt2-tiny", "llama-tiny", "llama-tiny-merged", "llama-tiny-sdpa"] {
        let mut model = load(name);
        let ids: Vec<i64> = model.encode(TEXT).unwrap().iter().map(|&t| i64::from(t)).collect();
        assert!(ids.len() > 16, "{name}: {} tokens", ids.len());
        let (vocab, full) = full_logits(&mut model, &ids);
        // Prefill 8 tokens, then one token per step.
        let out = model.decoder().forward(&ids[..8], 1, None).unwrap();
        let (_, last) = out.last_logits().unwrap();
        assert!(max_diff(&last, &full[7 * vocab..8 * vocab]) < 1e-4, "{name}: prefill");
        let mut cache = out.cache;
        for (pos, &token) in ids.iter().enumerate().skip(8) {
            let out = model.decoder().forward(&[token], 1, cache.take()).unwrap();
            let (_, last) = out.last_logits().unwrap();
            let d = max_diff(&last, &full[pos * vocab..(pos + 1) * vocab]);
            assert!(d < 1e-4, "{name}: step at position {pos} differs by {d}");
            cache = out.cache;
            assert_eq!(cache.as_ref().unwrap().len, pos + 1);
        }
    }
}

#[test]
fn layouts_are_read_from_the_model() {
    let gpt2 = load("gpt2-tiny");
    assert_eq!(
        (gpt2.decoder_layout().layers, gpt2.decoder_layout().kv_heads, gpt2.decoder_layout().head_dim),
        (2, 4, 16)
    );
    let llama = load("llama-tiny");
    assert_eq!((llama.decoder_layout().layers, llama.decoder_layout().kv_heads), (2, 2), "grouped-query attention");
    // Its cache shapes say only `num_key_value_heads` and `head_dim`: config.json says how many.
    let symbolic = load("llama-tiny-int32");
    assert_eq!((symbolic.decoder_layout().kv_heads, symbolic.decoder_layout().head_dim), (2, 16));
    let nocache = load("gpt2-tiny-nocache");
    assert!(!nocache.decoder_layout().has_cache());
}

#[test]
fn the_model_without_a_cache_computes_the_same_logits() {
    let mut cached = load("gpt2-tiny");
    let mut plain = load("gpt2-tiny-nocache");
    let ids: Vec<i64> = cached.encode(TEXT).unwrap().iter().map(|&t| i64::from(t)).collect();
    let (_, a) = full_logits(&mut cached, &ids);
    let (_, b) = full_logits(&mut plain, &ids);
    assert!(max_diff(&a, &b) < 1e-4);
}

#[test]
fn every_export_layout_of_the_same_weights_samples_the_same_completions() {
    let p = SamplingParams { stop: vec!["\n".into()], ..params(11) };
    for (base, others) in [
        ("gpt2-tiny", &["gpt2-tiny-nocache"][..]),
        ("llama-tiny", &["llama-tiny-merged", "llama-tiny-int32", "llama-tiny-sdpa"][..]),
    ] {
        let expected = load(base).sample("def f(xs: list[int]) -> int:\n", 6, &p).unwrap();
        for other in others {
            let got = load(other).sample("def f(xs: list[int]) -> int:\n", 6, &p).unwrap();
            let tokens = |s: &[synth_engine::model::Sample]| s.iter().map(|s| s.tokens.clone()).collect::<Vec<_>>();
            assert_eq!(tokens(&got), tokens(&expected), "{other} vs {base}");
        }
    }
}

fn params(seed: u64) -> SamplingParams {
    SamplingParams { temperature: 1.0, top_k: 0, top_p: 0.95, max_new_tokens: 24, seed, ..SamplingParams::default() }
}

#[test]
fn batched_sampling_equals_one_by_one() {
    for name in ["gpt2-tiny", "llama-tiny", "gpt2-tiny-nocache"] {
        let mut model = load(name);
        // Stops make rows finish at different steps, so the batch shrinks.
        let p = SamplingParams { stop: vec!["(".into()], ..params(7) };
        model.config.batch = 8;
        let batched = model.sample("def f(x: int) -> int:\n", 8, &p).unwrap();
        model.config.batch = 1;
        let single = model.sample("def f(x: int) -> int:\n", 8, &p).unwrap();
        assert_eq!(batched.len(), 8);
        for (a, b) in batched.iter().zip(&single) {
            assert_eq!((a.index, &a.tokens, &a.text, a.finish), (b.index, &b.tokens, &b.text, b.finish), "{name}");
            assert!((a.logprob - b.logprob).abs() < 1e-3);
        }
        let lengths: std::collections::BTreeSet<usize> = batched.iter().map(|s| s.tokens.len()).collect();
        assert!(lengths.len() > 1, "{name}: rows should finish at different steps: {lengths:?}");
    }
}

#[test]
fn seeded_sampling_is_reproducible() {
    let mut model = load("llama-tiny");
    let a = model.sample("def f(s: str) -> str:\n", 6, &params(1)).unwrap();
    let b = model.sample("def f(s: str) -> str:\n", 6, &params(1)).unwrap();
    let c = model.sample("def f(s: str) -> str:\n", 6, &params(2)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.iter().map(|s| &s.tokens).collect::<Vec<_>>(), c.iter().map(|s| &s.tokens).collect::<Vec<_>>());
    // Different rows of one call differ too.
    assert!(a.iter().any(|s| s.tokens != a[0].tokens));
    for s in &a {
        assert_eq!(s.token_logprobs.len(), s.tokens.len());
        assert!(s.token_logprobs.iter().all(|&l| l <= 0.0 && l.is_finite()));
        assert!((s.logprob - s.token_logprobs.iter().sum::<f32>()).abs() < 1e-4);
    }
}

#[test]
fn rounds_of_samples_continue_the_same_streams() {
    let mut model = load("gpt2-tiny");
    let p = SamplingParams { stop: vec!["(".into()], ..params(9) };
    model.config.batch = 5;
    let all = model.sample("def f(x: int) -> int:\n", 16, &p).unwrap();
    // Rounds reuse the prompt's pass; another prompt in between replaces it.
    let mut rounds = model.sample_range("def f(x: int) -> int:\n", 0..8, &p).unwrap();
    model.sample("x = 1\n", 2, &p).unwrap();
    rounds.extend(model.sample_range("def f(x: int) -> int:\n", 8..16, &p).unwrap());
    assert_eq!(rounds.len(), all.len());
    for (a, b) in rounds.iter().zip(&all) {
        assert_eq!((a.index, &a.tokens, &a.text, a.finish), (b.index, &b.tokens, &b.text, b.finish));
        assert!((a.logprob - b.logprob).abs() < 1e-3);
    }
}

#[test]
fn greedy_sampling_gives_one_completion() {
    let mut model = load("gpt2-tiny");
    let p = SamplingParams { temperature: 0.0, ..params(0) };
    let samples = model.sample("def f(x: int) -> int:\n", 4, &p).unwrap();
    assert!(samples.iter().all(|s| s.tokens == samples[0].tokens));
}

#[test]
fn stop_sequences_cut_where_they_should() {
    let mut model = load("gpt2-tiny");
    let free =
        model.sample("def f(x: int) -> int:\n", 16, &SamplingParams { max_new_tokens: 40, ..params(3) }).unwrap();
    // A stop that some of the free completions contain.
    let stop = "e".to_string();
    let p = SamplingParams { max_new_tokens: 40, stop: vec![stop.clone()], ..params(3) };
    let cut = model.sample("def f(x: int) -> int:\n", 16, &p).unwrap();
    let mut stopped = 0;
    for (f, c) in free.iter().zip(&cut) {
        assert!(!c.text.contains(&stop));
        match f.text.find(&stop) {
            Some(at) => {
                assert_eq!(c.finish, Finish::Stop);
                assert_eq!(c.text, f.text[..at], "cut at the first occurrence");
                assert!(c.tokens.len() <= f.tokens.len());
                stopped += 1;
            }
            None => assert_eq!((&c.text, c.finish), (&f.text, f.finish)),
        }
    }
    assert!(stopped > 0, "no completion contained the stop sequence");
}

#[test]
fn max_new_tokens_and_eos_end_completions() {
    let mut model = load("llama-tiny");
    let p = SamplingParams { max_new_tokens: 5, ..params(4) };
    for s in model.sample("x = 1\n", 10, &p).unwrap() {
        assert!(s.tokens.len() <= 5);
        match s.finish {
            Finish::Length => assert_eq!(s.tokens.len(), 5),
            Finish::Eos => assert!(model.config.eos.contains(s.tokens.last().unwrap())),
            Finish::Stop => panic!("no stop sequences were given"),
        }
    }
}

#[test]
fn a_prompt_longer_than_the_context_is_an_error() {
    let mut model = load("gpt2-tiny");
    let long = "x = 1\n".repeat(200);
    assert!(matches!(model.sample(&long, 1, &params(0)), Err(ModelError::PromptTooLong { context: 128, .. })));
}

/// A fixture's decoder, its attention fused (with `heads` query heads) or as exported.
fn decoder(onnx: &str, heads: Option<usize>) -> Decoder {
    // Only llama-tiny-int32 leaves its cache dimensions symbolic (the others state theirs).
    let options = LoadOptions { threads: 1, cache_dims: Some((2, 16)), fuse_heads: heads };
    Decoder::load(&fixture(onnx), options).unwrap_or_else(|e| panic!("{onnx}: {e}"))
}

/// Logits of a prompt's pass, then of steps with three tiled rows taking
/// different tokens, a row dropped after the third step, and a cache
/// reserved for fewer tokens than are decoded (it must grow).
fn decode_trace(decoder: &mut Decoder) -> Vec<Vec<f32>> {
    let prompt: Vec<i64> = (0..9).map(|i| (i * 53 + 5) % 512).collect();
    let out = decoder.forward(&prompt, 1, None).unwrap();
    let mut trace = vec![out.logits().unwrap().1.to_vec()];
    let mut cache: Option<Cache> = Some(out.cache.unwrap().select(&[0, 0, 0], 2).unwrap());
    let mut rows = 3;
    for step in 0..7i64 {
        if step == 3 {
            cache = Some(cache.unwrap().select(&[0, 2], 1).unwrap());
            rows = 2;
        }
        let tokens: Vec<i64> = (0..rows).map(|r| (step * 31 + r * 7 + 3) % 512).collect();
        let out = decoder.forward(&tokens, rows as usize, cache.take()).unwrap();
        trace.push(out.logits().unwrap().1.to_vec());
        cache = out.cache;
        assert_eq!(cache.as_ref().unwrap().len, 10 + step as usize);
    }
    trace
}

#[test]
fn fused_attention_computes_the_exported_logits() {
    for (onnx, heads) in [
        ("gpt2-tiny/model.onnx", 4),
        ("llama-tiny/model.onnx", 4),
        ("llama-tiny-merged/model.onnx", 4),
        ("llama-tiny-int32/onnx/model.onnx", 4),
        // torch.onnx's scaled_dot_product_attention: the scale is probed.
        ("llama-tiny-sdpa/model.onnx", 4),
    ] {
        let mut fused = decoder(onnx, Some(heads));
        let mut exported = decoder(onnx, None);
        assert!(fused.is_fused(), "{onnx}: the attention should have been fused");
        assert!(!exported.is_fused());
        let (a, b) = (decode_trace(&mut fused), decode_trace(&mut exported));
        for (step, (x, y)) in a.iter().zip(&b).enumerate() {
            let d = max_diff(x, y);
            assert!(d < 1e-4, "{onnx}: pass {step} differs by {d}");
        }
    }
}

#[test]
fn a_fusion_that_disagrees_is_not_used() {
    // A mask that is not the usual causal one (here each position sees only
    // the ones before it, not itself): the fused op's causal attention gives
    // other logits, the check at load time sees it, and the model runs as
    // exported.
    use onnx_protobuf::{Message, ModelProto};
    let dir = scratch("not-causal");
    copy_fixture("gpt2-tiny", &dir);
    let mut model = ModelProto::parse_from_bytes(&std::fs::read(dir.join("model.onnx")).unwrap()).unwrap();
    let causal = model.graph.as_mut().unwrap().node.iter_mut().find(|n| n.op_type == "LessOrEqual").unwrap();
    causal.op_type = "Less".into();
    std::fs::write(dir.join("model.onnx"), model.write_to_bytes().unwrap()).unwrap();
    let load = |heads| {
        let options = LoadOptions { threads: 1, cache_dims: None, fuse_heads: heads };
        Decoder::load(&dir.join("model.onnx"), options).unwrap()
    };
    let (mut checked, mut exported) = (load(Some(4)), load(None));
    assert!(!checked.is_fused());
    assert_eq!(decode_trace(&mut checked), decode_trace(&mut exported));
    let _ = std::fs::remove_dir_all(&dir);

    // Told the wrong number of query heads, the fused graph fails to run.
    let mut wrong = decoder("gpt2-tiny/model.onnx", Some(2));
    assert!(!wrong.is_fused());
    let mut exported = decoder("gpt2-tiny/model.onnx", None);
    assert_eq!(decode_trace(&mut wrong), decode_trace(&mut exported));
    // A model without attention (the bigram fixture) is not fused either.
    assert!(!decoder("bigram-add-one/model.onnx", Some(1)).is_fused());
}

#[test]
fn a_model_with_external_weights_is_fused_too() {
    // Big exports keep their weights in a file beside model.onnx; the fused
    // model is built in memory and must still find them.
    use onnx_protobuf::tensor_proto::DataLocation;
    use onnx_protobuf::{Message, ModelProto, StringStringEntryProto};
    let dir = scratch("external");
    copy_fixture("gpt2-tiny", &dir);
    let mut model = ModelProto::parse_from_bytes(&std::fs::read(dir.join("model.onnx")).unwrap()).unwrap();
    let mut data = Vec::new();
    for t in &mut model.graph.as_mut().unwrap().initializer {
        if t.raw_data.len() >= 1024 {
            let entry = |k: &str, v: String| StringStringEntryProto { key: k.into(), value: v, ..Default::default() };
            t.external_data = vec![
                entry("location", "weights.bin".into()),
                entry("offset", data.len().to_string()),
                entry("length", t.raw_data.len().to_string()),
            ];
            t.data_location = DataLocation::EXTERNAL.into();
            data.append(&mut t.raw_data);
        }
    }
    assert!(data.len() > 400_000);
    std::fs::write(dir.join("weights.bin"), data).unwrap();
    std::fs::write(dir.join("model.onnx"), model.write_to_bytes().unwrap()).unwrap();
    let mut external = Model::load(&dir, Some(1)).unwrap();
    assert!(external.decoder().is_fused());
    let mut plain = decoder("gpt2-tiny/model.onnx", None);
    let (a, b) = (decode_trace(external.decoder()), decode_trace(&mut plain));
    assert!(a.iter().zip(&b).all(|(x, y)| max_diff(x, y) < 1e-4));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fusion_can_be_turned_off_in_the_settings() {
    let dir = scratch("unfused");
    copy_fixture("gpt2-tiny", &dir);
    assert!(Model::load(&dir, Some(1)).unwrap().decoder().is_fused());
    let settings = dir.join("synth-model.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("fuse_attention = false\n{text}")).unwrap();
    let mut model = Model::load(&dir, Some(1)).unwrap();
    assert!(!model.decoder().is_fused());
    let _ = std::fs::remove_dir_all(&dir);

    // A sliding attention window shorter than the context (config.json) is
    // not what the fused op computes: not fused, unless the window is off.
    let dir = scratch("windowed");
    copy_fixture("llama-tiny", &dir);
    let config = dir.join("config.json");
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    json["sliding_window"] = 16.into();
    std::fs::write(&config, json.to_string()).unwrap();
    assert!(!Model::load(&dir, Some(1)).unwrap().decoder().is_fused());
    json["use_sliding_window"] = false.into();
    std::fs::write(&config, json.to_string()).unwrap();
    assert!(Model::load(&dir, Some(1)).unwrap().decoder().is_fused());
    let _ = std::fs::remove_dir_all(&dir);
}

fn copy_fixture(name: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synth-model-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn broken_models_are_errors_not_panics() {
    // Truncated model file.
    let dir = scratch("truncated");
    copy_fixture("gpt2-tiny", &dir);
    let bytes = std::fs::read(dir.join("model.onnx")).unwrap();
    std::fs::write(dir.join("model.onnx"), &bytes[..bytes.len() / 3]).unwrap();
    let err = Model::load(&dir, Some(1)).err().expect("a truncated model must not load");
    assert!(matches!(err, ModelError::Load { .. }), "{err}");
    assert!(err.to_string().contains("model.onnx"), "{err}");

    // Not a model at all.
    std::fs::copy(dir.join("tokenizer.json"), dir.join("model.onnx")).unwrap();
    assert!(matches!(Model::load(&dir, Some(1)), Err(ModelError::Load { .. })));

    // A tokenizer with more tokens than the model's logits.
    copy_fixture("gpt2-tiny", &dir);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("tokenizer.json")).unwrap()).unwrap();
    let vocab = json["model"]["vocab"].as_object_mut().unwrap();
    for i in 0..10 {
        vocab.insert(format!("extra{i}"), serde_json::json!(512 + i));
    }
    std::fs::write(dir.join("tokenizer.json"), json.to_string()).unwrap();
    let err = Model::load(&dir, Some(1)).err().expect("a mismatched tokenizer must be refused");
    assert!(err.to_string().contains("522 tokens but the model's logits cover 512"), "{err}");

    // Special tokens added past the logits are never sampled, and a prompt
    // that uses one is refused.
    copy_fixture("gpt2-tiny", &dir);
    let mut tokenizer = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    tokenizer.add_special_tokens(&[tokenizers::AddedToken::from("<pad>", true)]);
    tokenizer.save(dir.join("tokenizer.json"), false).unwrap();
    let mut model = Model::load(&dir, Some(1)).unwrap();
    let samples = model.sample("def f():\n", 8, &params(0)).unwrap();
    assert!(samples.iter().flat_map(|s| &s.tokens).all(|&t| t < 512));
    let err = model.sample("x = '<pad>'", 1, &params(0)).unwrap_err();
    assert!(err.to_string().contains("outside the model's vocabulary of 512"), "{err}");

    // No tokenizer; a bad settings file; no such directory.
    copy_fixture("gpt2-tiny", &dir);
    std::fs::remove_file(dir.join("tokenizer.json")).unwrap();
    assert!(matches!(Model::load(&dir, Some(1)), Err(ModelError::Tokenizer { .. })));
    copy_fixture("gpt2-tiny", &dir);
    std::fs::write(dir.join("synth-model.toml"), "temperature = 'hot'\n").unwrap();
    let err = Model::load(&dir, Some(1)).err().unwrap();
    assert!(err.to_string().contains("synth-model.toml") && err.to_string().contains("line 1"), "{err}");
    std::fs::write(dir.join("synth-model.toml"), "[sampling]\ntop_p = 0.0\n").unwrap();
    let err = Model::load(&dir, Some(1)).err().unwrap();
    assert!(err.to_string().contains("[sampling] top_p: expected a top_p in (0, 1], found 0"), "{err}");
    assert!(Model::load(&dir.join("missing"), Some(1)).is_err());

    // A valid ONNX model that is not a language model.
    copy_fixture("gpt2-tiny", &dir);
    std::fs::copy(fixture("not-a-decoder.onnx"), dir.join("model.onnx")).unwrap();
    let err = Model::load(&dir, Some(1)).err().expect("an Identity model is not a decoder");
    assert!(matches!(err, ModelError::Incompatible { .. }), "{err}");
    assert!(err.to_string().contains("unexpected input `x`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
