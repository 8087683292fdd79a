//! KMeans's assignment passes with Hamerly's bounds, so that a pass over a million songs looks
//! again only at the songs near a border between clusters.
//!
//! Written here rather than taken from linfa-clustering: linfa compares every song with every
//! centre on every pass (through ndarray row views, about 130 ns per song per pass as wasm at k = 10), and
//! most passes of a run on a million songs move the centres so little that almost no song changes
//! cluster. The passes follow linfa's own update (each old centre counts as one more member of
//! its cluster) and its stopping rule, so the centres they stop at are the ones linfa would reach,
//! and `cluster::kmeans` lets linfa take the last step itself.
//!
//! Hamerly (2010), "Making k-means even faster": each song keeps an upper bound on the distance to
//! its own centre and a lower bound on the distance to every other centre. When the centres move,
//! the bounds move by at most the centres' shifts; a song whose upper bound is below both its lower
//! bound and half the distance from its centre to the nearest other one cannot have changed cluster.

use crate::pipeline::analysis::kd_tree::squared_distance;

/// Bounds are kept in f32 like the points; a song is looked at again unless its bounds are apart
/// by more than this fraction, so rounding in the bounds never keeps a song in the wrong cluster.
const MARGIN: f32 = 1e-5;

/// The songs' clusters under the current centres, with the bounds that make the next pass cheap.
pub struct Bounded<'a> {
    points: &'a [f32],
    dim: usize,
    k: usize,
    centres: Vec<f32>,
    /// The centres dimension by dimension (`dim × k`), so a full scan computes all k distances
    /// of a song side by side, which the compiler turns into SIMD lanes.
    by_dim: Vec<f32>,
    labels: Vec<u32>,
    upper: Vec<f32>,
    lower: Vec<f32>,
    /// Per cluster, the sum of its songs (f64, so moving songs in and out leaves no drift).
    sums: Vec<f64>,
    counts: Vec<u64>,
}

impl<'a> Bounded<'a> {
    /// Assigns every song to its nearest of `centres` (`k × dim`, row-major): one full pass.
    pub fn new(points: &'a [f32], dim: usize, centres: Vec<f32>) -> Self {
        let k = centres.len() / dim;
        let n = points.len() / dim;
        let mut state = Bounded {
            points,
            dim,
            k,
            by_dim: by_dimension(&centres, dim),
            centres,
            labels: vec![0; n],
            upper: vec![0.0; n],
            lower: vec![0.0; n],
            sums: vec![0.0; k * dim],
            counts: vec![0; k],
        };
        for i in 0..n {
            let (best, first, second) = state.nearest_two(i);
            state.labels[i] = best as u32;
            state.upper[i] = first;
            state.lower[i] = second;
            state.add(i, best);
        }
        state
    }

    pub fn centres(&self) -> &[f32] {
        &self.centres
    }

    /// Each song's cluster under the current centres.
    pub fn labels(&self) -> Vec<usize> {
        self.labels.iter().map(|&l| l as usize).collect()
    }

    /// The sum of squared distances from each song to its centre.
    pub fn inertia(&self) -> f64 {
        (0..self.labels.len()).map(|i| f64::from(self.distance_to(i, self.labels[i] as usize)).powi(2)).sum()
    }

    /// linfa's next centres from the current clusters: each centre is the mean of its songs and
    /// of itself (linfa's `compute_centroids`), so an empty cluster keeps its centre.
    pub fn next_centres(&self) -> Vec<f32> {
        let mut next = vec![0.0f32; self.k * self.dim];
        for c in 0..self.k {
            let n = self.counts[c] as f64 + 1.0;
            for j in 0..self.dim {
                let at = c * self.dim + j;
                next[at] = ((self.sums[at] + f64::from(self.centres[at])) / n) as f32;
            }
        }
        next
    }

