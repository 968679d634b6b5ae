//! The language-model interface the model proposer works over: sample
//! completions of a prompt by index (each index its own random stream),
//! with the model's prompt template, stops and sampling defaults. The ONNX
//! model implements it; an n-gram model or a remote server can too.

use crate::model::{Model, ModelError, Sample, SamplingParams, SamplingSettings};
use std::ops::Range;

/// A model that completes prompts.
pub trait LanguageModel {
    /// The prompt template (placeholders of [`crate::prompt::PromptParts`]).
    fn prompt_template(&self) -> &str;

    /// Strings that end a completion.
    fn stop_sequences(&self) -> &[String];

    /// How many completions it samples well at once.
    fn batch_size(&self) -> usize;

    /// Its own sampling settings (under the search's).
    fn sampling_defaults(&self) -> &SamplingSettings;

    /// Samples the completions with indices `range` of `prompt`: drawing
    /// 0..8 then 8..16 gives the same samples as 0..16.
    fn sample_range(
        &mut self,
        prompt: &str,
        range: Range<usize>,
        params: &SamplingParams,
    ) -> Result<Vec<Sample>, ModelError>;
}

/// The sampling parameters of a model under `settings` (the search's or the
/// command line's, over the model's own), and how many samples to draw:
/// the one place they are assembled.
pub fn sampling_params(lm: &dyn LanguageModel, settings: &SamplingSettings) -> (SamplingParams, usize) {
    let s = settings.or(lm.sampling_defaults());
    let params = SamplingParams { stop: lm.stop_sequences().to_vec(), ..SamplingParams::from_settings(&s) };
    (params, s.samples.unwrap_or(crate::model::DEFAULT_SAMPLES))
}

impl LanguageModel for Model {
    fn prompt_template(&self) -> &str {
        &self.config.prompt
    }

    fn stop_sequences(&self) -> &[String] {
        &self.config.stop
    }

    fn batch_size(&self) -> usize {
        self.config.batch
    }

    fn sampling_defaults(&self) -> &SamplingSettings {
        &self.config.sampling
    }

    fn sample_range(
        &mut self,
        prompt: &str,
        range: Range<usize>,
        params: &SamplingParams,
    ) -> Result<Vec<Sample>, ModelError> {
        Model::sample_range(self, prompt, range, params)
    }
}
