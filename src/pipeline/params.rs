//! The user's settings and their rules. The settings form edits `TrainParams`; `check()` turns it
//! into `ValidParams` or names the first rule broken, so nothing invalid reaches training.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::pipeline::input::columns::MissingPolicy;

/// How the 6-d codes are drawn in 2D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Projection {
    /// Principal components of the codes.
    #[default]
    Pca,
    /// The first two latent dimensions as they are.
    FirstTwo,
    /// t-SNE on a sample, the other songs placed among their nearest sampled ones
    /// (`tsne::Tsne`); computed on request, in slices, by the worker.
    Tsne,
    /// UMAP over all songs up to 100k (`umap::Umap`); computed on request, like t-SNE.
    Umap,
}

impl Projection {
    /// Too slow to compute with every run: made when the person asks for it.
    pub fn on_request(self) -> bool {
        matches!(self, Projection::Tsne | Projection::Umap)
    }

    /// Its name in the page's address and its element ids.
    pub fn key(self) -> &'static str {
        match self {
            Projection::Pca => "pca",
            Projection::FirstTwo => "first-two",
            Projection::Tsne => "tsne",
            Projection::Umap => "umap",
        }
    }

    /// How the page names it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Projection::Pca => "Principal components",
            Projection::FirstTwo => "First two dimensions",
            Projection::Tsne => "t-SNE",
            Projection::Umap => "UMAP",
        }
    }

    pub fn from_key(key: &str) -> Option<Projection> {
        [Projection::Pca, Projection::FirstTwo, Projection::Tsne, Projection::Umap].into_iter().find(|p| p.key() == key)
    }
}

/// Settings as typed by the user. Defaults are the reference project's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub hidden_size: usize,
    pub latent_size: usize,
    pub validation_split: f64,
    pub k: usize,
    pub seed: u64,
    pub missing: MissingPolicy,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 20,
            batch_size: 32,
            learning_rate: 0.001,
            hidden_size: 12,
            latent_size: 6,
            validation_split: 0.1,
            k: 10,
            seed: 42,
            missing: MissingPolicy::DropRows,
        }
    }
}

/// The autoencoders the page offers by name. Only the hidden layers' width tells them apart, so
/// the name is read off the settings (and a model file's settings), never stored beside them
/// where the two could disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// The reference project's: 12 → 12 → 6 → 12 → 12.
    Reference,
    /// 24-unit hidden layers: lower reconstruction error and better similar songs than the
    /// reference on every labelled file measured (BENCHMARKS.md, "Model variants").
    Improved,
    /// Any other sizes the person typed.
    Custom,
}

impl Architecture {
    /// The hidden width of the improved autoencoder.
    pub const IMPROVED_HIDDEN: usize = 24;

    pub fn of(params: &TrainParams) -> Architecture {
        let reference = TrainParams::default();
        match (params.hidden_size, params.latent_size) {
            (h, l) if l == reference.latent_size && h == reference.hidden_size => Architecture::Reference,
            (h, l) if l == reference.latent_size && h == Architecture::IMPROVED_HIDDEN => Architecture::Improved,
            _ => Architecture::Custom,
        }
    }

    /// `params` with this architecture's layer sizes (a custom one keeps them as they are).
    pub fn apply(self, params: &TrainParams) -> TrainParams {
        let hidden_size = match self {
            Architecture::Reference => TrainParams::default().hidden_size,
            Architecture::Improved => Architecture::IMPROVED_HIDDEN,
            Architecture::Custom => return params.clone(),
        };
        TrainParams { hidden_size, latent_size: TrainParams::default().latent_size, ..params.clone() }
    }

    pub fn label(self) -> &'static str {
        match self {
            Architecture::Reference => "Reference autoencoder (12 → 12 → 6 → 12 → 12)",
            Architecture::Improved => "Improved autoencoder (24-unit hidden layers)",
            Architecture::Custom => "Custom layer sizes",
        }
    }
}

