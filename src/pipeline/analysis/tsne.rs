//! The t-SNE map of the latent codes, advanced a few iterations at a time.
//!
//! The worker must report progress and honour Cancel between slices of about 50 ms, so the
//! caller drives the optimisation: [`Tsne::new`] does the set-up, [`Tsne::step`] runs up to
//! so many iterations, [`Tsne::finish`] (or [`Tsne::place_rows`], in slices) gives every row
//! its place.
//!
//! # Why it is written here rather than taken from a crate
//!
//! `bhtsne` (the crate `linfa-tsne` wraps) runs every epoch inside one call (`exact`,
//! `barnes_hut`); its per-epoch callback can watch the run but cannot pause or stop it, so a
//! worker could neither yield to its message loop nor see a Cancel until the end. It also
//! splits its loops with rayon and takes its starting layout from `thread_rng`, so it is not
//! reproducible from our seed. Exact t-SNE on a bounded sample is short and needs nothing
//! beyond `rand`, so it lives here, with state that survives between slices.
//!
//! # What it computes
//!
//! Exact-gradient t-SNE as in van der Maaten's reference implementation, on at most
//! [`MAX_SAMPLE`] rows chosen with a seeded RNG (all rows when there are that few):
//! - input affinities from a per-row binary search on the Gaussian's precision to the target
//!   perplexity (default 30, lowered to `(s − 1) / 3` for tiny samples), over each row's
//!   `3 × perplexity` nearest rows (farther rows' weights are negligible, as in Barnes-Hut
//!   SNE), then symmetrised: `p_ij = (p_j|i + p_i|j) / 2s`;
//! - start from N(0, 10⁻⁴) in 2D; gradient `4 Σ_j (α p_ij − q_ij) (1 + |y_i − y_j|²)⁻¹ (y_i − y_j)`
//!   with every pair's repulsion computed exactly up to [`EXACT_UP_TO`] rows, and above that
//!   by Barnes–Hut (a quadtree, θ = 0.7, leaves of up to 8 rows: `barnes_hut.rs`);
//! - early exaggeration α = 12 and momentum 0.5 for the first 250 iterations, then α = 1 and
//!   momentum 0.8; learning rate 200 (the reference's); the reference's adaptive gains
//!   (+0.2 when the gradient's sign differs from the last update's, ×0.8 otherwise, at least
//!   0.01); the layout is re-centred after every iteration. 1,000 iterations by default.
//!
//! An exact iteration costs `s²/2` pair updates, each with a division, which bounded the
//! sample to 1,500 rows; with Barnes–Hut it is about `s log s` and the sample is 10,000. The
//! input affinities are still found by an exact `s²` scan (once, in `Tsne::new`). Measured
//! natively at 10,000 rows (release, this 2-core VM): set-up 1.5 s, 1,000 iterations 18 s
//! (Barnes–Hut repulsion 15 ms an iteration on the final layout, against 70 ms exact). Exact,
//! earlier (wasm under Node): at 2,000 rows the 1,000 iterations took 2.8 s natively and
//! 5–5.5 s in wasm; at 1,500 rows 1.6–1.8 s natively and 3.2 s in wasm. [`Tsne::new`] is one
//! call: 40–50 ms natively at 1,500 rows, 1.5 s at 10,000 (the worker cannot see Cancel
//! during it).
//!
//! # The rows that are not in the sample
//!
//! Each goes to the inverse-distance-weighted mean of the map positions of its
//! [`NEIGHBOURS`] nearest sampled rows in code space (a row whose code equals a sampled row's
//! goes exactly there). The neighbours are found exactly with a k-d tree over the sample
//! (about 200 of the 1,500 codes looked at per row for 6-d codes, instead of all of them):
//! placing a million rows took about 2 s natively and 2.5 s in wasm, which
//! [`Tsne::place_rows`] lets the worker spread over slices.
//!
//! Everything is deterministic for a given seed; non-finite code values are read as 0 (and
//! values beyond ±10⁹ as ±10⁹); no input (no rows, one row, identical rows) makes it panic or
//! produce non-finite output.

