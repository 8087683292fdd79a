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
//! - `ms_per_query_1m`: one exact search over 1,000,000 random rows of that width;
//!
//! and one line per file with each map's share of kept neighbours (`analysis::map_quality`).
//!
//! The files: ../shared/data/light_spotify_subset.csv (Genre and emotion; skipped, with a line
//! saying so, when ../shared is not there), the demo (its genres), and any CSV named on the
//! command line (its guessed label column).

mod labelled;

use std::collections::HashMap;
use std::time::Instant;

use labelled::{files, round, share_of, Labelled};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::json;
use songscape::pipeline::analysis::compare::{knn_rows, Representation};
use songscape::pipeline::analysis::map_quality::map_quality;
use songscape::pipeline::analysis::tsne::{Tsne, TsneOptions};
use songscape::pipeline::analysis::umap::{Umap, UmapOptions};
use songscape::pipeline::analysis::Analysis;
use songscape::pipeline::explore::recommend::{nearest_where, Metric};
use songscape::pipeline::input::demo::demo_csv;
use songscape::pipeline::input::song_identity::identities;
use songscape::pipeline::params::Projection;
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{represent, run_all};

const K: usize = 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let demo = vec![("demo_3000".to_string(), demo_csv(3000, 1).into_bytes(), vec!["genre"])];
    let mut timings = Timings::default();
    for file in files("bench-quality", demo)? {
        score_file(&file, &mut timings)?;
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

fn score_file(file: &Labelled, timings: &mut Timings) -> Result<(), Box<dyn std::error::Error>> {
    let (table, mapping) = (&file.table, &file.mapping);
    let params = TrainParams::default().check()?;
    let (prepared, _trained, analysis) = run_all(table, mapping, &params)?;
    let rows = &prepared.features.rows;
    let songs = identities(table, mapping, rows);
    let artists = file.artists(rows);
    let sample = knn_rows(rows.len(), params.seed);
    print_map_quality(file, &analysis, params.seed);
    for &column in &file.label_columns {
        let (labels, chance) = file.labels(rows, column);
        for representation in Representation::ALL {
            let (points, dim, _) = represent(&prepared, &analysis, representation);
            for metric in Metric::ALL {
                let mean = |other_artists: bool| {
                    let shares: Vec<f64> = sample
                        .iter()
                        .filter_map(|&row| share_of(&points, dim, metric, row, &labels, &artists, other_artists))
                        .collect();
                    shares.iter().sum::<f64>() / shares.len().max(1) as f64
                };
                println!(
                    "{}",
                    json!({
                        "file": file.name, "label": table.headers[column], "songs": rows.len(),
                        "representation": format!("{representation:?}"), "dims": dim, "rule": metric.key(),
                        "share": round(mean(false)), "share_other_artists": round(mean(true)),
                        "repeats": round(repeats(&points, dim, metric, &sample, &songs)), "chance": round(chance),
                        "ms_per_query_1m": round(timings.ms(dim, metric)),
                    })
                );
            }
        }
    }
    Ok(())
}

/// One line per file: how much of each song's 10 nearest (in the codes) each map keeps,
/// t-SNE run as the worker runs it (default options, seeded).
fn print_map_quality(file: &Labelled, analysis: &Analysis, seed: u64) {
    let (points, dim) = (&analysis.points, analysis.point_dim);
    let start = Instant::now();
    let mut tsne = Tsne::new(points, dim, seed, TsneOptions::default());
    while tsne.done() < tsne.total() {
        tsne.step(5);
    }
    let n = points.len() / dim;
    let mut xy = vec![0.0f32; 2 * n];
    tsne.place_rows(points, dim, 0..n, &mut xy);
    let tsne_ms = start.elapsed().as_secs_f64() * 1000.0;
    let tsne_quality = map_quality(points, dim, &xy);
    let start = Instant::now();
    let umap = Umap::new(points, dim, UmapOptions::default()).run_to_end(points, dim);
    let umap_ms = start.elapsed().as_secs_f64() * 1000.0;
    let umap_quality = map_quality(points, dim, &umap);
    // The measure's 10 nearest among at most 10,000 songs are farther than UMAP's default 15
    // nearest in a bigger file: 50 neighbours shows how much of the gap is that.
    let wide = UmapOptions { neighbours: 50, ..UmapOptions::default() };
    let umap_50 = map_quality(points, dim, &Umap::new(points, dim, wide).run_to_end(points, dim));
    let share =
        |p: Projection| analysis.map_quality.iter().find(|(q, _)| *q == p).map(|(_, q)| round(f64::from(q.share)));
    println!(
        "{}",
        json!({
            "file": file.name, "map_quality": {
                "pca": share(Projection::Pca), "first_two": share(Projection::FirstTwo),
                "tsne": tsne_quality.map(|q| round(f64::from(q.share))), "tsne_sample": tsne.sample_rows().len(),
                "tsne_native_ms": round(tsne_ms),
                "umap": umap_quality.map(|q| round(f64::from(q.share))), "umap_native_ms": round(umap_ms),
                "umap_50_neighbours": umap_50.map(|q| round(f64::from(q.share))),
            }
        })
    );
}

/// The mean share of a 10-song list's entries that repeat the song itself or an earlier entry,
/// before the page folds them.
fn repeats(points: &[f32], dim: usize, metric: Metric, sample: &[usize], songs: &[u32]) -> f64 {
    let per_list: Vec<f64> = sample
        .iter()
        .map(|&row| {
            let list = nearest_where(points, dim, row, K, metric, |_| true);
            let mut seen = std::collections::HashSet::from([songs[row]]);
            list.iter().filter(|nb| !seen.insert(songs[nb.row])).count() as f64 / list.len().max(1) as f64
        })
        .collect();
    per_list.iter().sum::<f64>() / per_list.len().max(1) as f64
}