/// One variant per rule, the rule as the message.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ParamError {
    #[error("Epochs must be between 1 and 1000 (got {0}).")]
    Epochs(usize),
    #[error("Batch size must be between 1 and 65536 (got {0}).")]
    BatchSize(usize),
    #[error("Learning rate must be a number greater than 0 and at most 10 (got {0}).")]
    LearningRate(f64),
    #[error("Hidden layer size must be between 2 and 256 (got {0}).")]
    Hidden(usize),
    #[error("Latent size must be between 2 and 64 (got {0}): the map needs at least 2 dimensions.")]
    Latent(usize),
    #[error("Validation split must be at least 0 and below 0.5 (got {0}).")]
    Validation(f64),
    #[error("Number of clusters k must be between 2 and 100 (got {0}).")]
    K(usize),
}

/// Settings that passed `check()`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidParams(TrainParams);

impl std::ops::Deref for ValidParams {
    type Target = TrainParams;
    fn deref(&self) -> &TrainParams {
        &self.0
    }
}

impl TrainParams {
    pub fn check(&self) -> Result<ValidParams, ParamError> {
        if !(1..=1000).contains(&self.epochs) {
            return Err(ParamError::Epochs(self.epochs));
        }
        if !(1..=65536).contains(&self.batch_size) {
            return Err(ParamError::BatchSize(self.batch_size));
        }
        // Rates far above the default are allowed so people can see what they do; a run that
        // diverges stops with a message and keeps the previous results.
        if !(self.learning_rate > 0.0 && self.learning_rate <= 10.0) {
            return Err(ParamError::LearningRate(self.learning_rate));
        }
        if !(2..=256).contains(&self.hidden_size) {
            return Err(ParamError::Hidden(self.hidden_size));
        }
        if !(2..=64).contains(&self.latent_size) {
            return Err(ParamError::Latent(self.latent_size));
        }
        if !(self.validation_split >= 0.0 && self.validation_split < 0.5) {
            return Err(ParamError::Validation(self.validation_split));
        }
        if !(2..=100).contains(&self.k) {
            return Err(ParamError::K(self.k));
        }
        Ok(ValidParams(self.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::Architecture;

    #[test]
    fn the_architecture_is_named_by_its_layer_sizes() {
        let reference = super::TrainParams::default();
        assert_eq!(Architecture::of(&reference), Architecture::Reference);
        let improved = Architecture::Improved.apply(&reference);
        assert_eq!((improved.hidden_size, improved.latent_size, improved.epochs), (24, 6, reference.epochs));
        assert_eq!(Architecture::of(&improved), Architecture::Improved);
        assert_eq!(Architecture::Reference.apply(&improved), reference);
        let custom = super::TrainParams { hidden_size: 16, ..reference.clone() };
        assert_eq!(Architecture::of(&custom), Architecture::Custom);
        assert_eq!(Architecture::Custom.apply(&custom), custom);
        let wide_code = super::TrainParams { hidden_size: 24, latent_size: 8, ..reference };
        assert_eq!(Architecture::of(&wide_code), Architecture::Custom);
    }

    use super::*;

    #[test]
    fn defaults_are_the_reference_and_valid() {
        let p = TrainParams::default().check().unwrap();
        assert_eq!((p.epochs, p.batch_size, p.latent_size, p.k), (20, 32, 6, 10));
    }

    #[test]
    fn each_rule_is_named() {
        let bad = |f: fn(&mut TrainParams)| {
            let mut p = TrainParams::default();
            f(&mut p);
            p.check().unwrap_err().to_string()
        };
        assert_eq!(bad(|p| p.epochs = 0), "Epochs must be between 1 and 1000 (got 0).");
        assert_eq!(bad(|p| p.k = 1), "Number of clusters k must be between 2 and 100 (got 1).");
        assert_eq!(
            bad(|p| p.learning_rate = f64::NAN),
            "Learning rate must be a number greater than 0 and at most 10 (got NaN)."
        );
        assert_eq!(bad(|p| p.validation_split = 0.5), "Validation split must be at least 0 and below 0.5 (got 0.5).");
    }
}
