//! How faithful a 2D map is: of each song's 10 nearest songs in the representation clustered,
//! how many are also among its 10 nearest on the map. 1 would be a perfect map; a random one
//! keeps about 10 / n. Measured on a seeded subset of songs (neighbours looked for among the
//! subset only, in both spaces), so it costs the same at 1M songs as at 10k.

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::pipeline::explore::recommend::{nearest, Metric};

pub const MAP_NEIGHBOURS: usize = 10;
/// Songs the neighbours are looked for among, at most.
pub const SUBSET: usize = 10_000;
/// Songs whose neighbours are compared, at most (of the subset).
pub const QUERIES: usize = 200;
/// The subset's seed: fixed, so the numbers of a run and of its restored or resumed copy agree.
pub const MAP_QUALITY_SEED: u64 = 42;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapQuality {
    /// Mean share of the 10 nearest in the representation that are among the 10 nearest on the map.
    pub share: f32,
    pub queries: usize,
    /// How many songs the neighbours were looked for among.
    pub among: usize,
}

/// The subset, the songs compared, and their neighbours in the representation: measured once,
/// then held against each map.
#[derive(Debug, Clone)]
pub struct CodeNeighbours {
    subset: Vec<usize>,
    queries: Vec<usize>,
    /// For each query (a position in `subset`), its nearest positions in `subset`.
    near: Vec<Vec<usize>>,
}

impl CodeNeighbours {
    /// `points` is `rows × dim`; seeded, so a run always gets the same numbers.
    pub fn of(points: &[f32], dim: usize, seed: u64) -> CodeNeighbours {
        let rows = points.len() / dim.max(1);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut subset: Vec<usize> = sample(&mut rng, rows, SUBSET.min(rows)).into_vec();
        subset.sort_unstable();
        let queries: Vec<usize> = sample(&mut rng, subset.len(), QUERIES.min(subset.len())).into_vec();
        let gathered = gather(points, dim, &subset);
        let near = queries.iter().map(|&q| neighbours(&gathered, dim, q)).collect();
        CodeNeighbours { subset, queries, near }
    }

    /// The share of the representation's neighbours `map` (`[x, y]` per row) keeps; `None` when
    /// there is nothing to compare (fewer than two songs, or a map of another run's size).
    pub fn preserved(&self, map: &[f32]) -> Option<MapQuality> {
        if self.queries.is_empty() || self.subset.last().is_some_and(|&r| (r + 1) * 2 > map.len()) {
            return None;
        }
        let gathered = gather(map, 2, &self.subset);
        let kept: f64 = self
            .queries
            .iter()
            .zip(&self.near)
            .map(|(&q, code)| {
                let on_map = neighbours(&gathered, 2, q);
                code.iter().filter(|c| on_map.contains(c)).count() as f64 / code.len().max(1) as f64
            })
            .sum();
        let share = (kept / self.queries.len() as f64) as f32;
        Some(MapQuality { share, queries: self.queries.len(), among: self.subset.len() })
    }
}

/// How much of the neighbourhoods among `points` (`rows × dim`) one `map` keeps, measured as a
/// run measures its maps (seeded with `MAP_QUALITY_SEED`). Several maps of the same points
/// share one `CodeNeighbours` instead.
pub fn map_quality(points: &[f32], dim: usize, map: &[f32]) -> Option<MapQuality> {
    CodeNeighbours::of(points, dim, MAP_QUALITY_SEED).preserved(map)
}

fn gather(values: &[f32], dim: usize, rows: &[usize]) -> Vec<f32> {
    rows.iter().flat_map(|&r| values[r * dim..(r + 1) * dim].iter().copied()).collect()
}

fn neighbours(points: &[f32], dim: usize, row: usize) -> Vec<usize> {
    nearest(points, dim, row, MAP_NEIGHBOURS, Metric::Euclidean).into_iter().map(|nb| nb.row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// The oracle: every distance sorted, the k first (ties by row), in both spaces.
    fn brute_force(points: &[f32], dim: usize, map: &[f32], k: usize) -> f64 {
        let n = points.len() / dim;
        let near = |values: &[f32], d: usize, row: usize| -> Vec<usize> {
            let mut all: Vec<(f64, usize)> = (0..n)
                .filter(|&o| o != row)
                .map(|o| {
                    let dist: f64 = (0..d).map(|j| f64::from(values[row * d + j] - values[o * d + j]).powi(2)).sum();
                    (dist, o)
                })
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            all.into_iter().take(k).map(|(_, o)| o).collect()
        };
        let kept: usize =
            (0..n).map(|r| near(points, dim, r).iter().filter(|c| near(map, 2, r).contains(c)).count()).sum();
        kept as f64 / (n * k) as f64
    }

    #[test]
    fn agrees_with_a_brute_force_oracle() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let n = 150;
        let points: Vec<f32> = (0..n * 6).map(|_| rng.gen_range(-1.0..1.0)).collect();
        // A map that keeps some structure: the first two of the six dimensions.
        let map: Vec<f32> = points.chunks(6).flat_map(|p| [p[0], p[1]]).collect();
        let quality = CodeNeighbours::of(&points, 6, 1).preserved(&map).unwrap();
        assert_eq!((quality.queries, quality.among), (n, n), "a small file is measured on every song");
        assert!((f64::from(quality.share) - brute_force(&points, 6, &map, MAP_NEIGHBOURS)).abs() < 1e-6);
    }

    #[test]
    fn a_faithful_map_keeps_every_neighbour_and_a_shuffled_one_few() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let points: Vec<f32> = (0..400 * 2).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let code = CodeNeighbours::of(&points, 2, 3);
        assert_eq!(code.preserved(&points).unwrap().share, 1.0, "the points themselves as the map");
        let mut shuffled = points.clone();
        for i in (1..400).rev() {
            let j = rng.gen_range(0..=i);
            shuffled.swap(2 * i, 2 * j);
            shuffled.swap(2 * i + 1, 2 * j + 1);
        }
        assert!(code.preserved(&shuffled).unwrap().share < 0.1);
        assert_eq!(code.preserved(&points[..10]), None, "a map of another size");
    }

    #[test]
    fn a_big_file_is_measured_on_a_bounded_subset() {
        let points = vec![0.25f32; 30_000 * 2];
        let quality = CodeNeighbours::of(&points, 2, 1).preserved(&points).unwrap();
        assert_eq!((quality.queries, quality.among), (QUERIES, SUBSET));
    }
}
