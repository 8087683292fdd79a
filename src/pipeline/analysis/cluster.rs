//! Stage 5: KMeans (linfa-clustering) on the latent codes.

use linfa::prelude::*;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::pipeline::analysis::{kd_tree, lloyd, seeding};
use crate::pipeline::input::check::distinct_rows;
use crate::pipeline::limits::count;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ClusterError {
    #[error("k = {k} clusters need at least {k} songs, but only {rows} rows are usable. Lower k or load more songs.")]
    TooFewRows { k: usize, rows: usize },
    // The mapping check already made sure the songs themselves have k distinct rows, so fewer
    // distinct codes mean the model collapsed them.
    #[error("The trained model maps the songs to only {}, fewer than k = {k} clusters: training collapsed (a learning rate far above the default 0.001 does this). Lower the learning rate and train again.", count(*.distinct, "distinct point", "distinct points"))]
    TooFewDistinct { k: usize, distinct: usize },
    #[error("KMeans failed: {0}")]
    Fit(String),
    #[error("Usable row {row} (counting the rows training kept) has a code that is not a finite number or is beyond ±1e12 ({value}), so the songs cannot be clustered. Train again with the default settings.")]
    OutOfBounds { row: usize, value: f32 },
}

/// KMeans's distances are f32 sums of squares: every coordinate finite and within ±1e12 keeps
/// them finite, whatever made the points (training, a model file, another representation).
pub fn check_points(points: &[f32], dim: usize) -> Result<(), ClusterError> {
    // Checked a block at a time without stopping early, which the compiler vectorises (a scan
    // that stops at the first bad value cannot be); the bad value is looked for only if there is one.
    let in_bounds = |block: &[f32]| block.iter().fold(true, |ok, v| ok & (v.abs() <= 1e12));
    if points.chunks(4096).all(in_bounds) {
        return Ok(());
    }
    match points.iter().position(|v| !(v.abs() <= 1e12)) {
        Some(i) => Err(ClusterError::OutOfBounds { row: i / dim.max(1) + 1, value: points[i] }),
        None => Ok(()),
    }
}

/// Cluster labels and centres for every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    pub labels: Vec<usize>,
    /// `k × dim`, row-major.
    pub centroids: Vec<f32>,
    pub sizes: Vec<usize>,
    /// Sum of squared distances to the nearest centre (scikit-learn's definition).
    pub inertia: f64,
}

/// One run of up to 300 iterations with tolerance 1e-4, scikit-learn's defaults for
/// `KMeans(n_clusters=k)` with `n_init="auto"`, in scikit-learn's meaning of the tolerance (see
/// `sklearn_tolerance`). It starts from kmeans++, or on large files from a sample's centres (see
/// `INIT_SAMPLE`). linfa-clustering takes the run's last pass, which gives the final centres (and
/// on small files also picks the start); the passes between are `lloyd`'s, which follow linfa's
/// rule with bounds that skip the songs no pass can move.
pub fn kmeans(points: &[f32], dim: usize, k: usize, seed: u64) -> Result<Clustering, ClusterError> {
    if dim == 0 {
        return Err(ClusterError::Fit("the codes have no dimensions".into()));
    }
    check_points(points, dim)?;
    let n = points.len() / dim;
    if n < k {
        return Err(ClusterError::TooFewRows { k, rows: n });
    }
    let distinct = distinct_rows(points, dim, k);
    if distinct < k {
        return Err(ClusterError::TooFewDistinct { k, distinct });
    }
    let tolerance = sklearn_tolerance(points, dim);
    let records = ArrayView2::from_shape((n, dim), points).map_err(|e| ClusterError::Fit(e.to_string()))?;
    let start = match sample_rows(points, dim, k, seed)? {
        Some(sample) => sample_start(&sample, dim, k, seed, tolerance),
        // kmeans++ and linfa's first pass from it.
        None => flat(&fit(records, k, seed, KMeansInit::KMeansPlusPlus, 1, 1, tolerance)?),
    };
    let (mut state, passes) = lloyd::converge(points, dim, start, tolerance, MAX_PASSES - 2);
    let last = KMeansInit::Precomputed(rows_of(state.centres().to_vec(), dim)?);
    let centres = flat(&fit(records, k, seed, last, 1, MAX_PASSES - 1 - passes, tolerance)?);
    state.move_to(centres.clone());
    Ok(finish(points, dim, k, state.labels(), centres))
}

