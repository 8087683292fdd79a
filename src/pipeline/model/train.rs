//! Stage 4: the training loop, written by hand because burn-train does not run in wasm.
//!
//! `Trainer::step` does one batch at a time so the worker can interleave progress messages and a
//! cancel check; `run_to_end` is the same loop without interruptions (tests, benchmarks).

use std::sync::Mutex;

use burn::module::Module;
use burn::optim::{AdamState, AdaptiveMomentumState};
use burn::tensor::{Device, Tensor, TensorData};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::pipeline::model::fused_adam::FusedAdam;
use crate::pipeline::model::fused_steps::{self, StepsPlan};
use crate::pipeline::model::network::{Autoencoder, DenseWeights, ModelConfig};
use crate::pipeline::params::ValidParams;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum TrainError {
    #[error("Training needs at least 2 usable rows; this file has {rows}.")]
    TooFewRows { rows: usize },
    #[error("Training diverged in epoch {epoch}, batch {batch}: the loss became {loss}. Lower the learning rate (the default is 0.001) and train again.")]
    Diverged { epoch: usize, batch: usize, loss: f32 },
    #[error("Training diverged in epoch {epoch}: the mean loss became {loss}, over {EXPLODED_RATIO} times that of always predicting the average song. Lower the learning rate (the default is 0.001) and train again.")]
    Exploded { epoch: usize, loss: f32 },
    #[error("The model could not be run: {0}")]
    Tensor(String),
}

/// An epoch whose mean loss is this many times the loss of predicting the average song (the mean
/// square of the scaled data, 1 for z-scores) has blown up, even if its numbers stay finite: a
/// learning rate of 10 gives losses near 10^8 and then a finite but useless model.
const EXPLODED_RATIO: f64 = 100.0;

/// Losses at the end of one epoch (1-based), as Keras reports them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochLoss {
    pub epoch: usize,
    /// Mean of the batch losses over the epoch, weighted by batch size.
    pub train_loss: f32,
    /// MSE on the held-out rows after the epoch; `None` with no validation split.
    pub val_loss: Option<f32>,
}

/// What one call to `Trainer::step` did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Trained batch `batch` (1-based count within the epoch) of epoch `epoch` (1-based).
    Batch {
        epoch: usize,
        batch: usize,
    },
    Epoch(EpochLoss),
    Done,
}

/// The ndarray backend keeps one global RNG; seeding and drawing the initial weights must not
/// interleave with another model being built at the same time (parallel tests).
static INIT_LOCK: Mutex<()> = Mutex::new(());

#[allow(deprecated)] // ndarray is deprecated in favour of flex, which is no faster here and twice the wasm size.
fn cpu() -> Device {
    Device::ndarray()
}

/// At most this many batches per call to `fused_steps::train`: at the reference's sizes (474
/// weights, batch 32) a call's fixed cost (a few tensors) is small against its 4,096 songs.
const BATCHES_PER_CALL: usize = 128;

/// Songs × weights per call at most, so that a call stays a few milliseconds, and the worker's
/// progress and cancel responsive, also with big layers (256 hidden units are 20× the weights).
const WORK_PER_CALL: usize = 2_000_000;

/// A batch loss above this (or not finite) stops training as diverged.
const DIVERGED_ABOVE: f32 = 1e12;

pub struct Trainer {
    device: Device,
    model: Option<Autoencoder>,
    /// Keras' Adam defaults, applied by `fused_steps` with `FusedAdam`'s arithmetic.
    adam: FusedAdam,
    /// Adam's moments and step count, as burn keeps them; `None` before the first step.
    adam_state: Option<AdamState<2>>,
    config: ModelConfig,
    learning_rate: f64,
    train: Vec<f32>,
    val: Vec<f32>,
    /// A mean loss above this means training has blown up (see `EXPLODED_RATIO`).
    exploded_above: f64,
    order: Vec<usize>,
    rng: Xoshiro256PlusPlus,
    batch_size: usize,
    epochs: usize,
    /// 0-based epoch and next batch within it.
    epoch: usize,
    batch: usize,
    loss_sum: f64,
    seen: usize,
    history: Vec<EpochLoss>,
}

