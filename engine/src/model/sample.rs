//! Sampling completions: the prompt is prefilled once at batch 1, its KV
//! cache tiled across a batch of rows, and the rows decoded together; a row
//! that finishes is dropped from the batch (its cache rows with it).
//! Every row has its own random stream (seed, row index), so a sample does
//! not depend on which other rows share its batch.

use super::decoder::Cache;
use super::{Model, ModelError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How to sample.
#[derive(Clone, Debug, PartialEq)]
pub struct SamplingParams {
    /// Softmax temperature; 0 takes the most likely token.
    pub temperature: f32,
    /// Keep only the k most likely tokens (0: all).
    pub top_k: usize,
    /// Keep the smallest set of most likely tokens whose probability
    /// reaches p (1: all).
    pub top_p: f32,
    /// Most tokens per completion.
    pub max_new_tokens: usize,
    /// A completion ends where one of these appears (it is cut before it).
    pub stop: Vec<String>,
    /// A completion ends at a line that starts in column 0 (the end of an
    /// indented function body).
    pub stop_at_dedent: bool,
    /// Seed of the random streams.
    pub seed: u64,
    /// Keep sampling after an end-of-sequence token (for benchmarks: every
    /// completion gets `max_new_tokens`).
    pub ignore_eos: bool,
}

impl Default for SamplingParams {
    fn default() -> Self {
        SamplingParams {
            temperature: 0.8,
            top_k: 0,
            top_p: 0.95,
            max_new_tokens: 128,
            stop: Vec::new(),
            stop_at_dedent: false,
            seed: 0,
            ignore_eos: false,
        }
    }
}

/// Completions per target when nothing says otherwise.
pub const DEFAULT_SAMPLES: usize = 64;

impl SamplingParams {
    /// The settings given, defaults for the rest (no stops, seed 0).
    pub fn from_settings(s: &super::SamplingSettings) -> SamplingParams {
        let d = SamplingParams::default();
        SamplingParams {
            temperature: s.temperature.unwrap_or(d.temperature),
            top_k: s.top_k.unwrap_or(d.top_k),
            top_p: s.top_p.unwrap_or(d.top_p),
            max_new_tokens: s.max_new_tokens.unwrap_or(d.max_new_tokens),
            ..d
        }
    }
}

/// Why a completion ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Finish {
    /// An end-of-sequence token.
    Eos,
    /// A stop sequence, or the end of the function.
    Stop,
    /// `max_new_tokens` or the context length.
    Length,
}

/// One completion.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Its index among the prompt's samples (its random stream).
    pub index: usize,
    /// The text, cut before any stop sequence.
    pub text: String,
    /// Every sampled token, the final eos or stop-completing token included.
    pub tokens: Vec<u32>,
    /// The model's log-probability (temperature 1, untruncated) of each token.
    pub token_logprobs: Vec<f32>,
    /// The sum of `token_logprobs`: the sequence's log-probability.
    pub logprob: f32,
    /// Why it ended.
    pub finish: Finish,
}

/// A prompt's forward pass at batch 1, kept for the next round.
pub(super) struct Prefilled {
    prompt: Vec<u32>,
    vocab: usize,
    logits: Vec<f32>,
    cache: Option<Cache>,
}

struct Row {
    index: usize,
    rng: ChaCha8Rng,
    tokens: Vec<u32>,
    logprobs: Vec<f32>,
    text: String,
    finish: Option<Finish>,
}

impl Model {
    /// Samples `n` completions of `prompt`, `batch` rows at a time.
    pub fn sample(&mut self, prompt: &str, n: usize, params: &SamplingParams) -> Result<Vec<Sample>, ModelError> {
        self.sample_range(prompt, 0..n, params)
    }