use std::ops::Range;

use rand::seq::index;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::barnes_hut;
use super::kd_tree::{squared_distance, weighted_place, KdTree, Nearest};

/// At most this many rows are laid out by t-SNE itself; the rest are placed from them.
pub const MAX_SAMPLE: usize = 10_000;
/// Up to this many rows the repulsion is summed exactly; above, Barnes–Hut (`barnes_hut`).
pub const EXACT_UP_TO: usize = 1_500;
/// How many sampled rows (nearest in code space) place each row outside the sample.
pub const NEIGHBOURS: usize = 5;

const EXAGGERATION: f32 = 12.0;
const EXAGGERATION_ITERATIONS: usize = 250;
const MOMENTUM: f32 = 0.5;
const FINAL_MOMENTUM: f32 = 0.8;
const LEARNING_RATE: f32 = 200.0;
const MIN_GAIN: f32 = 0.01;
const INITIAL_SPREAD: f32 = 1e-4;
pub const DEFAULT_PERPLEXITY: f32 = 30.0;
/// The perplexities the page accepts: below 2 a row attends to one neighbour, above 100 the
/// neighbour lists (`3 × perplexity`) outgrow the layout's local structure.
pub const PERPLEXITY_RANGE: (f32, f32) = (2.0, 100.0);

/// A perplexity from the page within `PERPLEXITY_RANGE` (the default when it is not a number).
pub fn clamp_perplexity(p: f32) -> f32 {
    if p.is_finite() {
        p.clamp(PERPLEXITY_RANGE.0, PERPLEXITY_RANGE.1)
    } else {
        DEFAULT_PERPLEXITY
    }
}
/// Code values are clamped to ±this (far beyond any real latent code).
const CODE_LIMIT: f32 = 1e9;

/// The user-facing knobs; everything else follows the reference implementation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TsneOptions {
    /// Effective number of neighbours each row attends to (clamped for tiny samples).
    pub perplexity: f32,
    /// Gradient-descent iterations in all (the first 250 use early exaggeration).
    pub iterations: usize,
}

impl Default for TsneOptions {
    fn default() -> Self {
        TsneOptions { perplexity: DEFAULT_PERPLEXITY, iterations: 1_000 }
    }
}

/// How many of `n` rows t-SNE lays out itself.
pub fn rows_in_sample(n: usize) -> usize {
    n.min(MAX_SAMPLE)
}

/// A t-SNE run over a sample of the rows, advanced by [`Tsne::step`].
pub struct Tsne {
    /// Rows and code width the run was set up with.
    n: usize,
    dim: usize,
    /// Sampled row indices, ascending.
    sample: Vec<usize>,
    /// Symmetric joint input affinities over the sample.
    p: Affinities,
    /// Map positions of the sampled rows.
    x: Vec<f32>,
    y: Vec<f32>,
    /// Last update (for momentum) and adaptive gains, per coordinate.
    ux: Vec<f32>,
    uy: Vec<f32>,
    gain_x: Vec<f32>,
    gain_y: Vec<f32>,
    /// Scratch: attractive and (unnormalised) repulsive forces.
    ax: Vec<f32>,
    ay: Vec<f32>,
    rx: Vec<f32>,
    ry: Vec<f32>,
    /// Nearest-neighbour index over the sampled codes, for placing the other rows.
    tree: KdTree,
    done: usize,
    total: usize,
}

