//! The stages joined up: used by the worker (which interleaves training with progress messages)
//! and by native tests and benchmarks (which run straight through).

use crate::pipeline::analysis::cluster::{finish, kmeans, Clustering};
use crate::pipeline::analysis::compare::{
    label_classes, pca_points, score_representation, LabelAgreement, Representation, RepresentationScore,
};
use crate::pipeline::analysis::map_quality::{CodeNeighbours, MAP_QUALITY_SEED};
use crate::pipeline::analysis::naming::cluster_names;
use crate::pipeline::analysis::project::project;
use crate::pipeline::analysis::summary::{summarise, RunView};
use crate::pipeline::analysis::Analysis;
use crate::pipeline::error::PipelineError;
use crate::pipeline::input::check::enough_rows;
use crate::pipeline::input::columns::{extract, label_value, ColumnMapping};
use crate::pipeline::input::demo::demo_csv;
use crate::pipeline::input::load::{parse_csv, Table};
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::input::scale::StandardScaler;
use crate::pipeline::model::file::LayerWeights;
use crate::pipeline::model::file::ModelFile;
use crate::pipeline::model::network::{DenseWeights, ModelConfig, LAYER_NAMES};
use crate::pipeline::model::train::{EpochLoss, TrainError, Trained, Trainer};
use crate::pipeline::output::export::{export_csv, RunColumns};
use crate::pipeline::params::TrainParams;
use crate::pipeline::params::{Projection, ValidParams};

pub fn prepare(table: &Table, mapping: &ColumnMapping, params: &ValidParams) -> Result<Prepared, PipelineError> {
    let features = extract(table, mapping, params.missing)?;
    // The page checked this mapping already, but with the k of that moment: the settings sent
    // with Train are the ones that count.
    if let Some(message) = enough_rows(&features, params.k) {
        return Err(PipelineError::NotEnoughData(message));
    }
    let scaler = StandardScaler::fit(&features.values, features.n_features());
    let scaled = scaler.transform(&features.values);
    Ok(Prepared { features, scaler, scaled })
}

pub fn encode(trained: &Trained, prepared: &Prepared) -> Vec<f32> {
    trained.encode(&prepared.scaled)
}

pub fn cluster(codes: &[f32], latent: usize, params: &ValidParams) -> Result<Clustering, PipelineError> {
    Ok(kmeans(codes, latent, params.k, params.seed)?)
}

/// Runs clustering, projection and summaries on codes the model produced.
pub fn analyse(
    table: &Table,
    mapping: &ColumnMapping,
    prepared: &Prepared,
    trained: &Trained,
    codes: Vec<f32>,
    clustering: Clustering,
) -> Analysis {
    let latent = trained.latent_size();
    let recon_mse = trained.reconstruction_mse(&prepared.scaled);
    let base = Analysis {
        points: codes.clone(),
        point_dim: latent,
        codes,
        latent,
        representation: Representation::Autoencoder,
        clustering: clustering.clone(),
        pca: Vec::new(),
        first_two: Vec::new(),
        summaries: Vec::new(),
        names: Vec::new(),
        recon_mse,
        map_quality: Vec::new(),
    };
    describe(table, mapping, prepared, base, clustering)
}

/// Maps, summaries and names for `analysis`'s points clustered as `clustering`.
fn describe(
    table: &Table,
    mapping: &ColumnMapping,
    prepared: &Prepared,
    analysis: Analysis,
    clustering: Clustering,
) -> Analysis {
    let (points, dim) = (&analysis.points, analysis.point_dim);
    let pca = project(points, dim, Projection::Pca);
    let first_two = project(points, dim, Projection::FirstTwo);
    let view = RunView {
        table,
        mapping,
        features: &prepared.features,
        scaled: &prepared.scaled,
        points,
        dim,
        clustering: &clustering,
    };
    let summaries = summarise(&view);
    let names = cluster_names(&prepared.features, &clustering.labels, &summaries);
    let neighbours = CodeNeighbours::of(points, dim, MAP_QUALITY_SEED);
    let map_quality = [(Projection::Pca, &pca), (Projection::FirstTwo, &first_two)]
        .into_iter()
        .filter_map(|(projection, map)| neighbours.preserved(map).map(|q| (projection, q)))
        .collect();
    Analysis { clustering, pca, first_two, summaries, names, map_quality, ..analysis }
}

