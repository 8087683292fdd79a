//! The UMAP map of the points clustered, advanced a slice at a time.
//!
//! # Why it is written here rather than taken from a crate
//!
//! The worker reports progress and honours Cancel between slices of about 50 ms, on one thread
//! of a wasm worker, and the same seed must give the same map. `umap-rs` optimises with rayon
//! in one call, wants its neighbours and starting layout from elsewhere, panics on bad input
//! and cannot place new points; `fast-umap` trains a parametric network on burn's GPU backend;
//! `annembed` needs LAPACK. None can pause. The algorithm is short, so it lives here, following
//! McInnes, Healy & Melville (2018) and umap-learn's defaults.
//!
//! # What it computes
//!
//! On all rows up to [`FIT_ALL_UP_TO`], above that on a seeded sample of [`FIT_SAMPLE`]:
//! - each row's `neighbours − 1` nearest other rows, exactly (k-d tree, `kd_tree.rs`);
//! - the fuzzy simplicial set: `ρᵢ` the distance to the nearest row farther than 0, `σᵢ` by
//!   binary search so that `Σⱼ exp(−max(0, dᵢⱼ − ρᵢ) / σᵢ) = log₂(neighbours)` (at least
//!   10⁻³ of the mean neighbour distance), joined by the fuzzy union `a + b − ab`;
//! - the curve `1 / (1 + a d^{2b})` fitted to the minimum distance (spread 1) by
//!   Gauss–Newton on the same 300 points umap-learn uses (min_dist 0.1 gives a ≈ 1.58, b ≈ 0.90);
//! - start: the first two principal components scaled to [0, 10] (umap-learn starts from a
//!   spectral layout; PCA is the start Kobak & Linderman recommend and needs no eigen-solver
//!   on a sparse graph), plus 10⁻⁴ seeded noise so identical rows can separate;
//! - 500 epochs up to 10,000 rows, 200 above (umap-learn's), edges sampled in proportion to
//!   their weight, 5 negative samples per positive one, learning rate falling linearly from 1,
//!   every gradient clipped to ±4; both ends of a positive edge move.
//!
//! Rows outside the sample go to the inverse-distance-weighted mean of the positions of their
//! 5 nearest sampled rows (umap-learn's `transform` starts there and then optimises further;
//! this stops at the start).
//!
//! Everything is deterministic for a given seed and options; non-finite values are read as 0;
//! no input (no rows, one row, identical rows) makes it panic or produce non-finite output.

use std::ops::Range;

use rand::seq::index;
use rand::{Rng, RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::kd_tree::{weighted_place, KdTree, Nearest};
use super::project::pca_2d;
use super::tsne::clean;

/// All rows are laid out by UMAP itself up to this many.
pub const FIT_ALL_UP_TO: usize = 100_000;
/// Above that, this many rows (seeded) are, and the rest placed from them.
pub const FIT_SAMPLE: usize = 50_000;
pub const DEFAULT_NEIGHBOURS: usize = 15;
/// At most 50: the graph's memory grows with it (100k rows × 50 neighbours ≈ 200 MB of edges).
pub const NEIGHBOURS_RANGE: (usize, usize) = (2, 50);
pub const DEFAULT_MIN_DIST: f32 = 0.1;
pub const MIN_DIST_RANGE: (f32, f32) = (0.0, 0.99);
pub const DEFAULT_SEED: u64 = 42;
const NEGATIVE_RATE: f32 = 5.0;
const CLIP: f32 = 4.0;
/// Rows a placed row is put among.
const PLACE_AMONG: usize = 5;
/// Rows whose neighbours are found per [`Umap::work`] call.
const NEIGHBOUR_CHUNK: usize = 2_000;

/// What a UMAP map is made with; set before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UmapOptions {
    /// Neighbours per row, counting the row itself (umap-learn's `n_neighbors`).
    pub neighbours: usize,
    pub min_dist: f32,
    pub seed: u64,
    /// Epochs; `None` for umap-learn's choice (500 up to 10,000 rows, 200 above).
    #[serde(default)]
    pub epochs: Option<usize>,
}