impl Tsne {
    /// Sets up a run over `codes` (`n × dim`, row-major): draws the sample, computes the input
    /// affinities (O(s² · dim)) and the starting layout. No iterations are run yet.
    pub fn new(codes: &[f32], dim: usize, seed: u64, options: TsneOptions) -> Tsne {
        let n = codes.len().checked_div(dim).unwrap_or(0);
        let s = rows_in_sample(n);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut sample: Vec<usize> = if s == n { (0..n).collect() } else { index::sample(&mut rng, n, s).into_vec() };
        sample.sort_unstable();
        let points: Vec<f32> =
            sample.iter().flat_map(|&r| codes[r * dim..(r + 1) * dim].iter().map(|&v| clean(v))).collect();
        let p = Affinities::new(&points, dim, options.perplexity);
        let mut start = || INITIAL_SPREAD * rng.sample::<f32, _>(StandardNormal);
        let x: Vec<f32> = (0..s).map(|_| start()).collect();
        let y: Vec<f32> = (0..s).map(|_| start()).collect();
        Tsne {
            n,
            dim,
            sample,
            p,
            x,
            y,
            ux: vec![0.0; s],
            uy: vec![0.0; s],
            gain_x: vec![1.0; s],
            gain_y: vec![1.0; s],
            ax: vec![0.0; s],
            ay: vec![0.0; s],
            rx: vec![0.0; s],
            ry: vec![0.0; s],
            tree: KdTree::new(&points, dim),
            done: 0,
            total: options.iterations,
        }
    }

    /// Runs up to `iterations` more iterations (never past [`Tsne::total`]); returns how many
    /// have been done so far.
    pub fn step(&mut self, iterations: usize) -> usize {
        let end = self.done.saturating_add(iterations).min(self.total);
        while self.done < end {
            self.iterate();
            self.done += 1;
        }
        self.done
    }

    /// Iterations done so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Iterations the run will do in all.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The rows laid out by t-SNE itself, ascending.
    pub fn sample_rows(&self) -> &[usize] {
        &self.sample
    }

    /// 2D coordinates for every row, `[x0, y0, x1, y1, …]`: sampled rows at their t-SNE
    /// positions, the others placed from their nearest sampled rows (see the module doc).
    /// `codes` and `dim` must be those given to [`Tsne::new`]; otherwise every row is put at
    /// the origin. Can be called before the run is complete (it then shows the layout so far).
    pub fn finish(self, codes: &[f32], dim: usize) -> Vec<f32> {
        let n = codes.len().checked_div(dim).unwrap_or(0);
        let mut out = vec![0.0; 2 * n];
        self.place_rows(codes, dim, 0..n, &mut out);
        out
    }

    /// [`Tsne::finish`] for `rows` only, so a worker can place a million rows in slices:
    /// writes row `rows.start + k`'s coordinates to `out[2k]`, `out[2k + 1]`. Rows past the
    /// end of `codes`, and all rows when `codes`/`dim` differ from [`Tsne::new`]'s, get the
    /// origin; `out` beyond `2 × rows.len()` is left alone.
    pub fn place_rows(&self, codes: &[f32], dim: usize, rows: Range<usize>, out: &mut [f32]) {
        let matches = dim == self.dim && dim > 0 && codes.len() / dim == self.n;
        let mut query = vec![0.0f32; dim];
        let mut gaps = vec![0.0f32; dim];
        let mut best = Nearest::new(NEIGHBOURS);
        for (row, xy) in rows.zip(out.chunks_exact_mut(2)) {
            let (px, py) = if !matches || row >= self.n {
                (0.0, 0.0)
            } else if let Ok(k) = self.sample.binary_search(&row) {
                (self.x[k], self.y[k])
            } else {
                for (q, &v) in query.iter_mut().zip(&codes[row * dim..(row + 1) * dim]) {
                    *q = clean(v);
                }
                self.place(&query, &mut best, &mut gaps)
            };
            xy[0] = px;
            xy[1] = py;
        }
    }

    /// Inverse-distance-weighted mean of the positions of the nearest sampled codes.
    fn place(&self, code: &[f32], best: &mut Nearest, gaps: &mut [f32]) -> (f32, f32) {
        self.tree.nearest(code, best, gaps, None);
        weighted_place(best.found(), |k| (self.x[k], self.y[k]))
    }

