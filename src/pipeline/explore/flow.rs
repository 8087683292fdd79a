//! "Order for flow": a playlist ordered so that consecutive songs are close, in the space similar
//! songs are found in (the scaled audio features), as an open path: nearest neighbour from a
//! seeded start, then 2-opt until no reversal shortens it. Optionally a step whose tempo is not
//! within a window of the last song's (half and double tempo count) costs extra, so the order
//! keeps the beat where it can.
//!
//! Written here because the path is short (a playlist, at most a few thousand songs) and the
//! crates for travelling salesmen solve closed tours without our tempo cost.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::tempo::close;

/// Most 2-opt passes over the whole path (each finds every improving reversal it meets).
const MAX_PASSES: usize = 50;

/// Most step costs 2-opt evaluates in all (about a second in wasm): a long playlist gets fewer
/// passes rather than a worker busy for minutes.
const MAX_EVALUATIONS: usize = 60_000_000;

/// Most songs ordered at once: nearest neighbour alone is `n²` steps.
pub const MAX_SONGS: usize = 5_000;

/// A step outside the tempo window costs this many times the input order's median step.
const TEMPO_PENALTY: f64 = 4.0;

/// What the order is made with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowOptions {
    pub seed: u64,
    /// Consecutive songs within this percent of each other's tempo, where they can be.
    pub tempo_window: Option<f32>,
}

/// An order of the songs, and the total step length before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// Positions into the input, in the new order.
    pub order: Vec<usize>,
    /// Sum of the distances between consecutive songs: the input's order, the new one.
    pub before: f64,
    pub after: f64,
    /// Steps outside the tempo window (0 without one): before, after.
    pub off_tempo: (usize, usize),
}

/// Orders `n` songs (`points`: `n × dim`, row-major; `tempo`: BPM of each, for the window).
pub fn flow_order(points: &[f32], dim: usize, tempo: Option<&[f32]>, options: FlowOptions) -> Flow {
    let n = points.len().checked_div(dim).unwrap_or(0);
    let identity: Vec<usize> = (0..n).collect();
    let tempo = tempo.filter(|t| t.len() == n);
    let window = options.tempo_window.zip(tempo);
    let steps = Steps { points, dim, window, penalty: 0.0 };
    let penalty = TEMPO_PENALTY * median_step(&steps, &identity);
    let steps = Steps { penalty, ..steps };
    let mut order = nearest_neighbour(&steps, n, options.seed);
    two_opt(&steps, &mut order);
    // Never worse than what the person had: the input order is kept when it costs no more.
    if steps.cost_of(&order) > steps.cost_of(&identity) {
        order = identity.clone();
    }
    Flow {
        before: steps.length_of(&identity),
        after: steps.length_of(&order),
        off_tempo: (steps.off_tempo(&identity), steps.off_tempo(&order)),
        order,
    }
}

struct Steps<'a> {
    points: &'a [f32],
    dim: usize,
    window: Option<(f32, &'a [f32])>,
    penalty: f64,
}

impl Steps<'_> {
    fn distance(&self, a: usize, b: usize) -> f64 {
        let (pa, pb) = (&self.points[a * self.dim..(a + 1) * self.dim], &self.points[b * self.dim..(b + 1) * self.dim]);
        pa.iter().zip(pb).map(|(x, y)| f64::from(x - y).powi(2)).sum::<f64>().sqrt()
    }

    fn off(&self, a: usize, b: usize) -> bool {
        self.window.is_some_and(|(percent, tempo)| !close(tempo[a], tempo[b], percent))
    }

    /// What the step from `a` to `b` costs: its length, and the penalty when it leaves the window.
    fn cost(&self, a: usize, b: usize) -> f64 {
        self.distance(a, b) + if self.off(a, b) { self.penalty } else { 0.0 }
    }

    fn cost_of(&self, order: &[usize]) -> f64 {
        order.windows(2).map(|w| self.cost(w[0], w[1])).sum()
    }

    fn length_of(&self, order: &[usize]) -> f64 {
        order.windows(2).map(|w| self.distance(w[0], w[1])).sum()
    }

    fn off_tempo(&self, order: &[usize]) -> usize {
        order.windows(2).filter(|w| self.off(w[0], w[1])).count()
    }
}

