//! Reusable models: everything needed to embed and cluster another CSV without retraining, in one
//! JSON file (column names, scaler, weights, settings, cluster centres, a format version).
//!
//! Plain JSON rather than burn's recorders: readable, deterministic, and independent of burn's
//! own record format, which changes between burn versions. f32 weights round-trip exactly through
//! serde_json (shortest representation out, correctly rounded in).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::pipeline::analysis::cluster::squared_distance;
use crate::pipeline::analysis::Analysis;
use crate::pipeline::input::columns::{
    extract, fold, ColumnMapping, Feature, Features, MappingError, Slot, MORE_LABELS,
};
use crate::pipeline::input::load::{decode_utf16, Table};
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::input::scale::StandardScaler;
use crate::pipeline::input::units::mismatched_columns;
use crate::pipeline::limits::{
    megabytes, thousands, MAX_FEATURE_MAGNITUDE, MAX_HEADER_CHARS, MAX_MODEL_BYTES, MAX_NAME_CHARS,
};
use crate::pipeline::model::network::{DenseWeights, ModelConfig, LAYER_NAMES};
use crate::pipeline::model::train::{TrainError, Trained};
use crate::pipeline::params::{Architecture, TrainParams};

pub const FORMAT: &str = "songscape-model";
/// Version 2 names the architecture (`"architecture": "improved"`); version 1 files, which
/// do not, are still read, their architecture named from their layer sizes.
pub const VERSION: u32 = 2;
pub const OLDEST_VERSION: u32 = 1;

/// Bounds on a model file's numbers, stated in the README. Models Songscape trains stay far
/// inside them; a file outside them was edited or made elsewhere, and its numbers would overflow
/// the f32 arithmetic of scaling, encoding, KMeans or PCA.
pub mod bounds {
    /// Largest magnitude of a scaler mean (the features' own bound).
    pub const MEAN: f64 = super::MAX_FEATURE_MAGNITUDE;
    /// Range of a scaler's standard deviation. `StandardScaler::fit` never writes one below
    /// 1e-12 (it writes 1.0 for a constant column), nor above the features' bound.
    pub const SCALE: (f64, f64) = (1e-12, super::MAX_FEATURE_MAGNITUDE);
    /// Largest magnitude of a weight or bias. Trained weights are of order 1.
    pub const WEIGHT: f64 = 1e4;
    /// Largest magnitude of a cluster centre's coordinate, and of any code a stage receives:
    /// squared distances between such codes still fit an f32.
    pub const CODE: f64 = 1e12;
    /// Largest z-score a value may have under the model's scaler: the training songs' own
    /// z-scores are at most √rows (1,415 at 2M rows); beyond this a value is far outside anything
    /// the model has seen.
    pub const Z: f64 = 1e6;
    /// Longest "created_by" text, in characters.
    pub const CREATED_BY_CHARS: usize = 200;
}

/// One feature the model reads, and the header it was read from when the model was trained.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct FeatureColumn {
    pub feature: Feature,
    pub column: String,
}

/// One dense layer: `weight` is `inputs × outputs`, row-major, as burn stores it
/// (`y = x · weight + bias`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LayerWeights {
    pub name: String,
    pub inputs: usize,
    pub outputs: usize,
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

/// The saved model. `from_json` only returns files that pass `validate`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// Always `FORMAT`.
    pub format: String,
    /// Always `VERSION` for files this code writes.
    pub version: u32,
    /// "Songscape <version>".
    pub created_by: String,
    /// The model's inputs, in `Feature::ALL` order (the order `extract` produces).
    pub features: Vec<FeatureColumn>,
    pub title_column: Option<String>,
    pub artist_column: Option<String>,
    pub label_column: Option<String>,
    /// Further label columns (`ColumnMapping::more_labels`), by name; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_label_columns: Vec<String>,
    /// Fitted on the training data; applied unchanged to every later CSV.
    pub scaler: StandardScaler,
    /// The settings the model was trained with; `params.k` is the `k` of the saved clustering.
    pub params: TrainParams,
    /// Which autoencoder this is, for a person reading the file; checked against the layer
    /// sizes in `params` when read (version 1 files have none: it is named from the sizes).
    #[serde(default = "unnamed")]
    pub architecture: Architecture,
    /// enc1, enc2, dec1, dec2.
    pub layers: Vec<LayerWeights>,
    /// `k × latent`, row-major.
    pub centroids: Vec<f32>,
    pub k: usize,
    pub latent: usize,
    /// One name per cluster, or empty.
    pub cluster_names: Vec<String>,
    /// Reconstruction MSE on the training data (scaled units).
    pub recon_mse: f32,
}

/// A CSV embedded and clustered by a saved model.
#[derive(Debug, Clone)]
pub struct Applied {
    /// Where the model's columns were found in this CSV.
    pub mapping: ColumnMapping,
    /// The usable rows, in original units.
    pub features: Features,
    /// Those rows scaled with the model's scaler.
    pub scaled: Vec<f32>,
    /// `rows × latent`, row-major.
    pub codes: Vec<f32>,
    /// Nearest saved centre for each row.
    pub labels: Vec<usize>,
    /// Reconstruction MSE on this CSV: how well the model knows these songs (compare with the
    /// file's `recon_mse` on its training data).
    pub recon_mse: f32,
}