/// scikit-learn's `max_iter`, counted over the start's pass, `lloyd`'s and linfa's last.
const MAX_PASSES: usize = 300;

fn flat(model: &Fitted) -> Vec<f32> {
    model.centroids().iter().copied().collect()
}

/// From four times this many songs, KMeans starts from the best of `SAMPLE_RUNS` runs on a seeded
/// sample of this size, each from greedy k-means++ (`seeding`). On a million songs most passes of a
/// run from kmeans++ only move the centres roughly into place; a sample finds that place at a
/// fraction of the cost, and the best of several greedy starts is a better start than one plain
/// kmeans++ (linfa's). The full run then converges by scikit-learn's rule on every song.
/// `make bench-kmeans` (1M × 6, 8 seeds; 2026-12-06's VM), as wasm in Node: linfa on a 50k sample
/// then linfa on every song 0.82–0.86 s → this 0.25 s; mean inertia 2.283M → 2.248M. A fourth run
/// (or a 50k sample) found no better start and cost 20 ms (70 ms) more; 20k × 2 was worse (2.263M).
const INIT_SAMPLE: usize = 20_000;
const SAMPLE_RUNS: usize = 3;

/// A seeded sample of `INIT_SAMPLE` rows, or `None` when there are fewer than four times that,
/// or when the sample has fewer than `k` distinct rows (kmeans++ would then repeat a centre, and
/// a repeated centre stays an empty cluster).
fn sample_rows(points: &[f32], dim: usize, k: usize, seed: u64) -> Result<Option<Vec<f32>>, ClusterError> {
    let n = points.len() / dim;
    if n < 4 * INIT_SAMPLE {
        return Ok(None);
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ 0x5a5a_5a5a);
    let rows = rand::seq::index::sample(&mut rng, n, INIT_SAMPLE);
    let values: Vec<f32> = rows.iter().flat_map(|r| points[r * dim..(r + 1) * dim].iter().copied()).collect();
    if distinct_rows(&values, dim, k) < k {
        return Ok(None);
    }
    Ok(Some(values))
}

/// The best (least inertia) of `SAMPLE_RUNS` runs on the sample, each from its own greedy
/// k-means++.
fn sample_start(sample: &[f32], dim: usize, k: usize, seed: u64, tolerance: f32) -> Vec<f32> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut best: Option<(f64, Vec<f32>)> = None;
    for _ in 0..SAMPLE_RUNS {
        let start = seeding::greedy_plus_plus(sample, dim, k, &mut rng);
        let (state, _) = lloyd::converge(sample, dim, start, tolerance, MAX_PASSES);
        let inertia = state.inertia();
        if best.as_ref().map_or(true, |(b, _)| inertia < *b) {
            best = Some((inertia, state.centres().to_vec()));
        }
    }
    best.map(|(_, centres)| centres).unwrap_or_default()
}

fn rows_of(values: Vec<f32>, dim: usize) -> Result<Array2<f32>, ClusterError> {
    Array2::from_shape_vec((values.len() / dim, dim), values).map_err(|e| ClusterError::Fit(e.to_string()))
}

type Fitted = KMeans<f32, linfa_nn::distance::L2Dist>;

fn fit(
    records: ArrayView2<f32>,
    k: usize,
    seed: u64,
    init: KMeansInit<f32>,
    runs: usize,
    passes: usize,
    tolerance: f32,
) -> Result<Fitted, ClusterError> {
    KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
        .n_runs(runs)
        .max_n_iterations(passes.max(1) as u64)
        .tolerance(tolerance)
        .init_method(init)
        .fit(&DatasetBase::from(records))
        .map_err(|e| ClusterError::Fit(e.to_string()))
}

