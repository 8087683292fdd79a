//! Per-cluster summaries for the cluster table: size, feature means in original units, and the
//! songs closest to each centre as examples.

use serde::{Deserialize, Serialize};

use super::cluster::{squared_distance, Clustering};
use super::columns::{ColumnMapping, Features};
use super::load::Table;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub id: usize,
    pub size: usize,
    /// Mean of each mapped feature (same order as `Features::features`), original units.
    pub means: Vec<f32>,
    /// "Title — Artist" of the songs nearest the centre.
    pub examples: Vec<String>,
    /// The most common value of the label column (e.g. genre) and its share of the cluster.
    pub top_label: Option<(String, f32)>,
}

const EXAMPLES: usize = 3;

/// Everything a summary is computed from.
pub struct RunView<'a> {
    pub table: &'a Table,
    pub mapping: &'a ColumnMapping,
    pub features: &'a Features,
    /// `rows × dim` latent codes.
    pub codes: &'a [f32],
    pub dim: usize,
    pub clustering: &'a Clustering,
}

pub fn summarise(run: &RunView) -> Vec<ClusterSummary> {
    (0..run.clustering.sizes.len()).map(|c| summarise_one(run, c)).collect()
}

fn summarise_one(run: &RunView, c: usize) -> ClusterSummary {
    let (features, dim) = (run.features, run.dim);
    let d = features.n_features();
    let members: Vec<usize> = (0..features.n_rows()).filter(|&i| run.clustering.labels.get(i) == Some(&c)).collect();
    let mut means = vec![0.0f64; d];
    for &i in &members {
        for (m, v) in means.iter_mut().zip(&features.values[i * d..(i + 1) * d]) {
            *m += f64::from(*v);
        }
    }
    let size = members.len();
    let means = means.iter().map(|m| (m / size.max(1) as f64) as f32).collect();
    let centre = &run.clustering.centroids[c * dim..(c + 1) * dim];
    let mut by_distance: Vec<(f64, usize)> =
        members.iter().map(|&i| (squared_distance(&run.codes[i * dim..(i + 1) * dim], centre), i)).collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
    let examples =
        by_distance.iter().take(EXAMPLES).map(|&(_, i)| song_name(run.table, run.mapping, features.rows[i])).collect();
    let top_label =
        run.mapping.label.and_then(|col| top_value(run.table, col, members.iter().map(|&i| features.rows[i])));
    ClusterSummary { id: c, size, means, examples, top_label }
}

/// "Title — Artist", or what of it the file has, or the line number.
pub fn song_name(table: &Table, mapping: &ColumnMapping, row: usize) -> String {
    let title = mapping.title.map(|c| table.cell(row, c).trim()).filter(|s| !s.is_empty());
    let artist = mapping.artist.map(|c| table.cell(row, c).trim()).filter(|s| !s.is_empty());
    match (title, artist) {
        (Some(t), Some(a)) => format!("{t} — {a}"),
        (Some(t), None) => t.to_string(),
        (None, Some(a)) => format!("(untitled) — {a}"),
        (None, None) => format!("Line {}", table.lines.get(row).copied().unwrap_or(0)),
    }
}

fn top_value(table: &Table, col: usize, rows: impl Iterator<Item = usize>) -> Option<(String, f32)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut total = 0usize;
    for r in rows {
        *counts.entry(table.cell(r, col).trim()).or_default() += 1;
        total += 1;
    }
    let (value, count) = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))?;
    Some((value.to_string(), count as f32 / total.max(1) as f32))
}
