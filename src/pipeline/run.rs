//! The stages joined up: used by the worker (which interleaves training with progress messages)
//! and by native tests and benchmarks (which run straight through).

use super::check::enough_rows;
use super::cluster::{kmeans, Clustering};
use super::columns::{extract, ColumnMapping, Features};
use super::error::PipelineError;
use super::export::{export_csv, RunColumns};
use super::load::Table;
use super::params::{Projection, ValidParams};
use super::project::project;
use super::scale::StandardScaler;
use super::summary::{summarise, ClusterSummary, RunView};
use super::train::{Trained, Trainer};

/// Usable rows, scaled, ready to train on.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub features: Features,
    pub scaler: StandardScaler,
    pub scaled: Vec<f32>,
}

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

/// What comes after training: codes, clusters, both 2D maps, cluster summaries.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub codes: Vec<f32>,
    pub latent: usize,
    pub clustering: Clustering,
    pub pca: Vec<f32>,
    pub first_two: Vec<f32>,
    pub summaries: Vec<ClusterSummary>,
    pub recon_mse: f32,
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
    let pca = project(&codes, latent, Projection::Pca);
    let first_two = project(&codes, latent, Projection::FirstTwo);
    let view =
        RunView { table, mapping, features: &prepared.features, codes: &codes, dim: latent, clustering: &clustering };
    let summaries = summarise(&view);
    let recon_mse = trained.reconstruction_mse(&prepared.scaled);
    Analysis { codes, latent, clustering, pca, first_two, summaries, recon_mse }
}

/// The same codes clustered again with another k: no retraining. The reconstruction error and
/// both projections stay; clusters and their summaries are new.
pub fn recluster(
    table: &Table,
    mapping: &ColumnMapping,
    prepared: &Prepared,
    analysis: &Analysis,
    params: &ValidParams,
) -> Result<Analysis, PipelineError> {
    let clustering = cluster(&analysis.codes, analysis.latent, params)?;
    let view = RunView {
        table,
        mapping,
        features: &prepared.features,
        codes: &analysis.codes,
        dim: analysis.latent,
        clustering: &clustering,
    };
    let summaries = summarise(&view);
    Ok(Analysis { clustering, summaries, ..analysis.clone() })
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

/// The export CSV for a finished run; `map_x`/`map_y` are the projection the user is looking at.
pub fn export(
    table: &Table,
    prepared: &Prepared,
    analysis: &Analysis,
    projection: Projection,
) -> Result<String, PipelineError> {
    let map = match projection {
        Projection::Pca => &analysis.pca,
        Projection::FirstTwo => &analysis.first_two,
    };
    let run = RunColumns {
        rows: &prepared.features.rows,
        labels: &analysis.clustering.labels,
        codes: &analysis.codes,
        dim: analysis.latent,
        map,
    };
    Ok(export_csv(table, &run)?)
}