    /// One gradient-descent iteration with momentum and adaptive gains.
    fn iterate(&mut self) {
        let s = self.x.len();
        if s < 2 {
            return;
        }
        let early = self.done < EXAGGERATION_ITERATIONS;
        let exaggeration = if early { EXAGGERATION } else { 1.0 };
        let momentum = if early { MOMENTUM } else { FINAL_MOMENTUM };
        let z = if s > EXACT_UP_TO {
            barnes_hut::repulsion(&self.x, &self.y, &mut self.rx, &mut self.ry)
        } else {
            repulsion(&self.x, &self.y, &mut self.rx, &mut self.ry)
        };
        self.p.attraction(&self.x, &self.y, &mut self.ax, &mut self.ay);
        let inv_z = (1.0 / z.max(f64::from(f32::MIN_POSITIVE))) as f32;
        let mut mean = (0.0f64, 0.0f64);
        for i in 0..s {
            let gx = 4.0 * (exaggeration * self.ax[i] - self.rx[i] * inv_z);
            let gy = 4.0 * (exaggeration * self.ay[i] - self.ry[i] * inv_z);
            self.x[i] += descend(gx, &mut self.ux[i], &mut self.gain_x[i], momentum);
            self.y[i] += descend(gy, &mut self.uy[i], &mut self.gain_y[i], momentum);
            mean.0 += f64::from(self.x[i]);
            mean.1 += f64::from(self.y[i]);
        }
        let (mx, my) = ((mean.0 / s as f64) as f32, (mean.1 / s as f64) as f32);
        for (x, y) in self.x.iter_mut().zip(self.y.iter_mut()) {
            *x -= mx;
            *y -= my;
        }
    }
}

/// Updates one coordinate's gain and momentum step from its gradient; returns the step.
fn descend(grad: f32, update: &mut f32, gain: &mut f32, momentum: f32) -> f32 {
    let grad = finite_or_zero(grad);
    *gain = if sign(grad) != sign(*update) { *gain + 0.2 } else { *gain * 0.8 }.max(MIN_GAIN);
    *update = momentum * *update - LEARNING_RATE * *gain * grad;
    *update
}

fn sign(v: f32) -> i8 {
    if v > 0.0 {
        1
    } else if v < 0.0 {
        -1
    } else {
        0
    }
}

fn finite_or_zero(v: f32) -> f32 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// A code value as used: non-finite ones read as 0, and none so large that squared distances
/// overflow f32.
pub(super) fn clean(v: f32) -> f32 {
    finite_or_zero(v).clamp(-CODE_LIMIT, CODE_LIMIT)
}

/// Pairs per inner-loop chunk, each with its own accumulator so the loop can be vectorised.
const LANES: usize = 4;

/// Exact repulsion: `r_i = Σ_j w_ij² (y_i − y_j)` with `w_ij = 1 / (1 + |y_i − y_j|²)`, each
/// pair visited once. Returns `Z = Σ_{i≠j} w_ij`.
fn repulsion(x: &[f32], y: &[f32], rx: &mut [f32], ry: &mut [f32]) -> f64 {
    rx.fill(0.0);
    ry.fill(0.0);
    let mut z = 0.0f64;
    for i in 0..x.len() {
        let (xi, yi) = (x[i], y[i]);
        let (xs, ys) = (&x[i + 1..], &y[i + 1..]);
        let (head_x, tail_x) = rx.split_at_mut(i + 1);
        let (head_y, tail_y) = ry.split_at_mut(i + 1);
        let (mut fx, mut fy, mut zz) = ([0.0f32; LANES], [0.0f32; LANES], [0.0f32; LANES]);
        let whole = xs.len() / LANES * LANES;
        let chunks = xs[..whole]
            .chunks_exact(LANES)
            .zip(ys[..whole].chunks_exact(LANES))
            .zip(tail_x[..whole].chunks_exact_mut(LANES).zip(tail_y[..whole].chunks_exact_mut(LANES)));
        for ((cx, cy), (ox, oy)) in chunks {
            for l in 0..LANES {
                let dx = xi - cx[l];
                let dy = yi - cy[l];
                let w = 1.0 / (1.0 + dx * dx + dy * dy);
                let w2 = w * w;
                zz[l] += w;
                fx[l] += w2 * dx;
                fy[l] += w2 * dy;
                ox[l] -= w2 * dx;
                oy[l] -= w2 * dy;
            }
        }
        for j in whole..xs.len() {
            let dx = xi - xs[j];
            let dy = yi - ys[j];
            let w = 1.0 / (1.0 + dx * dx + dy * dy);
            let w2 = w * w;
            zz[0] += w;
            fx[0] += w2 * dx;
            fy[0] += w2 * dy;
            tail_x[j] -= w2 * dx;
            tail_y[j] -= w2 * dy;
        }
        head_x[i] += fx.iter().sum::<f32>();
        head_y[i] += fy.iter().sum::<f32>();
        z += f64::from(zz.iter().sum::<f32>());
    }
    2.0 * z
}

