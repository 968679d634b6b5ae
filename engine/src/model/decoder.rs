//! One decoder-only causal LM in ONNX: its inputs and outputs bound by name
//! (the Hugging Face Optimum layout, the legacy merged decoder, or no cache),
//! one forward pass, and the KV cache moved between passes.
//!
//! Two cache modes. A model as exported returns a new `present.*` tensor
//! every pass (the old cache copied, the new positions appended), and that
//! tensor is the next pass's `past_key_values.*`. A model whose attention
//! [`super::fuse`] rewrote instead reads and writes one buffer per cache slot
//! with room for the whole completion: `present.*` is bound to the same
//! memory as `past_key_values.*`, and a pass writes only its new positions.
//! The fused graph is used only after it computed the same logits as the
//! exported one on the same tokens (see [`Decoder::load`]).

use super::ModelError;
use super::fuse::{self, Heads};
use ort::memory::{Allocator, MemoryInfo};
use ort::session::{Session, SessionInputValue, builder::GraphOptimizationLevel, builder::SessionBuilder};
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

    /// The inputs of a pass of `tokens` (`batch` rows of `seq`) after
    /// `cache` (an exported model's; `None`: empty).
    fn feed(
        &self,
        tokens: &[i64],
        batch: usize,
        seq: usize,
        cache: Option<Cache>,
    ) -> Result<Vec<(Cow<'_, str>, SessionInputValue<'_>)>, ModelError> {
        let past = cache.as_ref().map_or(0, |c| c.len);
        let mut cached: Vec<Option<DynValue>> = match cache {
            Some(c) => c.values.into_iter().map(Some).collect(),
            None => Vec::new(),
        };
        let mut feed = Vec::with_capacity(self.inputs.len());
        for (name, input, int32) in &self.inputs {
            let value = match input {
                Input::Past(slot) => match cached.get_mut(*slot).and_then(Option::take) {
                    Some(v) => v,
                    None => tensor([batch, self.kv_heads, 0, self.head_dim], Vec::<f32>::new())?,
                },
                _ => plain_input(input, tokens, batch, seq, past, *int32)?,
            };
            feed.push((Cow::Borrowed(name.as_str()), value.into()));
        }
        Ok(feed)
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

/// The KV cache after some tokens: one tensor per slot, rows = batch,
/// `[batch, kv_heads, capacity, head_dim]`.
pub struct Cache {
    values: Vec<DynValue>,
    /// Tokens the cache holds.
    pub len: usize,
    /// Rows.
    pub batch: usize,
    /// Positions each row has room for: `len` for an exported model's cache,
    /// more for a shared buffer (a fused model's), which later passes fill.
    capacity: usize,
    /// Whether this is a fused model's shared buffer.
    shared: bool,
}

impl Cache {
    /// A cache with the given rows of this one (repeat a row to tile it):
    /// the prompt is prefilled once and the cache copied for every sample.
    /// A shared buffer gets room for `spare` more tokens (an exported
    /// model's cache grows by itself).
    pub fn select(&self, rows: &[usize], spare: usize) -> Result<Cache, ModelError> {
        let capacity = if self.shared { self.len + spare } else { self.len };
        let mut values = Vec::with_capacity(self.values.len());
        for value in &self.values {
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(run_error)?;
            let [batch, heads, cap, dim] = shape[..] else {
                return Err(ModelError::Run(format!("a cache tensor has shape {shape:?}")));
            };
            let (heads, cap, dim) = (heads as usize, cap as usize, dim as usize);
            if batch as usize != self.batch || cap < self.len || data.len() != self.batch * heads * cap * dim {
                return Err(ModelError::Run(format!(
                    "a cache tensor has shape {shape:?}, expected {} rows of {} positions",
                    self.batch, self.len
                )));
            }
            if rows.iter().any(|&r| r >= self.batch) {
                return Err(ModelError::Run(format!("rows {rows:?} of a cache of {}", self.batch)));
            }
            let mut out = if self.shared {
                shared_buffer([rows.len(), heads, capacity, dim])?
            } else {
                Tensor::from_array((
                    [rows.len(), heads, capacity, dim],
                    vec![0f32; rows.len() * heads * capacity * dim],
                ))
                .map_err(run_error)?
                .into_dyn()
            };
            let (_, dst) = out.try_extract_tensor_mut::<f32>().map_err(run_error)?;
            let n = self.len * dim;
            for (new, &r) in rows.iter().enumerate() {
                for h in 0..heads {
                    let from = (r * heads + h) * cap * dim;
                    let to = (new * heads + h) * capacity * dim;
                    dst[to..to + n].copy_from_slice(&data[from..from + n]);
                }
            }
            values.push(out);
        }
        Ok(Cache { values, len: self.len, batch: rows.len(), capacity, shared: self.shared })
    }

    /// Tokens a shared buffer still has room for (0 for an exported model's cache).
    pub fn spare(&self) -> usize {
        self.capacity - self.len
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
    /// Whether the attention was fused and the cache is a shared buffer.
    fused: bool,
}

/// How [`Decoder::load`] reads a model.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Intra-op threads (0: ONNX Runtime's default).
    pub threads: usize,
    /// (kv_heads, head_dim) from the model's config.json, for exports that
    /// leave those dimensions symbolic.
    pub cache_dims: Option<(usize, usize)>,
    /// Query heads from config.json: the attention is fused when given
    /// (and the model has the expected form).
    pub fuse_heads: Option<usize>,
}

impl Decoder {
    /// Loads `path`. With `options.fuse_heads`, also rewrites its attention
    /// ([`fuse`]) and keeps the rewrite if it matches the model's own logits
    /// on a few passes (prefill, tiled rows, single steps, dropped rows);
    /// otherwise, or when the model does not have the expected form, the
    /// model runs as exported.
    pub fn load(path: &Path, options: LoadOptions) -> Result<Decoder, ModelError> {
        // The library first: without it ort panics at its first call.
        super::runtime::environment()?;
        let exported = Decoder::exported(path, options)?;
        let Some(heads) = options.fuse_heads.filter(|_| exported.layout.has_cache()) else {
            return Ok(exported);
        };
        match Decoder::fused(exported, path, options, heads) {
            Ok(fused) => {
                tracing::debug!(model = %path.display(), layers = fused.layout.layers, "attention fused");
                Ok(fused)
            }
            Err((reason, exported)) => {
                tracing::debug!(model = %path.display(), %reason, "attention not fused; the model runs as exported");
                match exported {
                    Some(exported) => Ok(*exported),
                    None => Decoder::exported(path, options),
                }
            }
        }
    }

    /// The model as exported.
    fn exported(path: &Path, options: LoadOptions) -> Result<Decoder, ModelError> {
        let load = |e: ort::Error| ModelError::Load { path: path.to_path_buf(), message: e.to_string() };
        let session = builder(options.threads).map_err(load)?.commit_from_file(path).map_err(load)?;
        let layout = Layout::read(&session, path, options.cache_dims)?;
        Ok(Decoder { session, layout, fused: false })
    }

    /// The fused form of `exported`, checked against its logits. On failure,
    /// why, and `exported` unless it was already dropped: the reference
    /// logits are recorded first and the exported session dropped before the
    /// model is rewritten, so the weights are held at most twice.
    fn fused(
        mut exported: Decoder,
        path: &Path,
        options: LoadOptions,
        heads: usize,
    ) -> Result<Decoder, (String, Option<Box<Decoder>>)> {
        let layout = exported.layout.clone();
        let reference = match exported.trace() {
            Ok(trace) => trace,
            Err(e) => return Err((e, Some(Box::new(exported)))),
        };
        drop(exported);
        let heads = Heads { heads, kv_heads: layout.kv_heads, head_dim: layout.head_dim };
        let read = || std::fs::read(path).map_err(|e| e.to_string());
        let fused = (|| {
            let mut probed = fuse::Probed::new();
            let fused = loop {
                match fuse::fuse(read()?, heads, &probed)? {
                    fuse::Plan::Fused(fused) => break fused,
                    // Each probe can reveal the next factor (the query's
                    // scalings are peeled one at a time): a few rounds at most.
                    fuse::Plan::Probe(names) if probed.len() < 64 => {
                        let model = fuse::probe_model(read()?, &names)?;
                        let values = probe(&layout, path, options, &model, &names)?;
                        probed.extend(names.into_iter().zip(values));
                    }
                    fuse::Plan::Probe(names) => return Err(format!("too many values to probe ({names:?})")),
                }
            };
            let session = session_from_memory(path, options, &fused.bytes)
                .map_err(|e| format!("ONNX Runtime refused it: {e}"))?;
            drop(fused);
            let layout = Layout::read(&session, path, options.cache_dims).map_err(|e| e.to_string())?;
            let mut decoder = Decoder { session, layout, fused: true };
            let got = decoder.trace()?;
            same_logits(&reference, &got).map_err(|e| format!("it computes different logits: {e}"))?;
            Ok(decoder)
        })();
        fused.map_err(|e| (e, None))
    }

    /// Logits of a few passes that exercise the cache: a prompt, two tiled
    /// rows decoded apart, and one of them decoded on after the other is
    /// dropped (what the fused graph must reproduce).
    fn trace(&mut self) -> Result<Trace, String> {
        let e = |e: ModelError| e.to_string();
        let vocab = self.forward(&[0], 1, None).and_then(|o| o.last_logits()).map_err(e)?.0 as i64;
        let token = |i: i64| (i * 37 + 11) % vocab;
        let prompt: Vec<i64> = (0..7).map(token).collect();
        let out = self.forward(&prompt, 1, None).map_err(e)?;
        let logits = |o: &Output| o.logits().map(|(s, l)| (s, l.to_vec())).map_err(e);
        let mut trace = vec![logits(&out)?];
        let mut cache = out.cache;
        for (step, rows) in [2, 2, 1].into_iter().enumerate() {
            cache = match cache {
                Some(c) if c.batch != rows => Some(c.select(&vec![c.batch - 1; rows], 4).map_err(e)?),
                c => c,
            };
            let tokens: Vec<i64> = (0..rows as i64).map(|r| token(100 + 10 * step as i64 + r)).collect();
            let out = self.forward(&tokens, rows, cache.take()).map_err(e)?;
            trace.push(logits(&out)?);
            cache = out.cache;
        }
        Ok(trace)
    }

    /// Whether the attention was fused (the cache is a shared buffer).
    pub fn is_fused(&self) -> bool {
        self.fused
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
        if self.fused {
            return self.forward_shared(tokens, batch, seq, cache);
        }
        let feed = self.layout.feed(tokens, batch, seq, cache)?;
        let mut outputs = self.session.run(feed).map_err(run_error)?;
        let logits = outputs
            .remove(&self.layout.logits)
            .ok_or_else(|| ModelError::Run("the model returned no logits".into()))?;
        let cache = if self.layout.has_cache() {
            let mut values = Vec::with_capacity(self.layout.present.len());
            for name in &self.layout.present {
                values.push(outputs.remove(name).ok_or_else(|| ModelError::Run(format!("no output `{name}`")))?);
            }
            let len = past + seq;
            Some(Cache { values, len, batch, capacity: len, shared: false })
        } else {
            None
        };
        Ok(Output { logits, cache })
    }

    /// A pass of a fused model: `present.*` bound to the cache's own buffers.
    fn forward_shared(
        &mut self,
        tokens: &[i64],
        batch: usize,
        seq: usize,
        cache: Option<Cache>,
    ) -> Result<Output, ModelError> {
        let layout = &self.layout;
        let past = cache.as_ref().map_or(0, |c| c.len);
        let mut cache = match cache {
            Some(c) if c.shared && c.spare() >= seq => c,
            // Out of room: a bigger buffer (the sampler reserves enough, so
            // this is for callers that do not).
            Some(c) if c.shared => c.select(&(0..batch).collect::<Vec<_>>(), seq.max(c.len))?,
            Some(_) => return Err(ModelError::Run("an exported model's cache given to the fused model".into())),
            None => Cache {
                values: (0..2 * layout.layers)
                    .map(|_| shared_buffer([batch, layout.kv_heads, seq, layout.head_dim]))
                    .collect::<Result<_, _>>()?,
                len: 0,
                batch,
                capacity: seq,
                shared: true,
            },
        };
        let mut binding = self.session.create_binding().map_err(run_error)?;
        for (name, input, int32) in &layout.inputs {
            match input {
                Input::Past(slot) => binding.bind_input(name.as_str(), &cache.values[*slot]),
                _ => binding.bind_input(name.as_str(), &plain_input(input, tokens, batch, seq, past, *int32)?),
            }
            .map_err(run_error)?;
        }
        for (slot, name) in layout.present.iter().enumerate() {
            binding.bind_output(name.as_str(), &mut cache.values[slot]).map_err(run_error)?;
        }
        binding.bind_output_to_device(layout.logits.as_str(), &MemoryInfo::default()).map_err(run_error)?;
        let logits = {
            let mut outputs = self.session.run_binding(&binding).map_err(run_error)?;
            outputs.remove(&layout.logits).ok_or_else(|| ModelError::Run("the model returned no logits".into()))?
        };
        drop(binding);
        cache.len = past + seq;
        Ok(Output { logits, cache: Some(cache) })
    }
}

/// A zeroed cache buffer a fused model reads and writes in place: bound as
/// an output too, so it must be ONNX Runtime's memory. (Positions past the
/// cache's length are never read; zeros keep stale memory out all the same.)
fn shared_buffer(shape: [usize; 4]) -> Result<DynValue, ModelError> {
    let mut buffer = Tensor::<f32>::new(&Allocator::default(), shape).map_err(run_error)?;
    buffer.extract_tensor_mut().1.fill(0.0);
    Ok(buffer.into_dyn())
}

/// A session builder with synth's settings (the library already loaded:
/// see [`Decoder::load`]).
fn builder(threads: usize) -> ort::Result<SessionBuilder> {
    let Ok(env) = super::runtime::environment() else {
        return Err(ort::Error::new("the ONNX Runtime library is not loaded"));
    };
    let mut builder = Session::builder(env)?.with_optimization_level(GraphOptimizationLevel::All)?;
    if threads > 0 {
        builder = builder.with_intra_threads(threads)?;
    }
    Ok(builder)
}

/// Logits (shape, values) of a sequence of passes.
type Trace = Vec<(Vec<usize>, Vec<f32>)>;

/// Whether two traces (see [`Decoder::trace`]) agree within float rounding
/// (1e-3 of the logits' scale).
fn same_logits(a: &Trace, b: &Trace) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{} passes against {}", a.len(), b.len()));
    }
    for (pass, ((sa, la), (sb, lb))) in a.iter().zip(b).enumerate() {
        let tolerance = 1e-3 * la.iter().fold(1f32, |m, x| m.max(x.abs()));
        // NaN is never within the tolerance.
        let close = |x: &f32, y: &f32| (x - y).abs() <= tolerance;
        if sa != sb || !la.iter().zip(lb).all(|(x, y)| close(x, y)) {
            let diff = la.iter().zip(lb).fold(0f32, |m, (x, y)| m.max((x - y).abs()));
            return Err(format!("pass {pass}: logits differ by {diff} (shapes {sa:?}, {sb:?})"));
        }
    }
    Ok(())
}

