//! Prints how long finding a song and recommending take at 1M songs (native, release):
//! `make bench-find`. The browser runs the same code as wasm, typically 1.5–2× slower.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use songscape::pipeline::explore::recommend::{nearest, Metric};
use songscape::pipeline::explore::search::SearchIndex;

const ROWS: usize = 1_000_000;
const DIM: usize = 6;
const WORDS: [&str; 12] =
    ["Midnight", "Velvet", "Ocean", "Signal", "Beyoncé", "Golden", "River", "Parade", "Ça", "Fire", "Letter", "Dawn"];

fn main() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let texts: Vec<String> = (0..ROWS)
        .map(|i| format!("{} {} #{i} Artist {}", WORDS[rng.gen_range(0..12)], WORDS[rng.gen_range(0..12)], i % 5000))
        .collect();
    let codes: Vec<f32> = (0..ROWS * DIM).map(|_| rng.gen_range(-3.0..3.0)).collect();
    let t = Instant::now();
    let index = SearchIndex::new(texts.iter().map(String::as_str));
    println!("{{\"rows\":{ROWS},\"build_search_index_ms\":{:.0}}}", t.elapsed().as_secs_f64() * 1e3);
    for query in ["velvet", "velvet ocean", "beyonce fire", "midnigth", "#123456"] {
        let t = Instant::now();
        let hits = index.search(query, 12);
        println!("{{\"query\":\"{query}\",\"hits\":{},\"ms\":{:.1}}}", hits.len(), t.elapsed().as_secs_f64() * 1e3);
    }
    for metric in [Metric::Cosine, Metric::Euclidean] {
        let t = Instant::now();
        let near = nearest(&codes, DIM, 4242, 20, metric);
        println!("{{\"recommend\":\"{metric:?}\",\"n\":{},\"ms\":{:.1}}}", near.len(), t.elapsed().as_secs_f64() * 1e3);
    }
}
