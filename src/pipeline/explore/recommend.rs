//! Recommendations: the songs nearest a chosen song, by cosine similarity (of the vectors as
//! they are, or centred on the file's mean), or Euclidean distance, over every row (exact, no
//! index: 1M × 6 floats is one pass). Repeats of a song (the same track in several playlists of
//! a file) are folded out by `similar`.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

// Euclidean rankings compare squared distances (the same order, without a square root per row);
// `ranked` takes the root of the few it keeps.
use crate::pipeline::analysis::cluster::squared_distance;

/// Most neighbours the page asks for at once.
pub const MAX_NEIGHBOURS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Metric {
    /// The reference's rule. On ReLU codes (all ≥ 0, so all in one orthant) it scores nearly
    /// every pair 0.99+, which is why `CentredCosine` exists.
    #[default]
    Cosine,
    Euclidean,
    /// Cosine of the vectors minus the mean of all rows: the angle as seen from the middle of
    /// the file, so "similar" means "off the average in the same direction".
    CentredCosine,
}

impl Metric {
    pub const ALL: [Metric; 3] = [Metric::Cosine, Metric::Euclidean, Metric::CentredCosine];

    /// A score as a distance (lower is closer): 1 − similarity for the cosines.
    pub fn distance(self, score: f32) -> f64 {
        match self {
            Metric::Euclidean => f64::from(score),
            Metric::Cosine | Metric::CentredCosine => 1.0 - f64::from(score),
        }
    }

    /// Short name for benchmarks and the page's settings.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Cosine => "cosine",
            Metric::Euclidean => "euclidean",
            Metric::CentredCosine => "centred_cosine",
        }
    }
}

/// Which vectors similar songs are looked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Space {
    /// The run's points: the autoencoder's codes (unless the person chose another
    /// representation to cluster on).
    #[default]
    Codes,
    /// The songs' features as z-scores, as the scaler made them.
    Features,
}

/// How similar songs are found: in which vectors, by which closeness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    pub space: Space,
    pub metric: Metric,
}

impl Rule {
    /// The reference project's rule: cosine similarity of the raw codes.
    pub const REFERENCE: Rule = Rule { space: Space::Codes, metric: Metric::Cosine };
    /// What the page uses unless the person picks another: cosine of the audio features (z-scores).
    /// The rule: the default is the autoencoder's best rule unless that is more than 0.02
    /// below the best rule overall on the light subset's genres (other artists' songs only). It
    /// was 0.021 below (0.225 against 0.246: BENCHMARKS.md, "Similar songs"; `make
    /// bench-quality`), so the default is the features' rule and the list says so.
    pub const DEFAULT: Rule = Rule { space: Space::Features, metric: Metric::Cosine };
    /// Every rule the page offers, in its list's order. The features' centred cosine is left
    /// out: z-scores are centred already, so it is their cosine.
    pub const CHOICES: [Rule; 5] = [
        Rule::DEFAULT,
        Rule { space: Space::Features, metric: Metric::Euclidean },
        Rule { space: Space::Codes, metric: Metric::CentredCosine },
        Rule { space: Space::Codes, metric: Metric::Euclidean },
        Rule::REFERENCE,
    ];

    /// What the page's list calls it.
    pub fn label(self) -> String {
        let what = match self.space {
            Space::Codes => "the codes",
            Space::Features => "the audio features",
        };
        let reference = if self == Rule::REFERENCE { " (the reference's rule)" } else { "" };
        match self.metric {
            Metric::Cosine => format!("Cosine of {what}{reference}"),
            Metric::CentredCosine => format!("Cosine of {what}, centred on the file's mean"),
            Metric::Euclidean => format!("Euclidean distance between {what}"),
        }
    }

    /// "codes.centred_cosine": the value of the page's list and of a link.
    pub fn key(self) -> String {
        let space = match self.space {
            Space::Codes => "codes",
            Space::Features => "features",
        };
        format!("{space}.{}", self.metric.key())
    }

