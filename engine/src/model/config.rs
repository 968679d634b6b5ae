//! A model directory's settings: `synth-model.toml` when there is one, else
//! what a standard export says (`config.json`, `generation_config.json`,
//! the tokenizer's special tokens), else defaults.

use super::ModelError;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// The settings file synth reads in a model directory.
pub const SETTINGS_FILE: &str = "synth-model.toml";

/// The prompt template used when the model names none. Placeholders:
/// `{context}` (the program before the target), `{signature}` (its `def`
/// line), `{docstring}` (the description and visible examples as a doctest,
/// indented), `{description}`, `{examples}` (doctest lines), `{asserts}`
/// (`assert f(...) == ...` lines), `{name}`.
pub const DEFAULT_PROMPT: &str = "{context}{signature}\n{docstring}";

/// A token named by its text or its id.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum TokenRef {
    Id(u32),
    Text(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(TokenRef),
    Many(Vec<TokenRef>),
}

/// Sampling settings; every field optional in files and on the command line.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SamplingSettings {
    /// Softmax temperature (0: greedy).
    pub temperature: Option<f32>,
    /// Keep the k most likely tokens (0: all).
    pub top_k: Option<usize>,
    /// Keep the smallest set of tokens with this much probability (1: all).
    pub top_p: Option<f32>,
    /// Most tokens per completion.
    pub max_new_tokens: Option<usize>,
    /// Completions per prompt.
    pub samples: Option<usize>,
}

impl SamplingSettings {
    /// The first setting out of range, by field name, with what was
    /// expected (`expected a top_p in (0, 1], found 1.5`).
    pub fn invalid(&self) -> Option<(&'static str, String)> {
        let bad = |field, expected: &str, found: String| Some((field, format!("expected {expected}, found {found}")));
        match *self {
            SamplingSettings { temperature: Some(t), .. } if !(t.is_finite() && t >= 0.0) => {
                bad("temperature", "a temperature >= 0", t.to_string())
            }
            SamplingSettings { top_p: Some(p), .. } if !(p > 0.0 && p <= 1.0) => {
                bad("top_p", "a top_p in (0, 1]", p.to_string())
            }
            SamplingSettings { samples: Some(0), .. } => bad("samples", "a positive count", "0".into()),
            SamplingSettings { max_new_tokens: Some(0), .. } => bad("max_new_tokens", "a positive count", "0".into()),
            _ => None,
        }
    }

