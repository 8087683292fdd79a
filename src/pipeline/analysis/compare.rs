//! "Is the autoencoder worth it?": the same clustering and recommendation stages on three
//! representations of the songs, and the numbers to compare them by.
//!
//! - **Autoencoder codes** (the default, and the reference the others are judged against).
//! - **PCA** of the scaled features to the same number of dimensions: the linear baseline an
//!   autoencoder has to beat to earn its training time.
//! - **Scaled features** themselves: no reduction at all.
//!
//! For each: reconstruction error where there is a reconstruction (not for the features
//! themselves), the silhouette of a KMeans run, and, when the data has a label column (say Genre),
//! how well the clusters and the nearest neighbours agree with it (ARI, NMI, share of the 10
//! nearest neighbours with the same label). On the real data the autoencoder's clusters agreed
//! less with Genre than the raw features did (NMI 0.061 against 0.099), which is why the user
//! gets to see this table and choose.
//!
//! ARI and NMI are written here by hand because linfa 0.8 has no such metrics: its
//! `metrics_clustering` module has only the silhouette score.

use std::collections::HashMap;

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::choose_k::{silhouette, silhouette_rows};
use crate::pipeline::analysis::cluster::{kmeans, ClusterError};
use crate::pipeline::analysis::pca::Pca;
use crate::pipeline::explore::recommend::{nearest, Metric};

/// Neighbours per song in the label-agreement score: the page's default recommendation count.
pub const KNN_NEIGHBOURS: usize = 10;

/// Songs the label-agreement score is measured on, at most. Each one is an exact brute-force
/// search over every row, so this bounds the work at `KNN_SAMPLE × n` distances.
pub const KNN_SAMPLE: usize = 1_000;

/// Which vectors the clustering and recommendations run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Representation {
    /// The trained autoencoder's latent codes.
    #[default]
    Autoencoder,
    /// The scaled features projected onto as many principal components as the codes have.
    Pca,
    /// The z-scored features, unreduced.
    Scaled,
}

impl Representation {
    /// Every representation, in the order the comparison table lists them.
    pub const ALL: [Representation; 3] = [Representation::Autoencoder, Representation::Pca, Representation::Scaled];