/// The same points clustered again with another k: no retraining. The reconstruction error and
/// both projections stay; clusters, summaries and names are new.
pub fn recluster(
    table: &Table,
    mapping: &ColumnMapping,
    prepared: &Prepared,
    analysis: &Analysis,
    params: &ValidParams,
) -> Result<Analysis, PipelineError> {
    let clustering = cluster(&analysis.points, analysis.point_dim, params)?;
    let view = RunView {
        table,
        mapping,
        features: &prepared.features,
        scaled: &prepared.scaled,
        points: &analysis.points,
        dim: analysis.point_dim,
        clustering: &clustering,
    };
    let summaries = summarise(&view);
    let names = cluster_names(&prepared.features, &clustering.labels, &summaries);
    Ok(Analysis { clustering, summaries, names, ..analysis.clone() })
}

/// The rows in `representation`, its width, and its reconstruction error where it has one.
/// PCA keeps as many components as the autoencoder has latent dimensions, for a fair match.
pub fn represent(
    prepared: &Prepared,
    analysis: &Analysis,
    representation: Representation,
) -> (Vec<f32>, usize, Option<f32>) {
    let d = prepared.features.n_features();
    match representation {
        Representation::Autoencoder => (analysis.codes.clone(), analysis.latent, Some(analysis.recon_mse)),
        Representation::Pca => {
            let p = pca_points(&prepared.scaled, d, analysis.latent);
            (p.points, p.dim, Some(p.recon_mse))
        }
        Representation::Scaled => (prepared.scaled.clone(), d, None),
    }
}

/// The run clustered, mapped and summarised on another representation (no retraining).
pub fn use_representation(
    table: &Table,
    mapping: &ColumnMapping,
    prepared: &Prepared,
    analysis: &Analysis,
    representation: Representation,
    params: &ValidParams,
) -> Result<Analysis, PipelineError> {
    let (points, point_dim, _) = represent(prepared, analysis, representation);
    let clustering = cluster(&points, point_dim, params)?;
    let moved = Analysis { points, point_dim, representation, ..analysis.clone() };
    Ok(describe(table, mapping, prepared, moved, clustering))
}

/// The label column (genre, emotion…) as ids per usable row, when one is mapped.
pub fn label_ids(table: &Table, mapping: &ColumnMapping, prepared: &Prepared) -> Option<Vec<usize>> {
    Some(column_label_ids(table, mapping.label?, prepared))
}

/// One label column's ids per usable row.
fn column_label_ids(table: &Table, column: usize, prepared: &Prepared) -> Vec<usize> {
    let texts: Vec<&str> = prepared.features.rows.iter().map(|&r| label_value(table.cell(r, column))).collect();
    label_classes(&texts).0
}

/// One representation scored with the run's k: silhouette, and against the label column (when
/// one is mapped) ARI, NMI and the label share of the 10 nearest neighbours.
pub fn score_one(
    table: &Table,
    mapping: &ColumnMapping,
    prepared: &Prepared,
    analysis: &Analysis,
    params: &ValidParams,
    representation: Representation,
) -> Result<RepresentationScore, PipelineError> {
    let (points, dim, recon) = represent(prepared, analysis, representation);
    let labels = label_ids(table, mapping, prepared);
    let (mut score, clusters) =
        score_representation(representation, &points, dim, recon, params.k, params.seed, labels.as_deref())?;
    score.more_labels = (mapping.other_labels().into_iter())
        .filter_map(|c| LabelAgreement::of(&points, dim, &clusters, &column_label_ids(table, c, prepared), params.seed))
        .collect();
    Ok(score)
}

/// A saved model applied to a table: everything a trained run has, without training.
pub struct FromModel {
    pub mapping: ColumnMapping,
    pub params: ValidParams,
    pub prepared: Prepared,
    pub trained: Trained,
    pub analysis: Analysis,
}