/// Rows split at random (seeded) into training and validation, since real files are sorted by
/// artist or genre and their last rows are no fair sample. Keras' rule for the sizes.
fn split_rows(scaled: &[f32], d: usize, fraction: f64, rng: &mut Xoshiro256PlusPlus) -> (Vec<f32>, Vec<f32>) {
    let n = scaled.len() / d;
    let mut rows: Vec<usize> = (0..n).collect();
    rows.shuffle(rng);
    let n_train = ((n as f64) * (1.0 - fraction)).floor().max(1.0) as usize;
    let gather = |idx: &[usize]| idx.iter().flat_map(|&i| scaled[i * d..(i + 1) * d].iter().copied()).collect();
    (gather(&rows[..n_train]), gather(&rows[n_train..]))
}

impl Trainer {
    pub fn new(scaled: &[f32], inputs: usize, params: &ValidParams) -> Result<Self, TrainError> {
        let n = scaled.len() / inputs.max(1);
        if n < 2 {
            return Err(TrainError::TooFewRows { rows: n });
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
        let (train, val) = split_rows(scaled, inputs, params.validation_split, &mut rng);
        let config = ModelConfig { inputs, hidden: params.hidden_size, latent: params.latent_size };
        // No autodiff: `fused_steps` computes the gradient itself.
        let device = cpu();
        let model = {
            let _guard = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            device.seed(params.seed);
            config.init(&device)
        };
        let order = (0..train.len() / inputs).collect();
        let mean_square = train.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / train.len().max(1) as f64;
        Ok(Trainer {
            exploded_above: EXPLODED_RATIO * mean_square.max(0.01),
            device,
            model: Some(model),
            adam: FusedAdam::new(0.9, 0.999, 1e-7),
            adam_state: None,
            config,
            learning_rate: params.learning_rate,
            train,
            val,
            order,
            rng,
            batch_size: params.batch_size,
            epochs: params.epochs,
            epoch: 0,
            batch: 0,
            loss_sum: 0.0,
            seen: 0,
            history: Vec::new(),
        })
    }

    pub fn epochs(&self) -> usize {
        self.epochs
    }

    pub fn batches_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.batch_size)
    }

    pub fn history(&self) -> &[EpochLoss] {
        &self.history
    }

    /// Trains up to `BATCHES_PER_CALL` batches, or closes the epoch after its last batch.
    pub fn step(&mut self) -> Result<Step, TrainError> {
        if self.epoch >= self.epochs {
            return Ok(Step::Done);
        }
        if self.batch == 0 && self.seen == 0 {
            self.order.shuffle(&mut self.rng);
        }
        if self.batch < self.batches_per_epoch() {
            self.train_batches()?;
            return Ok(Step::Batch { epoch: self.epoch + 1, batch: self.batch });
        }
        let loss = self.end_epoch()?;
        Ok(Step::Epoch(loss))
    }

    /// The next run of batches of this epoch, through `fused_steps`.
    fn train_batches(&mut self) -> Result<(), TrainError> {
        let d = self.config.inputs;
        let batches = (self.batches_per_epoch() - self.batch).min(self.batches_per_call());
        let start = self.batch * self.batch_size;
        let rows = &self.order[start..(start + batches * self.batch_size).min(self.order.len())];
        // Row by row as slices: a flattening iterator pushed the 4,096 × 12 values one at a time.
        let mut songs = Vec::with_capacity(rows.len() * d);
        for &r in rows {
            songs.extend_from_slice(&self.train[r * d..(r + 1) * d]);
        }
        let songs = Tensor::<2>::from_data(TensorData::new(songs, [rows.len(), d]), &self.device);
        let model =
            self.model.take().ok_or_else(|| TrainError::Tensor("the model was lost after an earlier error".into()))?;
        let packed = model.packed_tensor();
        let (time, moment_1, moment_2) = match self.adam_state.take() {
            Some(s) => (s.momentum.time, s.momentum.moment_1, s.momentum.moment_2),
            None => (0, packed.zeros_like(), packed.zeros_like()),
        };
        let plan = StepsPlan {
            shapes: self.config.layer_shapes(),
            batch_size: self.batch_size,
            time,
            adam: self.adam,
            learning_rate: self.learning_rate,
            stop_above: DIVERGED_ABOVE,
        };
        let out = fused_steps::train(packed, moment_1, moment_2, songs, plan);
        let mut applied = 0;
        for (&loss, batch) in out.losses.iter().zip(rows.chunks(self.batch_size)) {
            if plan.stops(loss) {
                break;
            }
            self.loss_sum += f64::from(loss) * batch.len() as f64;
            self.seen += batch.len();
            applied += 1;
        }
        self.model = Some(model.with_packed(out.packed));
        self.adam_state =
            Some(AdamState::new(AdaptiveMomentumState::new(time + applied, out.moment_1, out.moment_2)));
        self.batch += applied;
        match out.losses.get(applied) {
            Some(&loss) => Err(TrainError::Diverged { epoch: self.epoch + 1, batch: self.batch + 1, loss }),
            None => Ok(()),
        }
    }

    /// How many batches one call to `fused_steps::train` takes (see `WORK_PER_CALL`).
    fn batches_per_call(&self) -> usize {
        let weights: usize = self.config.layer_shapes().iter().map(|&(i, o)| (i + 1) * o).sum();
        (WORK_PER_CALL / (weights * self.batch_size).max(1)).clamp(1, BATCHES_PER_CALL)
    }

    fn end_epoch(&mut self) -> Result<EpochLoss, TrainError> {
        let model = self.model.as_ref().ok_or_else(|| TrainError::Tensor("the model was lost".into()))?.valid();
        let val_loss = (!self.val.is_empty()).then(|| mse(&model, &self.val, self.config.inputs));
        let train_loss = self.loss_sum / self.seen.max(1) as f64;
        if train_loss > self.exploded_above {
            return Err(TrainError::Exploded { epoch: self.epoch + 1, loss: train_loss as f32 });
        }
        let loss = EpochLoss { epoch: self.epoch + 1, train_loss: train_loss as f32, val_loss };
        self.history.push(loss);
        self.epoch += 1;
        self.batch = 0;
        self.loss_sum = 0.0;
        self.seen = 0;
        Ok(loss)
    }

    /// Steps until every epoch is done.
    pub fn run_to_end(mut self) -> Result<Trained, TrainError> {
        while self.step()? != Step::Done {}
        Ok(self.finish())
    }

    /// The model for inference, with its loss history.
    pub fn finish(self) -> Trained {
        let model = self.model.map(|m| m.valid());
        Trained { model, config: self.config, history: self.history }
    }
}

