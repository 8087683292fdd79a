//! Is there a better autoencoder than the reference's? `make bench-models` trains each variant
//! with 5 seeds on each labelled file and prints one JSON line per file × variant: the median
//! reconstruction MSE (on every song, scaled) and the median label share of the 10 nearest songs
//! by the codes' best rule (Euclidean; other artists' songs only), beside the reference.
//!
//! Variants (all else the reference's defaults: 12 → 12 → 6 → 12 → 12, Adam 0.001, batch 32):
//! - `reference`: 20 epochs;
//! - `wider`: a 24-unit hidden layer on each side;
//! - `early_stopping`: up to 60 epochs, stopping when the validation loss has not improved for
//!   3 epochs (Keras' `EarlyStopping(patience=3)`, without restoring the best weights).
//!
//! Files as `bench_quality`: the light subset (when ../shared is there) and any CSV named on the
//! command line, each with its guessed label column (the light subset also with emotion).

mod labelled;

use std::collections::HashMap;

use labelled::{files, median, round, share_of, Labelled};
use songscape::pipeline::analysis::compare::knn_rows;
use songscape::pipeline::explore::recommend::Metric;
use songscape::pipeline::model::train::{Step, Trained, Trainer};
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{encode, prepare};

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

#[derive(Clone, Copy, Debug)]
enum Variant {
    Reference,
    Wider,
    EarlyStopping,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for file in files("bench-models", Vec::new())? {
        for variant in [Variant::Reference, Variant::Wider, Variant::EarlyStopping] {
            score_variant(&file, variant)?;
        }
    }
    Ok(())
}

fn params(variant: Variant, seed: u64) -> TrainParams {
    let base = TrainParams { seed, ..TrainParams::default() };
    match variant {
        Variant::Reference => base,
        Variant::Wider => TrainParams { hidden_size: 24, ..base },
        Variant::EarlyStopping => TrainParams { epochs: 60, ..base },
    }
}

/// Trains to the end, or for early stopping until the validation loss has not improved for 3
/// epochs.
fn train(
    scaled: &[f32],
    inputs: usize,
    variant: Variant,
    seed: u64,
) -> Result<(Trained, usize), Box<dyn std::error::Error>> {
    let mut trainer = Trainer::new(scaled, inputs, &params(variant, seed).check()?)?;
    let (mut best, mut since) = (f32::INFINITY, 0);
    loop {
        match trainer.step()? {
            Step::Done => break,
            Step::Epoch(loss) => {
                let val = loss.val_loss.unwrap_or(loss.train_loss);
                if val < best - 1e-6 {
                    (best, since) = (val, 0);
                } else {
                    since += 1;
                }
                if matches!(variant, Variant::EarlyStopping) && since >= 3 {
                    break;
                }
            }
            Step::Batch { .. } => {}
        }
    }
    let epochs = trainer.history().len();
    Ok((trainer.finish(), epochs))
}

fn score_variant(file: &Labelled, variant: Variant) -> Result<(), Box<dyn std::error::Error>> {
    let prepared = prepare(&file.table, &file.mapping, &params(variant, 1).check()?)?;
    let rows = &prepared.features.rows;
    let artists = file.artists(rows);
    let labels: Vec<Vec<Option<usize>>> = file.label_columns.iter().map(|&c| file.labels(rows, c).0).collect();
    let sample = knn_rows(rows.len(), 42);
    let (mut mse, mut epochs) = (Vec::new(), Vec::new());
    let mut shares: Vec<Vec<f64>> = vec![Vec::new(); labels.len()];
    for seed in SEEDS {
        let (trained, ran) = train(&prepared.scaled, prepared.features.n_features(), variant, seed)?;
        let codes = encode(&trained, &prepared);
        mse.push(f64::from(trained.reconstruction_mse(&prepared.scaled)));
        epochs.push(ran as f64);
        for (share, labels) in shares.iter_mut().zip(&labels) {
            let each: Vec<f64> = sample
                .iter()
                .filter_map(|&row| {
                    share_of(&codes, trained.latent_size(), Metric::Euclidean, row, labels, &artists, true)
                })
                .collect();
            share.push(each.iter().sum::<f64>() / each.len().max(1) as f64);
        }
    }
    let by_label: HashMap<String, f64> = file
        .label_columns
        .iter()
        .zip(&shares)
        .map(|(&c, s)| (file.table.headers[c].clone(), round(median(s))))
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "file": file.name, "variant": format!("{variant:?}"), "seeds": SEEDS.len(),
            "recon_mse_median": round(median(&mse)), "recon_mse_all": mse.iter().map(|m| round(*m)).collect::<Vec<_>>(),
            "epochs_median": median(&epochs), "share_other_artists_median": by_label,
        })
    );
    Ok(())
}