/// Maps the table's columns by the model's names, scales with the model's scaler, encodes, and
/// puts each song in the saved cluster whose centre is nearest: the clusters keep their meaning
/// (and names) from the file the model was trained on.
pub fn apply_model(table: &Table, file: &ModelFile) -> Result<FromModel, PipelineError> {
    let applied = file.apply(table)?;
    let params = file.params.check()?;
    let trained = file.trained()?;
    let clustering = finish(&applied.codes, file.latent, file.k, applied.labels, file.centroids.clone());
    let prepared = Prepared { features: applied.features, scaler: file.scaler.clone(), scaled: applied.scaled };
    let analysis = analyse(table, &applied.mapping, &prepared, &trained, applied.codes, clustering);
    Ok(FromModel { mapping: applied.mapping, params, prepared, trained, analysis })
}

/// The whole pipeline without interruption: prepare, train, encode, cluster, analyse.
pub fn run_all(
    table: &Table,
    mapping: &ColumnMapping,
    params: &ValidParams,
) -> Result<(Prepared, Trained, Analysis), PipelineError> {
    let prepared = prepare(table, mapping, params)?;
    let trained = Trainer::new(&prepared.scaled, prepared.features.n_features(), params)?.run_to_end()?;
    let codes = encode(&trained, &prepared);
    let clustering = cluster(&codes, trained.latent_size(), params)?;
    let analysis = analyse(table, mapping, &prepared, &trained, codes, clustering);
    Ok((prepared, trained, analysis))
}

/// The whole pipeline once, on `rows` demo songs and one epoch, for nothing but its side effect:
/// browsers compile a wasm function in full only after it has run a while, so the first real file
/// ran partly on quickly compiled code (at 39k songs, epoch 1 took 105-133 ms and epochs 2-3
/// 53-77 ms, against 22-40 ms for later ones). The worker runs this while it waits for a file.
pub fn rehearse(rows: usize) -> Result<usize, PipelineError> {
    let table = parse_csv(demo_csv(rows, 1).as_bytes())?;
    let mapping = ColumnMapping::guess(&table.headers);
    let params = TrainParams { epochs: 1, ..TrainParams::default() }.check()?;
    let (_, _, analysis) = run_all(&table, &mapping, &params)?;
    Ok(analysis.clustering.labels.len())
}

/// The export CSV for a finished run; `map` is the projection the user is looking at
/// (`[x, y]` per row) and `names` the clusters' names.
pub fn export(
    table: &Table,
    prepared: &Prepared,
    analysis: &Analysis,
    map: &[f32],
    names: &[String],
) -> Result<String, PipelineError> {
    let run = RunColumns {
        rows: &prepared.features.rows,
        labels: &analysis.clustering.labels,
        codes: &analysis.codes,
        dim: analysis.latent,
        map,
        names,
    };
    Ok(export_csv(table, &run)?)
}

/// What a page keeps of the run it shows, so a restarted worker can hold that run again (the
/// per-song labels and any t-SNE map are the page's already and travel beside it). Everything
/// else is recomputed by the same code from the same inputs, so exports come out byte for byte
/// as before.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct RunSnapshot {
    pub mapping: ColumnMapping,
    /// The settings of the clustering shown (`k` after any re-clustering).
    pub params: TrainParams,
    pub scaler: StandardScaler,
    /// enc1, enc2, dec1, dec2.
    pub layers: Vec<LayerWeights>,
    pub representation: Representation,
    /// `k × point_dim` of the representation clustered.
    pub centroids: Vec<f32>,
    pub history: Vec<EpochLoss>,
    pub model_file: Option<String>,
    pub saved_names: Vec<String>,
}

impl RunSnapshot {
    pub fn of(
        mapping: &ColumnMapping,
        params: &ValidParams,
        prepared: &Prepared,
        trained: &Trained,
        analysis: &Analysis,
        history: &[EpochLoss],
        model_file: Option<String>,
        saved_names: &[String],
    ) -> Result<RunSnapshot, TrainError> {
        let layers = trained
            .weights()?
            .into_iter()
            .zip(LAYER_NAMES)
            .map(|(w, name)| LayerWeights {
                name: name.into(),
                inputs: w.inputs,
                outputs: w.outputs,
                weight: w.weight,
                bias: w.bias,
            })
            .collect();
        Ok(RunSnapshot {
            mapping: mapping.clone(),
            params: (**params).clone(),
            scaler: prepared.scaler.clone(),
            layers,
            representation: analysis.representation,
            centroids: analysis.clustering.centroids.clone(),
            history: history.to_vec(),
            model_file,
            saved_names: saved_names.to_vec(),
        })
    }
}

