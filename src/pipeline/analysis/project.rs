//! Stage 6: the 2D map of the latent codes.

use linfa_linalg::eigh::{EigSort, Eigh};
use ndarray::Array2;

use crate::pipeline::params::Projection;

/// 2D coordinates for each row: `[x0, y0, x1, y1, …]`.
pub fn project(codes: &[f32], dim: usize, how: Projection) -> Vec<f32> {
    if dim == 0 {
        return Vec::new();
    }
    match how {
        Projection::FirstTwo => {
            codes.chunks_exact(dim).flat_map(|r| [r[0], r.get(1).copied().unwrap_or(0.0)]).collect()
        }
        Projection::Pca => pca_2d(codes, dim),
        // Too slow to compute with every run: the worker runs `tsne::Tsne` when asked.
        Projection::Tsne => Vec::new(),
    }
}

/// Projects onto the two leading principal components. Each component's sign is fixed so its
/// largest entry is positive, so the same data always gives the same picture.
pub fn pca_2d(codes: &[f32], dim: usize) -> Vec<f32> {
    let n = codes.len() / dim.max(1);
    if n == 0 || dim < 2 {
        return project(codes, dim.max(1), Projection::FirstTwo);
    }
    let mean = column_means(codes, dim);
    let cov = covariance(codes, dim, &mean);
    let components = match leading_components(cov) {
        Some(c) => c,
        None => return project(codes, dim, Projection::FirstTwo),
    };
    codes
        .chunks_exact(dim)
        .flat_map(|row| {
            let centred: Vec<f64> = row.iter().zip(&mean).map(|(v, m)| f64::from(*v) - m).collect();
            components
                .iter()
                .map(move |c| c.iter().zip(&centred).map(|(a, b)| a * b).sum::<f64>() as f32)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn column_means(codes: &[f32], dim: usize) -> Vec<f64> {
    let n = (codes.len() / dim) as f64;
    let mut mean = vec![0.0f64; dim];
    for row in codes.chunks_exact(dim) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += f64::from(*v);
        }
    }
    mean.iter().map(|m| m / n).collect()
}

fn covariance(codes: &[f32], dim: usize, mean: &[f64]) -> Array2<f64> {
    let mut cov = Array2::<f64>::zeros((dim, dim));
    let mut centred = vec![0.0f64; dim];
    for row in codes.chunks_exact(dim) {
        for ((c, v), m) in centred.iter_mut().zip(row).zip(mean) {
            *c = f64::from(*v) - m;
        }
        for a in 0..dim {
            for b in a..dim {
                cov[(a, b)] += centred[a] * centred[b];
            }
        }
    }
    for a in 0..dim {
        for b in 0..a {
            cov[(a, b)] = cov[(b, a)];
        }
    }
    cov
}

fn leading_components(cov: Array2<f64>) -> Option<[Vec<f64>; 2]> {
    // linfa's eigh panics on NaN; codes that reach here were bounded, but whatever their source,
    // a matrix that is not finite never reaches the solver.
    if !cov.iter().all(|v| v.is_finite()) {
        return None;
    }
    let (_values, vectors) = cov.eigh().ok()?.sort_eig_desc();
    let component = |i: usize| {
        let mut c: Vec<f64> = vectors.column(i).to_vec();
        let largest = c.iter().copied().fold(0.0f64, |acc, v| if v.abs() > acc.abs() { v } else { acc });
        if largest < 0.0 {
            c.iter_mut().for_each(|v| *v = -*v);
        }
        c
    };
    Some([component(0), component(1)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pca_finds_the_long_axis() {
        // Points on the line y = 2x in 3D with a little noise in z: PC1 carries almost all spread.
        let codes: Vec<f32> = (0..50)
            .flat_map(|i| {
                let t = i as f32 - 25.0;
                [t, 2.0 * t, if i % 2 == 0 { 0.1 } else { -0.1 }]
            })
            .collect();
        let xy = pca_2d(&codes, 3);
        let spread = |k: usize| xy.iter().skip(k).step_by(2).map(|v| v * v).sum::<f32>();
        assert!(spread(0) > 1000.0 * spread(1));
        // Distances along PC1 equal distances along the line: |Δt| * sqrt(5).
        assert!(((xy[98] - xy[0]).abs() - 49.0 * 5f32.sqrt()).abs() < 1e-3);
    }

    #[test]
    fn first_two_takes_dims_zero_and_one() {
        assert_eq!(project(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, Projection::FirstTwo), vec![1.0, 2.0, 4.0, 5.0]);
    }
}
