//! Stage 6: the 2D map of the latent codes.

use crate::pipeline::analysis::pca::Pca;
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
        // Too slow to compute with every run: the worker runs `tsne::Tsne`, `umap::Umap` when asked.
        Projection::Tsne | Projection::Umap => Vec::new(),
    }
}

/// Projects onto the two leading principal components (`pca::Pca`); the first two dimensions
/// when there are fewer than two or the components cannot be found.
pub fn pca_2d(codes: &[f32], dim: usize) -> Vec<f32> {
    let n = codes.len() / dim.max(1);
    if n == 0 || dim < 2 {
        return project(codes, dim.max(1), Projection::FirstTwo);
    }
    let pca = Pca::fit(codes, dim, 2);
    if !pca.solved {
        return project(codes, dim, Projection::FirstTwo);
    }
    codes.chunks_exact(dim).flat_map(|row| pca.coords(&pca.centre(row)).into_iter().map(|v| v as f32)).collect()
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