#[derive(Debug, Error)]
pub enum ModelFileError {
    #[error("This file is not a Songscape model: it is not valid JSON ({problem} at line {line}, column {column}). A model file is the .json file that \"Download model\" saves.")]
    NotJson { line: usize, column: usize, problem: String },
    #[error("This file is not a Songscape model (no \"format\": \"{FORMAT}\"). A model file is the .json file that \"Download model\" saves.")]
    NotAModel,
    #[error("{}", version_message(*.found, *.supported))]
    Version { found: u64, supported: u32 },
    #[error("This model file is damaged: {0}. Save the model again from the run that trained it, or train a new one.")]
    Corrupt(String),
    #[error("The CSV lacks the model's columns: {}. Rename these columns in the CSV, or train a new model on it.", .missing.join(", "))]
    MissingColumns { missing: Vec<String> },
    #[error("{0}")]
    Mapping(#[from] MappingError),
    #[error("The model could not be run: {0}")]
    Encode(String),
    #[error("This file is {}; a Songscape model file is at most {} (the models Songscape saves are well under 1 MB), so it is not one. Choose the .json file that \"Download model\" saved.", megabytes(*.bytes), megabytes(MAX_MODEL_BYTES))]
    TooLarge { bytes: u64 },
    #[error("This file is not text, so it is not a Songscape model. A model file is the .json file that \"Download model\" saves.")]
    NotText,
    #[error("Line {line}, column {column}: {value} is {z:.1e} standard deviations from the average of the songs the model was trained on ({mean}), too far to encode. Fix or remove that value, or train a new model on this file.")]
    OutOfRange { line: u64, column: String, value: f32, z: f64, mean: f64 },
    #[error("The model maps line {line} to codes too large to cluster (beyond ±{:e}): its weights do not suit this file. Train a new model on it.", bounds::CODE)]
    CodesTooLarge { line: u64 },
}

/// A version 2 file without an "architecture": it must then be a custom one (`validate` says so
/// otherwise).
fn unnamed() -> Architecture {
    Architecture::Custom
}

fn version_message(found: u64, supported: u32) -> String {
    let (age, advice) = if found > u64::from(supported) {
        ("a newer", "Open it with a newer Songscape, or train a new model here.")
    } else {
        ("an older", "Train a new model here.")
    };
    format!(
        "This model file was made by {age} Songscape (model format version {found}); this page reads versions {OLDEST_VERSION} to {supported}. {advice}"
    )
}

/// The message's `what` ends where the sentence "Save the model again…" begins, so a full stop
/// of its own is dropped.
fn corrupt(what: impl Into<String>) -> ModelFileError {
    let what: String = what.into();
    ModelFileError::Corrupt(what.strip_suffix('.').map(str::to_string).unwrap_or(what))
}

/// The first 40 characters of text read from a file, for a message: a crafted file's text can be
/// megabytes long.
fn quoted(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    format!("\"{out}\"")
}

/// `Err` naming `what` when `text` is longer than `max` characters.
fn check_length(what: &str, text: &str, max: usize) -> Result<(), ModelFileError> {
    let n = text.chars().count();
    if n > max {
        return Err(corrupt(format!(
            "{what} is {} characters long; at most {} are allowed",
            thousands(n as u64),
            thousands(max as u64)
        )));
    }
    Ok(())
}

/// `Err` naming `what` when any of `values` is not finite or beyond `bound`.
fn check_numbers<T: Into<f64> + Copy + std::fmt::LowerExp>(
    what: &str,
    values: &[T],
    bound: f64,
) -> Result<(), ModelFileError> {
    match values.iter().find(|&&v| !(v.into().abs() <= bound)) {
        Some(&v) if v.into().is_finite() => {
            Err(corrupt(format!("{what} include the value {v:e}, beyond the largest allowed, ±{bound:e}")))
        }
        Some(_) => Err(corrupt(format!("{what} include a value that is not a finite number"))),
        None => Ok(()),
    }
}

fn column_name(headers: &[String], column: Option<usize>) -> Result<Option<String>, ModelFileError> {
    column
        .map(|c| {
            headers.get(c).cloned().ok_or_else(|| corrupt(format!("column number {} is not in the header", c + 1)))
        })
        .transpose()
}

impl ModelFile {
    /// The file for a finished run. `analysis` supplies the clustering shown (after any
    /// re-clustering, whose k replaces `params.k`) and the reconstruction error; `params` are the
    /// settings the model was trained with.
    pub fn from_run(
        headers: &[String],
        mapping: &ColumnMapping,
        prepared: &Prepared,
        trained: &Trained,
        analysis: &Analysis,
        params: &TrainParams,
        cluster_names: Vec<String>,
    ) -> Result<ModelFile, ModelFileError> {
        let features = prepared
            .features
            .features
            .iter()
            .map(|&feature| {
                let column = column_name(headers, mapping.get(Slot::Feature(feature)))?.ok_or_else(|| {
                    corrupt(format!("the model uses {} but the mapping has no column for it", feature.name()))
                })?;
                Ok(FeatureColumn { feature, column })
            })
            .collect::<Result<Vec<_>, ModelFileError>>()?;
        let layers = trained
            .weights()
            .map_err(|e| {
                ModelFileError::Encode(match e {
                    TrainError::Tensor(what) => what,
                    other => other.to_string(),
                })
            })?
            .into_iter()
            .zip(LAYER_NAMES)
            .map(|(w, name)| LayerWeights {
                name: name.to_string(),
                inputs: w.inputs,
                outputs: w.outputs,
                weight: w.weight,
                bias: w.bias,
            })
            .collect();
        let k = analysis.clustering.sizes.len();
        // The page caps renames at MAX_NAME_CHARS too; a longer name must not make the file unreadable.
        let cluster_names = cluster_names.into_iter().map(|n| n.chars().take(MAX_NAME_CHARS).collect()).collect();
        let file = ModelFile {
            format: FORMAT.to_string(),
            version: VERSION,
            created_by: format!("Songscape {}", env!("CARGO_PKG_VERSION")),
            features,
            title_column: column_name(headers, mapping.title)?,
            artist_column: column_name(headers, mapping.artist)?,
            label_column: column_name(headers, mapping.label)?,
            more_label_columns: (mapping.other_labels().into_iter())
                .map(|c| column_name(headers, Some(c)).map(Option::unwrap_or_default))
                .collect::<Result<_, _>>()?,
            scaler: prepared.scaler.clone(),
            params: TrainParams { k, ..params.clone() },
            architecture: Architecture::of(params),
            layers,
            centroids: analysis.clustering.centroids.clone(),
            k,
            latent: analysis.latent,
            cluster_names,
            recon_mse: analysis.recon_mse,
        };
        // Never write a file that `from_json` would refuse.
        file.validate()?;
        Ok(file)
    }