    /// Samples the completions with indices `range` (their random streams):
    /// drawing 0..8 then 8..16 gives the same samples as 0..16.
    pub fn sample_range(
        &mut self,
        prompt: &str,
        range: std::ops::Range<usize>,
        params: &SamplingParams,
    ) -> Result<Vec<Sample>, ModelError> {
        let prompt_ids = self.encode(prompt)?;
        let room = self.config.context_length.saturating_sub(prompt_ids.len());
        if room == 0 {
            return Err(ModelError::PromptTooLong { tokens: prompt_ids.len(), context: self.config.context_length });
        }
        let max_new = params.max_new_tokens.min(room);
        let ids: Vec<i64> = prompt_ids.iter().map(|&t| i64::from(t)).collect();
        // The prompt's pass is kept: the next round of the same prompt reuses it.
        if self.prefilled.as_ref().is_none_or(|p| p.prompt != prompt_ids) {
            self.prefilled = None;
            let output = self.decoder.forward(&ids, 1, None)?;
            let (vocab, logits) = output.last_logits()?;
            self.prefilled = Some(Prefilled { prompt: prompt_ids.clone(), vocab, logits, cache: output.cache });
        }
        let Some(Prefilled { vocab, logits: first, cache: prefilled, .. }) = self.prefilled.take() else {
            return Err(ModelError::Run("the prompt's pass was lost".into()));
        };
        let result = self.decode_rows(&ids, &prompt_ids, range, params, max_new, vocab, &first, prefilled.as_ref());
        self.prefilled = Some(Prefilled { prompt: prompt_ids, vocab, logits: first, cache: prefilled });
        result
    }

    /// Decodes the rows of `range` after the prompt's pass (`first` logits, `prefilled` cache).
    #[allow(clippy::too_many_arguments)]
    fn decode_rows(
        &mut self,
        ids: &[i64],
        prompt_ids: &[u32],
        range: std::ops::Range<usize>,
        params: &SamplingParams,
        max_new: usize,
        vocab: usize,
        first: &[f32],
        prefilled: Option<&Cache>,
    ) -> Result<Vec<Sample>, ModelError> {
        let n = range.len();
        let anchor = &prompt_ids[prompt_ids.len().saturating_sub(4)..];
        let anchor_text = self.decode(anchor)?;
        let allowed = vocab.min(self.tokenizer_vocab);
        if allowed == 0 {
            return Err(ModelError::Run("the model returned no logits".into()));
        }
        let mut scratch = Vec::new();
        let mut out = Vec::with_capacity(n);
        let batch = self.config.batch.max(1).min(self.decoder.layout.fixed_batch.unwrap_or(usize::MAX));
        for start in range.clone().step_by(batch) {
            let mut rows: Vec<Row> = (start..(start + batch).min(range.end))
                .map(|index| {
                    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
                    rng.set_stream(index as u64);
                    Row { index, rng, tokens: Vec::new(), logprobs: Vec::new(), text: String::new(), finish: None }
                })
                .collect();
            for row in &mut rows {
                self.advance(row, &first[..allowed], params, max_new, anchor, &anchor_text, &mut scratch)?;
            }
            // `order`: the rows (indices into `rows`) the cache holds, in order.
            let mut order: Vec<usize> = (0..rows.len()).filter(|&r| rows[r].finish.is_none()).collect();
            let mut cache: Option<Cache> = match prefilled {
                Some(c) if !order.is_empty() => Some(c.select(&vec![0; order.len()], max_new)?),
                _ => None,
            };
            while !order.is_empty() {
                let tokens: Vec<i64> = if cache.is_some() {
                    order.iter().map(|&r| i64::from(*rows[r].tokens.last().unwrap_or(&0))).collect()
                } else {
                    // No cache: the whole sequence, every step.
                    order
                        .iter()
                        .flat_map(|&r| ids.iter().copied().chain(rows[r].tokens.iter().map(|&t| i64::from(t))))
                        .collect()
                };
                let output = self.decoder.forward(&tokens, order.len(), cache.take())?;
                let (vocab, logits) = output.last_logits()?;
                if logits.len() != order.len() * vocab || vocab < allowed {
                    return Err(ModelError::Run(format!(
                        "the model returned {} logits for {} rows of {allowed} tokens",
                        logits.len(),
                        order.len()
                    )));
                }
                for (i, &r) in order.iter().enumerate() {
                    let l = &logits[i * vocab..i * vocab + allowed];
                    self.advance(&mut rows[r], l, params, max_new, anchor, &anchor_text, &mut scratch)?;
                }
                let keep: Vec<usize> = (0..order.len()).filter(|&i| rows[order[i]].finish.is_none()).collect();
                cache = match output.cache {
                    Some(c) if keep.len() == order.len() => Some(c),
                    Some(c) if !keep.is_empty() => Some(c.select(&keep, c.spare())?),
                    _ => None,
                };
                order = keep.iter().map(|&i| order[i]).collect();
            }
            out.extend(rows.into_iter().map(|row| Sample {
                index: row.index,
                logprob: row.logprobs.iter().sum(),
                text: row.text,
                tokens: row.tokens,
                token_logprobs: row.logprobs,
                finish: row.finish.unwrap_or(Finish::Length),
            }));
        }
        Ok(out)
    }

