//! Principal components: the one PCA of the app, for the 2D map of the codes (`project`) and for
//! the PCA representation set against the autoencoder's codes (`compare`).
//!
//! Eigenvectors of the scatter matrix by `linfa_linalg` (f64 sums: a million f32 rows would lose
//! digits), each component's largest-magnitude entry made positive so the same data always gives
//! the same picture.

use linfa_linalg::eigh::{EigSort, Eigh};
use ndarray::Array2;

/// The `k` leading principal components of some rows, and their mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    pub mean: Vec<f64>,
    /// Unit vectors, largest eigenvalue first.
    pub components: Vec<Vec<f64>>,
    /// `false` when the scatter matrix held a non-finite value or the solver failed: the
    /// components are then the first `k` coordinate axes.
    pub solved: bool,
}

impl Pca {
    /// Fits `k` components (at most `d`) to `rows`, `n × d` row-major.
    pub fn fit(rows: &[f32], d: usize, k: usize) -> Pca {
        let n = rows.len().checked_div(d).unwrap_or(0);
        let rows = &rows[..n * d];
        let mean = column_means(rows, d, n);
        let k = k.min(d);
        match leading_components(scatter(rows, d, &mean), k) {
            Some(components) => Pca { mean, components, solved: true },
            None => {
                let axes = (0..k).map(|i| (0..d).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
                Pca { mean, components: axes, solved: false }
            }
        }
    }

    /// `row` minus the mean.
    pub fn centre(&self, row: &[f32]) -> Vec<f64> {
        row.iter().zip(&self.mean).map(|(v, m)| f64::from(*v) - m).collect()
    }

    /// A centred row's coordinates along each component.
    pub fn coords(&self, centred: &[f64]) -> Vec<f64> {
        self.components.iter().map(|c| c.iter().zip(centred).map(|(a, b)| a * b).sum()).collect()
    }
}

/// Per-column means; zeros when there are no rows.
fn column_means(rows: &[f32], d: usize, n: usize) -> Vec<f64> {
    let mut mean = vec![0.0f64; d];
    for row in rows.chunks_exact(d.max(1)) {
        mean.iter_mut().zip(row).for_each(|(m, v)| *m += f64::from(*v));
    }
    let count = n.max(1) as f64;
    mean.iter().map(|m| m / count).collect()
}

/// Scatter matrix of the centred rows (the covariance times n: the scale does not change the
/// eigenvectors).
fn scatter(rows: &[f32], d: usize, mean: &[f64]) -> Array2<f64> {
    let mut cov = Array2::<f64>::zeros((d, d));
    let mut centred = vec![0.0f64; d];
    for row in rows.chunks_exact(d.max(1)) {
        centred.iter_mut().zip(row).zip(mean).for_each(|((c, v), m)| *c = f64::from(*v) - m);
        for a in 0..d {
            for b in a..d {
                cov[(a, b)] += centred[a] * centred[b];
            }
        }
    }
    for a in 0..d {
        for b in 0..a {
            cov[(a, b)] = cov[(b, a)];
        }
    }
    cov
}

/// The `k` leading unit eigenvectors, or `None` for a matrix that is not finite (linfa's eigh
/// panics or loops on NaN, whatever made it) or that the solver cannot decompose.
fn leading_components(cov: Array2<f64>, k: usize) -> Option<Vec<Vec<f64>>> {
    if !cov.iter().all(|v| v.is_finite()) {
        return None;
    }
    let (_values, vectors) = cov.eigh().ok()?.sort_eig_desc();
    Some((0..k).map(|i| positive_sign(vectors.column(i).to_vec())).collect())
}

/// Flips a component so its largest-magnitude entry is positive (ties: the first one).
fn positive_sign(mut component: Vec<f64>) -> Vec<f64> {
    let largest = component.iter().copied().fold(0.0f64, |acc, v| if v.abs() > acc.abs() { v } else { acc });
    if largest < 0.0 {
        component.iter_mut().for_each(|v| *v = -*v);
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_finite_rows_fall_back_to_the_axes_without_reaching_the_solver() {
        let pca = Pca::fit(&[1.0, f32::NAN, 2.0, 3.0], 2, 2);
        assert!(!pca.solved);
        assert_eq!(pca.components, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    }

    #[test]
    fn components_are_unit_and_signed() {
        let rows: Vec<f32> = (0..20).flat_map(|i| [i as f32, -2.0 * i as f32 + 0.1 * (i % 3) as f32]).collect();
        let pca = Pca::fit(&rows, 2, 2);
        assert!(pca.solved);
        for c in &pca.components {
            assert!((c.iter().map(|v| v * v).sum::<f64>() - 1.0).abs() < 1e-9);
            let largest = c.iter().copied().fold(0.0f64, |a, v| if v.abs() > a.abs() { v } else { a });
            assert!(largest > 0.0);
        }
    }
}