/// Rows per forward pass at inference: bounded memory on large files.
const CHUNK: usize = 16_384;

fn forward_chunks(model: &Autoencoder, scaled: &[f32], d: usize, encode: bool) -> Vec<f32> {
    let device = cpu();
    let mut out = Vec::new();
    for chunk in scaled.chunks(CHUNK * d) {
        let x = Tensor::<2>::from_data(TensorData::new(chunk.to_vec(), [chunk.len() / d, d]), &device);
        let y = if encode { model.encode(x) } else { model.forward(x) };
        out.extend(y.into_data().try_into_vec::<f32>().unwrap_or_default());
    }
    out
}

fn mse(model: &Autoencoder, scaled: &[f32], d: usize) -> f32 {
    let recon = forward_chunks(model, scaled, d, false);
    let sum: f64 = recon.iter().zip(scaled).map(|(a, b)| f64::from(a - b).powi(2)).sum();
    (sum / scaled.len().max(1) as f64) as f32
}

/// A trained model, ready to encode.
pub struct Trained {
    model: Option<Autoencoder>,
    config: ModelConfig,
    pub history: Vec<EpochLoss>,
}

impl Trained {
    pub fn latent_size(&self) -> usize {
        self.config.latent
    }

    /// The layers' weights as plain numbers (see `Autoencoder::weights`).
    pub fn weights(&self) -> Result<[DenseWeights; 4], TrainError> {
        let model = self.model.as_ref().ok_or_else(|| TrainError::Tensor("the model was lost".into()))?;
        model.weights().map_err(TrainError::Tensor)
    }

    /// An inference model from saved weights, whose shapes the caller has checked against `config`.
    pub fn from_weights(config: ModelConfig, layers: &[DenseWeights; 4]) -> Trained {
        Trained { model: Some(Autoencoder::from_weights(layers, &cpu())), config, history: Vec::new() }
    }

    /// Latent codes, `rows × latent`, row-major.
    pub fn encode(&self, scaled: &[f32]) -> Vec<f32> {
        match &self.model {
            Some(m) => forward_chunks(m, scaled, self.config.inputs, true),
            None => vec![0.0; scaled.len() / self.config.inputs * self.config.latent],
        }
    }