/// Sizes and inertia for labels and centres found elsewhere (KMeans, or a saved model's centres).
pub fn finish(points: &[f32], dim: usize, k: usize, labels: Vec<usize>, centroids: Vec<f32>) -> Clustering {
    let mut sizes = vec![0usize; k];
    let mut inertia = 0.0f64;
    for (row, &label) in points.chunks_exact(dim).zip(&labels) {
        let Some(centre) = centroids.get(label * dim..(label + 1) * dim) else { continue };
        sizes[label] += 1;
        // f32 within a row (as KMeans measured it), f64 across a million rows.
        inertia += f64::from(kd_tree::squared_distance(row, centre));
    }
    Clustering { labels, centroids, sizes, inertia }
}

/// scikit-learn stops when the centres' total squared shift is at most 1e-4 × the data's mean
/// per-column variance; linfa stops when the shift's (unsquared) length is below its tolerance.
/// Passing linfa 1e-4 itself asked for a shift 100× smaller than scikit-learn's on z-scored
/// codes, and so for many more passes over the data (KMeans took 9.7 s on 1M songs in the
/// browser). This is scikit-learn's rule in linfa's terms.
pub fn sklearn_tolerance(points: &[f32], dim: usize) -> f32 {
    let n = points.len() / dim.max(1);
    if n == 0 || dim == 0 {
        return 1e-4;
    }
    let mut sum = vec![0.0f64; dim];
    let mut sum_sq = vec![0.0f64; dim];
    // f32 sums over blocks of 256 rows (SIMD lanes, and exact enough for a stopping rule), carried
    // into f64 between blocks (a million rows): a third of the time of f64 throughout as wasm.
    let (mut block_sum, mut block_sq) = (vec![0.0f32; dim], vec![0.0f32; dim]);
    for block in points.chunks(256 * dim) {
        block_sum.fill(0.0);
        block_sq.fill(0.0);
        for row in block.chunks_exact(dim) {
            for ((s, q), &v) in block_sum.iter_mut().zip(block_sq.iter_mut()).zip(row) {
                *s += v;
                *q += v * v;
            }
        }
        for j in 0..dim {
            sum[j] += f64::from(block_sum[j]);
            sum_sq[j] += f64::from(block_sq[j]);
        }
    }
    let mean_var = sum.iter().zip(&sum_sq).map(|(s, q)| (q / n as f64 - (s / n as f64).powi(2)).max(0.0)).sum::<f64>()
        / dim as f64;
    ((1e-4 * mean_var).sqrt() as f32).max(f32::EPSILON)
}