impl Default for UmapOptions {
    fn default() -> Self {
        UmapOptions { neighbours: DEFAULT_NEIGHBOURS, min_dist: DEFAULT_MIN_DIST, seed: DEFAULT_SEED, epochs: None }
    }
}

impl UmapOptions {
    /// The options brought into their ranges (a non-finite distance becomes the default).
    pub fn clamped(self) -> UmapOptions {
        let min_dist = match self.min_dist.is_finite() {
            true => self.min_dist.clamp(MIN_DIST_RANGE.0, MIN_DIST_RANGE.1),
            false => DEFAULT_MIN_DIST,
        };
        let neighbours = self.neighbours.clamp(NEIGHBOURS_RANGE.0, NEIGHBOURS_RANGE.1);
        UmapOptions { neighbours, min_dist, ..self }
    }
}

/// How many of `n` rows UMAP lays out itself.
pub fn rows_fitted(n: usize) -> usize {
    if n <= FIT_ALL_UP_TO {
        n
    } else {
        FIT_SAMPLE
    }
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `done` of `total` rows' neighbours found.
    Neighbours,
    /// The graph built from them (one step).
    Graph,
    /// `done` of `total` epochs run.
    Epochs,
    Done,
}

impl Stage {
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Neighbours => "songs' neighbours found",
            Stage::Graph => "graph built",
            Stage::Epochs | Stage::Done => "epochs",
        }
    }
}

/// A UMAP run, advanced by [`Umap::work`].
pub struct Umap {
    options: UmapOptions,
    n: usize,
    dim: usize,
    /// Rows laid out, ascending, and their (cleaned) points.
    sample: Vec<usize>,
    points: Vec<f32>,
    tree: KdTree,
    stage: Stage,
    /// Each sampled row's `neighbours − 1` nearest, as (squared distance, sample index).
    knn: Vec<Vec<(f32, u32)>>,
    graph: Graph,
    /// Positions of the sampled rows, `[x, y]` together: a negative sample reads both at once.
    xy: Vec<[f32; 2]>,
    epoch: usize,
    epochs: usize,
    a: f32,
    b: f32,
    rng: Xoshiro256PlusPlus,
}

/// The fuzzy graph's directed edges (both directions of each), with their sampling schedule.
#[derive(Default)]
struct Graph {
    head: Vec<u32>,
    tail: Vec<u32>,
    /// Epochs between samples of an edge: the heaviest edge is sampled every epoch.
    every: Vec<f32>,
    next: Vec<f32>,
    next_negative: Vec<f32>,
}

impl Umap {
    /// Draws the sample and builds the neighbour index; the neighbours themselves are found
    /// in [`Umap::work`]'s slices.
    pub fn new(points: &[f32], dim: usize, options: UmapOptions) -> Umap {
        let options = options.clamped();
        let n = points.len().checked_div(dim).unwrap_or(0);
        let s = rows_fitted(n);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
        let mut sample: Vec<usize> = if s == n { (0..n).collect() } else { index::sample(&mut rng, n, s).into_vec() };
        sample.sort_unstable();
        let fitted: Vec<f32> =
            sample.iter().flat_map(|&r| points[r * dim..(r + 1) * dim].iter().map(|&v| clean(v))).collect();
        let (a, b) = fit_curve(options.min_dist);
        let epochs = options.epochs.unwrap_or(if s > 10_000 { 200 } else { 500 });
        Umap {
            tree: KdTree::new(&fitted, dim),
            options,
            n,
            dim,
            sample,
            points: fitted,
            stage: Stage::Neighbours,
            knn: Vec::with_capacity(s),
            graph: Graph::default(),
            xy: Vec::new(),
            epoch: 0,
            epochs,
            a,
            b,
            rng,
        }
    }

