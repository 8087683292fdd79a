//! t-SNE's repulsion over many rows, approximated the Barnes–Hut way (van der Maaten 2014): a
//! quadtree over the layout, rebuilt every iteration, and a cell far enough from a row (its
//! width over the distance below `THETA`) acting on it as one body at its centre of mass. The
//! exact sum costs `s²/2` pairs an iteration; this costs about `s log s`, which is what lets
//! t-SNE lay out 10,000 songs instead of 1,500.
//!
//! Written here because the crates that have it (`bhtsne`) run their whole optimisation in one
//! call (see `tsne.rs`); this is only the force, for the loop `tsne.rs` already drives.

/// The accuracy knob of Barnes–Hut t-SNE: a cell acts as one body when its width is below
/// `THETA` times its distance. The reference implementation's default is 0.5; 0.7 halves the
/// cells visited for forces within a few per cent (the test below), at 10,000 rows the
/// difference between a half-minute and a quarter-minute map in the browser.
pub const THETA: f32 = 0.7;
/// A cell of at most this many rows is a leaf, its rows summed one by one: cheaper than
/// splitting down to single rows.
const LEAF: usize = 8;
/// Deeper than this a cell is a leaf whatever it holds (rows at one spot would split forever).
const MAX_DEPTH: u32 = 40;

struct Cell {
    /// Centre of mass and number of rows.
    cx: f32,
    cy: f32,
    count: u32,
    /// The cell's width.
    width: f32,
    /// Rows `order[start..end]` are in the cell; children are `first_child..first_child + 4`
    /// when it has any.
    start: u32,
    end: u32,
    first_child: u32,
}

/// `r_i = Σ_j w_ij² (y_i − y_j)` with `w_ij = 1 / (1 + |y_i − y_j|²)`, as `tsne::repulsion`
/// but approximated; returns `Z = Σ_{i≠j} w_ij`, approximated the same way.
pub fn repulsion(x: &[f32], y: &[f32], rx: &mut [f32], ry: &mut [f32]) -> f64 {
    let tree = QuadTree::new(x, y);
    let mut z = 0.0f64;
    let mut stack = Vec::with_capacity(64);
    for i in 0..x.len() {
        let (fx, fy, zi) = tree.force_on(i, x, y, &mut stack);
        rx[i] = fx;
        ry[i] = fy;
        z += zi;
    }
    z
}

struct QuadTree {
    cells: Vec<Cell>,
    order: Vec<u32>,
    /// Reused while grouping a cell's rows by quadrant.
    scratch: Vec<u32>,
}

impl QuadTree {
    fn new(x: &[f32], y: &[f32]) -> QuadTree {
        let n = x.len();
        let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for (&a, &b) in x.iter().zip(y) {
            (lo_x, hi_x, lo_y, hi_y) = (lo_x.min(a), hi_x.max(a), lo_y.min(b), hi_y.max(b));
        }
        let width = (hi_x - lo_x).max(hi_y - lo_y).max(f32::MIN_POSITIVE);
        let mut tree =
            QuadTree { cells: Vec::with_capacity(2 * n + 1), order: (0..n as u32).collect(), scratch: Vec::new() };
        if n > 0 {
            tree.cells.push(Cell { cx: 0.0, cy: 0.0, count: 0, width, start: 0, end: n as u32, first_child: 0 });
            tree.split(0, lo_x, lo_y, x, y, 0);
        }
        tree
    }

    /// Fills cell `c` (its square starting at `(left, bottom)`), splitting it into quadrants
    /// while it holds more than one row.
    fn split(&mut self, c: usize, left: f32, bottom: f32, x: &[f32], y: &[f32], depth: u32) {
        let (start, end, width) = (self.cells[c].start as usize, self.cells[c].end as usize, self.cells[c].width);
        let (mut sx, mut sy) = (0.0f64, 0.0f64);
        for &r in &self.order[start..end] {
            sx += f64::from(x[r as usize]);
            sy += f64::from(y[r as usize]);
        }
        let count = end - start;
        let cell = &mut self.cells[c];
        (cell.cx, cell.cy, cell.count) = ((sx / count as f64) as f32, (sy / count as f64) as f32, count as u32);
        if count <= LEAF || depth >= MAX_DEPTH {
            return;
        }
        let half = width / 2.0;
        let (mid_x, mid_y) = (left + half, bottom + half);
        // Quadrant of each row: bit 0 east, bit 1 north; rows grouped by it (a counting sort,
        // linear, where a comparison sort made the build a third of an iteration).
        let quadrant = |r: u32| usize::from(x[r as usize] >= mid_x) | (usize::from(y[r as usize] >= mid_y) << 1);
        let mut counts = [0usize; 4];
        self.order[start..end].iter().for_each(|&r| counts[quadrant(r)] += 1);
        let mut next = [0, counts[0], counts[0] + counts[1], counts[0] + counts[1] + counts[2]];
        self.scratch.clear();
        self.scratch.resize(count, 0);
        for &r in &self.order[start..end] {
            let q = quadrant(r);
            self.scratch[next[q]] = r;
            next[q] += 1;
        }
        self.order[start..end].copy_from_slice(&self.scratch);
        let first_child = self.cells.len();
        self.cells[c].first_child = first_child as u32;
        let mut at = start;
        for q in 0..4 {
            let len = counts[q];
            self.cells.push(Cell {
                cx: 0.0,
                cy: 0.0,
                count: 0,
                width: half,
                start: at as u32,
                end: (at + len) as u32,
                first_child: 0,
            });
            at += len;
        }
        for q in 0..4 {
            let child = first_child + q;
            if self.cells[child].end > self.cells[child].start {
                let (l, b) = (left + half * (q & 1) as f32, bottom + half * (q >> 1) as f32);
                self.split(child, l, b, x, y, depth + 1);
            }
        }
    }