pub fn squared_distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn recovers_well_separated_blobs() {
        let centres = [[0.0f32, 0.0], [10.0, 10.0], [-10.0, 10.0]];
        let mut rng = Xoshiro256Plus::seed_from_u64(1);
        let mut points = Vec::new();
        let mut truth = Vec::new();
        for i in 0..300 {
            let c = centres[i % 3];
            points.push(c[0] + rng.gen_range(-1.0..1.0));
            points.push(c[1] + rng.gen_range(-1.0..1.0));
            truth.push(i % 3);
        }
        let result = kmeans(&points, 2, 3, 7).unwrap();
        assert_eq!(result.sizes.iter().sum::<usize>(), 300);
        // Same partition as the truth, up to renaming of labels.
        for i in 0..300 {
            for j in 0..300 {
                assert_eq!(truth[i] == truth[j], result.labels[i] == result.labels[j]);
            }
        }
        assert!(result.sizes.iter().all(|&s| s == 100));
    }

    #[test]
    fn large_files_start_from_a_sample_and_still_find_the_blobs() {
        let n = 4 * INIT_SAMPLE + 1_000;
        let centres = [[0.0f32, 0.0], [10.0, 10.0], [-10.0, 10.0], [0.0, -12.0]];
        let mut rng = Xoshiro256Plus::seed_from_u64(3);
        let points: Vec<f32> = (0..n).flat_map(|i| centres[i % 4].map(|c| c + rng.gen_range(-1.0..1.0))).collect();
        assert!(sample_rows(&points, 2, 4, 1).unwrap().is_some(), "this size takes the sampled start");
        let result = kmeans(&points, 2, 4, 1).unwrap();
        let mut found: Vec<[i32; 2]> =
            result.centroids.chunks_exact(2).map(|c| [c[0].round() as i32, c[1].round() as i32]).collect();
        found.sort();
        assert_eq!(found, vec![[-10, 10], [0, -12], [0, 0], [10, 10]]);
        assert!(result.sizes.iter().all(|&s| s.abs_diff(n / 4) <= 1));
        for (i, &label) in result.labels.iter().enumerate() {
            assert_eq!(label, result.labels[i % 4], "row {i}");
        }
    }

    #[test]
    fn the_bounded_passes_end_where_linfa_alone_ends_from_the_same_start() {
        // Overlapping blobs, so that many passes move songs between clusters.
        let n = 4 * INIT_SAMPLE + 5_000;
        let mut rng = Xoshiro256Plus::seed_from_u64(11);
        let blob: Vec<f32> = (0..8 * 3).map(|_| rng.gen_range(-2.0..2.0)).collect();
        let points: Vec<f32> = (0..n)
            .flat_map(|_| {
                let b = rng.gen_range(0..8);
                (0..3).map(|j| blob[b * 3 + j] + rng.gen_range(-1.5f32..1.5)).collect::<Vec<_>>()
            })
            .collect();
        let (k, seed) = (6, 4);
        let tolerance = sklearn_tolerance(&points, 3);
        let sample = sample_rows(&points, 3, k, seed).unwrap().unwrap();
        let start = sample_start(&sample, 3, k, seed, tolerance);
        let records = ArrayView2::from_shape((n, 3), &points[..]).unwrap();
        let alone = fit(records, k, seed, KMeansInit::Precomputed(rows_of(start, 3).unwrap()), 1, 300, tolerance).unwrap();
        let alone_labels = alone.predict(&records);
        let ours = kmeans(&points, 3, k, seed).unwrap();
        for (a, b) in flat(&alone).iter().zip(&ours.centroids) {
            assert!((a - b).abs() < 1e-4, "centres {a} vs {b}");
        }
        let differ = alone_labels.iter().zip(&ours.labels).filter(|(a, b)| a != b).count();
        assert!(differ <= n / 10_000, "{differ} songs in another cluster");
        for (row, &label) in points.chunks_exact(3).zip(&ours.labels) {
            let own = squared_distance(row, &ours.centroids[label * 3..label * 3 + 3]);
            assert!(ours.centroids.chunks_exact(3).all(|c| own <= squared_distance(row, c) + 1e-6));
        }
    }

    #[test]
    fn a_sample_with_too_few_distinct_rows_is_not_used() {
        // Three values everywhere and a fourth in one row, which most samples miss.
        let n = 4 * INIT_SAMPLE + 1_000;
        let points: Vec<f32> = (0..n).flat_map(|i| if i == 0 { [9.0, 9.0] } else { [(i % 3) as f32, 0.0] }).collect();
        let seed = (1..40).find(|&s| sample_rows(&points, 2, 4, s).unwrap().is_none());
        let seed = seed.expect("some seed's sample misses the rare row");
        let result = kmeans(&points, 2, 4, seed).unwrap();
        assert!(result.sizes.iter().all(|&s| s > 0), "no empty cluster: {:?}", result.sizes);
    }

    #[test]
    fn too_few_rows_and_distinct_points() {
        assert_eq!(kmeans(&[1.0, 2.0], 2, 3, 0).unwrap_err(), ClusterError::TooFewRows { k: 3, rows: 1 });
        let same = [1.0f32; 20];
        assert_eq!(kmeans(&same, 2, 3, 0).unwrap_err(), ClusterError::TooFewDistinct { k: 3, distinct: 1 });
    }
}