    /// Samples one token for `row` from `logits` and decides whether it ends.
    #[allow(clippy::too_many_arguments)]
    fn advance(
        &self,
        row: &mut Row,
        logits: &[f32],
        params: &SamplingParams,
        max_new: usize,
        anchor: &[u32],
        anchor_text: &str,
        scratch: &mut Vec<(u32, f32)>,
    ) -> Result<(), ModelError> {
        let (token, logprob) = pick(logits, params, &mut row.rng, scratch);
        row.tokens.push(token);
        row.logprobs.push(logprob);
        if !params.ignore_eos && self.config.eos.contains(&token) {
            row.finish = Some(Finish::Eos);
            return Ok(());
        }
        let mut ids = anchor.to_vec();
        ids.extend_from_slice(&row.tokens);
        let full = self.decode(&ids)?;
        row.text = match full.strip_prefix(anchor_text) {
            Some(rest) => rest.to_string(),
            None => self.decode(&row.tokens)?,
        };
        if let Some(cut) = stop_position(&row.text, params) {
            row.text.truncate(cut);
            row.finish = Some(Finish::Stop);
        } else if row.tokens.len() >= max_new {
            row.finish = Some(Finish::Length);
        }
        Ok(())
    }
}

/// Where the first stop sequence (or a dedented line) begins in `text`.
pub fn stop_position(text: &str, params: &SamplingParams) -> Option<usize> {
    let mut cut = params.stop.iter().filter(|s| !s.is_empty()).filter_map(|s| text.find(s.as_str())).min();
    if params.stop_at_dedent {
        // The text starts a line (the prompt ends with one): a first line in
        // column 0 is not part of the body either.
        let bytes = text.as_bytes();
        let code = |c: &u8| !matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        let dedent = if bytes.first().is_some_and(code) {
            Some(0)
        } else {
            text.match_indices('\n').map(|(i, _)| i).find(|&i| bytes.get(i + 1).is_some_and(code))
        };
        cut = match (cut, dedent) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    cut
}

/// Chooses a token: temperature, then top-k, then top-p, then a draw.
/// Returns it with its log-probability under the unmodified distribution.
fn pick(logits: &[f32], params: &SamplingParams, rng: &mut ChaCha8Rng, scratch: &mut Vec<(u32, f32)>) -> (u32, f32) {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let log_z = max + logits.iter().map(|&l| (l - max).exp()).sum::<f32>().ln();
    let token = if params.temperature <= 0.0 || !max.is_finite() {
        // Greedy: the first of the most likely tokens.
        logits.iter().enumerate().fold(0, |best, (i, &l)| if l > logits[best] { i } else { best }) as u32
    } else {
        scratch.clear();
        scratch.extend(logits.iter().enumerate().map(|(i, &l)| (i as u32, l)));
        // Most likely first; ties by token id so that the order is total.
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if params.top_k > 0 && params.top_k < scratch.len() {
            scratch.select_nth_unstable_by(params.top_k - 1, order);
            scratch.truncate(params.top_k);
        }
        let t = params.temperature;
        for c in scratch.iter_mut() {
            c.1 = ((c.1 - max) / t).exp();
        }
        if params.top_p < 1.0 {
            let total: f32 = scratch.iter().map(|c| c.1).sum();
            // The nucleus is usually a few tokens of a large vocabulary: find
            // a top-k that holds it (linear time) and sort only that.
            let mut k = 64;
            loop {
                if k >= scratch.len() {
                    scratch.sort_unstable_by(order);
                    break;
                }
                scratch.select_nth_unstable_by(k - 1, order);
                if scratch[..k].iter().map(|c| c.1).sum::<f32>() >= params.top_p * total {
                    scratch.truncate(k);
                    scratch.sort_unstable_by(order);
                    break;
                }
                k *= 4;
            }
            let mut acc = 0.0;
            let keep = scratch
                .iter()
                .position(|c| {
                    acc += c.1;
                    acc >= params.top_p * total
                })
                .map_or(scratch.len(), |i| i + 1);
            scratch.truncate(keep);
        }
        let total: f32 = scratch.iter().map(|c| c.1).sum();
        let mut u = rng.random::<f32>() * total;
        let mut chosen = scratch.last().map_or(0, |c| c.0);
        for c in scratch.iter() {
            if u < c.1 {
                chosen = c.0;
                break;
            }
            u -= c.1;
        }
        chosen
    };
    (token, logits[token as usize] - log_z)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(temperature: f32, top_k: usize, top_p: f32) -> SamplingParams {
        SamplingParams { temperature, top_k, top_p, ..SamplingParams::default() }
    }

    fn draws(logits: &[f32], p: &SamplingParams, n: usize) -> Vec<u32> {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut scratch = Vec::new();
        (0..n).map(|_| pick(logits, p, &mut rng, &mut scratch).0).collect()
    }

    #[test]
    fn greedy_takes_the_most_likely_token() {
        assert_eq!(draws(&[0.0, 3.0, 1.0, 3.0], &params(0.0, 0, 1.0), 3), vec![1, 1, 1]);
    }

    #[test]
    fn top_k_and_top_p_restrict_the_choice() {
        let logits = [2.0, 1.0, 0.0, -1.0, 1.5];
        let k2 = draws(&logits, &params(1.0, 2, 1.0), 500);
        assert!(k2.iter().all(|t| [0, 4].contains(t)), "{k2:?}");
        assert!(k2.contains(&0) && k2.contains(&4));
        // p(0) ≈ 0.43, p(4) ≈ 0.26: top-p 0.5 keeps exactly those two.
        let p = draws(&logits, &params(1.0, 0, 0.5), 500);
        assert!(p.iter().all(|t| [0, 4].contains(t)));
        let all = draws(&logits, &params(1.0, 0, 1.0), 2000);
        assert!((0..5).all(|t| all.contains(&t)));
    }

    #[test]
    fn top_p_over_a_large_vocabulary_keeps_the_nucleus() {
        // Five likely tokens among 50,000: the nucleus (top-p 0.9) is them.
        let mut logits = vec![0.0f32; 50_000];
        for (i, t) in [17usize, 4_000, 23_456, 40_001, 49_999].iter().enumerate() {
            logits[*t] = 14.0 - i as f32 * 0.1;
        }
        let got: std::collections::BTreeSet<u32> = draws(&logits, &params(1.0, 0, 0.9), 3000).into_iter().collect();
        assert_eq!(got, [17, 4_000, 23_456, 40_001, 49_999].into_iter().collect());
        // Flat: the nucleus is half the vocabulary, the lowest ids (ties by id);
        // the search for it widens several times.
        let flat = vec![1.0f32; 5_000];
        let got = draws(&flat, &params(1.0, 0, 0.5), 3000);
        assert!(got.iter().all(|&t| t < 2_500), "{:?}", got.iter().max());
        assert!(got.iter().any(|&t| t > 2_000));
    }

    #[test]
    fn temperature_sharpens_and_flattens() {
        let logits = [1.0, 0.0];
        let count = |t: f32| draws(&logits, &params(t, 0, 1.0), 4000).iter().filter(|&&x| x == 0).count();
        // p(0) = 0.73 at t=1, 0.88 at t=0.5, 0.62 at t=2.
        let (cold, warm, hot) = (count(0.5), count(1.0), count(2.0));
        assert!(cold > warm + 200 && warm > hot + 200, "{cold} {warm} {hot}");
    }

    #[test]
    fn logprob_is_the_model_distribution() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let (t, lp) = pick(&[0.0, 0.0, 0.0, 0.0], &params(0.3, 1, 0.1), &mut rng, &mut Vec::new());
        assert_eq!(t, 0);
        assert!((lp - (0.25f32).ln()).abs() < 1e-6);
    }

    #[test]
    fn stops_cut_at_the_first_occurrence() {
        let p = SamplingParams { stop: vec!["\n\n".into(), "#".into()], stop_at_dedent: true, ..Default::default() };
        assert_eq!(stop_position("    return x\n\nfoo", &p), Some(12));
        assert_eq!(stop_position("    return x  # done", &p), Some(14));
        assert_eq!(stop_position("    a = 1\n    return a\ndef g():", &p), Some(22));
        assert_eq!(stop_position("    a = 1\n    return a\n", &p), None);
        assert_eq!(stop_position("def g():\n", &p), Some(0), "a first line in column 0 is no body");
        assert_eq!(stop_position("\n    return 1", &p), None);
        let none = SamplingParams::default();
        assert_eq!(stop_position("x\ny", &none), None);
    }
}
