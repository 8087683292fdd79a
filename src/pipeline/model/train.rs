//! Stage 4: the training loop, written by hand because burn-train does not run in wasm.
//!
//! `Trainer::step` does one batch at a time so the worker can interleave progress messages and a
//! cancel check; `run_to_end` is the same loop without interruptions (tests, benchmarks).

use std::sync::Mutex;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::pipeline::model::fused_adam::FusedAdam;
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

pub struct Trainer {
    device: Device,
    model: Option<Autoencoder>,
    optim: ModuleOptimizer,
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
        let device = cpu().autodiff();
        let model = {
            let _guard = INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            device.seed(params.seed);
            config.init(&device)
        };
        // Keras' Adam defaults; burn's Adam in one operation per step (see `fused_adam`).
        let optim = FusedAdam::new(0.9, 0.999, 1e-7).init();
        let order = (0..train.len() / inputs).collect();
        let mean_square = train.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / train.len().max(1) as f64;
        Ok(Trainer {
            exploded_above: EXPLODED_RATIO * mean_square.max(0.01),
            device,
            model: Some(model),
            optim,
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

    /// Trains one batch, or closes the epoch after its last batch.
    pub fn step(&mut self) -> Result<Step, TrainError> {
        if self.epoch >= self.epochs {
            return Ok(Step::Done);
        }
        if self.batch == 0 && self.seen == 0 {
            self.order.shuffle(&mut self.rng);
        }
        if self.batch < self.batches_per_epoch() {
            self.train_batch()?;
            self.batch += 1;
            return Ok(Step::Batch { epoch: self.epoch + 1, batch: self.batch });
        }
        let loss = self.end_epoch()?;
        Ok(Step::Epoch(loss))
    }

    fn train_batch(&mut self) -> Result<(), TrainError> {
        let d = self.config.inputs;
        let start = self.batch * self.batch_size;
        let rows = &self.order[start..(start + self.batch_size).min(self.order.len())];
        // The batch transposed (one column per song), as the model runs.
        let b = rows.len();
        let mut values = vec![0.0f32; d * b];
        for (j, &r) in rows.iter().enumerate() {
            for (i, &v) in self.train[r * d..(r + 1) * d].iter().enumerate() {
                values[i * b + j] = v;
            }
        }
        let x = Tensor::<2>::from_data(TensorData::new(values, [d, b]), &self.device);
        let model =
            self.model.take().ok_or_else(|| TrainError::Tensor("the model was lost after an earlier error".into()))?;
        let loss = model.loss_t(x);
        let value: f32 = loss.clone().into_scalar();
        if !value.is_finite() || value > 1e12 {
            self.model = Some(model);
            return Err(TrainError::Diverged { epoch: self.epoch + 1, batch: self.batch + 1, loss: value });
        }
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.model = Some(self.optim.step(self.learning_rate, model, grads));
        self.loss_sum += f64::from(value) * rows.len() as f64;
        self.seen += rows.len();
        Ok(())
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