    /// `self`, with unset fields taken from `other`.
    pub fn or(&self, other: &SamplingSettings) -> SamplingSettings {
        SamplingSettings {
            temperature: self.temperature.or(other.temperature),
            top_k: self.top_k.or(other.top_k),
            top_p: self.top_p.or(other.top_p),
            max_new_tokens: self.max_new_tokens.or(other.max_new_tokens),
            samples: self.samples.or(other.samples),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    model: Option<String>,
    prompt: Option<String>,
    stop: Option<Vec<String>>,
    bos: Option<TokenRef>,
    eos: Option<OneOrMany>,
    context_length: Option<usize>,
    threads: Option<usize>,
    batch: Option<usize>,
    fuse_attention: Option<bool>,
    #[serde(default)]
    sampling: SamplingSettings,
}

/// A model directory's resolved settings.
#[derive(Clone, Debug)]
pub struct ModelConfig {
    /// The ONNX file.
    pub onnx: PathBuf,
    /// The tokenizer file.
    pub tokenizer: PathBuf,
    /// Prompt template (see [`DEFAULT_PROMPT`]).
    pub prompt: String,
    /// Text that ends a completion (cut before it).
    pub stop: Vec<String>,
    /// A token put before every prompt, when the tokenizer does not add one.
    pub bos: Option<u32>,
    /// Tokens that end a completion.
    pub eos: Vec<u32>,
    /// Most tokens of prompt and completion together.
    pub context_length: usize,
    /// Intra-op threads (0: ONNX Runtime's default, one per core).
    pub threads: usize,
    /// Most rows decoded together.
    pub batch: usize,
    /// Key/value heads and head width from config.json (for exports whose
    /// cache shapes leave them symbolic).
    pub cache_dims: Option<(usize, usize)>,
    /// Query heads from config.json (what the fused attention is told).
    pub heads: Option<usize>,
    /// Whether to rewrite the attention to append to the cache in place
    /// (`fuse_attention`, default true; see `model::fuse`).
    pub fuse_attention: bool,
    /// The attention window from config.json, when the model limits
    /// attention to the last tokens.
    pub sliding_window: Option<usize>,
    /// The model's sampling defaults.
    pub sampling: SamplingSettings,
}

/// The ONNX file of a model directory: `model.onnx`, or the names Optimum
/// used before it (the merged decoder first: it has a cache), in the
/// directory or its `onnx/` folder (the transformers.js layout).
fn find_onnx(dir: &Path) -> Option<PathBuf> {
    let names = ["model.onnx", "decoder_model_merged.onnx", "decoder_with_past_model.onnx", "decoder_model.onnx"];
    [dir.to_path_buf(), dir.join("onnx")]
        .iter()
        .flat_map(|d| names.iter().map(move |name| d.join(name)))
        .find(|p| p.is_file())
}

impl ModelConfig {
    /// Reads the settings of model directory `dir` (or of the directory of
    /// an `.onnx` file), with `tokenizer` already loaded from it.
    pub fn read(path: &Path) -> Result<(ModelConfig, Tokenizer), ModelError> {
        let (dir, onnx) = if path.is_file() {
            (path.parent().unwrap_or(Path::new(".")).to_path_buf(), Some(path.to_path_buf()))
        } else if path.is_dir() {
            (path.to_path_buf(), None)
        } else {
            return Err(ModelError::Load { path: path.into(), message: "no such model directory or file".into() });
        };
        let settings_path = dir.join(SETTINGS_FILE);
        let settings: SettingsFile = match std::fs::read_to_string(&settings_path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ModelError::Config {
                path: settings_path.clone(),
                message: e.to_string().trim_end().to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SettingsFile::default(),
            Err(e) => return Err(ModelError::Config { path: settings_path, message: e.to_string() }),
        };
        let onnx = match (onnx, &settings.model) {
            (Some(file), _) => file,
            (None, Some(name)) => dir.join(name),
            (None, None) => find_onnx(&dir).ok_or_else(|| ModelError::Load {
                path: dir.clone(),
                message: "no model.onnx (nor decoder_model_merged.onnx, decoder_model.onnx) in the directory".into(),
            })?,
        };
        let tokenizer_path = dir.join("tokenizer.json");
        let tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| ModelError::Tokenizer { path: tokenizer_path.clone(), message: e.to_string() })?;

        let hf = read_json(&dir.join("config.json"))?;
        let generation = read_json(&dir.join("generation_config.json"))?;
        let token = |r: &TokenRef, what: &str| -> Result<u32, ModelError> {
            match r {
                TokenRef::Id(id) => Ok(*id),
                TokenRef::Text(text) => tokenizer.token_to_id(text).ok_or_else(|| ModelError::Config {
                    path: settings_path.clone(),
                    message: format!("{what} token `{text}` is not in the tokenizer's vocabulary"),
                }),
            }
        };
        let eos = match &settings.eos {
            Some(OneOrMany::One(t)) => vec![token(t, "eos")?],
            Some(OneOrMany::Many(ts)) => ts.iter().map(|t| token(t, "eos")).collect::<Result<_, _>>()?,
            None => {
                let from_json = json_ids(&generation, "eos_token_id").or_else(|| json_ids(&hf, "eos_token_id"));
                from_json.unwrap_or_else(|| {
                    ["<|endoftext|>", "</s>", "<eos>", "<|end_of_text|>", "<|im_end|>"]
                        .iter()
                        .filter_map(|t| tokenizer.token_to_id(t))
                        .take(1)
                        .collect()
                })
            }
        };
        let bos = settings.bos.as_ref().map(|t| token(t, "bos")).transpose()?;
        let context_length = settings
            .context_length
            .or_else(|| {
                ["max_position_embeddings", "n_positions", "n_ctx", "max_sequence_length", "seq_length"]
                    .iter()
                    .find_map(|k| hf.get(*k).and_then(serde_json::Value::as_u64))
                    .map(|n| n as usize)
            })
            .unwrap_or(2048);
        let int = |keys: &[&str]| keys.iter().find_map(|k| hf.get(*k).and_then(serde_json::Value::as_u64));
        let heads = int(&["num_attention_heads", "n_head", "num_heads"]).filter(|&h| h > 0);
        let kv_heads = int(&["num_key_value_heads", "multi_query_group_num"]).or(heads);
        let head_dim = int(&["head_dim"]).or_else(|| Some(int(&["hidden_size", "n_embd", "d_model"])? / heads?));
        // Attention limited to a window of recent tokens (Mistral, Gemma;
        // Qwen2 states it but turns it off).
        let sliding_window = int(&["sliding_window"])
            .filter(|_| hf.get("use_sliding_window").and_then(serde_json::Value::as_bool) != Some(false))
            .map(|w| w as usize);
        let cache_dims = kv_heads.zip(head_dim).map(|(h, d)| (h as usize, d as usize)).filter(|&(h, d)| h > 0 && d > 0);
        let from_generation = SamplingSettings {
            temperature: generation.get("temperature").and_then(|v| v.as_f64()).map(|t| t as f32),
            top_k: generation.get("top_k").and_then(|v| v.as_u64()).map(|k| k as usize),
            top_p: generation.get("top_p").and_then(|v| v.as_f64()).map(|p| p as f32),
            ..SamplingSettings::default()
        };
        if let Some((field, message)) = settings.sampling.invalid() {
            return Err(ModelError::Config { path: settings_path, message: format!("[sampling] {field}: {message}") });
        }
        let config = ModelConfig {
            onnx,
            tokenizer: tokenizer_path,
            prompt: settings.prompt.unwrap_or_else(|| DEFAULT_PROMPT.to_string()),
            stop: settings.stop.unwrap_or_default(),
            bos,
            eos,
            context_length,
            threads: settings.threads.unwrap_or(0),
            batch: settings.batch.unwrap_or(32).max(1),
            cache_dims,
            heads: heads.map(|h| h as usize),
            fuse_attention: settings.fuse_attention.unwrap_or(true),
            sliding_window,
            sampling: settings.sampling.or(&from_generation),
        };
        Ok((config, tokenizer))
    }
}

fn read_json(path: &Path) -> Result<serde_json::Map<String, serde_json::Value>, ModelError> {
    match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            Ok(_) => Err(ModelError::Config { path: path.into(), message: "expected a JSON object".into() }),
            Err(e) => Err(ModelError::Config { path: path.into(), message: e.to_string() }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => Err(ModelError::Config { path: path.into(), message: e.to_string() }),
    }
}

/// A token id or list of ids under `key` (Hugging Face writes either).
fn json_ids(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<Vec<u32>> {
    match map.get(key)? {
        serde_json::Value::Number(n) => Some(vec![n.as_u64()? as u32]),
        serde_json::Value::Array(items) => items.iter().map(|v| v.as_u64().map(|n| n as u32)).collect(),
        _ => None,
    }
}