    /// Reads a model file's bytes: at most `MAX_MODEL_BYTES`, UTF-8 (with or without a BOM) or
    /// UTF-16, as CSVs are read.
    pub fn from_bytes(bytes: &[u8]) -> Result<ModelFile, ModelFileError> {
        check_model_size(bytes.len() as u64)?;
        if let Some(text) = decode_utf16(bytes) {
            return ModelFile::from_json(&text);
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(body).map_err(|_| ModelFileError::NotText)?;
        ModelFile::from_json(text)
    }

    pub fn to_json(&self) -> Result<String, ModelFileError> {
        self.validate()?;
        serde_json::to_string_pretty(self).map_err(|e| ModelFileError::Encode(e.to_string()))
    }

    /// Reads a model file. Format and version are checked before the rest is read, so a file from
    /// another version gets the version message even if its fields differ.
    pub fn from_json(text: &str) -> Result<ModelFile, ModelFileError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let problem = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            ModelFileError::NotJson { line: e.line(), column: e.column(), problem }
        })?;
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(ModelFileError::NotAModel);
        }
        // `1.0` is the same version as `1` (a file rewritten by a tool that writes every number
        // as a float).
        let found = value
            .get("version")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e15).map(|f| f as u64))
            })
            .ok_or_else(|| {
                corrupt(format!("its \"version\" is missing or not a whole number (it should be {VERSION})"))
            })?;
        if !(u64::from(OLDEST_VERSION)..=u64::from(VERSION)).contains(&found) {
            return Err(ModelFileError::Version { found, supported: VERSION });
        }
        let mut value = value;
        value["version"] = VERSION.into();
        let mut file: ModelFile = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
        if found == 1 {
            file.architecture = Architecture::of(&file.params);
        }
        file.validate()?;
        Ok(file)
    }

    fn config(&self) -> ModelConfig {
        ModelConfig { inputs: self.features.len(), hidden: self.params.hidden_size, latent: self.latent }
    }

    /// Checks that every size agrees with every other and every number is finite.
    pub fn validate(&self) -> Result<(), ModelFileError> {
        let d = self.features.len();
        if d == 0 {
            return Err(corrupt("it lists no feature columns"));
        }
        if self.features.windows(2).any(|w| w[0].feature as usize >= w[1].feature as usize) {
            return Err(corrupt("its features are repeated or out of order"));
        }
        if self.scaler.mean.len() != d || self.scaler.scale.len() != d {
            return Err(corrupt(format!(
                "the scaler has {} means and {} scales for {d} features",
                self.scaler.mean.len(),
                self.scaler.scale.len()
            )));
        }
        self.validate_texts()?;
        check_numbers("the scaler's means", &self.scaler.mean, bounds::MEAN)?;
        let (low, high) = bounds::SCALE;
        if let Some(s) = self.scaler.scale.iter().find(|s| !(**s >= low && **s <= high)) {
            return Err(corrupt(format!(
                "the scaler has the standard deviation {s:e}, outside the allowed {low:e} to {high:e}"
            )));
        }
        self.params.check().map_err(|e| corrupt(format!("its settings are invalid: {e}")))?;
        if self.latent != self.params.latent_size {
            return Err(corrupt(format!(
                "it has latent size {} but its settings say {}",
                self.latent, self.params.latent_size
            )));
        }
        let config = self.config();
        let expected = config.layer_shapes();
        if self.layers.len() != expected.len() {
            return Err(corrupt(format!("it has {} layers instead of {}", self.layers.len(), expected.len())));
        }
        for ((layer, name), (inputs, outputs)) in self.layers.iter().zip(LAYER_NAMES).zip(expected) {
            if layer.name != name {
                return Err(corrupt(format!("layer {} is where \"{name}\" should be", quoted(&layer.name))));
            }
            if (layer.inputs, layer.outputs) != (inputs, outputs) {
                return Err(corrupt(format!(
                    "layer {name} is {}→{} but the model needs {inputs}→{outputs}",
                    layer.inputs, layer.outputs
                )));
            }
            if layer.weight.len() != inputs * outputs {
                return Err(corrupt(format!(
                    "layer {name} has {} weights instead of {}",
                    layer.weight.len(),
                    inputs * outputs
                )));
            }
            if layer.bias.len() != outputs {
                return Err(corrupt(format!("layer {name} has {} biases instead of {outputs}", layer.bias.len())));
            }
            check_numbers(&format!("layer {name}'s weights"), &layer.weight, bounds::WEIGHT)?;
            check_numbers(&format!("layer {name}'s biases"), &layer.bias, bounds::WEIGHT)?;
        }
        if self.k != self.params.k {
            return Err(corrupt(format!("it has k = {} but its settings say k = {}", self.k, self.params.k)));
        }
        if self.centroids.len() != self.k * self.latent {
            return Err(corrupt(format!(
                "it has {} centre values instead of {} ({} clusters × {} dimensions)",
                self.centroids.len(),
                self.k * self.latent,
                self.k,
                self.latent
            )));
        }
        check_numbers("the cluster centres", &self.centroids, bounds::CODE)?;
        if !self.cluster_names.is_empty() && self.cluster_names.len() != self.k {
            return Err(corrupt(format!("it names {} clusters but has {}", self.cluster_names.len(), self.k)));
        }
        if !(self.recon_mse.is_finite() && self.recon_mse >= 0.0) {
            return Err(corrupt("its reconstruction error is not a finite number of at least 0"));
        }
        // Last: a file whose sizes are wrong is told that first.
        if self.architecture != Architecture::of(&self.params) {
            return Err(corrupt(format!(
                "it says it is the {} but its settings give {}",
                self.architecture.label(),
                Architecture::of(&self.params).label()
            )));
        }
        Ok(())
    }

    /// Every text read from the file within its length: the page draws names into lists, the
    /// map's legend and exports, and a 50 MB name froze it.
    fn validate_texts(&self) -> Result<(), ModelFileError> {
        check_length("its \"created_by\"", &self.created_by, bounds::CREATED_BY_CHARS)?;
        for fc in &self.features {
            check_length(&format!("the column name for {}", fc.feature.name()), &fc.column, MAX_HEADER_CHARS)?;
        }
        let text_columns =
            [("title", &self.title_column), ("artist", &self.artist_column), ("label", &self.label_column)];
        for (what, column) in text_columns {
            if let Some(c) = column {
                check_length(&format!("the {what} column's name"), c, MAX_HEADER_CHARS)?;
            }
        }
        if self.more_label_columns.len() > MORE_LABELS {
            return Err(corrupt(format!(
                "it names {} further label columns; at most {MORE_LABELS} are read",
                self.more_label_columns.len()
            )));
        }
        for c in &self.more_label_columns {
            check_length("a further label column's name", c, MAX_HEADER_CHARS)?;
        }
        for (i, name) in self.cluster_names.iter().enumerate() {
            check_length(&format!("the name of cluster {i}"), name, MAX_NAME_CHARS)?;
        }
        Ok(())
    }

    /// Finds the model's columns in another CSV's header: the same name (compared folded, like
    /// the automatic mapping), else any of the usual names for that feature. Title, artist and
    /// label columns likewise, but they are optional.
    pub fn mapping_for(&self, headers: &[String]) -> Result<ColumnMapping, ModelFileError> {
        let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
        let by_name = |name: &str| {
            let name = fold(name);
            folded.iter().position(|h| !name.is_empty() && *h == name)
        };
        let guess = ColumnMapping::guess(headers);
        let mut mapping = ColumnMapping::default();
        let mut missing = Vec::new();
        for fc in &self.features {
            let slot = fc.feature as usize;
            match by_name(&fc.column).or(guess.features[slot]) {
                Some(c) => mapping.features[slot] = Some(c),
                None => missing.push(format!(
                    "{} (looked for \"{}\" and the usual names for {})",
                    fc.feature.name(),
                    fc.column,
                    fc.feature.name()
                )),
            }
        }
        if !missing.is_empty() {
            return Err(ModelFileError::MissingColumns { missing });
        }
        let text_column =
            |saved: &Option<String>, guessed: Option<usize>| saved.as_deref().and_then(by_name).or(guessed);
        mapping.title = text_column(&self.title_column, guess.title);
        mapping.artist = text_column(&self.artist_column, guess.artist);
        mapping.label = text_column(&self.label_column, guess.label);
        mapping.more_labels = match self.more_label_columns.is_empty() {
            true => guess.other_labels(),
            false => self.more_label_columns.iter().filter_map(|n| by_name(n)).take(MORE_LABELS).collect(),
        };
        Ok(mapping)
    }

    /// The inference model, rebuilt from the saved weights.
    pub fn trained(&self) -> Result<Trained, ModelFileError> {
        self.validate()?;
        let layers: Vec<DenseWeights> = self
            .layers
            .iter()
            .map(|l| DenseWeights {
                inputs: l.inputs,
                outputs: l.outputs,
                weight: l.weight.clone(),
                bias: l.bias.clone(),
            })
            .collect();
        let layers: [DenseWeights; 4] = layers.try_into().map_err(|_| corrupt("it does not have 4 layers"))?;
        Ok(Trained::from_weights(self.config(), &layers))
    }

    /// Embeds and clusters `table` with this model, without training: find the columns, read
    /// them, scale, encode, and give each row the nearest saved cluster centre.
    ///
    /// The scaler is the model's, not one fitted to `table`: the network learned on z-scores of
    /// the training songs, and the centres live in the codes of those z-scores. Refitting on a
    /// playlist would measure each song against the playlist's own average (a playlist of metal
    /// would be centred to look "average"), so its codes would not be comparable with the centres
    /// or the training songs.
    pub fn apply(&self, table: &Table) -> Result<Applied, ModelFileError> {
        let mapping = self.mapping_for(&table.headers)?;
        let features = extract(table, &mapping, self.params.missing)?;
        if features.features.iter().ne(self.features.iter().map(|f| &f.feature)) {
            return Err(ModelFileError::Encode("the CSV's columns did not line up with the model's".into()));
        }
        let trained = self.trained()?;
        let scaled = self.scale_within_bounds(table, &mapping, &features)?;
        let codes = trained.encode(&scaled);
        let latent = self.latent;
        if codes.len() != features.n_rows() * latent {
            return Err(ModelFileError::Encode(format!(
                "expected {} code values, got {}",
                features.n_rows() * latent,
                codes.len()
            )));
        }
        if let Some(i) =
            codes.chunks_exact(latent).position(|c| c.iter().any(|v| !(f64::from(v.abs()) <= bounds::CODE)))
        {
            return Err(ModelFileError::CodesTooLarge { line: line_of(table, &features, i) });
        }
        let labels = codes.chunks_exact(latent).map(|row| self.nearest_centre(row)).collect();
        let recon_mse = trained.reconstruction_mse(&scaled);
        if !recon_mse.is_finite() {
            return Err(ModelFileError::Encode(
                "its reconstruction error on this file is too large to compute; the model does not suit this file"
                    .into(),
            ));
        }
        Ok(Applied { mapping, features, scaled, codes, labels, recon_mse })
    }

    /// `features` scaled with the model's scaler, or the first value whose z-score is beyond
    /// `bounds::Z`, by line and column.
    fn scale_within_bounds(
        &self,
        table: &Table,
        mapping: &ColumnMapping,
        features: &Features,
    ) -> Result<Vec<f32>, ModelFileError> {
        let d = features.n_features();
        let (mean, scale) = (&self.scaler.mean, &self.scaler.scale);
        for (i, row) in features.values.chunks_exact(d.max(1)).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let z = (f64::from(v) - mean[j]) / scale[j];
                if !(z.abs() <= bounds::Z) {
                    let column = mapping.get(Slot::Feature(features.features[j])).and_then(|c| table.headers.get(c));
                    return Err(ModelFileError::OutOfRange {
                        line: line_of(table, features, i),
                        column: column.cloned().unwrap_or_default(),
                        value: v,
                        z: z.abs(),
                        mean: mean[j],
                    });
                }
            }
        }
        Ok(self.scaler.transform(&features.values))
    }

    /// Columns of `features` (read from `table` by `mapping`) whose values sit many of the
    /// model's standard deviations from its training songs, as a sentence to show before the
    /// model is applied; `None` when every column looks like the model's units.
    pub fn unit_warning(&self, table: &Table, mapping: &ColumnMapping, features: &Features) -> Option<String> {
        let off = mismatched_columns(&self.scaler, table, mapping, features, "the model's");
        (!off.is_empty()).then(|| {
            format!(
                "This file's values look like other units than the model's: {}. Applied as they are, the songs would land in the wrong clusters. Check that these columns use the same scale as the file the model was trained on (for example 0–1 against 0–100), or apply anyway.",
                off.join("; ")
            )
        })
    }

    /// The saved centre nearest to `code` (the lower index on a tie).
    pub fn nearest_centre(&self, code: &[f32]) -> usize {
        let mut best = (0, f64::INFINITY);
        for (j, centre) in self.centroids.chunks_exact(self.latent.max(1)).enumerate() {
            let d = squared_distance(code, centre);
            if d < best.1 {
                best = (j, d);
            }
        }
        best.0
    }
}