    pub fn from_key(key: &str) -> Option<Rule> {
        Rule::CHOICES.into_iter().find(|r| r.key() == key)
    }
}

impl Default for Rule {
    fn default() -> Rule {
        Rule::DEFAULT
    }
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
    nearest_where(codes, dim, row, n, metric, |_| true)
}

/// As `nearest`, among the rows for which `keep` is true only (say, other artists' songs).
pub fn nearest_where(
    codes: &[f32],
    dim: usize,
    row: usize,
    n: usize,
    metric: Metric,
    keep: impl Fn(usize) -> bool,
) -> Vec<Neighbour> {
    let Some(code) = codes.get(row * dim..(row + 1) * dim) else { return Vec::new() };
    let centre = centre_for(codes, dim, metric);
    let target: Vec<f32> = code.iter().zip(&centre).map(|(v, c)| v - c).collect();
    let target_norm = norm(&target);
    let closeness = |other: &[f32]| match metric {
        Metric::Cosine | Metric::CentredCosine => cosine_from(&target, target_norm, other, &centre),
        Metric::Euclidean => -squared_distance(code, other),
    };
    ranked(codes, dim, &[row], n, metric, keep, closeness)
}

/// The mean row for the centred cosine, zeros for the other rules (which then work on the
/// vectors as they are).
fn centre_for(codes: &[f32], dim: usize, metric: Metric) -> Vec<f32> {
    let mut centre = vec![0.0f64; dim];
    let rows = codes.len() / dim.max(1);
    if metric == Metric::CentredCosine && rows > 0 {
        for code in codes.chunks_exact(dim) {
            for (c, v) in centre.iter_mut().zip(code) {
                *c += f64::from(*v);
            }
        }
        centre.iter_mut().for_each(|c| *c /= rows as f64);
    }
    centre.into_iter().map(|c| c as f32).collect()
}

/// "More like these": the `n` rows, outside `rows`, with the highest MEAN closeness to the
/// songs in `rows`. For cosine that is the dot product with the mean of the members' unit
/// vectors; for Euclidean, the distance to the members' centroid ranks rows exactly as their
/// mean squared distance to the members does. So each member counts equally, whatever its
/// place in the list, and the whole search is one pass over the codes (a per-member search
/// would be `rows.len()` passes). Scores are the cosine to the members' mean direction, or the distance to
/// the centroid.
pub fn nearest_to_set(codes: &[f32], dim: usize, rows: &[usize], n: usize, metric: Metric) -> Vec<Neighbour> {
    let mut members: Vec<usize> = rows.iter().copied().filter(|&r| (r + 1) * dim <= codes.len()).collect();
    members.sort_unstable();
    members.dedup();
    let seeds: Vec<&[f32]> = members.iter().map(|&r| &codes[r * dim..(r + 1) * dim]).collect();
    nearest_to_vectors(codes, dim, &seeds, &members, n, metric, |_| true)
}

/// As `nearest_to_set`, for members given as vectors (songs that are not rows of `codes`, such
/// as a personal playlist's songs placed from their features), among the rows outside
/// `excluded` (sorted) for which `keep` is true.
pub fn nearest_to_vectors(
    codes: &[f32],
    dim: usize,
    seeds: &[&[f32]],
    excluded: &[usize],
    n: usize,
    metric: Metric,
    keep: impl Fn(usize) -> bool,
) -> Vec<Neighbour> {
    let seeds: Vec<&[f32]> = seeds.iter().copied().filter(|s| s.len() == dim).collect();
    if seeds.is_empty() || dim == 0 {
        return Vec::new();
    }
    let centre = centre_for(codes, dim, metric);
    let mut target = vec![0.0f32; dim];
    for seed in &seeds {
        let code: Vec<f32> = seed.iter().zip(&centre).map(|(v, c)| v - c).collect();
        let length = if metric == Metric::Euclidean { 1.0 } else { norm(&code) };
        if length > 0.0 {
            for (t, v) in target.iter_mut().zip(&code) {
                *t += (f64::from(*v) / length / seeds.len() as f64) as f32;
            }
        }
    }
    // The mean of unit vectors dotted with a unit vector is the mean cosine to the members;
    // divided by the mean's length it is the cosine to the members' mean direction, which ranks
    // the rows the same and reads on the file's closeness scale like one song's cosine (a
    // varied playlist's mean cosine is far below any song's 10th nearest, so all read 0).
    let target_norm = norm(&target);
    let closeness = |code: &[f32]| match metric {
        Metric::Cosine | Metric::CentredCosine => cosine_from(&target, target_norm, code, &centre),
        Metric::Euclidean => -squared_distance(&target, code),
    };
    ranked(codes, dim, excluded, n, metric, keep, closeness)
}