/// Sparse symmetric joint affinities `p_ij` (summing to 1), one row per sampled row.
struct Affinities {
    /// Row `i`'s entries are `cols/vals[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f32>,
}

impl Affinities {
    /// Conditional affinities over each row's `3 × perplexity` nearest rows, each row's
    /// Gaussian precision found by binary search, then symmetrised.
    fn new(points: &[f32], dim: usize, perplexity: f32) -> Affinities {
        let s = points.len().checked_div(dim).unwrap_or(0);
        if s < 2 {
            return Affinities { starts: vec![0; s + 1], cols: Vec::new(), vals: Vec::new() };
        }
        let perplexity = if perplexity.is_finite() { perplexity } else { DEFAULT_PERPLEXITY };
        let perplexity = f64::from(perplexity).clamp(1.0, ((s - 1) as f64 / 3.0).max(1.0));
        let k = ((3.0 * perplexity).ceil() as usize).clamp(1, s - 1);
        let mut entries: Vec<(u32, u32, f32)> = Vec::with_capacity(2 * s * k);
        let mut near: Vec<(f32, u32)> = Vec::with_capacity(s);
        let mut weights = vec![0.0f64; k];
        for i in 0..s {
            let pi = &points[i * dim..(i + 1) * dim];
            near.clear();
            near.extend(
                (0..s).filter(|&j| j != i).map(|j| (squared_distance(pi, &points[j * dim..(j + 1) * dim]), j as u32)),
            );
            if k < near.len() {
                near.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                near.truncate(k);
            }
            conditional(&near, perplexity, &mut weights);
            let scale = 1.0 / (2.0 * s as f64);
            for (&(_, j), &w) in near.iter().zip(&weights) {
                let v = (w * scale) as f32;
                entries.push((i as u32, j, v));
                entries.push((j, i as u32, v));
            }
        }
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut starts = Vec::with_capacity(s + 1);
        let mut cols = Vec::with_capacity(entries.len());
        let mut vals: Vec<f32> = Vec::with_capacity(entries.len());
        let mut row = 0usize;
        starts.push(0);
        for (i, j, v) in entries {
            while row < i as usize {
                starts.push(cols.len());
                row += 1;
            }
            if cols.len() > starts[row] && cols.last() == Some(&j) {
                if let Some(last) = vals.last_mut() {
                    *last += v;
                }
            } else {
                cols.push(j);
                vals.push(v);
            }
        }
        while starts.len() < s + 1 {
            starts.push(cols.len());
        }
        Affinities { starts, cols, vals }
    }

    /// Attraction: `a_i = Σ_j p_ij w_ij (y_i − y_j)`.
    fn attraction(&self, x: &[f32], y: &[f32], ax: &mut [f32], ay: &mut [f32]) {
        for i in 0..x.len() {
            let (mut fx, mut fy) = (0.0f32, 0.0f32);
            let range = self.starts[i]..self.starts[i + 1];
            for (&j, &p) in self.cols[range.clone()].iter().zip(&self.vals[range]) {
                let dx = x[i] - x[j as usize];
                let dy = y[i] - y[j as usize];
                let pw = p / (1.0 + dx * dx + dy * dy);
                fx += pw * dx;
                fy += pw * dy;
            }
            ax[i] = fx;
            ay[i] = fy;
        }
    }
}