fn median_step(steps: &Steps, order: &[usize]) -> f64 {
    let mut lengths: Vec<f64> = order.windows(2).map(|w| steps.distance(w[0], w[1])).collect();
    if lengths.is_empty() {
        return 0.0;
    }
    let mid = lengths.len() / 2;
    let (_, m, _) = lengths.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

/// From a seeded song, always on to the cheapest song not yet played.
fn nearest_neighbour(steps: &Steps, n: usize, seed: u64) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut left: Vec<usize> = (0..n).collect();
    let mut order = vec![left.swap_remove(rng.gen_range(0..n))];
    while !left.is_empty() {
        let last = order[order.len() - 1];
        let (i, _) = left
            .iter()
            .enumerate()
            .map(|(i, &s)| (i, steps.cost(last, s)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((0, 0.0));
        order.push(left.swap_remove(i));
    }
    order
}

/// Reverses any stretch of the path whose reversal makes it cheaper, until none does. The path
/// is open: reversing a stretch that starts or ends it changes one step, not two. The tempo
/// cost is symmetric, so reversing a stretch leaves the steps inside it as they were.
fn two_opt(steps: &Steps, order: &mut [usize]) {
    let n = order.len();
    if n < 3 {
        return;
    }
    // The step into position `i` from `i - 1`, zero at the ends (no song before the first).
    let edge = |order: &[usize], a: Option<usize>, b: Option<usize>| match (a, b) {
        (Some(a), Some(b)) => steps.cost(order[a], order[b]),
        _ => 0.0,
    };
    let passes = (MAX_EVALUATIONS / (n * n)).clamp(1, MAX_PASSES);
    for _ in 0..passes {
        let mut improved = false;
        // Reverse order[i..=j]: the steps (i-1, i) and (j, j+1) become (i-1, j) and (i, j+1).
        for i in 0..n - 1 {
            for j in i + 1..n {
                if i == 0 && j == n - 1 {
                    continue;
                }
                let before = i.checked_sub(1);
                let after = (j + 1 < n).then_some(j + 1);
                let now = edge(order, before, Some(i)) + edge(order, Some(j), after);
                let then = edge(order, before, Some(j)) + edge(order, Some(i), after);
                if then + 1e-9 < now {
                    order[i..=j].reverse();
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on a line at 0, 1, …, n-1, shuffled.
    fn shuffled_line(n: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut at: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            at.swap(i, rng.gen_range(0..=i));
        }
        (at.iter().map(|&a| a as f32).collect(), at)
    }

    #[test]
    fn a_shuffled_line_is_put_back_in_order() {
        let (points, at) = shuffled_line(40, 1);
        let flow = flow_order(&points, 1, None, FlowOptions { seed: 3, tempo_window: None });
        assert!((flow.after - 39.0).abs() < 1e-9, "the straight path: {}", flow.after);
        assert!(flow.before > flow.after);
        let positions: Vec<usize> = flow.order.iter().map(|&i| at[i]).collect();
        let ascending = positions.windows(2).all(|w| w[1] == w[0] + 1);
        let descending = positions.windows(2).all(|w| w[0] == w[1] + 1);
        assert!(ascending || descending, "{positions:?}");
    }

    #[test]
    fn never_worse_than_the_input_and_seeded() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for trial in 0..20 {
            let n = 2 + trial * 3;
            let points: Vec<f32> = (0..n * 4).map(|_| rng.gen_range(-2.0..2.0)).collect();
            let options = FlowOptions { seed: trial as u64, tempo_window: None };
            let flow = flow_order(&points, 4, None, options);
            assert!(flow.after <= flow.before + 1e-9, "n {n}: {} > {}", flow.after, flow.before);
            let mut sorted = flow.order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "every song once");
            assert_eq!(flow_order(&points, 4, None, options), flow, "same seed, same order");
        }
    }

    #[test]
    fn the_tempo_window_keeps_the_beat_where_it_can() {
        // Two songs at 90 BPM and two at 128, alternating in sound so that the shortest path
        // jumps tempo at every step.
        let points = [0.0, 1.0, 2.0, 3.0];
        let tempo = [90.0, 128.0, 90.0, 128.0];
        let free = flow_order(&points, 1, Some(&tempo), FlowOptions { seed: 0, tempo_window: None });
        assert_eq!(free.off_tempo, (0, 0), "without a window nothing is off tempo");
        let kept = flow_order(&points, 1, Some(&tempo), FlowOptions { seed: 0, tempo_window: Some(5.0) });
        assert_eq!(kept.off_tempo.0, 3);
        assert_eq!(kept.off_tempo.1, 1, "one change of tempo, not three: {:?}", kept.order);
        // Half tempo is close: 64 with 128.
        let half = flow_order(&points, 1, Some(&[64.0, 128.0, 64.0, 128.0]), FlowOptions { seed: 0, tempo_window: Some(5.0) });
        assert_eq!(half.off_tempo, (0, 0));
    }

    #[test]
    fn tiny_playlists() {
        let none = flow_order(&[], 3, None, FlowOptions { seed: 1, tempo_window: None });
        assert!(none.order.is_empty());
        let one = flow_order(&[1.0, 2.0], 2, None, FlowOptions { seed: 1, tempo_window: None });
        assert_eq!((one.order, one.before, one.after), (vec![0], 0.0, 0.0));
    }
}
