//! Reusable models: everything needed to embed and cluster another CSV without retraining, in one
//! JSON file (column names, scaler, weights, settings, cluster centres, a format version).
//!
//! Plain JSON rather than burn's recorders: readable, deterministic, and independent of burn's
//! own record format, which changes between burn versions. f32 weights round-trip exactly through
//! serde_json (shortest representation out, correctly rounded in).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::cluster::squared_distance;
use super::columns::{extract, fold, ColumnMapping, Feature, Features, MappingError, Slot};
use super::load::Table;
use super::model::{DenseWeights, ModelConfig, LAYER_NAMES};
use super::params::TrainParams;
use super::run::{Analysis, Prepared};
use super::scale::StandardScaler;
use super::train::{TrainError, Trained};

pub const FORMAT: &str = "songscape-model";
pub const VERSION: u32 = 1;

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
    /// Fitted on the training data; applied unchanged to every later CSV.
    pub scaler: StandardScaler,
    /// The settings the model was trained with; `params.k` is the `k` of the saved clustering.
    pub params: TrainParams,
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
}

fn version_message(found: u64, supported: u32) -> String {
    let (age, advice) = if found > u64::from(supported) {
        ("a newer", "Open it with a newer Songscape, or train a new model here.")
    } else {
        ("an older", "Train a new model here.")
    };
    format!(
        "This model file was made by {age} Songscape (model format version {found}); this page reads version {supported}. {advice}"
    )
}

fn corrupt(what: impl Into<String>) -> ModelFileError {
    ModelFileError::Corrupt(what.into())
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
        let file = ModelFile {
            format: FORMAT.to_string(),
            version: VERSION,
            created_by: format!("Songscape {}", env!("CARGO_PKG_VERSION")),
            features,
            title_column: column_name(headers, mapping.title)?,
            artist_column: column_name(headers, mapping.artist)?,
            label_column: column_name(headers, mapping.label)?,
            scaler: prepared.scaler.clone(),
            params: TrainParams { k, ..params.clone() },
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
        let found = value
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| corrupt("its \"version\" is missing or not a whole number"))?;
        if found != u64::from(VERSION) {
            return Err(ModelFileError::Version { found, supported: VERSION });
        }
        let file: ModelFile = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
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
        let scaler_ok = self.scaler.mean.iter().all(|m| m.is_finite())
            && self.scaler.scale.iter().all(|s| s.is_finite() && *s > 0.0);
        if !scaler_ok {
            return Err(corrupt(
                "the scaler has a value that is not a finite number (or a scale that is not positive)",
            ));
        }
        self.params.check().map_err(|e| corrupt(format!("its settings are invalid: {e}")))?;
        let config = self.config();
        let expected = [
            (config.inputs, config.hidden),
            (config.hidden, config.latent),
            (config.latent, config.hidden),
            (config.hidden, config.inputs),
        ];
        if self.layers.len() != expected.len() {
            return Err(corrupt(format!("it has {} layers instead of {}", self.layers.len(), expected.len())));
        }
        for ((layer, name), (inputs, outputs)) in self.layers.iter().zip(LAYER_NAMES).zip(expected) {
            if layer.name != name {
                return Err(corrupt(format!("layer \"{}\" is where \"{name}\" should be", layer.name)));
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
            if !layer.weight.iter().chain(&layer.bias).all(|v| v.is_finite()) {
                return Err(corrupt(format!("layer {name} has a value that is not a finite number")));
            }
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
        if !self.centroids.iter().all(|v| v.is_finite()) {
            return Err(corrupt("a cluster centre has a value that is not a finite number"));
        }
        if !self.cluster_names.is_empty() && self.cluster_names.len() != self.k {
            return Err(corrupt(format!("it names {} clusters but has {}", self.cluster_names.len(), self.k)));
        }
        if !self.recon_mse.is_finite() {
            return Err(corrupt("its reconstruction error is not a finite number"));
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
        let scaled = self.scaler.transform(&features.values);
        let codes = trained.encode(&scaled);
        let latent = self.latent;
        if codes.len() != features.n_rows() * latent {
            return Err(ModelFileError::Encode(format!(
                "expected {} code values, got {}",
                features.n_rows() * latent,
                codes.len()
            )));
        }
        let labels = codes.chunks_exact(latent).map(|row| self.nearest_centre(row)).collect();
        let recon_mse = trained.reconstruction_mse(&scaled);
        Ok(Applied { mapping, features, scaled, codes, labels, recon_mse })
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

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::pipeline::demo::demo_csv;
    use crate::pipeline::load::parse_csv;
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
            v["version"] = 2.into();
            v.as_object_mut().unwrap().remove("layers");
        });
        let err = ModelFile::from_json(&newer).unwrap_err();
        assert!(matches!(err, ModelFileError::Version { found: 2, supported: 1 }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "This model file was made by a newer Songscape (model format version 2); this page reads version 1. Open it with a newer Songscape, or train a new model here."
        );
        let older = edited(|v| v["version"] = 0.into());
        assert!(ModelFile::from_json(&older).unwrap_err().to_string().contains("an older Songscape"));
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
            ("not a finite number", |v| v["layers"][3]["weight"][0] = 1e39.into()),
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
}
