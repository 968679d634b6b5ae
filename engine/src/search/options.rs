//! A search's settings, resolved in one place: the command line's
//! overrides over the problem file's `[search]` and `[model]` tables over
//! the defaults. Also the models a command loads, once per directory.

use super::budget::Budget;
use crate::model::{Model, ModelError, SamplingSettings};
use crate::problem::Problem;
use crate::propose::{ProposerName, default_proposers};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use synth_verifiers::ExampleVerifier;

/// Why a search's settings are unusable.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    /// A command-line value is out of range.
    #[error("{0}")]
    Invalid(String),
    /// The model proposer was asked for without a model.
    #[error("{problem}: the model proposer needs a model: give --model DIR or `path` in the problem's [model] table")]
    NoModel {
        /// The problem file.
        problem: String,
    },
    /// The model could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// The search techniques of the enumerator that can be switched off, to
/// measure what each one brings (`--without constants,idioms`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Technique {
    /// Constants mined from the examples.
    Constants,
    /// Conditionals joined from partial solutions (divide and conquer).
    Conditionals,
    /// The list idioms: index-aware and multi-list comprehensions, prefix
    /// computations, loops with an accumulator.
    Idioms,
}

impl Technique {
    /// Every technique, in the order of the documentation.
    pub const ALL: [Technique; 3] = [Technique::Constants, Technique::Conditionals, Technique::Idioms];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Technique::Constants => "constants",
            Technique::Conditionals => "conditionals",
            Technique::Idioms => "idioms",
        }
    }

    /// Parses a comma-separated list of names.
    pub fn parse_list(text: &str) -> Result<Vec<Technique>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                Technique::ALL.into_iter().find(|x| x.name() == t).ok_or_else(|| {
                    let names: Vec<_> = Technique::ALL.iter().map(|x| x.name()).collect();
                    format!("unknown technique `{t}`: expected one of {}", names.join(", "))
                })
            })
            .collect()
    }
}

/// Settings given on the command line; `None` leaves the problem's or the default.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Wall-clock budget in seconds.
    pub seconds: Option<f64>,
    /// Candidate budget.
    pub candidates: Option<u64>,
    /// Seed of random choices.
    pub seed: Option<u64>,
    /// Which proposers run, in order.
    pub proposers: Option<Vec<ProposerName>>,
    /// The model directory.
    pub model: Option<PathBuf>,
    /// ONNX Runtime intra-op threads.
    pub threads: Option<usize>,
    /// Sampling settings (over the problem's and the model's).
    pub sampling: SamplingSettings,
    /// Techniques switched off.
    pub without: Vec<Technique>,
}

/// Everything a search runs with.
#[derive(Clone, Debug)]
pub struct SearchOptions {
    /// Time, candidates, memory and the interrupt.
    pub budget: Budget,
    /// Largest expression the enumerator builds (14 by default).
    pub max_size: u32,
    /// Seed of the proposers that sample (the enumerator is deterministic).
    pub seed: u64,
    /// How candidates' tests run (limits of each call).
    pub verifier: ExampleVerifier,
    /// Which proposers run, in order of priority (the seed proposer is
    /// always first when a target has a body).
    pub proposers: Vec<ProposerName>,
    /// Sampling settings for the model proposer (over the model's own).
    pub sampling: SamplingSettings,
    /// The model directory, when a model proposer runs.
    pub model: Option<PathBuf>,
    /// ONNX Runtime intra-op threads (the model's setting when unset).
    pub threads: Option<usize>,
    /// Techniques of the enumerator switched off (all on by default).
    pub without: Vec<Technique>,
}

impl SearchOptions {
    /// The problem's own settings.
    pub fn from_problem(problem: &Problem) -> SearchOptions {
        SearchOptions::resolve(problem, &Overrides::default(), Arc::new(AtomicBool::new(false)))
            .unwrap_or_else(|_| unreachable!("a loaded problem's own settings are valid"))
    }

    /// The settings of a search of `problem`: `overrides` over the file over
    /// the defaults; `interrupt` stops the search when set.
    pub fn resolve(
        problem: &Problem,
        overrides: &Overrides,
        interrupt: Arc<AtomicBool>,
    ) -> Result<SearchOptions, OptionsError> {
        let s = &problem.search;
        let mut time = Duration::from_secs_f64(s.seconds);
        if let Some(secs) = overrides.seconds {
            if !(secs.is_finite() && secs > 0.0) {
                return Err(OptionsError::Invalid(format!("--seconds must be a positive number, found {secs}")));
            }
            time = Duration::from_secs_f64(secs);
        }
        if let Some((field, message)) = overrides.sampling.invalid() {
            return Err(OptionsError::Invalid(format!("--{}: {message}", field.replace('_', "-"))));
        }
        let model = overrides.model.clone().or_else(|| problem.model.path.clone());
        let proposers = overrides
            .proposers
            .clone()
            .or_else(|| s.proposer.clone())
            .unwrap_or_else(|| default_proposers(model.is_some()));
        Ok(SearchOptions {
            budget: Budget {
                time,
                candidates: overrides.candidates.unwrap_or(s.candidates),
                interrupt,
                ..Budget::default()
            },
            max_size: s.max_size,
            seed: overrides.seed.unwrap_or(s.seed),
            verifier: ExampleVerifier::default(),
            proposers,
            sampling: overrides.sampling.or(&problem.model.sampling),
            model,
            threads: overrides.threads,
            without: overrides.without.clone(),
        })
    }

    /// Does a model proposer run?
    pub fn uses_model(&self) -> bool {
        self.proposers.contains(&ProposerName::Model)
    }
}

/// Loaded models by directory, shared by the problems of one command.
#[derive(Default)]
pub struct ModelCache {
    loaded: HashMap<PathBuf, Model>,
}

impl ModelCache {
    /// The model a search with `options` uses, loading it on first use;
    /// `None` when its proposers do not include the model.
    pub fn get(&mut self, problem: &Problem, options: &SearchOptions) -> Result<Option<&mut Model>, OptionsError> {
        if !options.uses_model() {
            return Ok(None);
        }
        let Some(path) = options.model.clone() else {
            return Err(OptionsError::NoModel { problem: problem.path.display().to_string() });
        };
        if !self.loaded.contains_key(&path) {
            let model = Model::load(&path, options.threads)?;
            self.loaded.insert(path.clone(), model);
        }
        Ok(self.loaded.get_mut(&path))
    }
}