    /// Does the next piece of work (a few thousand rows' neighbours, the graph, or one epoch).
    pub fn work(&mut self) -> Stage {
        match self.stage {
            Stage::Neighbours => self.find_neighbours(),
            Stage::Graph => self.build_graph(),
            Stage::Epochs => self.run_epoch(),
            Stage::Done => {}
        }
        self.stage
    }

    /// The stage under way, how much of it is done, and its total.
    pub fn progress(&self) -> (Stage, usize, usize) {
        match self.stage {
            Stage::Neighbours => (Stage::Neighbours, self.knn.len(), self.sample.len()),
            Stage::Graph => (Stage::Graph, 0, 1),
            Stage::Epochs => (Stage::Epochs, self.epoch, self.epochs),
            // Finished, or nothing to lay out (fewer than two songs): every epoch counts as run.
            Stage::Done => (Stage::Done, self.epochs, self.epochs),
        }
    }

    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// The rows laid out by UMAP itself, ascending.
    pub fn sample_rows(&self) -> &[usize] {
        &self.sample
    }

    fn find_neighbours(&mut self) {
        let s = self.sample.len();
        let k = self.options.neighbours - 1;
        let (mut best, mut gaps) = (Nearest::new(k), vec![0.0f32; self.dim]);
        let end = (self.knn.len() + NEIGHBOUR_CHUNK).min(s);
        for i in self.knn.len()..end {
            let query = &self.points[i * self.dim..(i + 1) * self.dim];
            self.tree.nearest(query, &mut best, &mut gaps, Some(i as u32));
            self.knn.push(best.found().to_vec());
        }
        if self.knn.len() == s {
            self.stage = Stage::Graph;
        }
    }

    fn build_graph(&mut self) {
        let knn = std::mem::take(&mut self.knn);
        let edges = fuzzy_union(&knn, self.options.neighbours);
        self.graph = Graph::schedule(edges, self.epochs);
        self.xy = self.start();
        self.stage = if self.epochs == 0 || self.xy.len() < 2 { Stage::Done } else { Stage::Epochs };
    }

    /// PCA of the sampled points scaled to [0, 10] on each axis, plus a little seeded noise.
    fn start(&mut self) -> Vec<[f32; 2]> {
        let xy = pca_2d(&self.points, self.dim.max(1));
        let s = self.sample.len();
        let axis =
            |offset: usize| -> Vec<f32> { (0..s).map(|i| xy.get(2 * i + offset).copied().unwrap_or(0.0)).collect() };
        let (mut x, mut y) = (axis(0), axis(1));
        for values in [&mut x, &mut y] {
            let (lo, hi) = values.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
            let range = hi - lo;
            for v in values.iter_mut() {
                let scaled = if range > 0.0 && range.is_finite() { 10.0 * (*v - lo) / range } else { 5.0 };
                *v = scaled + 1e-4 * 10.0 * self.rng.gen_range(-1.0f32..1.0);
            }
        }
        x.into_iter().zip(y).map(|(x, y)| [x, y]).collect()
    }