/// Fills `weights` with `p_j|i ∝ exp(−β d_ij²)` over the neighbours `near` (squared distances),
/// with β chosen by bisection so the distribution's perplexity is `perplexity`.
fn conditional(near: &[(f32, u32)], perplexity: f64, weights: &mut [f64]) {
    let weights = &mut weights[..near.len()];
    // Distances relative to the nearest: the same distribution, and exp never underflows to
    // an all-zero row (the nearest always weighs 1).
    let nearest = near.iter().map(|d| f64::from(d.0)).fold(f64::INFINITY, f64::min);
    let target = perplexity.ln();
    // Start from the precision that puts the mean neighbour at e⁻¹: bisection then needs far
    // fewer halvings than from 1 when codes are far apart or close together.
    let mean = near.iter().map(|d| f64::from(d.0) - nearest).sum::<f64>() / near.len() as f64;
    let mut beta = if mean > 0.0 && mean.is_finite() { 1.0 / mean } else { 1.0 };
    let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
    for _ in 0..200 {
        let (mut sum, mut sum_dw) = (0.0f64, 0.0f64);
        for (w, d) in weights.iter_mut().zip(near) {
            let d = f64::from(d.0) - nearest;
            *w = (-beta * d).exp();
            sum += *w;
            sum_dw += d * *w;
        }
        let entropy = sum.ln() + beta * sum_dw / sum;
        if (entropy - target).abs() < 1e-5 {
            break;
        }
        if entropy > target {
            lo = beta;
            beta = if hi.is_finite() { (beta + hi) / 2.0 } else { beta * 2.0 };
        } else {
            hi = beta;
            beta = (beta + lo) / 2.0;
        }
    }
    let sum: f64 = weights.iter().sum();
    for w in weights.iter_mut() {
        *w /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const DIM: usize = 6;

    /// `per` points around each of three centres 10 apart in 6-d (unit spread); blob labels.
    fn blobs(per: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
        let centres = [[0.0f32; DIM], [10.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 10.0, 0.0, 0.0, 0.0, 0.0]];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let (mut codes, mut labels) = (Vec::new(), Vec::new());
        for k in 0..3 * per {
            let blob = k % 3; // interleaved, so the sample draws from every blob
            codes.extend(centres[blob].iter().map(|c| c + rng.sample::<f32, _>(StandardNormal)));
            labels.push(blob);
        }
        (codes, labels)
    }

    fn run(codes: &[f32], dim: usize, seed: u64, options: TsneOptions) -> Vec<f32> {
        let mut tsne = Tsne::new(codes, dim, seed, options);
        let total = tsne.total();
        assert_eq!(tsne.step(total), total);
        tsne.finish(codes, dim)
    }

    fn at(map: &[f32], i: usize) -> (f32, f32) {
        (map[2 * i], map[2 * i + 1])
    }

    fn dist((ax, ay): (f32, f32), (bx, by): (f32, f32)) -> f32 {
        ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt()
    }

    /// Each blob's 2D centroid over the rows `take` accepts.
    fn centroids(map: &[f32], labels: &[usize], take: impl Fn(usize) -> bool) -> [(f32, f32); 3] {
        let mut sums = [(0.0f32, 0.0f32, 0usize); 3];
        for (i, &l) in labels.iter().enumerate().filter(|(i, _)| take(*i)) {
            let (x, y) = at(map, i);
            sums[l] = (sums[l].0 + x, sums[l].1 + y, sums[l].2 + 1);
        }
        sums.map(|(x, y, c)| (x / c as f32, y / c as f32))
    }

    #[test]
    fn separates_three_blobs() {
        let (codes, labels) = blobs(100, 1);
        let n = labels.len();
        let map = run(&codes, DIM, 7, TsneOptions::default());
        assert_eq!(map.len(), 2 * n);
        assert!(map.iter().all(|v| v.is_finite()));
        let same = (0..n)
            .filter(|&i| {
                let nearest = (0..n)
                    .filter(|&j| j != i)
                    .min_by(|&a, &b| dist(at(&map, i), at(&map, a)).total_cmp(&dist(at(&map, i), at(&map, b))));
                nearest.map(|j| labels[j]) == Some(labels[i])
            })
            .count();
        assert!(same as f32 >= 0.95 * n as f32, "{same} of {n} nearest neighbours in the same blob");
        let centre = centroids(&map, &labels, |_| true);
        let spread = (0..n).map(|i| dist(at(&map, i), centre[labels[i]])).sum::<f32>() / n as f32;
        for a in 0..3 {
            for b in a + 1..3 {
                let apart = dist(centre[a], centre[b]);
                assert!(apart > spread, "blobs {a} and {b}: centroids {apart} apart, spread {spread}");
            }
        }
    }

    #[test]
    fn same_seed_same_map() {
        let (codes, _) = blobs(50, 2);
        let options = TsneOptions { iterations: 300, ..TsneOptions::default() };
        let first = run(&codes, DIM, 3, options);
        assert_eq!(first, run(&codes, DIM, 3, options));
        assert_ne!(first, run(&codes, DIM, 4, options));
    }

    #[test]
    fn stepping_in_pieces_matches_one_step() {
        let (codes, _) = blobs(30, 5);
        let options = TsneOptions { iterations: 400, ..TsneOptions::default() };
        let whole = run(&codes, DIM, 9, options);
        let mut tsne = Tsne::new(&codes, DIM, 9, options);
        let mut last = 0;
        while tsne.done() < tsne.total() {
            let done = tsne.step(7);
            assert!(done > last && done - last <= 7 && done == tsne.done());
            last = done;
        }
        assert_eq!(tsne.done(), 400);
        assert_eq!(tsne.step(7), 400, "never past the total");
        assert_eq!(tsne.finish(&codes, DIM), whole);
    }

    #[test]
    fn large_inputs_use_a_sample_and_place_the_rest() {
        let (codes, labels) = blobs((MAX_SAMPLE + 700) / 3, 11);
        let n = labels.len();
        let options = TsneOptions { iterations: 300, ..TsneOptions::default() };
        let mut tsne = Tsne::new(&codes, DIM, 13, options);
        assert_eq!(rows_in_sample(n), MAX_SAMPLE);
        let sample = tsne.sample_rows().to_vec();
        assert_eq!(sample.len(), MAX_SAMPLE);
        assert!(sample.windows(2).all(|w| w[0] < w[1]) && sample.last().is_some_and(|&r| r < n));
        tsne.step(300);
        let map = tsne.finish(&codes, DIM);
        assert_eq!(map.len(), 2 * n);
        assert!(map.iter().all(|v| v.is_finite()));
        let sampled = |i: usize| sample.binary_search(&i).is_ok();
        let centre = centroids(&map, &labels, sampled);
        let others: Vec<usize> = (0..n).filter(|&i| !sampled(i)).collect();
        assert_eq!(others.len(), n - MAX_SAMPLE);
        let home = others
            .iter()
            .filter(|&&i| {
                let own = dist(at(&map, i), centre[labels[i]]);
                (0..3).filter(|&b| b != labels[i]).all(|b| own < dist(at(&map, i), centre[b]))
            })
            .count();
        assert!(home as f32 >= 0.9 * others.len() as f32, "{home} of {} placed rows nearest their blob", others.len());
    }

    #[test]
    fn tiny_and_degenerate_inputs_give_finite_maps() {
        let options = TsneOptions { iterations: 300, ..TsneOptions::default() };
        let cases: Vec<(Vec<f32>, usize, usize)> = vec![
            (vec![], DIM, 0),
            (vec![0.5; DIM], DIM, 1),
            (vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0], DIM, 2),
            (vec![0.25; 2 * DIM], DIM, 2),
            (vec![1.5; 5 * DIM], DIM, 5),
            ((0..5 * DIM).map(|v| v as f32).collect(), DIM, 5),
            (vec![f32::NAN, 1.0, f32::INFINITY, 2.0, 3.0, 4.0, 1.0, 2.0], 2, 4),
            (vec![1.0, 2.0, 3.0], 0, 0),
            (vec![1.0, 2.0, 3.0], 1, 3),
            ([1e30, -3e38, 1e30, 0.0, 2.0, -1e20, 0.0, 1.0].repeat(3), 2, 12),
        ];
        for (codes, dim, n) in cases {
            let map = run(&codes, dim, 1, options);
            assert_eq!(map.len(), 2 * n, "{n} rows of {dim}");
            assert!(map.iter().all(|v| v.is_finite()), "{n} rows of {dim}: {map:?}");
        }
        assert_eq!(Tsne::new(&[], DIM, 0, TsneOptions::default()).total(), 1_000);
        assert_eq!(rows_in_sample(0), 0);
        assert_eq!(rows_in_sample(1_000_000), MAX_SAMPLE);
    }

    #[test]
    fn placement_matches_brute_force_neighbours() {
        let (codes, _) = blobs(900, 17);
        let tsne = Tsne::new(&codes, DIM, 19, TsneOptions { iterations: 50, ..TsneOptions::default() });
        let sample = tsne.sample_rows().to_vec();
        let row = |r: usize| &codes[r * DIM..(r + 1) * DIM];
        for r in (0..codes.len() / DIM).filter(|r| sample.binary_search(r).is_err()).take(200) {
            let mut brute: Vec<(f32, usize)> =
                sample.iter().enumerate().map(|(k, &s)| (squared_distance(row(r), row(s)), k)).collect();
            brute.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut best = Nearest::new(NEIGHBOURS);
            tsne.tree.nearest(row(r), &mut best, &mut [0.0; DIM], None);
            let found: Vec<f32> = best.found().iter().map(|b| b.0).collect();
            let expected: Vec<f32> = brute[..NEIGHBOURS].iter().map(|b| b.0).collect();
            assert_eq!(found, expected, "row {r}");
        }
        // Slices agree with the whole, and a code equal to a sampled row's goes exactly there.
        let mut sliced = vec![0.0; codes.len() / DIM * 2];
        let n = codes.len() / DIM;
        for start in (0..n).step_by(250) {
            let end = (start + 250).min(n);
            tsne.place_rows(&codes, DIM, start..end, &mut sliced[2 * start..2 * end]);
        }
        let k = sample.len() / 2;
        assert_eq!(tsne.place(row(sample[k]), &mut Nearest::new(NEIGHBOURS), &mut [0.0; DIM]), (tsne.x[k], tsne.y[k]));
        assert_eq!(sliced, tsne.finish(&codes, DIM));
    }

    /// Native timings: `cargo test --release --lib pipeline::analysis::tsne -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn timings() {
        let (codes, _) = blobs(1_000_000 / 3 + 1, 23);
        let n = codes.len() / DIM;
        let started = Instant::now();
        let mut tsne = Tsne::new(&codes, DIM, 29, TsneOptions::default());
        let set_up = started.elapsed();
        let started = Instant::now();
        tsne.step(usize::MAX);
        let run = started.elapsed();
        let (x, y) = (tsne.x.clone(), tsne.y.clone());
        let (mut fx, mut fy) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        let started = Instant::now();
        (0..100).for_each(|_| _ = repulsion(&x, &y, &mut fx, &mut fy));
        let repulse = started.elapsed() / 100;
        let started = Instant::now();
        (0..100).for_each(|_| _ = barnes_hut::repulsion(&x, &y, &mut fx, &mut fy));
        println!("per iteration: Barnes-Hut repulsion {:?}", started.elapsed() / 100);
        let started = Instant::now();
        (0..100).for_each(|_| tsne.p.attraction(&x, &y, &mut fx, &mut fy));
        let attract = started.elapsed() / 100;
        println!("per iteration: repulsion {repulse:?}, attraction {attract:?}, {} affinities", tsne.p.vals.len());
        let started = Instant::now();
        let map = tsne.finish(&codes, DIM);
        let placed = started.elapsed();
        assert!(map.iter().all(|v| v.is_finite()));
        println!("t-SNE on {MAX_SAMPLE} rows: set-up {set_up:?}, 1000 iterations {run:?}; placing {n} rows {placed:?}");
    }
}