/// The model file's size within `MAX_MODEL_BYTES`, checked before a file is read.
pub fn check_model_size(bytes: u64) -> Result<(), ModelFileError> {
    match bytes > MAX_MODEL_BYTES {
        true => Err(ModelFileError::TooLarge { bytes }),
        false => Ok(()),
    }
}

/// The file line of the `i`-th usable row.
fn line_of(table: &Table, features: &Features, i: usize) -> u64 {
    features.rows.get(i).and_then(|&r| table.lines.get(r)).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::pipeline::input::demo::demo_csv;
    use crate::pipeline::input::load::parse_csv;
    use crate::pipeline::run::run_all;

    /// A trained run, kept as plain data so tests can share it.
    struct Fixture {
        csv: String,
        json: String,
        codes: Vec<f32>,
        labels: Vec<usize>,
        recon_mse: f32,
    }

    fn fixture() -> &'static Fixture {
        static FIXTURE: OnceLock<Fixture> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let csv = demo_csv(300, 5);
            let table = parse_csv(csv.as_bytes()).unwrap();
            let mapping = ColumnMapping::guess(&table.headers);
            let params = TrainParams { epochs: 2, k: 4, ..Default::default() }.check().unwrap();
            let (prepared, trained, analysis) = run_all(&table, &mapping, &params).unwrap();
            let names = (0..4).map(|i| format!("Cluster {i}")).collect();
            let file =
                ModelFile::from_run(&table.headers, &mapping, &prepared, &trained, &analysis, &params, names).unwrap();
            Fixture {
                json: file.to_json().unwrap(),
                codes: analysis.codes.clone(),
                labels: analysis.clustering.labels.clone(),
                recon_mse: analysis.recon_mse,
                csv,
            }
        })
    }

    fn edited(edit: impl FnOnce(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(&fixture().json).unwrap();
        edit(&mut v);
        v.to_string()
    }

    #[test]
    fn round_trip_gives_identical_codes_and_labels() {
        let fx = fixture();
        let file = ModelFile::from_json(&fx.json).unwrap();
        assert_eq!((file.format.as_str(), file.version, file.k, file.latent), (FORMAT, VERSION, 4, 6));
        assert_eq!(file.features.len(), 12);
        assert_eq!(file.features[5], FeatureColumn { feature: Feature::Energy, column: "Energy".into() });
        assert_eq!(file.title_column.as_deref(), Some("song"));
        assert!(file.created_by.starts_with("Songscape "));
        // Writing the loaded file again gives the same text, but for the scaler's f64s: serde_json
        // without its `float_roundtrip` feature may read a 17-digit f64 1 ULP off.
        let again = ModelFile::from_json(&file.to_json().unwrap()).unwrap();
        let original: ModelFile = serde_json::from_str(&fx.json).unwrap();
        assert_eq!(ModelFile { scaler: original.scaler.clone(), ..again.clone() }, original);
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 4e-16 * x.abs().max(1e-300));
        assert!(close(&again.scaler.mean, &original.scaler.mean) && close(&again.scaler.scale, &original.scaler.scale));

        let table = parse_csv(fx.csv.as_bytes()).unwrap();
        let applied = file.apply(&table).unwrap();
        assert_eq!(applied.codes.len(), fx.codes.len());
        // Bit for bit: same weights, same scaler (to within serde_json's last digit, which does
        // not reach the f32 inputs), same code path.
        for (a, b) in applied.codes.iter().zip(&fx.codes) {
            assert_eq!(a.to_bits(), b.to_bits(), "{a} vs {b}");
        }
        assert_eq!(applied.labels, fx.labels);
        assert!((applied.recon_mse - fx.recon_mse).abs() <= 1e-6);
        assert_eq!(applied.features.n_rows(), 300);
        assert_eq!(applied.mapping, ColumnMapping::guess(&table.headers));
    }

    #[test]
    fn further_label_columns_are_saved_by_name_and_found_again() {
        let file = ModelFile::from_json(&edited(|v| v["more_label_columns"] = serde_json::json!(["Mood"]))).unwrap();
        let mut headers: Vec<String> = fixture().csv.lines().next().unwrap().split(',').map(String::from).collect();
        headers.push("mood".into());
        let mapping = file.mapping_for(&headers).unwrap();
        assert_eq!(mapping.more_labels, vec![headers.len() - 1], "found by its name, folded");
        assert!(!fixture().json.contains("more_label_columns"), "not written when there are none");
        let four = edited(|v| v["more_label_columns"] = serde_json::json!(["a", "b", "c"]));
        assert!(ModelFile::from_json(&four).is_err(), "more than MORE_LABELS is refused");
    }

    #[test]
    fn finds_columns_under_other_names() {
        let fx = fixture();
        let file = ModelFile::from_json(&fx.json).unwrap();
        // Same data, other schema: lower case, a unit, "valence" for Positiveness, another order.
        let (header, body) = fx.csv.split_once('\n').unwrap();
        let renamed = header
            .replace("Energy", "energy")
            .replace("Positiveness", "valence")
            .replace("Loudness", "Loudness (dB)")
            .replace("song", "Track Name");
        let table = parse_csv(format!("{renamed}\n{body}").as_bytes()).unwrap();
        let applied = file.apply(&table).unwrap();
        assert_eq!(applied.mapping.features[Feature::Positiveness as usize], Some(10));
        assert_eq!(applied.mapping.title, Some(0));
        assert!(applied.codes.iter().zip(&fx.codes).all(|(a, b)| (a - b).abs() <= 1e-6));
        assert_eq!(applied.labels, fx.labels);

        // Columns moved and extra columns: found by name, not position.
        let moved = "extra,Tempo,Popularity,variance,Loudness,Explicit,Energy,Danceability,valence,Speechiness,Liveness,Acousticness,Instrumentalness\n\
                     x,120,50,1,-6,No,0.5,0.6,0.7,0.1,0.2,0.3,0.0\n";
        let applied = file.apply(&parse_csv(moved.as_bytes()).unwrap()).unwrap();
        assert_eq!(applied.mapping.features[Feature::Tempo as usize], Some(1));
        assert_eq!(applied.codes.len(), 6);
        assert!(applied.labels[0] < 4);
    }

    #[test]
    fn missing_columns_are_all_named() {
        let fx = fixture();
        let file = ModelFile::from_json(&fx.json).unwrap();
        let (header, body) = fx.csv.split_once('\n').unwrap();
        let renamed = header.replace("Energy", "Power").replace("Tempo", "Speed");
        let table = parse_csv(format!("{renamed}\n{body}").as_bytes()).unwrap();
        let err = file.apply(&table).unwrap_err();
        match &err {
            ModelFileError::MissingColumns { missing } => {
                assert_eq!(missing.len(), 2);
                assert!(missing[0].starts_with("Tempo (looked for \"Tempo\""), "{}", missing[0]);
                assert!(missing[1].starts_with("Energy (looked for \"Energy\""), "{}", missing[1]);
            }
            other => panic!("expected MissingColumns, got {other:?}"),
        }
        let message = err.to_string();
        assert!(message.starts_with("The CSV lacks the model's columns: Tempo"), "{message}");
        assert!(message.contains("Energy"), "{message}");
    }

    #[test]
    fn other_versions_get_the_version_message() {
        // A future version with different fields: the version is what is reported.
        let newer = edited(|v| {
            v["version"] = 3.into();
            v.as_object_mut().unwrap().remove("layers");
        });
        let err = ModelFile::from_json(&newer).unwrap_err();
        assert!(matches!(err, ModelFileError::Version { found: 3, supported: 2 }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "This model file was made by a newer Songscape (model format version 3); this page reads versions 1 to 2. Open it with a newer Songscape, or train a new model here."
        );
        let older = edited(|v| v["version"] = 0.into());
        assert!(ModelFile::from_json(&older).unwrap_err().to_string().contains("an older Songscape"));
    }

    #[test]
    fn a_version_1_file_is_read_and_its_architecture_named_from_its_sizes() {
        // Version 1 as it was written: no "architecture".
        let v1 = edited(|v| {
            v["version"] = 1.into();
            v.as_object_mut().unwrap().remove("architecture");
        });
        let file = ModelFile::from_json(&v1).unwrap();
        assert_eq!((file.version, file.architecture), (VERSION, Architecture::Reference));
        assert!(file.to_json().unwrap().contains("\"architecture\": \"reference\""), "written back as version 2");
        // A version 2 file whose name disagrees with its sizes is damaged.
        let lying = edited(|v| v["architecture"] = "improved".into());
        let message = ModelFile::from_json(&lying).unwrap_err().to_string();
        assert!(message.contains("it says it is the Improved autoencoder (24-unit hidden layers) but its settings give Reference autoencoder"), "{message}");
    }

    #[test]
    fn other_files_are_not_models() {
        let wrong = edited(|v| v["format"] = "keras-model".into());
        assert!(matches!(ModelFile::from_json(&wrong), Err(ModelFileError::NotAModel)));
        assert!(matches!(ModelFile::from_json("{\"a\": 1}"), Err(ModelFileError::NotAModel)));
        assert!(matches!(ModelFile::from_json("[1, 2]"), Err(ModelFileError::NotAModel)));
        let err = ModelFile::from_json(&fixture().json[..200]).unwrap_err();
        match &err {
            ModelFileError::NotJson { line, problem, .. } => {
                assert!(*line > 1);
                assert!(problem.contains("EOF"), "{problem}");
            }
            other => panic!("expected NotJson, got {other:?}"),
        }
        assert!(err.to_string().starts_with("This file is not a Songscape model: it is not valid JSON (EOF"), "{err}");
        // A CSV opened by mistake.
        assert!(matches!(ModelFile::from_json(&fixture().csv), Err(ModelFileError::NotJson { line: 1, .. })));
    }

    #[test]
    fn inconsistent_files_are_corrupt() {
        let short_weight = edited(|v| {
            v["layers"][1]["weight"].as_array_mut().unwrap().pop();
        });
        let err = ModelFile::from_json(&short_weight).unwrap_err();
        assert!(matches!(err, ModelFileError::Corrupt(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            "This model file is damaged: layer enc2 has 71 weights instead of 72. Save the model again from the run that trained it, or train a new one."
        );
        type Damage = fn(&mut Value);
        let cases: [(&str, Damage); 6] = [
            ("layer enc1 is 11→12", |v| v["layers"][0]["inputs"] = 11.into()),
            ("layer dec1 has 11 biases", |v| {
                v["layers"][2]["bias"].as_array_mut().unwrap().pop();
            }),
            ("23 centre values instead of 24", |v| {
                v["centroids"].as_array_mut().unwrap().pop();
            }),
            ("the scaler has 11 means", |v| {
                v["scaler"]["mean"].as_array_mut().unwrap().pop();
            }),
            ("include a value that is not a finite number", |v| v["layers"][3]["weight"][0] = 1e39.into()),
            ("missing field `centroids`", |v| {
                v.as_object_mut().unwrap().remove("centroids");
            }),
        ];
        for (expected, edit) in cases {
            let err = ModelFile::from_json(&edited(edit)).unwrap_err();
            assert!(matches!(err, ModelFileError::Corrupt(_)), "{expected}: {err:?}");
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }

    /// The message `from_json` gives for the fixture edited by `edit`.
    fn refusal(edit: impl FnOnce(&mut Value)) -> String {
        ModelFile::from_json(&edited(edit)).unwrap_err().to_string()
    }

    #[test]
    fn crafted_files_are_refused_naming_the_field() {
        let damaged = |what: &str| {
            format!("This model file is damaged: {what}. Save the model again from the run that trained it, or train a new one.")
        };
        // Latent size 0 with shapes that agree: burn's matmul divided by zero on it.
        let latent0 = refusal(|v| {
            v["latent"] = 0.into();
            v["params"]["latent_size"] = 0.into();
            v["centroids"] = Value::Array(Vec::new());
            v["layers"][1]["outputs"] = 0.into();
            v["layers"][1]["weight"] = Value::Array(Vec::new());
            v["layers"][1]["bias"] = Value::Array(Vec::new());
            v["layers"][2]["inputs"] = 0.into();
            v["layers"][2]["weight"] = Value::Array(Vec::new());
        });
        assert_eq!(latent0, damaged("its settings are invalid: Latent size must be between 2 and 64 (got 0): the map needs at least 2 dimensions"));
        assert!(!latent0.contains(".."), "no double full stop: {latent0}");
        assert_eq!(refusal(|v| v["latent"] = 5.into()), damaged("it has latent size 5 but its settings say 6"));
        // A finite but extreme scaler: eigh panicked on the NaN it led to.
        assert_eq!(
            refusal(|v| v["scaler"]["mean"][0] = 1e308.into()),
            damaged("the scaler's means include the value 1e308, beyond the largest allowed, ±1e9")
        );
        assert_eq!(
            refusal(|v| v["scaler"]["scale"][3] = 1e-300.into()),
            damaged("the scaler has the standard deviation 1e-300, outside the allowed 1e-12 to 1e9")
        );
        assert_eq!(
            refusal(|v| v["layers"][0]["weight"][4] = 3e38.into()),
            damaged("layer enc1's weights include the value 3e38, beyond the largest allowed, ±1e4")
        );
        assert_eq!(
            refusal(|v| v["centroids"][0] = (-1e13).into()),
            damaged("the cluster centres include the value -1e13, beyond the largest allowed, ±1e12")
        );
        assert_eq!(
            refusal(|v| v["recon_mse"] = (-1.0).into()),
            damaged("its reconstruction error is not a finite number of at least 0")
        );
        // Texts: a 50 MB name froze the page; every text has its cap.
        assert_eq!(
            refusal(|v| v["cluster_names"][2] = "x".repeat(121).into()),
            damaged("the name of cluster 2 is 121 characters long; at most 120 are allowed")
        );
        assert_eq!(
            refusal(|v| v["created_by"] = "y".repeat(201).into()),
            damaged("its \"created_by\" is 201 characters long; at most 200 are allowed")
        );
        assert_eq!(
            refusal(|v| v["features"][0]["column"] = "c".repeat(501).into()),
            damaged("the column name for variance is 501 characters long; at most 500 are allowed")
        );
        let long_layer = refusal(|v| v["layers"][0]["name"] = "n".repeat(100_000).into());
        assert!(long_layer.len() < 300, "a crafted name is not echoed whole: {} bytes", long_layer.len());
        // k beyond the settings' range.
        assert!(refusal(|v| {
            v["k"] = 101.into();
            v["params"]["k"] = 101.into();
        })
        .contains("Number of clusters k must be between 2 and 100 (got 101)"));
    }

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let fx = fixture();
        // A valid model plus a 5 MB array field (the hostile test used 250 MB).
        let mut v: Value = serde_json::from_str(&fx.json).unwrap();
        v["padding"] = Value::Array(vec![Value::from(0); 2_600_000]);
        let big = v.to_string();
        assert!(big.len() as u64 > MAX_MODEL_BYTES);
        let err = ModelFile::from_bytes(big.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "This file is 5.0 MB; a Songscape model file is at most 4 MB (the models Songscape saves are well under 1 MB), so it is not one. Choose the .json file that \"Download model\" saved."
        );
        assert!(!err.to_string().contains("columns it needs"));
        assert!(check_model_size(MAX_MODEL_BYTES).is_ok() && check_model_size(MAX_MODEL_BYTES + 1).is_err());
        assert!(fx.json.len() < 100_000, "a saved model is small: {} bytes", fx.json.len());
    }

    #[test]
    fn versions_encodings_and_bom_are_read() {
        let fx = fixture();
        let float_version = edited(|v| v["version"] = 2.0.into());
        assert!(float_version.contains("\"version\":2.0"), "the edit wrote a float");
        assert_eq!(ModelFile::from_json(&float_version).unwrap().version, 2);
        assert_eq!(
            refusal(|v| v["version"] = 1.5.into()),
            "This model file is damaged: its \"version\" is missing or not a whole number (it should be 2). Save the model again from the run that trained it, or train a new one."
        );
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), fx.json.as_bytes()].concat();
        assert!(ModelFile::from_bytes(&with_bom).is_ok(), "a UTF-8 BOM is accepted");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain(fx.json.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(ModelFile::from_bytes(&utf16).unwrap(), ModelFile::from_json(&fx.json).unwrap());
        assert_eq!(
            ModelFile::from_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\xfd").unwrap_err().to_string(),
            "This file is not text, so it is not a Songscape model. A model file is the .json file that \"Download model\" saves."
        );
    }

    #[test]
    fn a_value_too_far_from_the_model_is_named_by_line_and_column() {
        let fx = fixture();
        // The model's tempo scale made tiny: an ordinary tempo is then millions of deviations off.
        let file = ModelFile::from_json(&edited(|v| v["scaler"]["scale"][1] = 1e-5.into())).unwrap();
        let table = parse_csv(fx.csv.as_bytes()).unwrap();
        let err = file.apply(&table).unwrap_err();
        assert!(matches!(err, ModelFileError::OutOfRange { line: 2, .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.starts_with("Line 2, column Tempo: "), "{message}");
        assert!(
            message.contains("standard deviations from the average of the songs the model was trained on"),
            "{message}"
        );
    }

    #[test]
    fn other_units_are_warned_about_before_applying() {
        let fx = fixture();
        let file = ModelFile::from_json(&fx.json).unwrap();
        let table = parse_csv(fx.csv.as_bytes()).unwrap();
        let mapping = file.mapping_for(&table.headers).unwrap();
        let features = extract(&table, &mapping, file.params.missing).unwrap();
        assert_eq!(file.unit_warning(&table, &mapping, &features), None, "its own file looks right");
        // The same songs with Energy and Danceability on a 0–100 scale instead of 0–1.
        let energy = Feature::Energy as usize;
        let (e, dn) = (mapping.features[energy].unwrap(), mapping.features[Feature::Danceability as usize].unwrap());
        let mut lines: Vec<String> = Vec::new();
        for (i, line) in fx.csv.lines().enumerate() {
            if i == 0 {
                lines.push(line.to_string());
                continue;
            }
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            for c in [e, dn] {
                cells[c] = (cells[c].parse::<f32>().unwrap() * 100.0).to_string();
            }
            lines.push(cells.join(","));
        }
        let percent = parse_csv(lines.join("\n").as_bytes()).unwrap();
        let features = extract(&percent, &mapping, file.params.missing).unwrap();
        let warning = file.unit_warning(&percent, &mapping, &features).unwrap();
        assert!(
            warning
                .starts_with("This file's values look like other units than the model's: Energy (this file's median "),
            "{warning}"
        );
        assert!(warning.contains("; Danceability (this file's median "), "{warning}");
        assert!(!warning.contains("Tempo"), "{warning}");
        assert!(warning.ends_with("Check that these columns use the same scale as the file the model was trained on (for example 0–1 against 0–100), or apply anyway."), "{warning}");
    }
}
