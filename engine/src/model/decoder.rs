//! One decoder-only causal LM in ONNX: its inputs and outputs bound by name
//! (the Hugging Face Optimum layout, the legacy merged decoder, or no cache),
//! one forward pass, and the KV cache moved between passes.

use super::ModelError;
use ort::session::{Session, SessionInputValue, builder::GraphOptimizationLevel};
use ort::value::{DynValue, Tensor, TensorElementType, ValueType};
use std::borrow::Cow;
use std::path::Path;

/// What one model input is fed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Input {
    /// `input_ids` [batch, seq] int64.
    Ids,
    /// `attention_mask` [batch, past + seq] int64, all ones (no padding: every
    /// row of a batch has the same length).
    Mask,
    /// `position_ids` [batch, seq] int64.
    Positions,
    /// `past_key_values.{layer}.{key|value}` [batch, kv_heads, past, head_dim];
    /// the index is the cache slot (2 × layer, + 1 for values).
    Past(usize),
    /// The legacy merged decoder's `use_cache_branch` bool [1].
    UseCacheBranch,
    /// `cache_position` [seq]: the new tokens' positions.
    CachePosition,
    /// `logits_to_keep` / `num_logits_to_keep` scalar: 1 (the last position
    /// is all the sampler reads).
    LogitsToKeep,
}

/// How a model's inputs and outputs are laid out, read from the model.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Each input, what it is fed, and whether its integers are int32
    /// (some exports) rather than int64.
    inputs: Vec<(String, Input, bool)>,
    /// Output names of the cache, by slot.
    present: Vec<String>,
    logits: String,
    /// Transformer layers with a KV cache (0: no cache, full recompute).
    pub layers: usize,
    /// Key/value heads of the cache (fewer than query heads with GQA).
    pub kv_heads: usize,
    /// Width of one head.
    pub head_dim: usize,
    /// The logits' last dimension when the model states it.
    pub vocab: Option<usize>,
    /// The batch size when the model fixes it (some exports fix it at 1).
    pub fixed_batch: Option<usize>,
}

impl Layout {
    /// Whether the model takes and returns a KV cache.
    pub fn has_cache(&self) -> bool {
        self.layers > 0
    }

    /// `cache_dims`: (kv_heads, head_dim) from the model's config.json, for
    /// exports that leave those dimensions symbolic.
    fn read(session: &Session, path: &Path, cache_dims: Option<(usize, usize)>) -> Result<Layout, ModelError> {
        let bad = |message: String| ModelError::Incompatible { path: path.to_path_buf(), message };
        let mut inputs = Vec::new();
        let mut slots = Vec::new();
        let mut dims: Option<(i64, i64)> = None;
        for outlet in session.inputs() {
            let name = outlet.name();
            let input = match name {
                "input_ids" => Input::Ids,
                "attention_mask" => Input::Mask,
                "position_ids" => Input::Positions,
                "use_cache_branch" => Input::UseCacheBranch,
                "cache_position" => Input::CachePosition,
                "logits_to_keep" | "num_logits_to_keep" => Input::LogitsToKeep,
                _ => match cache_slot(name, "past_key_values.") {
                    Some(slot) => {
                        let (ty, shape) = tensor_info(outlet.dtype());
                        if ty != Some(TensorElementType::Float32) {
                            return Err(bad(format!(
                                "input `{name}` is {}, only float32 KV caches are supported",
                                outlet.dtype()
                            )));
                        }
                        let mut shape = shape.unwrap_or_default();
                        if shape.len() == 4
                            && let Some((heads, dim)) = cache_dims
                        {
                            if shape[1] < 1 {
                                shape[1] = heads as i64;
                            }
                            if shape[3] < 1 {
                                shape[3] = dim as i64;
                            }
                        }
                        if shape.len() != 4 || shape[1] < 1 || shape[3] < 1 {
                            return Err(bad(format!(
                                "input `{name}` has shape {shape:?}; expected [batch, kv_heads, past, head_dim] \
                                 with kv_heads and head_dim fixed in the model or given by config.json"
                            )));
                        }
                        let d = (shape[1], shape[3]);
                        if dims.is_some_and(|prev| prev != d) {
                            return Err(bad(format!("cache input `{name}` has a different shape from the others")));
                        }
                        dims = Some(d);
                        slots.push(slot);
                        Input::Past(slot)
                    }
                    None => {
                        return Err(bad(format!(
                            "unexpected input `{name}` ({}); a decoder takes input_ids, attention_mask, \
                             position_ids, past_key_values.N.key/value and use_cache_branch",
                            outlet.dtype()
                        )));
                    }
                },
            };
            let int32 = outlet.dtype().tensor_type() == Some(TensorElementType::Int32);
            inputs.push((name.to_string(), input, int32));
        }
        if !inputs.iter().any(|(_, i, _)| *i == Input::Ids) {
            return Err(bad("the model has no `input_ids` input: not a decoder-only language model".into()));
        }
        slots.sort_unstable();
        let layers = slots.len() / 2;
        if slots != (0..2 * layers).collect::<Vec<_>>() {
            return Err(bad("the past_key_values inputs are not one key and one value for layers 0..N".into()));
        }
        let outputs: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
        let mut present = vec![String::new(); 2 * layers];
        for name in &outputs {
            if let Some(slot) = cache_slot(name, "present.").or_else(|| cache_slot(name, "present_key_values."))
                && slot < present.len()
            {
                present[slot] = name.to_string();
            }
        }
        if let Some(slot) = present.iter().position(String::is_empty) {
            return Err(bad(format!(
                "no output for the cache of layer {} ({}): expected `present.{}.{}`",
                slot / 2,
                ["key", "value"][slot % 2],
                slot / 2,
                ["key", "value"][slot % 2]
            )));
        }
        let Some(logits) = session.outputs().iter().find(|o| o.name() == "logits") else {
            return Err(bad(format!("the model has no `logits` output (its outputs: {})", outputs.join(", "))));
        };
        let (ty, shape) = tensor_info(logits.dtype());
        if ty != Some(TensorElementType::Float32) {
            return Err(bad(format!("`logits` is {}, only float32 is supported", logits.dtype())));
        }
        let vocab = shape.and_then(|s| s.last().copied()).filter(|v| *v > 0).map(|v| v as usize);
        let (kv_heads, head_dim) = dims.unwrap_or((0, 0));
        let fixed_batch = session
            .inputs()
            .iter()
            .find(|o| o.name() == "input_ids")
            .and_then(|o| tensor_info(o.dtype()).1)
            .and_then(|s| s.first().copied())
            .filter(|&b| b > 0)
            .map(|b| b as usize);
        Ok(Layout {
            inputs,
            present,
            logits: "logits".into(),
            layers,
            kv_heads: kv_heads as usize,
            head_dim: head_dim as usize,
            vocab,
            fixed_batch,
        })
    }
}

