//! A run of training steps (each batch's loss, gradient and Adam update) as one burn operation.
//!
//! Why by hand: with the loss (`fused_loss`) and Adam (`fused_adam`) each one operation, a step
//! at batch 32 still built an autodiff graph, walked it backwards, gathered `GradientsParams`,
//! mapped the module through `ModuleOptimizer` and made a dozen tensors of a few hundred numbers;
//! that bookkeeping cost more than the network's arithmetic. Here the same arithmetic, in the same
//! f32 operations and order, runs for many batches over buffers kept from step to step, while burn
//! keeps the model: the packed parameter stays the module's `Param` and the moments stay burn's
//! `AdamState`, handed in and taken back at every call (`train::Trainer`).
//! `train::tests::steps_match_the_burn_autodiff_path_bit_for_bit` checks a whole run against the
//! path through burn's autodiff and `ModuleOptimizer`.

// ndarray is deprecated in favour of flex, which is no faster here and twice the wasm size.
#![allow(deprecated)]

use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{backend_extension, Backend, Dispatch, NdArray, TensorMetadata};
use burn::tensor::{Shape, Tensor, TensorData};

use crate::pipeline::model::fused_adam::{update_in_place, FusedAdam};
use crate::pipeline::model::fused_loss::{with_values, Pass, Shapes};

/// What a run of steps needs besides the tensors.
#[derive(Debug, Clone, Copy)]
pub struct StepsPlan {
    pub shapes: Shapes,
    pub batch_size: usize,
    /// Adam's step count before the first of these steps (0 before any).
    pub time: usize,
    pub adam: FusedAdam,
    pub learning_rate: f64,
    /// A batch whose loss is above this, or not finite, ends the run without its update.
    pub stop_above: f32,
}

impl StepsPlan {
    /// Whether a batch with this loss ends the run (and training) as diverged.
    pub fn stops(&self, loss: f32) -> bool {
        !loss.is_finite() || loss > self.stop_above
    }
}

#[backend_extension(NdArray)]
pub trait TrainSteps: Backend {
    /// `(parameter, first moment, second moment, losses)` after training on `songs`
    /// (`[songs, inputs]`, in the order they are drawn) batch by batch. `losses` holds each
    /// trained batch's loss before its update; the last one may be the batch that stopped the run.
    fn train_steps(
        packed: FloatTensor<Self>,
        moment_1: FloatTensor<Self>,
        moment_2: FloatTensor<Self>,
        songs: FloatTensor<Self>,
        plan: StepsPlan,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>);
}

/// The result of `train`, as burn tensors.
pub struct Stepped {
    pub packed: Tensor<2>,
    pub moment_1: Tensor<2>,
    pub moment_2: Tensor<2>,
    /// One loss per batch trained (and the stopping batch's, if one stopped the run).
    pub losses: Vec<f32>,
}

/// Trains on `songs` (`[songs, inputs]`) from `packed` and Adam's moments (see `TrainSteps`).
pub fn train(packed: Tensor<2>, moment_1: Tensor<2>, moment_2: Tensor<2>, songs: Tensor<2>, plan: StepsPlan) -> Stepped {
    let (packed, moment_1, moment_2, losses) = <Dispatch as TrainSteps>::train_steps(
        packed.into_dispatch(),
        moment_1.into_dispatch(),
        moment_2.into_dispatch(),
        songs.into_dispatch(),
        plan,
    );
    let losses = Tensor::<1>::from_dispatch(losses).into_data().to_vec::<f32>().unwrap_or_default();
    Stepped {
        packed: Tensor::from_dispatch(packed),
        moment_1: Tensor::from_dispatch(moment_1),
        moment_2: Tensor::from_dispatch(moment_2),
        losses,
    }
}

/// The plain-slice loop behind `train_steps`; `param`, `m` and `v` are updated where they are.
fn run(param: &mut [f32], m: &mut [f32], v: &mut [f32], songs: &[f32], plan: StepsPlan) -> Vec<f32> {
    let inputs = plan.shapes[0].0.max(1);
    let mut pass = Pass::default();
    // Cells no layer uses are never written, so they stay at zero as `Pass::gradient` needs.
    let mut grad = vec![0.0f32; param.len()];
    let mut losses = Vec::with_capacity(songs.len() / inputs / plan.batch_size.max(1) + 1);
    for (step, batch) in songs.chunks(inputs * plan.batch_size.max(1)).enumerate() {
        let b = batch.len() / inputs;
        transpose_into(pass.input(plan.shapes, b), batch, inputs, b);
        pass.forward(param);
        let loss = pass.loss();
        losses.push(loss);
        if plan.stops(loss) {
            break;
        }
        // The loss's own gradient is 1, as burn's backward pass starts it.
        pass.gradient(param, 1.0, &mut grad);
        let factors = plan.adam.factors(plan.time + step + 1, plan.learning_rate);
        update_in_place(param, &grad, m, v, factors);
    }
    losses
}

/// Songs as rows (`[b, inputs]`) into the model's layout, one column per song (`[inputs, b]`).
fn transpose_into(out: &mut [f32], rows: &[f32], inputs: usize, b: usize) {
    for (j, row) in rows.chunks_exact(inputs).enumerate() {
        for (i, &v) in row.iter().enumerate() {
            out[i * b + j] = v;
        }
    }
}

impl TrainSteps for NdArray {
    fn train_steps(
        packed: FloatTensor<Self>,
        moment_1: FloatTensor<Self>,
        moment_2: FloatTensor<Self>,
        songs: FloatTensor<Self>,
        plan: StepsPlan,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
        let (shape, device) = (packed.shape(), packed.device());
        let mut p = with_values(&packed, <[f32]>::to_vec);
        let mut m = with_values(&moment_1, <[f32]>::to_vec);
        let mut v = with_values(&moment_2, <[f32]>::to_vec);
        let losses = with_values(&songs, |songs| run(&mut p, &mut m, &mut v, songs, plan));
        let tensor = |values: Vec<f32>, shape: Shape| NdArray::float_from_data(TensorData::new(values, shape), &device);
        let n = losses.len();
        (tensor(p, shape.clone()), tensor(m, shape.clone()), tensor(v, shape), tensor(losses, Shape::new([n])))
    }
}
