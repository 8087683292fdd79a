//! What `bench_quality` and `bench_models` share: the labelled files, their labels as ids, and
//! the label share of a song's nearest other artists' songs. Each example uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;

use songscape::pipeline::explore::recommend::{nearest_where, Metric};
use songscape::pipeline::input::columns::{fold, label_value, ColumnMapping};
use songscape::pipeline::input::load::{parse_csv, Table};
use songscape::pipeline::input::song_identity::first_artist;

/// A labelled file, parsed, with its guessed mapping and the label columns to score against.
pub struct Labelled {
    pub name: String,
    pub table: Table,
    pub mapping: ColumnMapping,
    pub label_columns: Vec<usize>,
}

/// The light subset (Genre and emotion; skipped with a line saying so without ../shared), then
/// `extra` in-memory files, then every CSV named on the command line (its guessed label column).
pub fn files(
    tool: &str,
    extra: Vec<(String, Vec<u8>, Vec<&str>)>,
) -> Result<Vec<Labelled>, Box<dyn std::error::Error>> {
    let light = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/light_spotify_subset.csv");
    let mut raw: Vec<(String, Vec<u8>, Vec<&str>)> = Vec::new();
    match std::fs::read(light) {
        Ok(bytes) => raw.push(("light_spotify_subset".into(), bytes, vec!["Genre", "emotion"])),
        Err(e) => eprintln!("[{tool}] skipped the light subset ({light}: {e})"),
    }
    raw.extend(extra);
    for path in std::env::args().skip(1) {
        let name = std::path::Path::new(&path).file_stem().map_or(path.clone(), |s| s.to_string_lossy().into());
        raw.push((name, std::fs::read(&path)?, Vec::new()));
    }
    raw.into_iter()
        .map(|(name, bytes, labels)| {
            let table = parse_csv(&bytes)?;
            let mapping = ColumnMapping::guess(&table.headers);
            let label_columns = if labels.is_empty() {
                mapping.label.into_iter().collect()
            } else {
                labels.iter().filter_map(|l| table.headers.iter().position(|h| fold(h) == fold(l))).collect()
            };
            Ok(Labelled { name, table, mapping, label_columns })
        })
        .collect()
}

impl Labelled {
    /// Each of `rows`' first artist, folded ("" without an artist column).
    pub fn artists(&self, rows: &[usize]) -> Vec<String> {
        rows.iter()
            .map(|&r| self.mapping.artist.map_or(String::new(), |c| first_artist(self.table.cell(r, c))))
            .collect()
    }

    /// Label ids of `rows` in `column` (a list of tags as its first; empty and "Unknown" are no
    /// label) and the chance share Σ p².
    pub fn labels(&self, rows: &[usize], column: usize) -> (Vec<Option<usize>>, f64) {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let labels: Vec<Option<usize>> = rows
            .iter()
            .map(|&r| {
                let t = label_value(self.table.cell(r, column)).to_lowercase();
                if t.is_empty() || t == "unknown" {
                    return None;
                }
                let next = ids.len();
                Some(*ids.entry(t).or_insert(next))
            })
            .collect();
        let mut counts = vec![0usize; ids.len()];
        labels.iter().flatten().for_each(|&l| counts[l] += 1);
        let total: usize = counts.iter().sum();
        (labels, counts.iter().map(|&c| (c as f64 / total.max(1) as f64).powi(2)).sum())
    }
}

/// The share of `row`'s `k` nearest songs that carry its label, `other_artists` leaving its own
/// artist's songs out of the search; `None` for a song without a label.
pub fn share_of(
    points: &[f32],
    dim: usize,
    metric: Metric,
    row: usize,
    labels: &[Option<usize>],
    artists: &[String],
    other_artists: bool,
) -> Option<f64> {
    let own = labels[row]?;
    let keep = |r: usize| !other_artists || artists[r].is_empty() || artists[r] != artists[row];
    let near = nearest_where(points, dim, row, 10, metric, keep);
    Some(near.iter().filter(|nb| labels[nb.row] == Some(own)).count() as f64 / near.len().max(1) as f64)
}

pub fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
