//! KMeans (k = 10, one run) on 1M × 6 codes, native: `cargo run --release --example bench_kmeans`.
//! scikit-learn's KMeans (n_init=1) takes 0.86–3.8 s on such data on this kind of machine
//! (../shared/baseline/README.md); the browser runs the same code as wasm, and `make bench-kmeans`
//! also times that wasm in Node (the clock and the output: `common/bench_io.rs`).

#[path = "common/bench_io.rs"]
mod bench_io;
use bench_io::{emit, now_ms};

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;
use songscape::pipeline::analysis::cluster::kmeans;

const ROWS: usize = 1_000_000;
const DIM: usize = 6;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    // Fifteen blobs, like genres in the demo's codes.
    let centres: Vec<f32> = (0..15 * DIM).map(|_| rng.gen_range(-2.0..2.0)).collect();
    let noise = Normal::new(0.0f32, 0.5)?;
    let points: Vec<f32> = (0..ROWS)
        .flat_map(|_| {
            let c = rng.gen_range(0..15);
            (0..DIM).map(|j| centres[c * DIM + j] + noise.sample(&mut rng)).collect::<Vec<_>>()
        })
        .collect();
    let (mut total_ms, mut total_inertia) = (0.0, 0.0);
    let seeds = 8;
    for seed in 1..=seeds {
        let t = now_ms();
        let c = kmeans(&points, DIM, 10, seed)?;
        let ms = now_ms() - t;
        total_ms += ms;
        total_inertia += c.inertia;
        emit(format!("{{\"rows\":{ROWS},\"dim\":{DIM},\"k\":10,\"seed\":{seed},\"ms\":{ms:.0},\"inertia\":{:.1}}}", c.inertia));
    }
    // Seeds land in different local optima; compare means.
    emit(format!(
        "{{\"seeds\":{seeds},\"mean_ms\":{:.0},\"mean_inertia\":{:.1}}}",
        total_ms / seeds as f64,
        total_inertia / seeds as f64
    ));
    Ok(())
}