/// A list of similar songs with repeats of a song folded out, and how many were folded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Similar {
    pub neighbours: Vec<Neighbour>,
    /// Rows passed over for being the chosen song again, or a song already in the list.
    pub folded: usize,
}

/// The `n` songs nearest `row`, never the song itself nor one song twice: a row whose identity
/// (`identities[row]`, from `song_identity::identities`; rows past its end count as unique)
/// equals the chosen song's or a listed row's is folded out.
pub fn similar(codes: &[f32], dim: usize, row: usize, n: usize, metric: Metric, identities: &[u32]) -> Similar {
    let own: Vec<u32> = identities.get(row).copied().into_iter().collect();
    fold_repeats(n, identities, &own, |m| nearest(codes, dim, row, m, metric))
}

/// As `similar`, for "more like these": the members' songs are left out wherever they repeat.
pub fn similar_to_set(
    codes: &[f32],
    dim: usize,
    rows: &[usize],
    n: usize,
    metric: Metric,
    identities: &[u32],
) -> Similar {
    let own: Vec<u32> = rows.iter().filter_map(|&r| identities.get(r).copied()).collect();
    fold_repeats(n, identities, &own, |m| nearest_to_set(codes, dim, rows, m, metric))
}

/// As `similar_to_set`, for members given as vectors besides rows (`rows`, sorted: left out of
/// the list, and their songs wherever they repeat), among the rows `keep` accepts.
#[allow(clippy::too_many_arguments)]
pub fn similar_to_vectors(
    codes: &[f32],
    dim: usize,
    seeds: &[&[f32]],
    rows: &[usize],
    n: usize,
    metric: Metric,
    identities: &[u32],
    keep: impl Fn(usize) -> bool,
) -> Similar {
    let own: Vec<u32> = rows.iter().filter_map(|&r| identities.get(r).copied()).collect();
    fold_repeats(n, identities, &own, |m| nearest_to_vectors(codes, dim, seeds, rows, m, metric, &keep))
}

/// Asks `search` for more than `n` rows and keeps the first `n` distinct songs; if repeats ate
/// into the margin, asks again for four times as many (a file where one song sits in dozens of
/// playlists), until `n` are found or the rows run out.
fn fold_repeats(n: usize, identities: &[u32], own: &[u32], search: impl Fn(usize) -> Vec<Neighbour>) -> Similar {
    let mut asked = n + n / 2 + 8;
    loop {
        let found = search(asked);
        let exhausted = found.len() < asked;
        let mut seen: std::collections::HashSet<u32> = own.iter().copied().collect();
        let mut kept = Similar::default();
        for nb in found {
            if kept.neighbours.len() == n {
                break;
            }
            match identities.get(nb.row) {
                Some(id) if !seen.insert(*id) => kept.folded += 1,
                _ => kept.neighbours.push(nb),
            }
        }
        if kept.neighbours.len() == n || exhausted {
            return kept;
        }
        asked *= 4;
    }
}

