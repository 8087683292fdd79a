//! Recommendations: the songs nearest a chosen song in the latent space, by cosine similarity
//! or Euclidean distance, over every row (exact, no index: 1M × 6 floats is one pass).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

/// Most neighbours the page asks for at once.
pub const MAX_NEIGHBOURS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Metric {
    #[default]
    Cosine,
    Euclidean,
}

/// One recommended row and how close it is: cosine similarity (higher is closer) or Euclidean
/// distance (lower is closer).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Neighbour {
    pub row: usize,
    pub score: f32,
}

/// Orders candidates so the heap's top is the worst kept one.
struct Candidate {
    closeness: f64,
    row: usize,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Less close is "greater", so `BinaryHeap::peek` is the one to drop; ties keep earlier rows.
    fn cmp(&self, other: &Self) -> Ordering {
        other.closeness.total_cmp(&self.closeness).then(self.row.cmp(&other.row))
    }
}

/// The `n` rows nearest `row` (never `row` itself, even where another row has the same code),
/// closest first.
pub fn nearest(codes: &[f32], dim: usize, row: usize, n: usize, metric: Metric) -> Vec<Neighbour> {
    let Some(target) = codes.get(row * dim..(row + 1) * dim) else { return Vec::new() };
    let closeness = |code: &[f32]| match metric {
        Metric::Cosine => cosine(target, code, norm(target)),
        Metric::Euclidean => -euclidean(target, code),
    };
    ranked(codes, dim, &[row], n, metric, closeness)
}

/// "More like these": the `n` rows, outside `rows`, with the highest MEAN closeness to the
/// songs in `rows`. For cosine that is the dot product with the mean of the members' unit
/// vectors; for Euclidean, the distance to the members' centroid ranks rows exactly as their
/// mean squared distance to the members does. So each member counts equally, whatever its
/// place in the list, and the whole search is one pass over the codes (a per-member search
/// would be `rows.len()` passes). Scores are the mean cosine similarity, or the distance to
/// the centroid.
pub fn nearest_to_set(codes: &[f32], dim: usize, rows: &[usize], n: usize, metric: Metric) -> Vec<Neighbour> {
    let mut members: Vec<usize> = rows.iter().copied().filter(|&r| (r + 1) * dim <= codes.len()).collect();
    members.sort_unstable();
    members.dedup();
    if members.is_empty() || dim == 0 {
        return Vec::new();
    }
    let mut target = vec![0.0f32; dim];
    for &r in &members {
        let code = &codes[r * dim..(r + 1) * dim];
        let length = if metric == Metric::Cosine { norm(code) } else { 1.0 };
        if length > 0.0 {
            for (t, v) in target.iter_mut().zip(code) {
                *t += (f64::from(*v) / length / members.len() as f64) as f32;
            }
        }
    }
    let closeness = |code: &[f32]| match metric {
        Metric::Cosine => match norm(code) {
            0.0 => 0.0,
            length => dot(&target, code) / length,
        },
        Metric::Euclidean => -euclidean(&target, code),
    };
    ranked(codes, dim, &members, n, metric, closeness)
}

/// The `n` rows not in `excluded` (sorted) with the highest `closeness`, closest first.
fn ranked(
    codes: &[f32],
    dim: usize,
    excluded: &[usize],
    n: usize,
    metric: Metric,
    closeness: impl Fn(&[f32]) -> f64,
) -> Vec<Neighbour> {
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(n + 1);
    if n == 0 {
        return Vec::new();
    }
    for (other, code) in codes.chunks_exact(dim.max(1)).enumerate() {
        if excluded.binary_search(&other).is_ok() {
            continue;
        }
        heap.push(Candidate { closeness: closeness(code), row: other });
        if heap.len() > n {
            heap.pop();
        }
    }
    let mut kept = heap.into_vec();
    kept.sort();
    kept.into_iter()
        .map(|c| Neighbour {
            row: c.row,
            score: if metric == Metric::Euclidean { -c.closeness } else { c.closeness } as f32,
        })
        .collect()
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum()
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt()
}

/// Cosine similarity; 0 against a zero vector (it has no direction).
fn cosine(a: &[f32], b: &[f32], a_norm: f64) -> f64 {
    let denominator = a_norm * norm(b);
    if denominator == 0.0 {
        return 0.0;
    }
    dot(a, b) / denominator
}

fn euclidean(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Row 0 and row 3 share a code: the song itself is left out by row, its twin is kept.
    const CODES: [f32; 10] = [1.0, 0.0, 0.9, 0.1, 0.0, 1.0, 1.0, 0.0, -1.0, 0.0];

    #[test]
    fn excludes_the_song_by_row_not_by_rank() {
        let near = nearest(&CODES, 2, 0, 2, Metric::Euclidean);
        assert_eq!(near.iter().map(|n| n.row).collect::<Vec<_>>(), vec![3, 1]);
        assert_eq!(near[0].score, 0.0, "the twin is at distance 0");
        let twin = nearest(&CODES, 2, 3, 1, Metric::Euclidean);
        assert_eq!(twin[0].row, 0);
    }

    #[test]
    fn cosine_orders_by_angle() {
        // From (0.9, 0.1): (1, 0) twice at cos 0.994, (0, 1) at 0.110, (-1, 0) at -0.994.
        let near = nearest(&CODES, 2, 1, 4, Metric::Cosine);
        assert_eq!(near.iter().map(|n| n.row).collect::<Vec<_>>(), vec![0, 3, 2, 4]);
        assert!((near[0].score - 0.9 / 0.82f32.sqrt()).abs() < 1e-6);
        assert!((near[3].score + 0.9 / 0.82f32.sqrt()).abs() < 1e-6, "the opposite direction");
    }

    #[test]
    fn asking_for_more_than_there_is_returns_the_rest() {
        assert_eq!(nearest(&CODES, 2, 4, 99, Metric::Cosine).len(), 4);
        assert!(nearest(&CODES, 2, 9, 3, Metric::Cosine).is_empty(), "no such row");
        assert!(nearest(&CODES, 2, 0, 0, Metric::Cosine).is_empty());
    }

    #[test]
    fn more_like_these_uses_the_mean_and_leaves_out_every_member() {
        // Members (1, 0) and (0, 1): their mean direction is the diagonal.
        let codes = [1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, -3.0, -1.0, -1.0];
        let near = nearest_to_set(&codes, 2, &[1, 0, 1], 3, Metric::Cosine);
        assert_eq!(near.iter().map(|n| n.row).collect::<Vec<_>>(), vec![2, 3, 4]);
        // Mean cosine of (2, 2) to the members is (0.707 + 0.707) / 2.
        assert!((near[0].score - 0.5f32.sqrt()).abs() < 1e-6);
        assert!(near[1].score.abs() < 1e-6, "(3, -3) is at +45 and -135 degrees: mean 0");
        // Euclidean: centroid (0.5, 0.5); (2, 2) is sqrt(4.5) away, (-1, -1) too: earlier row first.
        let far = nearest_to_set(&codes, 2, &[0, 1], 2, Metric::Euclidean);
        assert_eq!(far.iter().map(|n| n.row).collect::<Vec<_>>(), vec![2, 4]);
        assert!((far[0].score - 4.5f32.sqrt()).abs() < 1e-6);
        assert!(nearest_to_set(&codes, 2, &[], 3, Metric::Cosine).is_empty());
        assert!(nearest_to_set(&codes, 2, &[99], 3, Metric::Cosine).is_empty(), "no such row");
    }
}