    /// Moves the centres to `centres` and reassigns the songs whose bounds no longer prove
    /// their cluster.
    pub fn move_to(&mut self, centres: Vec<f32>) {
        let shifts: Vec<f32> = (0..self.k).map(|c| self.distance_between(&centres, c, c)).collect();
        self.by_dim = by_dimension(&centres, self.dim);
        self.centres = centres;
        let half_gaps = self.half_gaps();
        // A song's lower bound is to a centre other than its own: the largest shift of the others.
        let (top, second_top) = two_largest(&shifts);
        for i in 0..self.labels.len() {
            let own = self.labels[i] as usize;
            self.upper[i] += shifts[own];
            self.lower[i] -= if shifts[own] == top { second_top } else { top };
            let bound = self.lower[i].max(half_gaps[own]);
            if self.upper[i] < bound * (1.0 - MARGIN) {
                continue;
            }
            self.upper[i] = self.distance_to(i, own);
            if self.upper[i] < bound * (1.0 - MARGIN) {
                continue;
            }
            let (best, first, second) = self.nearest_two(i);
            if best != own {
                self.remove(i, own);
                self.add(i, best);
                self.labels[i] = best as u32;
            }
            self.upper[i] = first;
            self.lower[i] = second;
        }
    }

    /// Half the distance from each centre to its nearest other centre: a song closer than that
    /// to its own centre is closer to it than to any other.
    fn half_gaps(&self) -> Vec<f32> {
        (0..self.k)
            .map(|c| {
                let nearest = (0..self.k)
                    .filter(|&o| o != c)
                    .map(|o| self.distance_between(&self.centres, c, o))
                    .fold(f32::INFINITY, f32::min);
                nearest / 2.0
            })
            .collect()
    }

    fn distance_between(&self, other: &[f32], c: usize, o: usize) -> f32 {
        squared_distance(&self.centres[c * self.dim..(c + 1) * self.dim], &other[o * self.dim..(o + 1) * self.dim]).sqrt()
    }

    fn point(&self, i: usize) -> &[f32] {
        &self.points[i * self.dim..(i + 1) * self.dim]
    }

    fn distance_to(&self, i: usize, c: usize) -> f32 {
        squared_distance(self.point(i), &self.centres[c * self.dim..(c + 1) * self.dim]).sqrt()
    }

    /// The nearest centre (the first of equals, as linfa picks), its distance and the second
    /// smallest distance. Centres are taken `LANES` at a time with their sums in a local array,
    /// which stays in one SIMD register across the song's dimensions.
    fn nearest_two(&self, i: usize) -> (usize, f32, f32) {
        let point = self.point(i);
        let padded = self.by_dim.len() / self.dim;
        let (mut best, mut first, mut second) = (0, f32::INFINITY, f32::INFINITY);
        for block in 0..padded / LANES {
            let mut sums = [0.0f32; LANES];
            for (j, &x) in point.iter().enumerate() {
                let at = j * padded + block * LANES;
                let centre: &[f32; LANES] = self.by_dim[at..at + LANES].try_into().unwrap_or(&[FAR; LANES]);
                for lane in 0..LANES {
                    sums[lane] += (x - centre[lane]) * (x - centre[lane]);
                }
            }
            for (lane, &d) in sums.iter().enumerate() {
                if d < first {
                    second = first;
                    first = d;
                    best = block * LANES + lane;
                } else if d < second {
                    second = d;
                }
            }
        }
        (best, first.sqrt(), second.sqrt())
    }

    fn add(&mut self, i: usize, c: usize) {
        self.counts[c] += 1;
        for j in 0..self.dim {
            self.sums[c * self.dim + j] += f64::from(self.points[i * self.dim + j]);
        }
    }

    fn remove(&mut self, i: usize, c: usize) {
        self.counts[c] -= 1;
        for j in 0..self.dim {
            self.sums[c * self.dim + j] -= f64::from(self.points[i * self.dim + j]);
        }
    }
}

/// The compiler turns the fixed-width chunks into one SIMD operation each.
const LANES: usize = 4;
/// A padding centre this far away is never the nearest, and its squared distance stays finite.
const FAR: f32 = 1e17;

/// `dim × k_padded`, k padded to a multiple of `LANES` with `FAR` centres.
fn by_dimension(centres: &[f32], dim: usize) -> Vec<f32> {
    let k = centres.len() / dim;
    let padded = k.div_ceil(LANES) * LANES;
    (0..dim).flat_map(|j| (0..padded).map(move |c| if c < k { centres[c * dim + j] } else { FAR })).collect()
}