/// The `n` rows not in `excluded` (sorted) with the highest `closeness`, closest first.
fn ranked(
    codes: &[f32],
    dim: usize,
    excluded: &[usize],
    n: usize,
    metric: Metric,
    keep: impl Fn(usize) -> bool,
    closeness: impl Fn(&[f32]) -> f64,
) -> Vec<Neighbour> {
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(n + 1);
    if n == 0 {
        return Vec::new();
    }
    for (other, code) in codes.chunks_exact(dim.max(1)).enumerate() {
        if excluded.binary_search(&other).is_ok() || !keep(other) {
            continue;
        }
        let candidate = Candidate { closeness: closeness(code), row: other };
        // Most rows are no nearer than the worst kept one: a comparison, not a push and a pop
        // (that was most of a query's time, and 600 queries of 10k rows for each map's quality).
        if heap.len() < n {
            heap.push(candidate);
        } else if heap.peek().is_some_and(|worst| candidate < *worst) {
            heap.pop();
            heap.push(candidate);
        }
    }
    let mut kept = heap.into_vec();
    kept.sort();
    kept.into_iter()
        .map(|c| Neighbour {
            row: c.row,
            score: if metric == Metric::Euclidean { (-c.closeness).sqrt() } else { c.closeness } as f32,
        })
        .collect()
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt()
}

