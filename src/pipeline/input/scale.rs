//! Stage 3: z-scores per column, like scikit-learn's `StandardScaler` (population std).

use serde::{Deserialize, Serialize};

use crate::pipeline::input::columns::Features;

/// Column means and standard deviations learned from the data; kept so results can be shown
/// and exported in the original units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StandardScaler {
    pub mean: Vec<f64>,
    /// Population std; 1.0 for a constant column, as scikit-learn does, so it scales to 0, not NaN.
    pub scale: Vec<f64>,
}

impl StandardScaler {
    /// Learns mean and std of each of the `d` columns of row-major `values`.
    /// Sums in f64: 1M rows of f32 would lose digits otherwise.
    pub fn fit(values: &[f32], d: usize) -> Self {
        let n = values.len().checked_div(d).unwrap_or(0);
        let mut mean = vec![0.0f64; d];
        for row in values.chunks_exact(d.max(1)) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += f64::from(*v);
            }
        }
        mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
        let mut var = vec![0.0f64; d];
        for row in values.chunks_exact(d.max(1)) {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                let diff = f64::from(*v) - m;
                *s += diff * diff;
            }
        }
        let scale = var.iter().map(|s| (s / n.max(1) as f64).sqrt()).map(|s| if s > 1e-12 { s } else { 1.0 }).collect();
        StandardScaler { mean, scale }
    }

    pub fn transform(&self, values: &[f32]) -> Vec<f32> {
        let d = self.mean.len();
        values
            .chunks_exact(d.max(1))
            .flat_map(|row| {
                row.iter().zip(&self.mean).zip(&self.scale).map(|((v, m), s)| ((f64::from(*v) - m) / s) as f32)
            })
            .collect()
    }

    pub fn inverse(&self, scaled: &[f32]) -> Vec<f32> {
        let d = self.mean.len();
        scaled
            .chunks_exact(d.max(1))
            .flat_map(|row| {
                row.iter().zip(&self.mean).zip(&self.scale).map(|((z, m), s)| (f64::from(*z) * s + m) as f32)
            })
            .collect()
    }
}

/// Usable rows, scaled, ready to train on.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub features: Features,
    pub scaler: StandardScaler,
    pub scaled: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scikit_learn_on_known_numbers() {
        // sklearn: StandardScaler().fit([[1, 10], [2, 10], [3, 10], [4, 10]])
        // mean_ = [2.5, 10], scale_ = [1.11803399, 1.0]
        let x = [1.0, 10.0, 2.0, 10.0, 3.0, 10.0, 4.0, 10.0];
        let s = StandardScaler::fit(&x, 2);
        assert_eq!(s.mean, vec![2.5, 10.0]);
        assert!((s.scale[0] - 1.118_033_988_749_895).abs() < 1e-12);
        assert_eq!(s.scale[1], 1.0);
        let z = s.transform(&x);
        let expected = [-1.341_640_8, 0.0, -0.447_213_6, 0.0, 0.447_213_6, 0.0, 1.341_640_8, 0.0];
        for (a, b) in z.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        let back = s.inverse(&z);
        for (a, b) in back.iter().zip(x) {
            assert!((a - b).abs() < 1e-5);
        }
    }
}