fn tensor_info(ty: &ValueType) -> (Option<TensorElementType>, Option<Vec<i64>>) {
    (ty.tensor_type(), ty.tensor_shape().map(|s| s.to_vec()))
}

/// `prefix{layer}.key` → slot 2 × layer, `.value` → 2 × layer + 1.
fn cache_slot(name: &str, prefix: &str) -> Option<usize> {
    let rest = name.strip_prefix(prefix)?;
    let (layer, kind) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    match kind {
        "key" => Some(2 * layer),
        "value" => Some(2 * layer + 1),
        _ => None,
    }
}

/// The KV cache after some tokens: one tensor per slot, rows = batch.
pub struct Cache {
    values: Vec<DynValue>,
    /// Tokens the cache holds.
    pub len: usize,
    /// Rows.
    pub batch: usize,
}

impl Cache {
    /// A cache with the given rows of this one (repeat a row to tile it):
    /// the prompt is prefilled once and the cache copied for every sample.
    pub fn select(&self, rows: &[usize]) -> Result<Cache, ModelError> {
        let mut values = Vec::with_capacity(self.values.len());
        for value in &self.values {
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(run_error)?;
            let dims: Vec<i64> = shape.to_vec();
            if dims.first().is_none_or(|&b| b as usize != self.batch) {
                return Err(ModelError::Run(format!(
                    "a cache tensor has shape {dims:?}, expected {} rows",
                    self.batch
                )));
            }
            let row = data.len() / self.batch.max(1);
            let mut out = Vec::with_capacity(row * rows.len());
            for &r in rows {
                out.extend_from_slice(&data[r * row..(r + 1) * row]);
            }
            let mut new_dims = dims.clone();
            new_dims[0] = rows.len() as i64;
            values.push(Tensor::from_array((new_dims, out)).map_err(run_error)?.into_dyn());
        }
        Ok(Cache { values, len: self.len, batch: rows.len() })
    }
}

/// The result of one forward pass.
pub struct Output {
    logits: DynValue,
    /// The cache including this pass's tokens (models with a cache).
    pub cache: Option<Cache>,
}

impl Output {
    /// Logits at every position: `[batch, seq, vocab]` flattened, with its shape.
    pub fn logits(&self) -> Result<(Vec<usize>, &[f32]), ModelError> {
        let (shape, data) = self.logits.try_extract_tensor::<f32>().map_err(run_error)?;
        Ok((shape.iter().map(|&d| d as usize).collect(), data))
    }

    /// The last position's logits of every row, `[batch, vocab]` flattened.
    pub fn last_logits(&self) -> Result<(usize, Vec<f32>), ModelError> {
        let (shape, data) = self.logits()?;
        let [batch, seq, vocab] = shape[..] else {
            return Err(ModelError::Run(format!("logits have shape {shape:?}, expected [batch, seq, vocab]")));
        };
        if seq == 0 || data.len() != batch * seq * vocab {
            return Err(ModelError::Run(format!("logits of shape {shape:?} hold {} values", data.len())));
        }
        let mut out = Vec::with_capacity(batch * vocab);
        for b in 0..batch {
            let start = (b * seq + seq - 1) * vocab;
            out.extend_from_slice(&data[start..start + vocab]);
        }
        Ok((vocab, out))
    }
}

