//! How good are the similar songs? `make bench-quality` (or `cargo run --release --example
//! bench_quality [-- CSV…]`) trains with the default settings on each labelled file and prints
//! one JSON line per file × label × representation × rule:
//!
//! - `share`: the mean share of a song's 10 nearest songs that carry its label;
//! - `share_other_artists`: the same with the song's own artist's songs left out of the search
//!   (the fair number: a file grouped by artist makes "same artist" an easy "same genre");
//! - `repeats`: the share of list entries that repeat the chosen song or an earlier entry
//!   (`song_identity`); the page folds these out, the numbers here are before folding;
//! - `chance`: the share a random list would have, Σ p(label)²;
//! - `ms_per_query_1m`: one exact search over 1,000,000 random rows of that width.
//!
//! The files: ../shared/data/light_spotify_subset.csv (Genre and emotion; skipped, with a line
//! saying so, when ../shared is not there), the demo (its genres), and any CSV named on the
//! command line (its guessed label column).

use std::collections::HashMap;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::json;
use songscape::pipeline::analysis::compare::{knn_rows, Representation};
use songscape::pipeline::explore::recommend::{nearest_where, Metric};
use songscape::pipeline::input::columns::{fold, label_value, ColumnMapping};
use songscape::pipeline::input::demo::demo_csv;
use songscape::pipeline::input::load::{parse_csv, Table};
use songscape::pipeline::input::song_identity::{first_artist, identities};
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{represent, run_all};

const K: usize = 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let light = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/light_spotify_subset.csv");
    let mut files: Vec<(String, Vec<u8>, Vec<&str>)> = Vec::new();
    match std::fs::read(light) {
        Ok(bytes) => files.push(("light_spotify_subset".into(), bytes, vec!["Genre", "emotion"])),
        Err(e) => eprintln!("[bench-quality] skipped the light subset ({light}: {e})"),
    }
    files.push(("demo_3000".into(), demo_csv(3000, 1).into_bytes(), vec!["genre"]));
    for path in std::env::args().skip(1) {
        let name = std::path::Path::new(&path).file_stem().map_or(path.clone(), |s| s.to_string_lossy().into());
        files.push((name, std::fs::read(&path)?, Vec::new()));
    }
    let mut timings = Timings::default();
    for (name, bytes, labels) in files {
        let table = parse_csv(&bytes)?;
        let mapping = ColumnMapping::guess(&table.headers);
        let labels: Vec<usize> = if labels.is_empty() {
            mapping.label.into_iter().collect()
        } else {
            labels.iter().filter_map(|l| table.headers.iter().position(|h| fold(h) == fold(l))).collect()
        };
        score_file(&name, &table, &mapping, &labels, &mut timings)?;
    }
    Ok(())
}

/// Milliseconds per exact query over 1M random rows of width `dim` by `metric`, measured once
/// per width and rule.
#[derive(Default)]
struct Timings(HashMap<(usize, Metric), f64>);

impl Timings {
    fn ms(&mut self, dim: usize, metric: Metric) -> f64 {
        *self.0.entry((dim, metric)).or_insert_with(|| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
            let points: Vec<f32> = (0..1_000_000 * dim).map(|_| rng.gen_range(-2.0..2.0)).collect();
            let queries = 20;
            let start = Instant::now();
            for q in 0..queries {
                std::hint::black_box(nearest_where(&points, dim, q * 997, K, metric, |_| true));
            }
            start.elapsed().as_secs_f64() * 1000.0 / queries as f64
        })
    }
}

fn score_file(
    name: &str,
    table: &Table,
    mapping: &ColumnMapping,
    label_columns: &[usize],
    timings: &mut Timings,
) -> Result<(), Box<dyn std::error::Error>> {
    let params = TrainParams::default().check()?;
    let (prepared, _trained, analysis) = run_all(table, mapping, &params)?;
    let rows = &prepared.features.rows;
    let songs = identities(table, mapping, rows);
    let artists: Vec<String> =
        rows.iter().map(|&r| mapping.artist.map_or(String::new(), |c| first_artist(table.cell(r, c)))).collect();
    let sample = knn_rows(rows.len(), params.seed);
    for &column in label_columns {
        let texts: Vec<&str> = rows.iter().map(|&r| label_value(table.cell(r, column))).collect();
        let (labels, chance) = label_ids(&texts);
        for representation in Representation::ALL {
            let (points, dim, _) = represent(&prepared, &analysis, representation);
            for metric in Metric::ALL {
                let score = Score::measure(&points, dim, metric, &sample, &labels, &songs, &artists);
                println!(
                    "{}",
                    json!({
                        "file": name, "label": table.headers[column], "songs": rows.len(),
                        "representation": format!("{representation:?}"), "dims": dim, "rule": metric.key(),
                        "share": round(score.share), "share_other_artists": round(score.other_artists),
                        "repeats": round(score.repeats), "chance": round(chance),
                        "ms_per_query_1m": round(timings.ms(dim, metric)),
                    })
                );
            }
        }
    }
    Ok(())
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Ids per row (an empty or "Unknown" label is none) and the chance share Σ p².
fn label_ids(texts: &[&str]) -> (Vec<Option<usize>>, f64) {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let labels: Vec<Option<usize>> = texts
        .iter()
        .map(|t| {
            let t = t.to_lowercase();
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
    let chance = counts.iter().map(|&c| (c as f64 / total.max(1) as f64).powi(2)).sum();
    (labels, chance)
}

struct Score {
    share: f64,
    other_artists: f64,
    repeats: f64,
}

impl Score {
    fn measure(
        points: &[f32],
        dim: usize,
        metric: Metric,
        sample: &[usize],
        labels: &[Option<usize>],
        songs: &[u32],
        artists: &[String],
    ) -> Score {
        let (mut share, mut other, mut repeats, mut counted) = (0.0, 0.0, 0.0, 0usize);
        for &row in sample {
            let Some(own) = labels[row] else { continue };
            let all = nearest_where(points, dim, row, K, metric, |_| true);
            let apart = nearest_where(points, dim, row, K, metric, |r| artists[r].is_empty() || artists[r] != artists[row]);
            let same = |list: &[songscape::pipeline::explore::recommend::Neighbour]| {
                list.iter().filter(|nb| labels[nb.row] == Some(own)).count() as f64 / list.len().max(1) as f64
            };
            let mut seen = std::collections::HashSet::from([songs[row]]);
            let repeated = all.iter().filter(|nb| !seen.insert(songs[nb.row])).count();
            share += same(&all);
            other += same(&apart);
            repeats += repeated as f64 / all.len().max(1) as f64;
            counted += 1;
        }
        let n = counted.max(1) as f64;
        Score { share: share / n, other_artists: other / n, repeats: repeats / n }
    }
}
