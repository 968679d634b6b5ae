//! The model proposer: a target's prompt (context, signature, description,
//! visible tests) completed by a [`LanguageModel`] in rounds of its batch
//! size; each completion that is a function body is a candidate. Every
//! completion is accounted for (not a body, type error, duplicate, tested,
//! not examined).

use super::{Candidate, Exhausted, Feedback, Outcome, Proposer, ProposerFactory, ProposerStats, Quota, Setup, Step};
use crate::lm::{LanguageModel, sampling_params};
use crate::model::SamplingParams;
use crate::prompt::{PromptParts, body_of_completion};
use std::time::Instant;

/// Makes the model proposer of each target, over one loaded model.
pub struct ModelFactory<'m> {
    lm: &'m mut dyn LanguageModel,
}

impl<'m> ModelFactory<'m> {
    /// A factory over `lm`.
    pub fn new(lm: &'m mut dyn LanguageModel) -> ModelFactory<'m> {
        ModelFactory { lm }
    }
}

impl ProposerFactory for ModelFactory<'_> {
    fn name(&self) -> &'static str {
        "model"
    }

    fn build<'a>(&'a mut self, setup: Setup<'a>) -> Box<dyn Proposer + 'a> {
        let mut stats = ProposerStats::named("model");
        let prompt = match PromptParts::new(setup.problem, setup.target).render(self.lm.prompt_template()) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::error!(error = %e, "the model's prompt template is invalid; the model proposer is off");
                stats.error = Some(e);
                None
            }
        };
        let (params, samples) = sampling_params(&*self.lm, &setup.options.sampling);
        let params = SamplingParams {
            stop_at_dedent: true,
            // Targets get different streams.
            seed: setup.options.seed.wrapping_add((setup.index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            ..params
        };
        if let Some(p) = &prompt {
            tracing::debug!(prompt = %p, "model prompt");
        }
        Box::new(ModelProposer { lm: &mut *self.lm, prompt, params, samples, next: 0, stats })
    }
}

/// Samples completions of one target's prompt.
pub struct ModelProposer<'a> {
    lm: &'a mut dyn LanguageModel,
    /// None when the prompt could not be built (the error is in `stats`).
    prompt: Option<String>,
    params: SamplingParams,
    /// Completions to draw in all.
    samples: usize,
    /// Completions drawn so far (the next sample's index).
    next: usize,
    stats: ProposerStats,
}

impl Proposer for ModelProposer<'_> {
    fn name(&self) -> &'static str {
        "model"
    }

    /// One round of the model's batch size (a round is not cut short by the quota).
    fn step(&mut self, _: &Quota) -> Step {
        let Some(prompt) = self.prompt.as_deref() else {
            return Step { candidates: Vec::new(), end: Some(Exhausted::Failed) };
        };
        let n = (self.samples - self.next).min(self.lm.batch_size().max(1));
        if n == 0 {
            return Step { candidates: Vec::new(), end: Some(Exhausted::Searched) };
        }
        let started = Instant::now();
        let result = self.lm.sample_range(prompt, self.next..self.next + n, &self.params);
        self.next += n;
        self.stats.seconds += started.elapsed().as_secs_f64();
        let mut candidates = Vec::new();
        match result {
            Ok(samples) => {
                self.stats.proposed += samples.len() as u64;
                self.stats.tokens += samples.iter().map(|s| s.tokens.len() as u64).sum::<u64>();
                for s in samples {
                    match body_of_completion(&s.text) {
                        Some(body) => {
                            candidates.push(Candidate { body, logprob: Some(s.logprob), parents: Vec::new() })
                        }
                        // Not an indented body: a syntax error without placing it.
                        None => self.stats.syntax_errors += 1,
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "the model failed; the model proposer is off");
                self.stats.error = Some(e.to_string());
                return Step { candidates, end: Some(Exhausted::Failed) };
            }
        }
        let end = (self.next >= self.samples).then_some(Exhausted::Searched);
        Step { candidates, end }
    }

    fn feedback(&mut self, feedback: &Feedback<'_>) {
        self.stats.record(feedback.outcome);
        if let Outcome::Tested(_) = feedback.outcome {
            // Completions tested in the sandbox count against the candidate budget.
            self.stats.candidates += 1;
            self.stats.evaluated += 1;
        }
    }

    fn stats(&self) -> ProposerStats {
        self.stats.clone()
    }

    fn status(&self) -> Option<String> {
        Some(format!("model {}/{} samples", self.next, self.samples))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finish, ModelError, Sample, SamplingSettings};
    use std::ops::Range;

    /// Completes every prompt with the same texts, by index.
    struct Canned {
        texts: Vec<&'static str>,
        asked: Vec<Range<usize>>,
        settings: SamplingSettings,
    }

    impl LanguageModel for Canned {
        fn prompt_template(&self) -> &str {
            "{signature}\n"
        }
        fn stop_sequences(&self) -> &[String] {
            &[]
        }
        fn batch_size(&self) -> usize {
            2
        }
        fn sampling_defaults(&self) -> &SamplingSettings {
            &self.settings
        }
        fn sample_range(
            &mut self,
            _: &str,
            range: Range<usize>,
            _: &SamplingParams,
        ) -> Result<Vec<Sample>, ModelError> {
            self.asked.push(range.clone());
            Ok(range
                .map(|i| Sample {
                    index: i,
                    text: self.texts[i % self.texts.len()].to_string(),
                    tokens: vec![1, 2],
                    token_logprobs: vec![-0.5, -0.5],
                    logprob: -1.0,
                    finish: Finish::Stop,
                })
                .collect())
        }
    }

    #[test]
    fn rounds_of_the_batch_size_until_the_samples_are_drawn() {
        let text =
            "program = '''\n@synthesize\ndef f(x: int) -> int:\n    ...\n'''\n[[tests]]\nargs = [1]\nexpect = 2\n";
        let problem = crate::problem::Problem::parse(std::path::Path::new("p.toml"), text).expect("loads");
        let mut options = crate::search::SearchOptions::from_problem(&problem);
        options.sampling.samples = Some(5);
        let mut lm = Canned {
            texts: vec!["    return x + 1\n", "return x\n"],
            asked: Vec::new(),
            settings: SamplingSettings::default(),
        };
        let visible: Vec<_> = problem.visible_tests(0).map(|t| t.case.clone()).collect();
        let mut factory = ModelFactory::new(&mut lm);
        let mut p = factory.build(Setup {
            problem: &problem,
            target: &problem.targets[0],
            index: 0,
            visible: &visible,
            spec_cases: &[],
            options: &options,
        });
        let quota = Quota {
            deadline: Instant::now(),
            candidates: 0,
            interrupt: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        };
        let mut bodies = Vec::new();
        loop {
            let step = p.step(&quota);
            bodies.extend(step.candidates.into_iter().map(|c| c.body));
            if step.end.is_some() {
                break;
            }
        }
        assert_eq!(bodies, ["return x + 1\n"; 3], "unindented completions are not bodies");
        let stats = p.stats();
        assert_eq!((stats.proposed, stats.syntax_errors, stats.tokens), (5, 2, 10));
        assert_eq!(p.status().as_deref(), Some("model 5/5 samples"));
        drop(p);
        assert_eq!(lm.asked, [0..2, 2..4, 4..5]);
    }
}
