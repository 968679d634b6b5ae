//! Language models on ONNX Runtime: a model directory (an exported
//! decoder-only `model.onnx`, `tokenizer.json`, optional `synth-model.toml`)
//! loaded into a [`Model`] that samples completions (see [`sample`]).

mod config;
mod decoder;
pub mod fuse;
pub mod runtime;
mod sample;

pub use config::{DEFAULT_PROMPT, ModelConfig, SETTINGS_FILE, SamplingSettings};
pub use decoder::{Cache, Decoder, Layout, LoadOptions, Output};
pub use sample::{DEFAULT_SAMPLES, Finish, Sample, SamplingParams, stop_position};

use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The ONNX Runtime library is missing or unusable.
    #[error("{0}")]
    Library(String),
    /// The model file cannot be read or is not a valid ONNX model.
    #[error("{}: cannot load the model: {message}", path.display())]
    Load {
        /// The file.
        path: PathBuf,
        /// ONNX Runtime's or the file system's message.
        message: String,
    },
    /// The model is valid ONNX but not a decoder synth can drive.
    #[error("{}: not a usable decoder-only language model: {message}", path.display())]
    Incompatible {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The tokenizer cannot be read or does not fit the model.
    #[error("{}: {message}", path.display())]
    Tokenizer {
        /// The tokenizer file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A settings file (`synth-model.toml`, `config.json`) is invalid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line and column.
        message: String,
    },
    /// A prompt with no room left in the context.
    #[error("the prompt is {tokens} tokens, the model's context is {context}")]
    PromptTooLong {
        /// Prompt tokens.
        tokens: usize,
        /// The context length.
        context: usize,
    },
    /// Inference failed.
    #[error("model inference failed: {0}")]
    Run(String),
}

/// A loaded language model.
pub struct Model {
    decoder: Decoder,
    tokenizer: Tokenizer,
    /// Tokens the tokenizer knows (the sampler never picks others).
    tokenizer_vocab: usize,
    /// The model's logits per position.
    vocab: usize,
    /// The last prompt's pass (see [`Model::sample_range`]).
    prefilled: Option<sample::Prefilled>,
    /// The directory's settings.
    pub config: ModelConfig,
}

impl Model {
    /// Loads a model directory (or an `.onnx` file beside its tokenizer);
    /// `threads` overrides the settings' intra-op thread count when given.
    pub fn load(path: &Path, threads: Option<usize>) -> Result<Model, ModelError> {
        let (mut config, tokenizer) = ModelConfig::read(path)?;
        if let Some(t) = threads {
            config.threads = t;
        }
        if !config.onnx.is_file() {
            return Err(ModelError::Load { path: config.onnx.clone(), message: "no such file".into() });
        }
        // The fused op attends to every earlier token: a window shorter than
        // the context would make it differ from the model past the window
        // (too far out for the check at load to see).
        let windowed = config.sliding_window.is_some_and(|w| w < config.context_length);
        if windowed && config.fuse_attention {
            tracing::debug!(window = config.sliding_window, "sliding-window attention: not fused");
        }
        let options = LoadOptions {
            threads: config.threads,
            cache_dims: config.cache_dims,
            fuse_heads: config.heads.filter(|_| config.fuse_attention && !windowed),
        };
        let mut decoder = Decoder::load(&config.onnx, options)?;
        if let Some(b) = decoder.layout.fixed_batch {
            config.batch = config.batch.min(b);
        }
        let tokenizer_vocab = tokenizer.get_vocab_size(true);
        // One token through the model: it runs, and its logits say its vocabulary.
        let vocab = decoder.forward(&[0], 1, None)?.last_logits()?.0;
        // The tokenizer's own vocabulary must fit the model's; tokens added
        // on top of it (special tokens) beyond the logits are never sampled.
        let base =
            tokenizers::Model::get_vocab(tokenizer.get_model()).into_values().max().map_or(0, |m| m as usize + 1);
        if base > vocab {
            return Err(ModelError::Tokenizer {
                path: config.tokenizer.clone(),
                message: format!(
                    "the tokenizer has {base} tokens but the model's logits cover {vocab}: \
                     they do not belong together"
                ),
            });
        }
        if tokenizer_vocab > vocab {
            tracing::warn!(
                tokenizer = tokenizer_vocab,
                model = vocab,
                "the tokenizer's added tokens go past the model's vocabulary; they are never sampled"
            );
        }
        if let Some(bad) = config.eos.iter().chain(&config.bos).find(|&&t| t as usize >= vocab) {
            return Err(ModelError::Config {
                path: config.tokenizer.clone(),
                message: format!("special token id {bad} is outside the model's vocabulary of {vocab}"),
            });
        }
        tracing::info!(
            model = %config.onnx.display(),
            layers = decoder.layout.layers,
            kv_heads = decoder.layout.kv_heads,
            head_dim = decoder.layout.head_dim,
            fused = decoder.is_fused(),
            vocab,
            "loaded model"
        );
        Ok(Model { decoder, tokenizer, tokenizer_vocab, vocab, prefilled: None, config })
    }

    /// The model's input/output layout.
    pub fn decoder_layout(&self) -> &Layout {
        &self.decoder.layout
    }

    /// Whether the model's attention runs fused (see [`fuse`]).
    pub fn attention_fused(&self) -> bool {
        self.decoder.is_fused()
    }

    /// The model's decoder (its layout; forward passes for tests).
    pub fn decoder(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    /// The token ids of `text` as a prompt (with the tokenizer's special
    /// tokens, and `bos` first when the settings ask for it).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, ModelError> {
        let encoding = self.tokenizer.encode(text, true).map_err(|e| ModelError::Tokenizer {
            path: self.config.tokenizer.clone(),
            message: format!("cannot encode the prompt: {e}"),
        })?;
        let mut ids = encoding.get_ids().to_vec();
        // A tokenizer that ends every sequence with eos would end the
        // completion before it starts.
        while ids.len() > 1 && ids.last().is_some_and(|t| self.config.eos.contains(t)) {
            ids.pop();
        }
        if let Some(bos) = self.config.bos
            && ids.first() != Some(&bos)
        {
            ids.insert(0, bos);
        }
        if let Some(&bad) = ids.iter().find(|&&t| t as usize >= self.vocab) {
            return Err(ModelError::Tokenizer {
                path: self.config.tokenizer.clone(),
                message: format!(
                    "the prompt has token {bad} ({:?}), outside the model's vocabulary of {}",
                    self.tokenizer.id_to_token(bad).unwrap_or_default(),
                    self.vocab
                ),
            });
        }
        Ok(ids)
    }

    /// The text of `ids`, special tokens left out.
    pub fn decode(&self, ids: &[u32]) -> Result<String, ModelError> {
        self.tokenizer.decode(ids, true).map_err(|e| ModelError::Tokenizer {
            path: self.config.tokenizer.clone(),
            message: format!("cannot decode: {e}"),
        })
    }
}
