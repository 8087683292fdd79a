//! Exact nearest neighbours among low-dimensional points (the 6-d codes): a static k-d tree,
//! split at the median of the widest axis. t-SNE places the songs outside its sample with it,
//! UMAP builds its neighbour graph with it.
//!
//! Written here because the crates that offer one (`kiddo`, `kdtree`) fix the dimension at
//! compile time or allocate per query; the codes' width is a setting, and a million queries
//! reuse one [`Nearest`].

const LEAF_SIZE: usize = 8;
const LEAF: u32 = u32::MAX;

/// The `k` nearest points seen so far, nearest first, as `(squared distance, id)`.
#[derive(Debug, Clone)]
pub struct Nearest {
    items: Vec<(f32, u32)>,
    k: usize,
}

impl Nearest {
    pub fn new(k: usize) -> Nearest {
        Nearest { items: Vec::with_capacity(k), k }
    }

    pub fn found(&self) -> &[(f32, u32)] {
        &self.items
    }

    fn clear(&mut self) {
        self.items.clear();
    }

    fn worst(&self) -> f32 {
        match self.items.len() < self.k {
            true => f32::INFINITY,
            false => self.items[self.k - 1].0,
        }
    }

    fn offer(&mut self, d2: f32, id: u32) {
        if self.k == 0 || d2 >= self.worst() {
            return;
        }
        if self.items.len() == self.k {
            self.items.pop();
        }
        let at = self.items.partition_point(|&(d, _)| d <= d2);
        self.items.insert(at, (d2, id));
    }
}

/// A static k-d tree over `n × dim` points; ids are the points' positions in what it was built on.
#[derive(Debug, Clone)]
pub struct KdTree {
    dim: usize,
    /// The points in tree order, and each one's id.
    points: Vec<f32>,
    ids: Vec<u32>,
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Tree-order range of a leaf's points.
    start: u32,
    end: u32,
    /// Split axis, or `LEAF`.
    axis: u32,
    split: f32,
    left: u32,
    right: u32,
}

impl KdTree {
    /// Points must be finite (the callers clean them first).
    pub fn new(points: &[f32], dim: usize) -> KdTree {
        let s = points.len().checked_div(dim).unwrap_or(0);
        let mut ids: Vec<u32> = (0..s as u32).collect();
        let mut nodes = Vec::new();
        if s > 0 {
            Self::build(points, dim, &mut ids, 0, s, &mut nodes);
        }
        let ordered = ids.iter().flat_map(|&i| &points[i as usize * dim..(i as usize + 1) * dim]).copied().collect();
        KdTree { dim, points: ordered, ids, nodes }
    }

    fn build(points: &[f32], dim: usize, ids: &mut [u32], start: usize, end: usize, nodes: &mut Vec<Node>) -> u32 {
        let at = nodes.len();
        nodes.push(Node { start: start as u32, end: end as u32, axis: LEAF, split: 0.0, left: 0, right: 0 });
        if end - start <= LEAF_SIZE {
            return at as u32;
        }
        let coord = |i: u32, axis: usize| points[i as usize * dim + axis];
        let (mut axis, mut widest) = (0, 0.0f32);
        for a in 0..dim {
            let (lo, hi) = ids[start..end]
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &i| (lo.min(coord(i, a)), hi.max(coord(i, a))));
            if hi - lo > widest {
                (axis, widest) = (a, hi - lo);
            }
        }
        if widest <= 0.0 {
            return at as u32; // all the same point
        }
        let mid = (start + end) / 2;
        ids[start..end]
            .select_nth_unstable_by(mid - start, |&a, &b| coord(a, axis).total_cmp(&coord(b, axis)).then(a.cmp(&b)));
        let split = coord(ids[mid], axis);
        let left = Self::build(points, dim, ids, start, mid, nodes);
        let right = Self::build(points, dim, ids, mid, end, nodes);
        nodes[at] = Node { start: start as u32, end: end as u32, axis: axis as u32, split, left, right };
        at as u32
    }

    /// Exact nearest neighbours of `query` into `best` (emptied first); `gaps` is scratch of
    /// `dim` entries. `skip` is an id never offered (the query's own, when it is in the tree).
    pub fn nearest(&self, query: &[f32], best: &mut Nearest, gaps: &mut [f32], skip: Option<u32>) {
        best.clear();
        if !self.nodes.is_empty() && query.len() == self.dim && gaps.len() == self.dim {
            gaps.fill(0.0);
            self.search(0, query, best, 0.0, gaps, skip.unwrap_or(u32::MAX));
        }
    }

    /// `bound` is the squared distance from `query` to this node's cell, `gaps` its per-axis
    /// parts (Arya & Mount's incremental distance), so a far cell is skipped when even its
    /// nearest corner is farther than the current `k`th neighbour.
    fn search(&self, node: u32, query: &[f32], best: &mut Nearest, bound: f32, gaps: &mut [f32], skip: u32) {
        let node = self.nodes[node as usize];
        if node.axis == LEAF {
            for k in node.start as usize..node.end as usize {
                if self.ids[k] != skip {
                    best.offer(squared_distance(query, &self.points[k * self.dim..(k + 1) * self.dim]), self.ids[k]);
                }
            }
            return;
        }
        let axis = node.axis as usize;
        let diff = query[axis] - node.split;
        let (near, far) = if diff < 0.0 { (node.left, node.right) } else { (node.right, node.left) };
        self.search(near, query, best, bound, gaps, skip);
        let old = gaps[axis];
        let far_bound = bound - old * old + diff * diff;
        if far_bound < best.worst() {
            gaps[axis] = diff;
            self.search(far, query, best, far_bound, gaps, skip);
            gaps[axis] = old;
        }
    }
}