    fn run_epoch(&mut self) {
        let (a, b) = (self.a, self.b);
        let alpha = 1.0 - self.epoch as f32 / self.epochs as f32;
        let e = self.epoch as f32;
        let s = self.xy.len() as u64;
        let g = &mut self.graph;
        for edge in 0..g.head.len() {
            if g.next[edge] > e {
                continue;
            }
            let (j, k) = (g.head[edge] as usize, g.tail[edge] as usize);
            let (head, tail) = (self.xy[j], self.xy[k]);
            let (dx, dy) = (head[0] - tail[0], head[1] - tail[1]);
            let d2 = dx * dx + dy * dy;
            if d2 > 0.0 {
                let p = fast_pow(d2, b);
                let coef = -2.0 * a * b * p / (d2 * (a * p + 1.0));
                let (gx, gy) = (clip(coef * dx) * alpha, clip(coef * dy) * alpha);
                self.xy[j] = [head[0] + gx, head[1] + gy];
                self.xy[k] = [tail[0] - gx, tail[1] - gy];
            }
            g.next[edge] += g.every[edge];
            let every_negative = g.every[edge] / NEGATIVE_RATE;
            let negatives = ((e - g.next_negative[edge]) / every_negative).floor().max(0.0);
            g.next_negative[edge] += negatives * every_negative;
            // Every negative sample of this edge pushes from where the head stood before them
            // (umap-learn moves it after each): the samples no longer wait on one another, and
            // `repel` works on a batch of them at a time, which the compiler vectorises.
            let head = self.xy[j];
            let (mut sum_x, mut sum_y) = (0.0f32, 0.0f32);
            let mut left = negatives as usize;
            while left > 0 {
                let m = left.min(BATCH);
                let (mut dx, mut dy) = ([0.0f32; BATCH], [0.0f32; BATCH]);
                for t in 0..m {
                    // Multiply-shift rather than `gen_range`: uniform enough for negative
                    // sampling, and this is the innermost loop.
                    let k = ((u64::from(self.rng.next_u32()) * s) >> 32) as usize;
                    let other = self.xy[k];
                    (dx[t], dy[t]) = (head[0] - other[0], head[1] - other[1]);
                }
                let (gx, gy) = repel(&dx, &dy, a, b);
                (sum_x, sum_y) = (sum_x + gx, sum_y + gy);
                left -= m;
            }
            let (hx, hy) = (head[0], head[1]);
            self.xy[j] = [hx + sum_x * alpha, hy + sum_y * alpha];
        }
        self.epoch += 1;
        if self.epoch >= self.epochs {
            self.stage = Stage::Done;
        }
    }

    /// `[x, y]` for `rows` into `out` (row `rows.start + k` at `out[2k..2k + 2]`): sampled rows
    /// where UMAP put them, the others among their nearest sampled rows. `points`/`dim` must be
    /// those given to [`Umap::new`]; otherwise, and before the layout has started, the origin.
    pub fn place_rows(&self, points: &[f32], dim: usize, rows: Range<usize>, out: &mut [f32]) {
        let ready = dim == self.dim && dim > 0 && points.len() / dim == self.n && self.xy.len() == self.sample.len();
        let (mut query, mut gaps, mut best) = (vec![0.0f32; dim], vec![0.0f32; dim], Nearest::new(PLACE_AMONG));
        for (row, xy) in rows.zip(out.chunks_exact_mut(2)) {
            let (px, py) = if !ready || row >= self.n {
                (0.0, 0.0)
            } else if let Ok(k) = self.sample.binary_search(&row) {
                (self.xy[k][0], self.xy[k][1])
            } else {
                for (q, &v) in query.iter_mut().zip(&points[row * dim..(row + 1) * dim]) {
                    *q = clean(v);
                }
                self.tree.nearest(&query, &mut best, &mut gaps, None);
                weighted_place(best.found(), |k| (self.xy[k][0], self.xy[k][1]))
            };
            xy[0] = px;
            xy[1] = py;
        }
    }

    /// Runs to the end and places every row: for tests and benchmarks (the worker slices).
    pub fn run_to_end(mut self, points: &[f32], dim: usize) -> Vec<f32> {
        while self.work() != Stage::Done {}
        let n = points.len().checked_div(dim).unwrap_or(0);
        let mut out = vec![0.0; 2 * n];
        self.place_rows(points, dim, 0..n, &mut out);
        out
    }
}

/// `x^y` for `x > 0`, to about 3·10⁻⁴ relative: `powf` was half of an epoch's time, and the
/// gradients it feeds are clipped and noisy anyway (uwot's `approx_pow` makes the same trade).
/// Plain f32 arithmetic, so the same on every machine.
fn fast_pow(x: f32, y: f32) -> f32 {
    exp2_approx(y * log2_approx(x))
}

