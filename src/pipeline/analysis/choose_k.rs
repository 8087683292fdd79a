//! Choosing k: KMeans for a range of k on the same codes, with the inertia (for an elbow plot)
//! and the mean silhouette of each, and a suggested k.
//!
//! The silhouette is computed on a fixed random sample of at most `SILHOUETTE_SAMPLE` rows (as
//! scikit-learn's `silhouette_score(sample_size=…)` does): exact silhouette is O(n²), hours at
//! 1M rows. The same sample is used for every k so the scores compare. Written here because
//! linfa has no silhouette.

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::cluster::{kmeans, ClusterError};

/// Rows the silhouette is computed on, at most.
pub const SILHOUETTE_SAMPLE: usize = 2_000;

/// One k tried.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    pub k: usize,
    /// Sum of squared distances to the nearest centre, over all rows.
    pub inertia: f64,
    /// Mean silhouette over the sample, from -1 to 1 (higher: tighter, better separated).
    pub silhouette: f64,
}

/// The rows the silhouette is measured on: all of them when few, else a seeded sample.
pub fn silhouette_rows(n: usize, seed: u64) -> Vec<usize> {
    if n <= SILHOUETTE_SAMPLE {
        return (0..n).collect();
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows = sample(&mut rng, n, SILHOUETTE_SAMPLE).into_vec();
    rows.sort_unstable();
    rows
}

/// KMeans with `k` clusters on all `codes`, scored on the rows in `sample`.
pub fn score_k(codes: &[f32], dim: usize, k: usize, seed: u64, sample: &[usize]) -> Result<KScore, ClusterError> {
    let clustering = kmeans(codes, dim, k, seed)?;
    let points: Vec<&[f32]> = sample.iter().map(|&r| &codes[r * dim..(r + 1) * dim]).collect();
    let labels: Vec<usize> = sample.iter().map(|&r| clustering.labels[r]).collect();
    Ok(KScore { k, inertia: clustering.inertia, silhouette: silhouette(&points, &labels, k) })
}

/// Mean silhouette of `points` labelled `labels` (Euclidean distance); a point alone in its
/// cluster scores 0, as in scikit-learn.
pub fn silhouette(points: &[&[f32]], labels: &[usize], k: usize) -> f64 {
    let n = points.len();
    if n == 0 {
        return 0.0;
    }
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let mut total = 0.0;
    let mut sums = vec![0.0f64; k];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for j in 0..n {
            if i != j {
                sums[labels[j]] += distance(points[i], points[j]);
            }
        }
        total += point_silhouette(&sums, &sizes, labels[i]);
    }
    total / n as f64
}

fn point_silhouette(sums: &[f64], sizes: &[usize], own: usize) -> f64 {
    if sizes[own] <= 1 {
        return 0.0;
    }
    let a = sums[own] / (sizes[own] - 1) as f64;
    let b = (0..sums.len())
        .filter(|&c| c != own && sizes[c] > 0)
        .map(|c| sums[c] / sizes[c] as f64)
        .fold(f64::INFINITY, f64::min);
    if !b.is_finite() || a.max(b) == 0.0 {
        return 0.0;
    }
    (b - a) / a.max(b)
}

fn distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum::<f64>().sqrt()
}

/// The k with the highest silhouette: the elbow of an inertia curve is a judgement by eye,
/// the silhouette is a number, and the page shows both so a person can overrule it.
pub fn suggest_k(scores: &[KScore]) -> Option<usize> {
    scores.iter().max_by(|a, b| a.silhouette.total_cmp(&b.silhouette)).map(|s| s.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silhouette_matches_the_hand_computed_value() {
        // 1-D points 0, 1 | 10, 11. Point 0: a = 1, b = (10 + 11) / 2 = 10.5, s = 9.5 / 10.5;
        // point 1: a = 1, b = (9 + 10) / 2 = 9.5, s = 8.5 / 9.5; the other two mirror these.
        let coords = [[0.0f32], [1.0], [10.0], [11.0]];
        let points: Vec<&[f32]> = coords.iter().map(|p| &p[..]).collect();
        let expected = (2.0 * (9.5 / 10.5) + 2.0 * (8.5 / 9.5)) / 4.0;
        assert!((silhouette(&points, &[0, 0, 1, 1], 2) - expected).abs() < 1e-12);
        // A bad split scores below zero: point 1 sits closer to the other cluster.
        let bad = silhouette(&points, &[0, 1, 1, 1], 2);
        assert!(bad < expected, "{bad}");
    }

    #[test]
    fn singletons_score_zero_and_three_points_by_hand() {
        // 0 | 3, 5: point 0 alone (0); point 3: a = 2, b = 3, s = 1/3; point 5: a = 2, b = 5, s = 3/5.
        let coords = [[0.0f32], [3.0], [5.0]];
        let points: Vec<&[f32]> = coords.iter().map(|p| &p[..]).collect();
        let expected = (0.0 + 1.0 / 3.0 + 3.0 / 5.0) / 3.0;
        assert!((silhouette(&points, &[0, 1, 1], 2) - expected).abs() < 1e-12);
    }

    #[test]
    fn three_blobs_suggest_three() {
        let centres = [[0.0f32, 0.0], [8.0, 0.0], [0.0, 8.0]];
        let codes: Vec<f32> = (0..300)
            .flat_map(|i| {
                let c = centres[i % 3];
                let j = (i / 3) as f32 * 0.01;
                [c[0] + j, c[1] - j]
            })
            .collect();
        let rows = silhouette_rows(300, 1);
        let scores: Vec<KScore> = (2..=6).map(|k| score_k(&codes, 2, k, 1, &rows).unwrap()).collect();
        assert_eq!(suggest_k(&scores), Some(3));
        assert!(scores.windows(2).all(|w| w[1].inertia <= w[0].inertia + 1e-6), "inertia falls as k grows");
    }

    #[test]
    fn large_data_is_sampled_the_same_way_each_time() {
        let a = silhouette_rows(1_000_000, 9);
        assert_eq!(a.len(), SILHOUETTE_SAMPLE);
        assert_eq!(a, silhouette_rows(1_000_000, 9));
        assert!(a.windows(2).all(|w| w[0] < w[1]));
    }
}