/// The values of `names` (extra float outputs of `model`, the model of
/// `layout` with them added) on a short prompt's pass.
fn probe(
    layout: &Layout,
    path: &Path,
    options: LoadOptions,
    model: &[u8],
    names: &[String],
) -> Result<Vec<Vec<f32>>, String> {
    let mut session = session_from_memory(path, options, model).map_err(|e| format!("cannot probe: {e}"))?;
    let tokens: Vec<i64> = (0..5).collect();
    let feed = layout.feed(&tokens, 1, tokens.len(), None).map_err(|e| e.to_string())?;
    let outputs = session.run(feed).map_err(|e| format!("cannot probe: {e}"))?;
    names
        .iter()
        .map(|n| {
            let value = outputs.get(n.as_str()).ok_or_else(|| format!("the probe has no output `{n}`"))?;
            let (_, data) = value.try_extract_tensor::<f32>().map_err(|e| e.to_string())?;
            Ok(data.to_vec())
        })
        .collect()
}

/// A session over a model in memory (a rewrite of the one at `path`).
fn session_from_memory(path: &Path, options: LoadOptions, model: &[u8]) -> ort::Result<Session> {
    let mut builder = builder(options.threads)?;
    // Initializers stored beside the model are found relative to it.
    if let Some(dir) = path.parent().and_then(Path::to_str).filter(|d| !d.is_empty()) {
        builder = builder.with_config_entry("session.model_external_initializers_file_folder_path", dir)?;
    }
    builder.commit_from_memory(model)
}

/// What a pass feeds an input other than the cache.
fn plain_input(
    input: &Input,
    tokens: &[i64],
    batch: usize,
    seq: usize,
    past: usize,
    int32: bool,
) -> Result<DynValue, ModelError> {
    let positions = || (past as i64..(past + seq) as i64).collect::<Vec<_>>();
    match input {
        Input::Ids => ints(&[batch, seq], tokens.to_vec(), int32),
        Input::Mask => ints(&[batch, past + seq], vec![1; batch * (past + seq)], int32),
        Input::Positions => ints(&[batch, seq], positions().repeat(batch), int32),
        Input::CachePosition => ints(&[seq], positions(), int32),
        Input::LogitsToKeep => ints(&[], vec![1], int32),
        Input::UseCacheBranch => Ok(Tensor::from_array(([1usize], vec![past > 0])).map_err(run_error)?.into_dyn()),
        Input::Past(_) => Err(ModelError::Run("a cache input fed as a plain input".into())),
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