    /// The name the page shows.
    pub fn label(self) -> &'static str {
        match self {
            Representation::Autoencoder => "Autoencoder codes",
            Representation::Pca => "PCA of the scaled features",
            Representation::Scaled => "Scaled features",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PCA
// ---------------------------------------------------------------------------------------------

/// The scaled features projected onto their leading principal components.
#[derive(Debug, Clone, PartialEq)]
pub struct PcaPoints {
    /// `n × dim`, row-major: each row's coordinates along the components.
    pub points: Vec<f32>,
    pub dim: usize,
    /// Mean squared error over all `n × d` cells of projecting back to the features: the same
    /// definition as the autoencoder's reconstruction MSE on the scaled data, so they compare.
    pub recon_mse: f32,
    /// Share of the total variance the kept components carry, 0 to 1.
    pub explained: f32,
}

/// Projects the z-scored rows (`n × d`, row-major) onto their top `k` principal components
/// (`k` clamped to `1..=d`; `pca::Pca`, the one the 2D map uses, for `k` components).
///
/// The error and the explained share are measured from the reconstruction itself, not from the
/// eigenvalues, so they stay true even when the components fall back to the coordinate axes.
/// With no variance at all (no rows, or every column constant) nothing is lost: `recon_mse` is
/// 0 and `explained` is 1.
pub fn pca_points(scaled: &[f32], d: usize, k: usize) -> PcaPoints {
    let dim: usize = if d == 0 { 0 } else { k.clamp(1, d) };
    let n: usize = scaled.len().checked_div(d).unwrap_or(0);
    let rows: &[f32] = &scaled[..n * d];
    let pca = Pca::fit(rows, d, dim);
    let mut points: Vec<f32> = Vec::with_capacity(n * dim);
    let mut residual: f64 = 0.0;
    let mut total: f64 = 0.0;
    for row in rows.chunks_exact(d.max(1)) {
        let centred = pca.centre(row);
        let coords = pca.coords(&centred);
        residual += squared_residual(&centred, &pca.components, &coords);
        total += centred.iter().map(|v| v * v).sum::<f64>();
        points.extend(coords.iter().map(|&c| c as f32));
    }
    let cells: f64 = (n * d) as f64;
    let recon_mse: f32 = if cells > 0.0 { (residual / cells) as f32 } else { 0.0 };
    let explained: f32 = if total > 0.0 { (1.0 - residual / total).clamp(0.0, 1.0) as f32 } else { 1.0 };
    PcaPoints { points, dim, recon_mse, explained }
}

/// Squared distance between a centred row and its reconstruction from `coords`.
fn squared_residual(centred: &[f64], components: &[Vec<f64>], coords: &[f64]) -> f64 {
    (0..centred.len())
        .map(|j| {
            let back: f64 = components.iter().zip(coords).map(|(c, w)| c[j] * w).sum();
            (centred[j] - back).powi(2)
        })
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Agreement between two labelings
// ---------------------------------------------------------------------------------------------

/// How two labelings of the same rows overlap, stored sparsely: a label column can have
/// thousands of values (artists), so a dense classes × clusters table could be huge.
///
/// Class ids are renumbered `0..` in order of first appearance, so any `usize` labels work.
/// Rows are paired up to the shorter of the two labelings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contingency {
    /// `(class in a, class in b, rows with both)`, non-zero cells only, sorted.
    pub cells: Vec<(usize, usize, u64)>,
    /// Rows in each class of `a`.
    pub a_sizes: Vec<u64>,
    /// Rows in each class of `b`.
    pub b_sizes: Vec<u64>,
    /// Rows counted.
    pub n: u64,
}

/// The contingency table of two labelings.
pub fn contingency(a: &[usize], b: &[usize]) -> Contingency {
    let mut a_ids: HashMap<usize, usize> = HashMap::new();
    let mut b_ids: HashMap<usize, usize> = HashMap::new();
    let mut a_sizes: Vec<u64> = Vec::new();
    let mut b_sizes: Vec<u64> = Vec::new();
    let mut cells: HashMap<(usize, usize), u64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        let i: usize = dense_id(&mut a_ids, &mut a_sizes, x);
        let j: usize = dense_id(&mut b_ids, &mut b_sizes, y);
        *cells.entry((i, j)).or_insert(0) += 1;
    }
    let mut cells: Vec<(usize, usize, u64)> = cells.into_iter().map(|((i, j), c)| (i, j, c)).collect();
    cells.sort_unstable();
    Contingency { cells, a_sizes, b_sizes, n: a.len().min(b.len()) as u64 }
}

/// The dense id of `label` (new labels get the next id) with its class size counted.
fn dense_id(ids: &mut HashMap<usize, usize>, sizes: &mut Vec<u64>, label: usize) -> usize {
    let next: usize = ids.len();
    let id: usize = *ids.entry(label).or_insert(next);
    if id == sizes.len() {
        sizes.push(0);
    }
    sizes[id] += 1;
    id
}

/// Adjusted Rand index, as scikit-learn's `adjusted_rand_score`: 1 for the same partition (up
/// to renaming), about 0 for a random one, negative for worse than random. Symmetric.
///
/// Computed from the pair confusion matrix in exact integers, as scikit-learn does; `i128`
/// because its products reach n⁴ (10²⁴ at a million rows). When no pair is split by one
/// labeling and joined by the other (identical partitions, including both "one cluster" and
/// both "all singletons", and no rows at all) the score is 1.
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let [tn, fp, fn_, tp]: [i128; 4] = pair_confusion(&contingency(a, b));
    if fn_ == 0 && fp == 0 {
        return 1.0;
    }
    let numerator: i128 = 2 * (tp * tn - fn_ * fp);
    let denominator: i128 = (tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn);
    numerator as f64 / denominator as f64
}

/// scikit-learn's `pair_confusion_matrix`, flattened `[tn, fp, fn, tp]`, over ordered pairs of
/// distinct rows: together in both (tp), in neither (tn), only in `b` (fp), only in `a` (fn).
fn pair_confusion(t: &Contingency) -> [i128; 4] {
    let squares = |v: &[u64]| -> i128 { v.iter().map(|&s| i128::from(s) * i128::from(s)).sum() };
    let n: i128 = i128::from(t.n);
    let cell_squares: i128 = t.cells.iter().map(|&(_, _, c)| i128::from(c) * i128::from(c)).sum();
    let tp: i128 = cell_squares - n;
    let fp: i128 = squares(&t.b_sizes) - cell_squares;
    let fn_: i128 = squares(&t.a_sizes) - cell_squares;
    let tn: i128 = n * n - fp - fn_ - cell_squares;
    [tn, fp, fn_, tp]
}