/// A run put back together from its snapshot and the page's labels, on the same table.
pub struct Restored {
    pub params: ValidParams,
    pub prepared: Prepared,
    pub trained: Trained,
    pub analysis: Analysis,
}

/// Rebuilds the run `snapshot` describes: the rows the mapping reads, scaled by the saved scaler,
/// encoded by the saved weights, clustered as `labels` say. Every size is checked, since the
/// snapshot comes back from the page.
pub fn restore(table: &Table, snapshot: &RunSnapshot, labels: &[u16]) -> Result<Restored, PipelineError> {
    let bad = PipelineError::Restore;
    let params = snapshot.params.check()?;
    let features = extract(table, &snapshot.mapping, params.missing)?;
    let d = features.n_features();
    if snapshot.scaler.mean.len() != d || snapshot.scaler.scale.len() != d {
        return Err(bad(format!("the saved scaler does not have {d} columns")));
    }
    if labels.len() != features.n_rows() || labels.iter().any(|&l| usize::from(l) >= params.k) {
        return Err(bad(format!(
            "the saved labels do not fit the {} songs and {} clusters",
            features.n_rows(),
            params.k
        )));
    }
    let config = ModelConfig { inputs: d, hidden: params.hidden_size, latent: params.latent_size };
    let layers = restored_layers(&snapshot.layers, &config)
        .ok_or_else(|| bad("the saved weights do not fit the model".into()))?;
    let scaled = snapshot.scaler.transform(&features.values);
    let prepared = Prepared { features, scaler: snapshot.scaler.clone(), scaled };
    let trained = Trained::from_weights(config, &layers);
    let codes = encode(&trained, &prepared);
    let recon_mse = trained.reconstruction_mse(&prepared.scaled);
    let unclustered = Clustering { labels: Vec::new(), centroids: Vec::new(), sizes: Vec::new(), inertia: 0.0 };
    let base = Analysis {
        points: Vec::new(),
        point_dim: 0,
        codes,
        latent: config.latent,
        representation: snapshot.representation,
        clustering: unclustered.clone(),
        pca: Vec::new(),
        first_two: Vec::new(),
        summaries: Vec::new(),
        names: Vec::new(),
        recon_mse,
        map_quality: Vec::new(),
    };
    let (points, point_dim, _) = represent(&prepared, &base, snapshot.representation);
    if snapshot.centroids.len() != params.k * point_dim {
        return Err(bad("the saved cluster centres do not fit the clusters".into()));
    }
    crate::pipeline::analysis::cluster::check_points(&points, point_dim)?;
    let labels = labels.iter().map(|&l| usize::from(l)).collect();
    let clustering = finish(&points, point_dim, params.k, labels, snapshot.centroids.clone());
    let moved = Analysis { points, point_dim, ..base };
    let analysis = describe(table, &snapshot.mapping, &prepared, moved, clustering);
    Ok(Restored { params, prepared, trained, analysis })
}

/// The four layers, if each has the shape `config` needs.
fn restored_layers(layers: &[LayerWeights], config: &ModelConfig) -> Option<[DenseWeights; 4]> {
    let shapes = config.layer_shapes();
    if layers.len() != 4 {
        return None;
    }
    let dense: Vec<DenseWeights> = layers
        .iter()
        .zip(shapes)
        .map(|(l, (i, o))| {
            let fits = l.inputs == i && l.outputs == o && l.weight.len() == i * o && l.bias.len() == o;
            let finite = l.weight.iter().chain(&l.bias).all(|v| v.is_finite());
            (fits && finite).then(|| DenseWeights {
                inputs: i,
                outputs: o,
                weight: l.weight.clone(),
                bias: l.bias.clone(),
            })
        })
        .collect::<Option<_>>()?;
    dense.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rehearsal_runs_every_stage_on_the_demo_songs() {
        assert_eq!(rehearse(500).unwrap(), 500);
    }
}