fn two_largest(values: &[f32]) -> (f32, f32) {
    let (mut top, mut second) = (0.0f32, 0.0f32);
    for &v in values {
        if v > top {
            second = top;
            top = v;
        } else if v > second {
            second = v;
        }
    }
    (top, second)
}

/// The length of the whole change between two sets of centres, as linfa measures convergence.
pub fn total_shift(a: &[f32], b: &[f32]) -> f32 {
    squared_distance(a, b).sqrt()
}

/// Runs linfa's passes from `start` until the next one would move the centres by less than
/// `tolerance` (or `max_passes` are done), and returns the songs' state at the centres from which
/// that pass starts, with how many passes ran. One more pass of linfa's from them ends its run.
pub fn converge(points: &[f32], dim: usize, start: Vec<f32>, tolerance: f32, max_passes: usize) -> (Bounded<'_>, usize) {
    let mut state = Bounded::new(points, dim, start);
    let mut passes = 0;
    while passes < max_passes {
        let next = state.next_centres();
        if total_shift(state.centres(), &next) < tolerance {
            break;
        }
        state.move_to(next);
        passes += 1;
    }
    (state, passes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256Plus;

    fn blobs(n: usize, dim: usize, seed: u64) -> Vec<f32> {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let centres: Vec<f32> = (0..8 * dim).map(|_| rng.gen_range(-3.0..3.0)).collect();
        (0..n)
            .flat_map(|_| {
                let c = rng.gen_range(0..8);
                (0..dim).map(|j| centres[c * dim + j] + rng.gen_range(-1.0f32..1.0)).collect::<Vec<_>>()
            })
            .collect()
    }

    fn nearest(point: &[f32], centres: &[f32], dim: usize) -> usize {
        let mut best = (0, f32::INFINITY);
        for (c, centre) in centres.chunks_exact(dim).enumerate() {
            let d = squared_distance(point, centre);
            if d < best.1 {
                best = (c, d);
            }
        }
        best.0
    }

    #[test]
    fn after_every_move_each_song_is_in_its_nearest_cluster_and_the_sums_match() {
        let dim = 3;
        let points = blobs(5_000, dim, 3);
        let start: Vec<f32> = points[..6 * dim].to_vec();
        let mut state = Bounded::new(&points, dim, start);
        for _ in 0..12 {
            let next = state.next_centres();
            state.move_to(next);
            let labels = state.labels();
            for (i, row) in points.chunks_exact(dim).enumerate() {
                assert_eq!(labels[i], nearest(row, state.centres(), dim), "song {i}");
            }
            let mut sums = vec![0.0f64; 6 * dim];
            for (row, &l) in points.chunks_exact(dim).zip(&labels) {
                for j in 0..dim {
                    sums[l * dim + j] += f64::from(row[j]);
                }
            }
            for (a, b) in sums.iter().zip(&state.sums) {
                assert!((a - b).abs() < 1e-6, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn a_move_far_away_still_reassigns_exactly() {
        let dim = 2;
        let points = blobs(2_000, dim, 9);
        let mut state = Bounded::new(&points, dim, points[..4 * dim].to_vec());
        let elsewhere: Vec<f32> = points[100 * dim..104 * dim].to_vec();
        state.move_to(elsewhere.clone());
        let labels = state.labels();
        for (i, row) in points.chunks_exact(dim).enumerate() {
            assert_eq!(labels[i], nearest(row, &elsewhere, dim));
        }
    }

    #[test]
    fn converge_stops_one_pass_short_of_the_tolerance() {
        let dim = 4;
        let points = blobs(20_000, dim, 5);
        let start: Vec<f32> = points[..5 * dim].to_vec();
        let tolerance = 1e-3;
        let (state, passes) = converge(&points, dim, start, tolerance, 300);
        assert!(passes > 0);
        let fresh = Bounded::new(&points, dim, state.centres().to_vec());
        assert!(total_shift(state.centres(), &fresh.next_centres()) < tolerance);
        assert_eq!(fresh.labels(), state.labels());
    }
}