/// Normalized mutual information, as scikit-learn's `normalized_mutual_info_score` with its
/// default `average_method="arithmetic"` and natural logarithms: the mutual information divided
/// by the mean of the two entropies. 1 for the same partition, 0 for independent ones.
///
/// scikit-learn's edge cases: both labelings a single class (or no rows: both entropies 0) → 1;
/// otherwise zero mutual information → 0 (which also covers one side being a single class).
pub fn normalized_mutual_info(a: &[usize], b: &[usize]) -> f64 {
    let t: Contingency = contingency(a, b);
    if t.a_sizes.len() == t.b_sizes.len() && t.a_sizes.len() <= 1 {
        return 1.0;
    }
    let mi: f64 = mutual_info(&t);
    if mi == 0.0 {
        return 0.0;
    }
    let normalizer: f64 = (entropy(&t.a_sizes, t.n) + entropy(&t.b_sizes, t.n)) / 2.0;
    mi / normalizer
}

/// Mutual information in nats, term by term as scikit-learn's `mutual_info_score` (terms below
/// machine epsilon snapped to 0, the sum clipped at 0).
fn mutual_info(t: &Contingency) -> f64 {
    if t.a_sizes.len() <= 1 || t.b_sizes.len() <= 1 {
        return 0.0;
    }
    let n: f64 = t.n as f64;
    let ln_n: f64 = n.ln();
    let sum: f64 = t
        .cells
        .iter()
        .map(|&(i, j, count)| {
            let c: f64 = count as f64;
            let outer: f64 = t.a_sizes[i] as f64 * t.b_sizes[j] as f64;
            let term: f64 = (c / n) * (c.ln() - ln_n) + (c / n) * (-outer.ln() + ln_n + ln_n);
            if term.abs() < f64::EPSILON {
                0.0
            } else {
                term
            }
        })
        .sum();
    sum.max(0.0)
}

/// Entropy in nats of a labeling with these class sizes; 0 for a single class.
fn entropy(sizes: &[u64], n: u64) -> f64 {
    if sizes.len() <= 1 {
        return 0.0;
    }
    let total: f64 = n as f64;
    -sizes.iter().filter(|&&s| s > 0).map(|&s| (s as f64 / total) * ((s as f64).ln() - total.ln())).sum::<f64>()
}

/// Turns a text label column into class ids `0..count`, in order of first appearance, and the
/// count. Labels are trimmed, so " Rock" and "Rock" agree; case is kept ("rock" ≠ "Rock").
///
/// An empty label is kept as a category of its own rather than dropped: dropping rows would
/// misalign the labels with the codes, and ARI, NMI and the neighbour share would all need
/// row filtering. The cost: many unlabelled songs form one big class that can flatter or hurt
/// the agreement scores, so the page should say how many labels are empty.
pub fn label_classes(labels: &[&str]) -> (Vec<usize>, usize) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let codes: Vec<usize> = labels
        .iter()
        .map(|label| {
            let next: usize = ids.len();
            *ids.entry(label.trim()).or_insert(next)
        })
        .collect();
    (codes, ids.len())
}

// ---------------------------------------------------------------------------------------------
// Neighbour agreement
// ---------------------------------------------------------------------------------------------

/// Mean over the rows in `sample` of the share of each row's `k` nearest other rows (Euclidean,
/// exact, over all rows; the row itself is excluded by index, a duplicate of it is not) that
/// carry the same label: what a user would see as "the recommendations are the same genre".
///
/// Brute force, `n` distances a query, through `recommend::nearest` (the same search the page's
/// recommendations use); keeping `sample` small (`KNN_SAMPLE`) keeps it bounded.
/// Rows without a label, out of range, or with no neighbours (a single row) are skipped; with
/// nothing left the share is 0.
pub fn knn_label_share(points: &[f32], dim: usize, labels: &[usize], sample: &[usize], k: usize) -> f64 {
    if dim == 0 || k == 0 {
        return 0.0;
    }
    let shares: Vec<f64> = sample.iter().filter_map(|&row| row_share(points, dim, labels, row, k)).collect();
    if shares.is_empty() {
        return 0.0;
    }
    shares.iter().sum::<f64>() / shares.len() as f64
}

