//! Times training the reference autoencoder (20 epochs, batch 32) on the shared Spotify subset and
//! prints one JSON line: `cargo run --release --example bench_train [-- CSV [EPOCHS]]`.
//! The browser runs the same code as wasm in a worker, typically well below native speed.
//!
//! Also builds for wasm32-unknown-unknown, to time the wasm in node without a browser: the CSV is
//! compiled in (the clock and the output: `common/bench_io.rs`).

use songscape::pipeline::input::columns::ColumnMapping;
use songscape::pipeline::input::load::parse_csv;
use songscape::pipeline::model::train::{Step, Trainer};
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::prepare;

#[path = "common/bench_io.rs"]
mod bench_io;
use bench_io::{emit, now_ms};

#[cfg(target_arch = "wasm32")]
fn read_csv(_path: &str) -> Vec<u8> {
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/light_spotify_subset.csv")).to_vec()
}

#[cfg(not(target_arch = "wasm32"))]
fn read_csv(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The shared dataset beside the clone (`../shared`), as the tests find it.
fn default_csv() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/light_spotify_subset.csv").to_string()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(default_csv);
    let mut raw = TrainParams::default();
    if let Some(e) = args.next() {
        raw.epochs = e.parse().expect("epochs");
    }
    let params = raw.check().expect("default params");
    let bytes = read_csv(&path);
    let table = parse_csv(&bytes).expect("csv");
    let mapping = ColumnMapping::guess(&table.headers);
    let prepared = prepare(&table, &mapping, &params).expect("prepare");
    let d = prepared.features.n_features();

    let t0 = now_ms();
    let mut trainer = Trainer::new(&prepared.scaled, d, &params).expect("trainer");
    let mut epoch_ms = Vec::new();
    let mut t_epoch = now_ms();
    loop {
        match trainer.step().expect("step") {
            Step::Batch { .. } => {}
            Step::Epoch(_) => {
                let t = now_ms();
                epoch_ms.push(t - t_epoch);
                t_epoch = t;
            }
            Step::Done => break,
        }
    }
    let history = trainer.history().to_vec();
    let trained = trainer.finish();
    let total_ms = now_ms() - t0;
    let rows = prepared.scaled.len() / d;
    // Keras' split rule, as `split_rows` applies it.
    let train_rows = ((rows as f64) * (1.0 - params.validation_split)).floor().max(1.0) as usize;
    let steady: Vec<f64> = epoch_ms.iter().skip(1).copied().collect();
    let steady_ms = if steady.is_empty() { epoch_ms[0] } else { steady.iter().sum::<f64>() / steady.len() as f64 };
    let samples_per_s = train_rows as f64 * epoch_ms.len() as f64 / (epoch_ms.iter().sum::<f64>() / 1e3);
    let losses: Vec<String> =
        history.iter().map(|h| format!("[{:.6},{:.6}]", h.train_loss, h.val_loss.unwrap_or(f32::NAN))).collect();
    emit(format!(
        "{{\"rows\":{rows},\"train_rows\":{train_rows},\"epochs\":{},\"total_ms\":{total_ms:.1},\"first_epoch_ms\":{:.1},\"steady_epoch_ms\":{steady_ms:.1},\"samples_per_s\":{samples_per_s:.0},\"steady_samples_per_s\":{:.0},\"recon_mse\":{:.6},\"losses\":[{}]}}",
        epoch_ms.len(),
        epoch_ms[0],
        train_rows as f64 / (steady_ms / 1e3),
        trained.reconstruction_mse(&prepared.scaled),
        losses.join(",")
    ));
}