    /// Mean squared reconstruction error over all of `scaled`.
    pub fn reconstruction_mse(&self, scaled: &[f32]) -> f32 {
        self.model.as_ref().map_or(f32::NAN, |m| mse(m, scaled, self.config.inputs))
    }
}

#[cfg(test)]
mod tests {
    use burn::optim::GradientsParams;
    use rand::Rng;

    use super::*;
    use crate::pipeline::params::TrainParams;

    /// The training loop as it was before `fused_steps`: burn's autodiff graph over the fused
    /// loss, then `FusedAdam` through burn's `ModuleOptimizer`, one batch at a time.
    fn autodiff_path(scaled: &[f32], d: usize, params: &ValidParams) -> (Vec<EpochLoss>, [DenseWeights; 4]) {
        let mut t = Trainer::new(scaled, d, params).expect("trainer");
        let device = cpu().autodiff();
        let start = t.model.as_ref().expect("model").weights().expect("weights");
        let mut model = Autoencoder::from_weights(&start, &device);
        let mut optim = FusedAdam::new(0.9, 0.999, 1e-7).init();
        let mut history = Vec::new();
        for epoch in 0..t.epochs {
            t.order.shuffle(&mut t.rng);
            let (mut sum, mut seen) = (0.0f64, 0usize);
            for rows in t.order.chunks(t.batch_size) {
                let b = rows.len();
                let mut values = vec![0.0f32; d * b];
                for (j, &r) in rows.iter().enumerate() {
                    for i in 0..d {
                        values[i * b + j] = t.train[r * d + i];
                    }
                }
                let loss = model.loss_t(Tensor::<2>::from_data(TensorData::new(values, [d, b]), &device));
                let value: f32 = loss.clone().into_scalar();
                let grads = GradientsParams::from_grads(loss.backward(), &model);
                model = optim.step(t.learning_rate, model, grads);
                sum += f64::from(value) * b as f64;
                seen += b;
            }
            let val_loss = Some(mse(&model.valid(), &t.val, d));
            history.push(EpochLoss { epoch: epoch + 1, train_loss: (sum / seen as f64) as f32, val_loss });
        }
        (history, model.weights().expect("weights"))
    }

    /// The reference's model takes 128 batches per call; one with 256 hidden units a few, so
    /// that the worker still hears a cancel within milliseconds.
    #[test]
    fn big_layers_take_fewer_batches_per_call() {
        let scaled = vec![0.5f32; 100 * 12];
        let calls = |hidden_size, batch_size| {
            let params = TrainParams { hidden_size, batch_size, ..TrainParams::default() }.check().expect("params");
            Trainer::new(&scaled, 12, &params).expect("trainer").batches_per_call()
        };
        assert_eq!(calls(12, 32), 128);
        assert_eq!(calls(256, 32), 6, "9,746 weights × 32 songs per batch");
        assert_eq!(calls(256, 65536), 1, "never none");
    }

    /// Three epochs of 254 batches (two calls of `fused_steps` and a ragged last batch each)
    /// give the same losses and weights, to the bit, as burn's autodiff path.
    #[test]
    fn steps_match_the_burn_autodiff_path_bit_for_bit() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(21);
        let d = 12;
        let scaled: Vec<f32> = (0..9_000 * d).map(|i| rng.gen_range(-2.0..2.0) + (i % d) as f32 * 0.1).collect();
        let params = TrainParams { epochs: 3, ..TrainParams::default() }.check().expect("params");
        let (want_history, want_weights) = autodiff_path(&scaled, d, &params);
        let trained = Trainer::new(&scaled, d, &params).expect("trainer").run_to_end().expect("trained");
        assert_eq!(trained.history.len(), 3);
        for (got, want) in trained.history.iter().zip(&want_history) {
            assert_eq!(got.train_loss.to_bits(), want.train_loss.to_bits(), "epoch {}: {got:?} vs {want:?}", got.epoch);
            assert_eq!(got.val_loss.map(f32::to_bits), want.val_loss.map(f32::to_bits), "epoch {}", got.epoch);
        }
        let got_weights = trained.weights().expect("weights");
        for (got, want) in got_weights.iter().zip(&want_weights) {
            assert!(got.weight.iter().zip(&want.weight).all(|(a, b)| a.to_bits() == b.to_bits()));
            assert!(got.bias.iter().zip(&want.bias).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        assert!(want_history[2].train_loss < want_history[0].train_loss, "the model learned");
    }
}