/// The share of `row`'s `k` nearest neighbours labelled like it, if it has a label and neighbours.
fn row_share(points: &[f32], dim: usize, labels: &[usize], row: usize, k: usize) -> Option<f64> {
    let own: usize = *labels.get(row)?;
    let neighbours = nearest(points, dim, row, k, Metric::Euclidean);
    if neighbours.is_empty() {
        return None;
    }
    let same: usize = neighbours.iter().filter(|nb| labels.get(nb.row) == Some(&own)).count();
    Some(same as f64 / neighbours.len() as f64)
}

/// The rows the neighbour share is measured on: all of them when at most `KNN_SAMPLE`, else a
/// seeded random sample, sorted.
///
/// Drawn the same way as `silhouette_rows` but separately, not as a truncation of it: that list
/// is sorted by row, so its first 1,000 would be the file's earliest songs (a file sorted by
/// genre would then be scored on a few genres only).
pub fn knn_rows(n: usize, seed: u64) -> Vec<usize> {
    if n <= KNN_SAMPLE {
        return (0..n).collect();
    }
    let mut rng: Xoshiro256PlusPlus = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut rows: Vec<usize> = sample(&mut rng, n, KNN_SAMPLE).into_vec();
    rows.sort_unstable();
    rows
}

// ---------------------------------------------------------------------------------------------
// One row of the comparison table
// ---------------------------------------------------------------------------------------------

/// One representation's line in the comparison table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepresentationScore {
    pub representation: Representation,
    pub dims: usize,
    /// MSE of reconstructing the scaled features; `None` for the features themselves.
    pub recon_mse: Option<f32>,
    /// Mean silhouette on the same seeded sample as the choose-k chart.
    pub silhouette: f64,
    /// KMeans inertia. Not comparable across representations (their scales differ); shown so
    /// the number matches the one on the cluster page.
    pub inertia: f64,
    /// Clusters against the label column; `None` without one.
    pub ari: Option<f64>,
    pub nmi: Option<f64>,
    /// Share of the 10 nearest neighbours with the same label; `None` without a label column.
    pub knn_share: Option<f64>,
    /// The same three against each further label column (`ColumnMapping::other_labels`).
    #[serde(default)]
    pub more_labels: Vec<LabelAgreement>,
}

/// How one representation's clusters and neighbours follow one label column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelAgreement {
    pub ari: f64,
    pub nmi: f64,
    pub knn_share: f64,
}

impl LabelAgreement {
    /// `clusters` of `points` (`n × dim`) against `labels`; `None` for labels of other rows.
    pub fn of(points: &[f32], dim: usize, clusters: &[usize], labels: &[usize], seed: u64) -> Option<LabelAgreement> {
        let n = clusters.len();
        (labels.len() == n).then(|| LabelAgreement {
            ari: adjusted_rand_index(labels, clusters),
            nmi: normalized_mutual_info(labels, clusters),
            knn_share: knn_label_share(points, dim, labels, &knn_rows(n, seed), KNN_NEIGHBOURS),
        })
    }
}

