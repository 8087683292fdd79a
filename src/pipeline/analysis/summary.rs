//! Per-cluster summaries for the cluster table: size, feature means in original units, and the
//! songs closest to each centre as examples.

use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::cluster::{squared_distance, Clustering};
use crate::pipeline::input::columns::{label_value, ColumnMapping, Features};
use crate::pipeline::input::load::Table;
use crate::pipeline::input::song_name::{song_label, title_and_artist};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub id: usize,
    pub size: usize,
    /// Mean of each mapped feature (same order as `Features::features`), original units.
    pub means: Vec<f32>,
    /// Mean z-score of each mapped feature: the cluster's profile against the whole file.
    pub zmeans: Vec<f32>,
    /// "Title — Artist" of the songs nearest the centre, nearest first.
    pub examples: Vec<String>,
    /// The most common value of the label column (e.g. genre) and its share of the cluster.
    pub top_label: Option<(String, f32)>,
    /// The label column's most common values and their shares, then "other" for the rest.
    pub label_mix: Vec<(String, f32)>,
    /// The same for each further label column (`ColumnMapping::other_labels`), in its order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_label_mixes: Vec<Vec<(String, f32)>>,
}

const EXAMPLES: usize = 10;
/// Label values listed by name in a cluster's make-up.
const LABEL_MIX: usize = 6;

/// Everything a summary is computed from.
pub struct RunView<'a> {
    pub table: &'a Table,
    pub mapping: &'a ColumnMapping,
    pub features: &'a Features,
    /// The features as z-scores, `rows × features`.
    pub scaled: &'a [f32],
    /// `rows × dim`: the points of the representation clustered (the codes, or another).
    pub points: &'a [f32],
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
    let zmeans = column_means(run.scaled, d, &members);
    let centre = &run.clustering.centroids[c * dim..(c + 1) * dim];
    let mut by_distance: Vec<(f64, usize)> =
        members.iter().map(|&i| (squared_distance(&run.points[i * dim..(i + 1) * dim], centre), i)).collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
    let examples =
        by_distance.iter().take(EXAMPLES).map(|&(_, i)| song_name(run.table, run.mapping, features.rows[i])).collect();
    let mix_of = |col: usize| label_mix(run.table, col, members.iter().map(|&i| features.rows[i]));
    let first_mix = run.mapping.label.map(mix_of).unwrap_or_default();
    let top_label = first_mix.first().filter(|(v, _)| v != OTHER).cloned();
    let more_label_mixes = run.mapping.other_labels().into_iter().map(mix_of).collect();
    ClusterSummary { id: c, size, means, zmeans, examples, top_label, label_mix: first_mix, more_label_mixes }
}

fn column_means(values: &[f32], d: usize, members: &[usize]) -> Vec<f32> {
    let mut sums = vec![0.0f64; d];
    for &i in members {
        for (m, v) in sums.iter_mut().zip(values.get(i * d..(i + 1) * d).unwrap_or(&[])) {
            *m += f64::from(*v);
        }
    }
    sums.iter().map(|m| (m / members.len().max(1) as f64) as f32).collect()
}

/// Each distinct value with its count, most common first; ties by value, so the same file always
/// reads (and is coloured) the same.
pub fn ranked_values<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
}

/// The name of the share of a cluster outside its most common labels.
pub const OTHER: &str = "(other)";

/// The song of the file's row `row` as every list names it.
fn song_name(table: &Table, mapping: &ColumnMapping, row: usize) -> String {
    let (title, artist) = title_and_artist(table, mapping.title, mapping.artist, row);
    song_label(&title, artist)
}

/// The most common values of `col` among `rows` with their shares, most common first (ties by
/// value, so the same file always reads the same), then "(other)" for the rest.
fn label_mix(table: &Table, col: usize, rows: impl Iterator<Item = usize>) -> Vec<(String, f32)> {
    let cells: Vec<&str> = rows.map(|r| label_value(table.cell(r, col))).collect();
    let total = cells.len();
    let ranked = ranked_values(cells);
    let share = |count: usize| count as f32 / total.max(1) as f32;
    let mut mix: Vec<(String, f32)> = ranked.iter().take(LABEL_MIX).map(|(v, c)| (v.to_string(), share(*c))).collect();
    let rest: usize = ranked.iter().skip(LABEL_MIX).map(|(_, c)| c).sum();
    if rest > 0 {
        mix.push((OTHER.to_string(), share(rest)));
    }
    mix
}
