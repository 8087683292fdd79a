//! Closeness a person can read. A raw score tells little: cosine of ReLU codes gives 0.998 to
//! nearly every pair, and a Euclidean distance of 0.4 means nothing without the file. So a
//! neighbour's distance is set against this file's own distances: for a seeded sample of songs,
//! the distance to each one's 10th nearest other song. A neighbour at closeness 95 is nearer
//! the chosen song than 95% of songs are to their 10th nearest; 50 is an ordinary 10th neighbour.

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::recommend::{similar, Metric};

/// Which neighbour of each sampled song sets the scale: the page's default list length, so a
/// closeness of 50 is "as near as an ordinary song's last recommendation".
pub const SCALE_NEIGHBOUR: usize = 10;

/// Exact searches the scale may cost, in row visits: it is measured once a run, on the first
/// recommendation, and should take well under a second in the browser even at 1M songs.
const BUDGET: usize = 40_000_000;
const MIN_SAMPLE: usize = 50;
const MAX_SAMPLE: usize = 400;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosenessScale {
    pub metric: Metric,
    /// Distances (`Metric::distance`) to the sampled songs' 10th nearest other song, ascending.
    pub kth: Vec<f64>,
}

impl ClosenessScale {
    /// Measures the scale on `points` (`rows × dim`) for `metric`, folding repeats of a song as
    /// the lists do (`identities`, may be empty). Seeded, so a run always gets the same scale.
    pub fn measure(points: &[f32], dim: usize, metric: Metric, identities: &[u32], seed: u64) -> ClosenessScale {
        let rows = points.len() / dim.max(1);
        let size = sample_size(rows);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut kth: Vec<f64> = sample(&mut rng, rows, size)
            .into_iter()
            .filter_map(|row| {
                let list = similar(points, dim, row, SCALE_NEIGHBOUR, metric, identities).neighbours;
                list.get(SCALE_NEIGHBOUR - 1).map(|nb| metric.distance(nb.score))
            })
            .filter(|d| d.is_finite())
            .collect();
        kth.sort_by(f64::total_cmp);
        ClosenessScale { metric, kth }
    }

    /// 0–100: the share of sampled songs whose 10th nearest song is farther than a neighbour
    /// with this `score` (ties count half). `None` when the file was too small to measure.
    pub fn closeness(&self, score: f32) -> Option<f32> {
        if self.kth.is_empty() {
            return None;
        }
        let d = self.metric.distance(score);
        let nearer = self.kth.partition_point(|k| *k < d);
        let equal = self.kth[nearer..].partition_point(|k| *k <= d);
        let farther = self.kth.len() - nearer - equal;
        Some(((farther as f64 + equal as f64 / 2.0) / self.kth.len() as f64 * 100.0) as f32)
    }
}

/// Songs the scale is measured on: every song of a small file, fewer as the file grows so the
/// searches stay within `BUDGET`, never fewer than `MIN_SAMPLE` (percentiles need a few).
fn sample_size(rows: usize) -> usize {
    (BUDGET / rows.max(1)).clamp(MIN_SAMPLE, MAX_SAMPLE).min(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closeness_is_the_share_of_songs_whose_tenth_neighbour_is_farther() {
        let scale = ClosenessScale { metric: Metric::Euclidean, kth: vec![1.0, 2.0, 3.0, 4.0] };
        assert_eq!(scale.closeness(0.5), Some(100.0));
        assert_eq!(scale.closeness(2.5), Some(50.0));
        assert_eq!(scale.closeness(2.0), Some(62.5), "a tie counts half");
        assert_eq!(scale.closeness(9.0), Some(0.0));
        let cosine = ClosenessScale { metric: Metric::Cosine, kth: vec![0.01, 0.02] };
        assert_eq!(cosine.closeness(0.985), Some(50.0), "1 − 0.985 lies between the two");
        assert_eq!(ClosenessScale { metric: Metric::Cosine, kth: vec![] }.closeness(1.0), None);
    }

    #[test]
    fn measured_on_a_line_the_scale_separates_neighbours() {
        // Songs at 0, 1, 2, …: every song's 10th nearest is 5 or 10 away (ends), never below 5.
        let points: Vec<f32> = (0..200).map(|i| i as f32).collect();
        let scale = ClosenessScale::measure(&points, 1, Metric::Euclidean, &[], 3);
        assert_eq!(scale.kth.len(), 200, "a small file is measured on every song");
        assert!(scale.kth.iter().all(|d| (5.0..=10.0).contains(d)), "{:?}", &scale.kth[..5]);
        let near = scale.closeness(1.0).unwrap();
        let far = scale.closeness(6.0).unwrap();
        assert_eq!(near, 100.0);
        assert!(far < 5.0, "a neighbour 6 away is farther than almost every 10th neighbour: {far}");
        assert_eq!(scale, ClosenessScale::measure(&points, 1, Metric::Euclidean, &[], 3), "seeded");
    }

    #[test]
    fn a_big_file_is_measured_on_a_bounded_sample() {
        assert_eq!(sample_size(30), 30);
        assert_eq!(sample_size(39_280), MAX_SAMPLE);
        assert_eq!(sample_size(200_000), 200);
        assert_eq!(sample_size(1_000_000), MIN_SAMPLE);
    }
}