/// The exponent from the bits; `log2(1 + m)` for the mantissa by a least-squares quartic
/// (error below 2·10⁻⁴).
fn log2_approx(x: f32) -> f32 {
    let bits = x.max(f32::MIN_POSITIVE).to_bits();
    let exponent = ((bits >> 23) & 0xff) as i32 - 127;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000) - 1.0;
    exponent as f32 + m * (1.438_548 + m * (-0.678_089_5 + m * (0.323_646_3 - m * 0.084_294_66)))
}

/// `2^y`: the integer part into the exponent bits, the fraction by a least-squares cubic
/// (relative error below 1.4·10⁻⁴). Truncation of a positive number rather than `floor`, which
/// is a library call on x86-64's baseline.
fn exp2_approx(y: f32) -> f32 {
    let shifted = y.clamp(-126.0, 126.0) + 127.0;
    // Signed: SSE2 and wasm both convert f32 → i32 in one instruction; the value is in [1, 253].
    let whole = shifted as i32;
    let f = shifted - whole as f32;
    f32::from_bits((whole as u32) << 23) * (0.999_863_7 + f * (0.696_172_1 + f * (0.225_868_4 + f * 0.077_823_13)))
}

/// Negative samples handled together.
const BATCH: usize = 8;

/// The summed repulsion of a batch of negative samples at offsets `dx`, `dy` from the head;
/// lanes at distance 0 (unused ones, or the head itself drawn) push nothing. Branch-free, so
/// the lanes are computed side by side.
fn repel(dx: &[f32; BATCH], dy: &[f32; BATCH], a: f32, b: f32) -> (f32, f32) {
    let (mut gx, mut gy) = ([0.0f32; BATCH], [0.0f32; BATCH]);
    for t in 0..BATCH {
        let d2 = dx[t] * dx[t] + dy[t] * dy[t];
        let coef = 2.0 * b / ((0.001 + d2) * (a * fast_pow(d2, b) + 1.0));
        let keep = if d2 > 0.0 { 1.0 } else { 0.0 };
        gx[t] = clip(coef * dx[t]) * keep;
        gy[t] = clip(coef * dy[t]) * keep;
    }
    (gx.iter().sum(), gy.iter().sum())
}

fn clip(v: f32) -> f32 {
    if v.is_finite() {
        v.clamp(-CLIP, CLIP)
    } else {
        0.0
    }
}

impl Graph {
    /// Edges lighter than `max / epochs` would never be sampled and are dropped.
    fn schedule(edges: Vec<(u32, u32, f32)>, epochs: usize) -> Graph {
        let max = edges.iter().map(|e| e.2).fold(0.0f32, f32::max);
        let floor = max / epochs.max(1) as f32;
        let mut g = Graph::default();
        for (i, j, w) in edges.into_iter().filter(|e| e.2 > 0.0 && e.2 >= floor) {
            let every = max / w;
            g.head.push(i);
            g.tail.push(j);
            g.every.push(every);
            g.next.push(every);
            g.next_negative.push(every / NEGATIVE_RATE);
        }
        g
    }
}