    /// The repulsion on row `i` and its share of `Z`.
    fn force_on(&self, i: usize, x: &[f32], y: &[f32], stack: &mut Vec<u32>) -> (f32, f32, f64) {
        let (xi, yi) = (x[i], y[i]);
        // f32 as the exact sum (`tsne::repulsion`) uses: a row's sum is over at most
        // `MAX_SAMPLE` terms of at most 1.
        let (mut fx, mut fy, mut z) = (0.0f32, 0.0f32, 0.0f32);
        let mut add = |dx: f32, dy: f32, count: f32| {
            let w = 1.0 / (1.0 + dx * dx + dy * dy);
            let cw = count * w;
            z += cw;
            fx += cw * w * dx;
            fy += cw * w * dy;
        };
        stack.clear();
        stack.push(0);
        while let Some(c) = stack.pop() {
            let cell = &self.cells[c as usize];
            if cell.count == 0 {
                continue;
            }
            let (dx, dy) = (xi - cell.cx, yi - cell.cy);
            let d2 = dx * dx + dy * dy;
            let leaf = cell.first_child == 0;
            if leaf {
                // A leaf's rows one by one, never `i` itself.
                for &r in &self.order[cell.start as usize..cell.end as usize] {
                    if r as usize != i {
                        add(xi - x[r as usize], yi - y[r as usize], 1.0);
                    }
                }
            } else if cell.width * cell.width < THETA * THETA * d2 {
                add(dx, dy, cell.count as f32);
            } else {
                stack.extend(cell.first_child..cell.first_child + 4);
            }
        }
        (fx, fy, f64::from(z))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn exact(x: &[f32], y: &[f32]) -> (Vec<f32>, Vec<f32>, f64) {
        let n = x.len();
        let (mut rx, mut ry, mut z) = (vec![0.0f32; n], vec![0.0f32; n], 0.0f64);
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let (dx, dy) = (x[i] - x[j], y[i] - y[j]);
                    let w = 1.0 / (1.0 + dx * dx + dy * dy);
                    z += f64::from(w);
                    rx[i] += w * w * dx;
                    ry[i] += w * w * dy;
                }
            }
        }
        (rx, ry, z)
    }

    #[test]
    fn approximates_the_exact_repulsion_closely() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let n = 800;
        // Two clusters and a spread, as a t-SNE layout looks.
        let x: Vec<f32> = (0..n).map(|i| rng.gen_range(-1.0..1.0) + if i % 3 == 0 { 8.0 } else { 0.0 }).collect();
        let y: Vec<f32> = (0..n).map(|_| rng.gen_range(-3.0..3.0)).collect();
        let (ex, ey, ez) = exact(&x, &y);
        let (mut rx, mut ry) = (vec![0.0; n], vec![0.0; n]);
        let z = repulsion(&x, &y, &mut rx, &mut ry);
        assert!((z - ez).abs() / ez < 0.02, "Z {z} against {ez}");
        let norm = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(p, q)| f64::from(p * p + q * q)).sum::<f64>().sqrt();
        let err: Vec<f32> = rx.iter().zip(&ex).map(|(a, b)| a - b).collect();
        let err_y: Vec<f32> = ry.iter().zip(&ey).map(|(a, b)| a - b).collect();
        let relative = norm(&err, &err_y) / norm(&ex, &ey);
        assert!(relative < 0.08, "forces within 8%: {relative}");
    }

    #[test]
    fn rows_at_one_spot_and_tiny_inputs_stay_finite() {
        let x = vec![1.0f32; 50];
        let y = vec![-2.0f32; 50];
        let (mut rx, mut ry) = (vec![9.0; 50], vec![9.0; 50]);
        let z = repulsion(&x, &y, &mut rx, &mut ry);
        assert_eq!(z, 50.0 * 49.0, "every pair at distance 0 weighs 1");
        assert!(rx.iter().chain(&ry).all(|v| *v == 0.0));
        assert_eq!(repulsion(&[], &[], &mut [], &mut []), 0.0);
        let (mut one_x, mut one_y) = ([5.0f32], [5.0f32]);
        assert_eq!(repulsion(&[0.5], &[0.5], &mut one_x, &mut one_y), 0.0);
        assert_eq!((one_x[0], one_y[0]), (0.0, 0.0));
    }
}