/// Clusters `points` (`n × dim`) with KMeans (`k`, `seed`) and scores the result; returns the
/// score and the cluster label of every row, so the chosen representation's clustering can be
/// used directly without running KMeans again.
///
/// The silhouette uses `silhouette_rows(n, seed)`, the choose-k sample, so the number matches
/// that chart. With `labels`: ARI and NMI of the clusters against them, and the share of the
/// `KNN_NEIGHBOURS` nearest neighbours with the same label over `knn_rows(n, seed)`. Labels of
/// another length than `n` belong to other rows, so they give `None` rather than a wrong score.
pub fn score_representation(
    representation: Representation,
    points: &[f32],
    dim: usize,
    recon_mse: Option<f32>,
    k: usize,
    seed: u64,
    labels: Option<&[usize]>,
) -> Result<(RepresentationScore, Vec<usize>), ClusterError> {
    let clustering = kmeans(points, dim, k, seed)?;
    let n: usize = clustering.labels.len();
    let rows: Vec<usize> = silhouette_rows(n, seed);
    let sampled: Vec<&[f32]> = rows.iter().map(|&r| &points[r * dim..(r + 1) * dim]).collect();
    let sampled_labels: Vec<usize> = rows.iter().map(|&r| clustering.labels[r]).collect();
    let labels: Option<&[usize]> = labels.filter(|l| l.len() == n);
    let score = RepresentationScore {
        representation,
        dims: dim,
        recon_mse,
        silhouette: silhouette(&sampled, &sampled_labels, k),
        inertia: clustering.inertia,
        ari: labels.map(|l| adjusted_rand_index(l, &clustering.labels)),
        nmi: labels.map(|l| normalized_mutual_info(l, &clustering.labels)),
        knn_share: labels.map(|l| knn_label_share(points, dim, l, &knn_rows(n, seed), KNN_NEIGHBOURS)),
        more_labels: Vec::new(),
    };
    Ok((score, clustering.labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn ari_matches_scikit_learn_examples() {
        // Same partition, and the same partition renamed: no pair disagrees → 1.
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 1]), 1.0);
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
        // [0,0,1,2] vs [0,0,1,1], ordered pairs: cells 2,1,1 → Σn²=6, tp = 6−4 = 2;
        // sizes of b 2,2 → Σ=8, fp = 8−6 = 2; sizes of a 2,1,1 → Σ=6, fn = 0; tn = 16−2−0−6 = 8.
        // ARI = 2(2·8 − 0) / ((2+0)(0+8) + (2+2)(2+8)) = 32 / 56 = 4/7.
        assert!(close(adjusted_rand_index(&[0, 0, 1, 2], &[0, 0, 1, 1]), 4.0 / 7.0));
        assert!(close(adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]), 0.5714285714285715), "symmetric");
        // One class vs all singletons: cells 1,1,1,1 → tp = 0, fp = 4−4 = 0, fn = 16−4 = 12,
        // tn = 16−0−12−4 = 0 → 2(0·0 − 12·0) / (12·12) = 0.
        assert_eq!(adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3]), 0.0);
        // Crossed halves: cells all 1 → tp 0, fp = 8−4 = 4, fn = 4, tn = 16−4−4−4 = 4;
        // 2(0 − 16) / (4·8 + 4·8) = −0.5.
        assert!(close(adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]), -0.5));
        // Both single-cluster: identical → 1; no rows → 1 (scikit-learn returns 1.0 too).
        assert_eq!(adjusted_rand_index(&[3, 3, 3], &[7, 7, 7]), 1.0);
        assert_eq!(adjusted_rand_index(&[], &[]), 1.0);
    }

    #[test]
    fn nmi_matches_scikit_learn_examples() {
        // Renamed halves: MI = 2 · ½ · ln(4·2 / (2·2)) = ln 2, both entropies ln 2 → 1.
        assert!(close(normalized_mutual_info(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0));
        // One side a single class: MI = 0 → 0.
        assert_eq!(normalized_mutual_info(&[0, 0, 1, 1], &[0, 0, 0, 0]), 0.0);
        // [0,0,1,2] vs [0,0,1,1]: MI = ½ ln(4·2/(2·2)) + ¼ ln(4/(1·2)) + ¼ ln(4/(1·2)) = ln 2;
        // H(a) = ½ ln 2 + 2 · ¼ ln 4 = 1.5 ln 2, H(b) = ln 2 → ln 2 / (1.25 ln 2) = 0.8.
        assert!(close(normalized_mutual_info(&[0, 0, 1, 2], &[0, 0, 1, 1]), 0.8));
        // Crossed halves are independent: every cell's n·nᵢⱼ/(aᵢbⱼ) = 4·1/4 = 1 → MI 0.
        assert_eq!(normalized_mutual_info(&[0, 0, 1, 1], &[0, 1, 0, 1]), 0.0);
        // Both entropies 0 (one class each, or no rows) → 1, as scikit-learn.
        assert_eq!(normalized_mutual_info(&[5, 5, 5], &[1, 1, 1]), 1.0);
        assert_eq!(normalized_mutual_info(&[], &[]), 1.0);
    }

    #[test]
    fn contingency_renumbers_sparse_labels() {
        let t = contingency(&[10, 10, 99, 4], &[1_000_000, 2, 2, 2]);
        assert_eq!(t.a_sizes, vec![2, 1, 1]);
        assert_eq!(t.b_sizes, vec![1, 3]);
        assert_eq!(t.cells, vec![(0, 0, 1), (0, 1, 1), (1, 1, 1), (2, 1, 1)]);
        assert_eq!(t.n, 4);
    }

    #[test]
    fn label_classes_trim_and_keep_empty_as_a_class() {
        let (codes, count) = label_classes(&["Rock", " Jazz", "Rock ", "", "  ", "rock"]);
        assert_eq!(codes, vec![0, 1, 0, 2, 2, 3]);
        assert_eq!(count, 4);
        assert_eq!(label_classes(&[]), (Vec::new(), 0));
    }

    /// Points on the line t·(1, 2, 3) + (5, −1, 0), t = −10..10.
    fn line_3d() -> Vec<f32> {
        (-10..=10).flat_map(|t| [t as f32 + 5.0, 2.0 * t as f32 - 1.0, 3.0 * t as f32]).collect()
    }

    #[test]
    fn pca_of_a_line_keeps_everything_in_one_component() {
        let pca = pca_points(&line_3d(), 3, 1);
        assert_eq!((pca.dim, pca.points.len()), (1, 21));
        assert!(pca.recon_mse < 1e-10, "{}", pca.recon_mse);
        assert!((pca.explained - 1.0).abs() < 1e-6, "{}", pca.explained);
        // The component is (1,2,3)/√14, its largest entry positive: codes rise with t, by √14 a step.
        let step: f32 = pca.points[20] - pca.points[19];
        assert!((step - 14f32.sqrt()).abs() < 1e-4, "{step}");
        assert!(pca.points[0] < 0.0 && pca.points[20] > 0.0);
    }

    #[test]
    fn pca_with_all_components_reconstructs_exactly_and_k_is_clamped() {
        let data: Vec<f32> = vec![1.0, 0.2, -0.3, 0.0, 2.0, 1.1, -1.0, 0.4, 0.9, 0.5, -2.0, 0.3];
        let full = pca_points(&data, 3, 3);
        assert!(full.recon_mse < 1e-12, "{}", full.recon_mse);
        assert!((full.explained - 1.0).abs() < 1e-6);
        assert_eq!(pca_points(&data, 3, 99).dim, 3);
        assert_eq!(pca_points(&data, 3, 0).dim, 1);
    }

    #[test]
    fn pca_error_and_explained_share_by_hand() {
        // Rows (1,0), (−1,0), (0,½), (0,−½): mean 0, scatter diag(2, ½). One component (1,0):
        // codes 1, −1, 0, 0; rows 3 and 4 lose ¼ each → MSE ½ / 8 cells = 1/16; explained 2/2.5.
        let data: Vec<f32> = vec![1.0, 0.0, -1.0, 0.0, 0.0, 0.5, 0.0, -0.5];
        let pca = pca_points(&data, 2, 1);
        let expected: [f32; 4] = [1.0, -1.0, 0.0, 0.0];
        assert!(pca.points.iter().zip(expected).all(|(c, e)| (c - e).abs() < 1e-6), "{:?}", pca.points);
        assert!((pca.recon_mse - 0.0625).abs() < 1e-7);
        assert!((pca.explained - 0.8).abs() < 1e-6);
    }

    #[test]
    fn pca_survives_empty_and_constant_data() {
        let none = pca_points(&[], 4, 2);
        assert_eq!((none.points.len(), none.dim, none.recon_mse, none.explained), (0, 2, 0.0, 1.0));
        let no_columns = pca_points(&[1.0, 2.0], 0, 2);
        assert_eq!((no_columns.points.len(), no_columns.dim), (0, 0));
        let constant = pca_points(&[3.0f32; 12], 3, 2);
        assert_eq!(constant.points, vec![0.0; 8]);
        assert_eq!((constant.recon_mse, constant.explained), (0.0, 1.0));
        // One constant column among varying ones: still the line's single direction.
        let mixed: Vec<f32> = (0..10).flat_map(|t| [t as f32, 7.0, -(t as f32)]).collect();
        let pca = pca_points(&mixed, 3, 1);
        assert!(pca.recon_mse < 1e-10 && (pca.explained - 1.0).abs() < 1e-6);
        let one_row = pca_points(&[1.0, 2.0, 3.0], 3, 2);
        assert_eq!(one_row.points, vec![0.0, 0.0]);
    }

    /// `per` points around each of `centres` (2-D), with small deterministic jitter; labels = blob.
    fn blobs(centres: &[[f32; 2]], per: usize) -> (Vec<f32>, Vec<usize>) {
        let mut points: Vec<f32> = Vec::new();
        let mut labels: Vec<usize> = Vec::new();
        for i in 0..per * centres.len() {
            let blob: usize = i % centres.len();
            let j: f32 = (i / centres.len()) as f32 * 0.01;
            points.extend([centres[blob][0] + j, centres[blob][1] - j]);
            labels.push(blob);
        }
        (points, labels)
    }

    #[test]
    fn knn_share_is_one_on_separated_blobs() {
        let (points, labels) = blobs(&[[0.0, 0.0], [50.0, 50.0]], 20);
        let all: Vec<usize> = (0..40).collect();
        assert_eq!(knn_label_share(&points, 2, &labels, &all, 10), 1.0);
    }

    #[test]
    fn knn_share_on_alternating_labels_by_hand() {
        // Points 0..9 on a line, labels alternate. With k = 2 an inner point's neighbours are its
        // two sides, both the other label (share 0); the end points' are the next two, one of them
        // the same label (share ½). Mean = (½ + ½) / 10 = 0.1.
        let points: Vec<f32> = (0..10).map(|i| i as f32).collect();
        let labels: Vec<usize> = (0..10).map(|i| i % 2).collect();
        let all: Vec<usize> = (0..10).collect();
        assert!(close(knn_label_share(&points, 1, &labels, &all, 2), 0.1));
        // Only the ends sampled → ½; out-of-range rows are skipped.
        assert!(close(knn_label_share(&points, 1, &labels, &[0, 9, 42], 2), 0.5));
        assert_eq!(knn_label_share(&points, 1, &labels, &[], 2), 0.0);
    }

    #[test]
    fn knn_rows_sample_the_whole_file() {
        assert_eq!(knn_rows(5, 1), vec![0, 1, 2, 3, 4]);
        let rows = knn_rows(100_000, 3);
        assert_eq!(rows.len(), KNN_SAMPLE);
        assert_eq!(rows, knn_rows(100_000, 3));
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
        assert!(*rows.last().unwrap_or(&0) > 50_000, "not just the first rows");
    }

    #[test]
    fn score_on_labelled_blobs_agrees_fully() {
        let (points, labels) = blobs(&[[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]], 100);
        let (score, clusters) =
            score_representation(Representation::Pca, &points, 2, Some(0.25), 3, 1, Some(&labels)).unwrap();
        assert_eq!(clusters.len(), 300);
        assert_eq!((score.representation, score.dims, score.recon_mse), (Representation::Pca, 2, Some(0.25)));
        assert!(close(score.ari.unwrap_or(0.0), 1.0), "{:?}", score.ari);
        assert!(close(score.nmi.unwrap_or(0.0), 1.0), "{:?}", score.nmi);
        assert_eq!(score.knn_share, Some(1.0));
        assert!(score.silhouette > 0.8, "{}", score.silhouette);
    }

    #[test]
    fn score_without_labels_or_with_the_wrong_length_leaves_them_out() {
        let (points, labels) = blobs(&[[0.0, 0.0], [8.0, 0.0]], 10);
        let (score, _) = score_representation(Representation::Scaled, &points, 2, None, 2, 1, None).unwrap();
        assert_eq!((score.ari, score.nmi, score.knn_share, score.recon_mse), (None, None, None, None));
        let short: &[usize] = &labels[..5];
        let (score, _) = score_representation(Representation::Scaled, &points, 2, None, 2, 1, Some(short)).unwrap();
        assert_eq!(score.ari, None);
        assert!(score_representation(Representation::Scaled, &points, 2, None, 50, 1, None).is_err());
    }

    #[test]
    fn representations_have_names_and_a_default() {
        assert_eq!(Representation::default(), Representation::Autoencoder);
        let names: Vec<&str> = Representation::ALL.iter().map(|r| r.label()).collect();
        assert_eq!(names, vec!["Autoencoder codes", "PCA of the scaled features", "Scaled features"]);
    }
}