/// An ONNX Runtime session over a decoder-only model.
pub struct Decoder {
    session: Session,
    /// The model's input/output layout.
    pub layout: Layout,
}

impl Decoder {
    /// Loads `path` with `threads` intra-op threads (0: ONNX Runtime's
    /// default); `cache_dims` as for [`Layout`]'s reading.
    pub fn load(path: &Path, threads: usize, cache_dims: Option<(usize, usize)>) -> Result<Decoder, ModelError> {
        let env = super::runtime::environment()?;
        let load = |e: ort::Error| ModelError::Load { path: path.to_path_buf(), message: e.to_string() };
        let mut builder = Session::builder(env)
            .map_err(load)?
            .with_optimization_level(GraphOptimizationLevel::All)
            .map_err(|e| load(e.into()))?;
        if threads > 0 {
            builder = builder.with_intra_threads(threads).map_err(|e| load(e.into()))?;
        }
        let session = builder.commit_from_file(path).map_err(load)?;
        let layout = Layout::read(&session, path, cache_dims)?;
        Ok(Decoder { session, layout })
    }

    /// Runs `tokens` (`batch` rows of equal length, row-major) after `cache`
    /// (`None`: the start of the sequence). Models without a cache must be
    /// given the whole sequence every time.
    pub fn forward(&mut self, tokens: &[i64], batch: usize, cache: Option<Cache>) -> Result<Output, ModelError> {
        if batch == 0 || tokens.is_empty() || !tokens.len().is_multiple_of(batch) {
            return Err(ModelError::Run(format!("{} tokens do not make {batch} equal rows", tokens.len())));
        }
        let seq = tokens.len() / batch;
        let past = cache.as_ref().map_or(0, |c| c.len);
        if let Some(c) = &cache
            && c.batch != batch
        {
            return Err(ModelError::Run(format!("cache has {} rows, input has {batch}", c.batch)));
        }
        let mut cached: Vec<Option<DynValue>> = match cache {
            Some(c) => c.values.into_iter().map(Some).collect(),
            None => Vec::new(),
        };
        let layout = &self.layout;
        let mut feed: Vec<(Cow<'_, str>, SessionInputValue<'_>)> = Vec::with_capacity(layout.inputs.len());
        let positions: Vec<i64> = (past as i64..(past + seq) as i64).collect();
        for (name, input, int32) in &layout.inputs {
            let value: DynValue = match input {
                Input::Ids => ints(&[batch, seq], tokens.to_vec(), *int32)?,
                Input::Mask => ints(&[batch, past + seq], vec![1; batch * (past + seq)], *int32)?,
                Input::Positions => ints(&[batch, seq], positions.repeat(batch), *int32)?,
                Input::CachePosition => ints(&[seq], positions.clone(), *int32)?,
                Input::LogitsToKeep => ints(&[], vec![1], *int32)?,
                Input::UseCacheBranch => Tensor::from_array(([1usize], vec![past > 0])).map_err(run_error)?.into_dyn(),
                Input::Past(slot) => match cached.get_mut(*slot).and_then(Option::take) {
                    Some(v) => v,
                    None => tensor([batch, layout.kv_heads, 0, layout.head_dim], Vec::<f32>::new())?,
                },
            };
            feed.push((Cow::Borrowed(name.as_str()), value.into()));
        }
        let mut outputs = self.session.run(feed).map_err(run_error)?;
        let logits = outputs
            .remove(&self.layout.logits)
            .ok_or_else(|| ModelError::Run("the model returned no logits".into()))?;
        let cache = if self.layout.has_cache() {
            let mut values = Vec::with_capacity(self.layout.present.len());
            for name in &self.layout.present {
                values.push(outputs.remove(name).ok_or_else(|| ModelError::Run(format!("no output `{name}`")))?);
            }
            Some(Cache { values, len: past + seq, batch })
        } else {
            None
        };
        Ok(Output { logits, cache })
    }
}

/// An int64 (or int32) tensor.
fn ints(shape: &[usize], data: Vec<i64>, int32: bool) -> Result<DynValue, ModelError> {
    let shape = shape.to_vec();
    if int32 {
        let data: Vec<i32> = data.into_iter().map(|v| v as i32).collect();
        Ok(Tensor::from_array((shape, data)).map_err(run_error)?.into_dyn())
    } else {
        Ok(Tensor::from_array((shape, data)).map_err(run_error)?.into_dyn())
    }
}

fn tensor<T: ort::value::PrimitiveTensorElementType + Clone + std::fmt::Debug + 'static, const N: usize>(
    shape: [usize; N],
    data: Vec<T>,
) -> Result<DynValue, ModelError> {
    Ok(Tensor::from_array((shape, data)).map_err(run_error)?.into_dyn())
}

fn run_error(e: ort::Error) -> ModelError {
    ModelError::Run(e.to_string())
}