pub fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Where a point that was not laid out goes: the inverse-distance-weighted mean of the map
/// positions (`at(id)`) of its nearest laid-out points; exactly onto one it equals.
pub fn weighted_place(found: &[(f32, u32)], at: impl Fn(usize) -> (f32, f32)) -> (f32, f32) {
    match found.first() {
        None => (0.0, 0.0),
        Some(&(d2, k)) if d2 <= 0.0 => at(k as usize),
        Some(_) => {
            let (mut sx, mut sy, mut sw) = (0.0f64, 0.0f64, 0.0f64);
            for &(d2, k) in found {
                let w = 1.0 / f64::from(d2).sqrt();
                let (x, y) = at(k as usize);
                sx += w * f64::from(x);
                sy += w * f64::from(y);
                sw += w;
            }
            ((sx / sw) as f32, (sy / sw) as f32)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn finds_what_a_full_scan_finds() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let dim = 6;
        let mut points: Vec<f32> = (0..3_000 * dim).map(|_| rng.gen_range(-3.0..3.0)).collect();
        points.extend_from_within(..10 * dim); // exact duplicates
        let n = points.len() / dim;
        let tree = KdTree::new(&points, dim);
        let row = |r: usize| &points[r * dim..(r + 1) * dim];
        for k in [1, 5, 15] {
            let mut best = Nearest::new(k);
            for q in (0..n).step_by(37) {
                tree.nearest(row(q), &mut best, &mut vec![0.0; dim], Some(q as u32));
                let mut brute: Vec<f32> =
                    (0..n).filter(|&j| j != q).map(|j| squared_distance(row(q), row(j))).collect();
                brute.sort_by(f32::total_cmp);
                let found: Vec<f32> = best.found().iter().map(|b| b.0).collect();
                assert_eq!(found, brute[..k], "row {q}, k {k}");
                assert!(best.found().iter().all(|&(_, id)| id as usize != q));
            }
        }
        let mut none = Nearest::new(4);
        KdTree::new(&[], dim).nearest(row(0), &mut none, &mut vec![0.0; dim], None);
        assert!(none.found().is_empty());
        tree.nearest(&[0.0; 2], &mut none, &mut [0.0; 2], None);
        assert!(none.found().is_empty(), "a query of another width finds nothing");
    }

    #[test]
    fn a_point_equal_to_a_laid_out_one_goes_exactly_there() {
        let at = |k: usize| [(1.0, 2.0), (5.0, 6.0)][k];
        assert_eq!(weighted_place(&[(0.0, 1), (4.0, 0)], at), (5.0, 6.0));
        assert_eq!(weighted_place(&[(1.0, 0), (1.0, 1)], at), (3.0, 4.0));
        assert_eq!(weighted_place(&[], at), (0.0, 0.0));
    }
}