/// The neighbour graph's membership strengths, symmetrised by the fuzzy union: every edge in
/// both directions, sorted by head then tail.
fn fuzzy_union(knn: &[Vec<(f32, u32)>], neighbours: usize) -> Vec<(u32, u32, f32)> {
    let target = (neighbours as f64).log2();
    let mean_all = mean(knn.iter().flatten().map(|&(d2, _)| f64::from(d2).sqrt()));
    let mut directed: Vec<(u32, u32, f32)> = Vec::with_capacity(2 * knn.iter().map(Vec::len).sum::<usize>());
    for (i, near) in knn.iter().enumerate() {
        let distances: Vec<f64> = near.iter().map(|&(d2, _)| f64::from(d2).sqrt()).collect();
        let (rho, sigma) = smooth_distances(&distances, target, mean_all);
        for (&d, &(_, j)) in distances.iter().zip(near) {
            let w = if d - rho <= 0.0 || sigma <= 0.0 { 1.0 } else { (-(d - rho) / sigma).exp() };
            directed.push((i as u32, j, w as f32));
            directed.push((j, i as u32, w as f32));
        }
    }
    directed.sort_unstable_by(|p, q| (p.0, p.1).cmp(&(q.0, q.1)).then(p.2.total_cmp(&q.2)));
    let mut joined: Vec<(u32, u32, f32)> = Vec::with_capacity(directed.len());
    for (i, j, w) in directed {
        match joined.last_mut() {
            // The same pair from both rows' lists: a + b − ab.
            Some(last) if (last.0, last.1) == (i, j) => last.2 = last.2 + w - last.2 * w,
            _ => joined.push((i, j, w)),
        }
    }
    joined
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// `ρ` (distance to the nearest row farther than 0) and `σ` so the memberships sum to `target`.
fn smooth_distances(distances: &[f64], target: f64, mean_all: f64) -> (f64, f64) {
    let rho = distances.iter().copied().find(|&d| d > 0.0).unwrap_or(0.0);
    let (mut lo, mut hi, mut sigma) = (0.0f64, f64::INFINITY, 1.0f64);
    for _ in 0..64 {
        let sum: f64 = distances.iter().map(|&d| if d - rho > 0.0 { (-(d - rho) / sigma).exp() } else { 1.0 }).sum();
        if (sum - target).abs() < 1e-5 {
            break;
        }
        if sum > target {
            hi = sigma;
            sigma = (lo + hi) / 2.0;
        } else {
            lo = sigma;
            sigma = if hi.is_infinite() { sigma * 2.0 } else { (lo + hi) / 2.0 };
        }
    }
    let floor = 1e-3 * if rho > 0.0 { mean(distances.iter().copied()) } else { mean_all };
    (rho, sigma.max(floor))
}

/// `a`, `b` such that `1 / (1 + a x^{2b})` follows 1 up to `min_dist` and `exp(−(x − min_dist))`
/// beyond, least squares over x in (0, 3] (Gauss–Newton on `ln a`, `b`, so both stay positive).
pub fn fit_curve(min_dist: f32) -> (f32, f32) {
    let min_dist = f64::from(min_dist);
    let xs: Vec<f64> = (1..300).map(|i| 3.0 * i as f64 / 299.0).collect();
    let ys: Vec<f64> = xs.iter().map(|&x| if x < min_dist { 1.0 } else { (-(x - min_dist)).exp() }).collect();
    let (mut ln_a, mut b) = (1.5f64.ln(), 0.9f64);
    for _ in 0..200 {
        let (mut jtj, mut jtr) = ([[0.0f64; 2]; 2], [0.0f64; 2]);
        for (&x, &y) in xs.iter().zip(&ys) {
            let a = ln_a.exp();
            let p = x.powf(2.0 * b);
            let f = 1.0 / (1.0 + a * p);
            let common = -f * f * a * p;
            let grad = [common, common * 2.0 * x.ln()];
            let r = f - y;
            for u in 0..2 {
                jtr[u] += grad[u] * r;
                for v in 0..2 {
                    jtj[u][v] += grad[u] * grad[v];
                }
            }
        }
        let det = jtj[0][0] * jtj[1][1] - jtj[0][1] * jtj[1][0];
        if det.abs() < 1e-300 {
            break;
        }
        let step = [(jtj[1][1] * jtr[0] - jtj[0][1] * jtr[1]) / det, (jtj[0][0] * jtr[1] - jtj[1][0] * jtr[0]) / det];
        ln_a -= step[0].clamp(-1.0, 1.0);
        b = (b - step[1].clamp(-0.5, 0.5)).clamp(0.05, 5.0);
        if step[0].abs() < 1e-10 && step[1].abs() < 1e-10 {
            break;
        }
    }
    (ln_a.exp() as f32, b as f32)
}

#[cfg(test)]
mod tests;