/// `target · (b − centre) / (target_norm × |b − centre|)`: cosine similarity where
/// `target_norm` is the target's length, as seen from `centre`; 0 against a zero vector (it has
/// no direction).
fn cosine_from(target: &[f32], target_norm: f64, b: &[f32], centre: &[f32]) -> f64 {
    let (mut dot, mut length) = (0.0f64, 0.0f64);
    for ((t, v), c) in target.iter().zip(b).zip(centre) {
        let x = f64::from(v - c);
        dot += f64::from(*t) * x;
        length += x * x;
    }
    let denominator = target_norm * length.sqrt();
    if denominator == 0.0 {
        return 0.0;
    }
    dot / denominator
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
        // (2, 2) lies along the members' mean direction, the diagonal: cosine 1 (its mean cosine
        // to the members is 0.707, which ranks the same).
        assert!((near[0].score - 1.0).abs() < 1e-6);
        assert!(near[1].score.abs() < 1e-6, "(3, -3) is at +45 and -135 degrees: mean 0");
        // Euclidean: centroid (0.5, 0.5); (2, 2) is sqrt(4.5) away, (-1, -1) too: earlier row first.
        let far = nearest_to_set(&codes, 2, &[0, 1], 2, Metric::Euclidean);
        assert_eq!(far.iter().map(|n| n.row).collect::<Vec<_>>(), vec![2, 4]);
        assert!((far[0].score - 4.5f32.sqrt()).abs() < 1e-6);
        assert!(nearest_to_set(&codes, 2, &[], 3, Metric::Cosine).is_empty());
        assert!(nearest_to_set(&codes, 2, &[99], 3, Metric::Cosine).is_empty(), "no such row");
    }

    #[test]
    fn songs_given_as_vectors_count_as_members_and_filters_hold() {
        let codes = [1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, -3.0, -1.0, -1.0];
        // A member that is no row, (0, 1), beside row 0's (1, 0): the same as rows 0 and 1.
        let seeds: [&[f32]; 2] = [&codes[0..2], &[0.0, 1.0]];
        let near = nearest_to_vectors(&codes, 2, &seeds, &[0], 3, Metric::Cosine, |_| true);
        // Row 1 is (0, 1) itself but no member: it is listed, after (2, 2) on the diagonal.
        assert_eq!(near.iter().map(|n| n.row).collect::<Vec<_>>(), vec![2, 1, 3]);
        assert_eq!(near[0], nearest_to_set(&codes, 2, &[0, 1], 3, Metric::Cosine)[0]);
        // Only the rows `keep` accepts.
        let odd = nearest_to_vectors(&codes, 2, &seeds, &[0], 3, Metric::Cosine, |r| r % 2 == 1);
        assert_eq!(odd.iter().map(|n| n.row).collect::<Vec<_>>(), vec![1, 3]);
        // A vector of another width is no member.
        let wrong: [&[f32]; 1] = [&[1.0, 2.0, 3.0]];
        assert!(nearest_to_vectors(&codes, 2, &wrong, &[], 3, Metric::Cosine, |_| true).is_empty());
        // Folded: two rows of one song give one entry.
        let identities = [0, 1, 2, 2, 3];
        let got = similar_to_vectors(&codes, 2, &seeds, &[0], 4, Metric::Euclidean, &identities, |_| true);
        assert_eq!(got.neighbours.len(), 3);
        assert_eq!(got.folded, 1);
    }

    #[test]
    fn centred_cosine_separates_what_plain_cosine_lumps_together() {
        // Three songs in one orthant, as ReLU codes are: plain cosine scores both others ≥ 0.97,
        // centred on the mean (2.025, 1.85), (3, 2.5) and (1, 0.9) point opposite ways.
        let codes = [3.0, 2.5, 2.0, 2.0, 1.0, 0.9, 2.1, 2.0];
        let plain = nearest(&codes, 2, 0, 3, Metric::Cosine);
        assert!(plain.iter().all(|nb| nb.score > 0.97), "{plain:?}");
        let centred = nearest(&codes, 2, 0, 3, Metric::CentredCosine);
        let mean = [2.025f32, 1.85];
        let cos = |a: [f32; 2], b: [f32; 2]| {
            let (a, b) = ([a[0] - mean[0], a[1] - mean[1]], [b[0] - mean[0], b[1] - mean[1]]);
            (a[0] * b[0] + a[1] * b[1]) / ((a[0] * a[0] + a[1] * a[1]).sqrt() * (b[0] * b[0] + b[1] * b[1]).sqrt())
        };
        assert_eq!(centred.last().map(|nb| nb.row), Some(2), "the song on the other side of the mean is last");
        assert!((centred[2].score - cos([3.0, 2.5], [1.0, 0.9])).abs() < 1e-5);
        assert!(centred[2].score < -0.9);
        assert_eq!(Metric::CentredCosine.distance(centred[2].score) as f32, 1.0 - centred[2].score);
    }

    #[test]
    fn nearest_where_skips_rows_it_is_told_to() {
        let near = nearest_where(&CODES, 2, 1, 2, Metric::Cosine, |r| r != 0);
        assert_eq!(near.iter().map(|n| n.row).collect::<Vec<_>>(), vec![3, 2]);
    }

    #[test]
    fn repeats_are_folded_and_counted() {
        // Rows 0 and 3 are one song (identity 7), rows 1 and 2 another (identity 8).
        let identities = [7, 8, 8, 7, 9];
        let got = similar(&CODES, 2, 1, 3, Metric::Euclidean, &identities);
        // From row 1 (0.9, 0.1): 0, 3 (repeat of 0), 2 (the song itself again), 4.
        assert_eq!(got.neighbours.iter().map(|n| n.row).collect::<Vec<_>>(), vec![0, 4]);
        assert_eq!(got.folded, 2);
        // Without identities nothing folds.
        let plain = similar(&CODES, 2, 1, 3, Metric::Euclidean, &[]);
        assert_eq!(plain.neighbours.iter().map(|n| n.row).collect::<Vec<_>>(), vec![0, 3, 2]);
        assert_eq!(plain.folded, 0);
    }

    #[test]
    fn a_song_repeated_many_times_still_gives_a_full_list() {
        // 40 copies of one song at the origin, then 5 distinct songs further out.
        let mut codes = vec![0.0f32; 80];
        let mut identities = vec![1u32; 40];
        for i in 0..5 {
            codes.extend([10.0 + i as f32, 0.0]);
            identities.push(100 + i);
        }
        let got = similar(&codes, 2, 0, 5, Metric::Euclidean, &identities);
        assert_eq!(got.neighbours.iter().map(|n| n.row).collect::<Vec<_>>(), vec![40, 41, 42, 43, 44]);
        assert_eq!(got.folded, 39);
        let set = similar_to_set(&codes, 2, &[0, 41], 3, Metric::Euclidean, &identities);
        assert!(set.neighbours.iter().all(|n| identities[n.row] != 1 && n.row != 41), "{set:?}");
    }
}
