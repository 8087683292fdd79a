//! The autoencoder's training loss as one burn operation with its own backward pass.
//!
//! Why by hand: at batch 32 the network does about 2.6 kFLOP per song, but run as burn ops it was
//! 17 autodiff nodes a step, and `perf` put the matrix kernel at 4% of the time: the rest was
//! allocation, hashing and bookkeeping on tensors of a few hundred numbers. burn's extension
//! mechanism (`#[backend_extension]` with an `Autodiff` implementation, as its own tests do) lets
//! the whole forward pass and its gradient run as one node over plain slices, while burn keeps the
//! parameter, the autodiff graph and Adam. `tests::matches_burn_autodiff` checks the loss and the
//! gradient against burn's own autodiff of `Autoencoder::loss_t`.
//!
//! Training itself now runs `Pass` through `fused_steps`, without autodiff; the autodiff operation
//! (`AutoencoderLoss`) is compiled for the tests only, as the reference that path is checked
//! against.
//!
//! Layout (see `model.rs`): layer `l` is the block `[weightᵀ | bias]` at rows
//! `offsets[l] .. offsets[l] + outputs`, columns `0 ..= inputs` of the packed `rows × cols`
//! parameter; activations are transposed, one column per song.

// ndarray is deprecated in favour of flex, which is no faster here and twice the wasm size.
#![allow(deprecated)]

use burn::backend::ndarray::NdArrayTensor;
#[cfg(test)]
use burn::{
    backend::autodiff::checkpoint::{base::Checkpointer, strategy::CheckpointStrategy},
    backend::autodiff::grads::Gradients,
    backend::autodiff::ops::{Backward, Ops, OpsKind},
    backend::autodiff::Autodiff,
    backend::ndarray::NdArrayDevice,
    backend::ops::FloatTensorOps,
    backend::tensor::FloatTensor,
    backend::{backend_extension, Backend, Dispatch, NdArray},
    tensor::{Tensor, TensorData},
};

/// `(inputs, outputs)` of the four layers, in forward order.
pub type Shapes = [(usize, usize); 4];

/// First row of each layer's block, and the packed tensor's rows and columns (see
/// `network::Autoencoder`). Here, below the network, so that both reach it without a circle.
pub(crate) fn layout(shapes: &[(usize, usize); 4]) -> ([usize; 4], usize, usize) {
    let mut offsets = [0; 4];
    let mut rows = 0;
    for (offset, (_, outputs)) in offsets.iter_mut().zip(shapes) {
        *offset = rows;
        rows += outputs;
    }
    let cols = shapes.iter().map(|s| s.0 + 1).max().unwrap_or(0);
    (offsets, rows, cols)
}

#[cfg(test)]
#[backend_extension(Autodiff, NdArray)]
pub trait AutoencoderLoss: Backend {
    /// Mean squared reconstruction error, shape `[1]`, of the songs in `batch_t`
    /// (`[inputs, batch]`, one column per song) through the packed layers.
    fn autoencoder_loss(packed: FloatTensor<Self>, batch_t: FloatTensor<Self>, shapes: Shapes) -> FloatTensor<Self>;
}

/// The loss through the fused operation, tracked when `packed` is.
#[cfg(test)]
pub fn loss(packed: Tensor<2>, batch_t: Tensor<2>, shapes: Shapes) -> Tensor<1> {
    Tensor::from_dispatch(<Dispatch as AutoencoderLoss>::autoencoder_loss(
        packed.into_dispatch(),
        batch_t.into_dispatch(),
        shapes,
    ))
}

/// The f32 values of an ndarray tensor in row-major order.
#[cfg(test)]
fn values(t: &NdArrayTensor) -> Vec<f32> {
    with_values(t, <[f32]>::to_vec)
}

/// `f` of the f32 values of an ndarray tensor in row-major order, without a copy when the tensor
/// is contiguous.
pub(crate) fn with_values<R>(t: &NdArrayTensor, f: impl FnOnce(&[f32]) -> R) -> R {
    match t {
        NdArrayTensor::F32(s) => {
            let view = s.view();
            match view.as_slice() {
                Some(slice) => f(slice),
                None => f(&view.iter().copied().collect::<Vec<_>>()),
            }
        }
        // The model is built in f32 only; anything else is a programming error upstream.
        other => unreachable!("the autoencoder runs in f32, got {:?}", burn::backend::TensorMetadata::dtype(other)),
    }
}

#[cfg(test)]
fn tensor<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> NdArrayTensor {
    NdArray::float_from_data(TensorData::new(values, shape), &NdArrayDevice::Cpu)
}

/// Where each layer's block starts and the packed tensor's column count (`layout`).
fn offsets(shapes: &Shapes) -> ([usize; 4], usize) {
    let (offsets, _, cols) = layout(shapes);
    (offsets, cols)
}

/// The buffers of one training pass: forward, loss and gradient. `fused_steps` keeps one for a
/// whole run of steps (no allocation per step); the autodiff operation here makes one per step.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pass {
    shapes: Shapes,
    batch: usize,
    /// The input, then the output of each layer (relu applied to all but the last).
    acts: [Vec<f32>; 5],
    /// The loss's gradient with respect to the current layer's outputs, then its inputs.
    g_z: Vec<f32>,
    g_h: Vec<f32>,
}

impl Pass {
    /// The input buffer for a batch of `batch` songs, `[inputs, batch]`, to be filled by the caller.
    pub(crate) fn input(&mut self, shapes: Shapes, batch: usize) -> &mut [f32] {
        self.shapes = shapes;
        self.batch = batch;
        self.acts[0].resize(shapes[0].0 * batch, 0.0);
        &mut self.acts[0]
    }

    /// The forward pass over the input set by `input`, through the packed layers.
    pub(crate) fn forward(&mut self, packed: &[f32]) {
        let (shapes, batch) = (self.shapes, self.batch);
        let (offsets, cols) = offsets(&shapes);
        for l in 0..4 {
            let (inputs, outputs) = shapes[l];
            let (done, rest) = self.acts.split_at_mut(l + 1);
            let out = &mut rest[0];
            // Every value is written below, so the buffer is not cleared.
            out.resize(outputs * batch, 0.0);
            for (o, z) in out.chunks_exact_mut(batch.max(1)).enumerate() {
                let row = &packed[(offsets[l] + o) * cols..][..=inputs];
                let weights = row[..inputs].iter().copied().enumerate();
                combine(z, row[inputs], weights, &done[l], batch);
                if l < 3 {
                    // Not `f32::max`: it would turn NaN into 0 where burn's relu keeps it (so a
                    // blown-up model is still caught), and in wasm it is a call, not a vector op.
                    z.iter_mut().filter(|z| **z < 0.0).for_each(|z| *z = 0.0);
                }
            }
        }
    }

    pub(crate) fn loss(&self) -> f32 {
        let sum: f32 = self.acts[4].iter().zip(&self.acts[0]).map(|(y, x)| (y - x) * (y - x)).sum();
        sum / self.acts[0].len().max(1) as f32
    }

    /// Writes the gradient of `upstream · loss` with respect to the packed parameter into `grad`
    /// (as long as `packed`). Cells no layer uses are not written: they must start at zero.
    pub(crate) fn gradient(&mut self, packed: &[f32], upstream: f32, grad: &mut [f32]) {
        let (offsets, cols) = offsets(&self.shapes);
        let b = self.batch.max(1);
        let scale = 2.0 * upstream / self.acts[0].len().max(1) as f32;
        self.g_z.clear();
        self.g_z.extend(self.acts[4].iter().zip(&self.acts[0]).map(|(y, x)| scale * (y - x)));
        for l in (0..4).rev() {
            let inputs = self.shapes[l].0;
            let h = &self.acts[l];
            for (o, g) in self.g_z.chunks_exact(b).enumerate() {
                let row = &mut grad[(offsets[l] + o) * cols..][..=inputs];
                for (cell, h) in row[..inputs].iter_mut().zip(h.chunks_exact(b)) {
                    *cell = dot(g, h);
                }
                row[inputs] = g.iter().sum();
            }
            if l == 0 {
                break;
            }
            // Every value is written by `combine`, so the buffer is not cleared.
            self.g_h.resize(inputs * b, 0.0);
            let outputs = self.g_z.len() / b;
            for (i, gh) in self.g_h.chunks_exact_mut(b).enumerate() {
                // Column `i` of the layer's block: the weights from input `i` to each output.
                let weights = (0..outputs).map(|o| (o, packed[(offsets[l] + o) * cols + i]));
                combine(gh, 0.0, weights, &self.g_z, b);
            }
            // relu's derivative: nothing flows back where the activation was clipped to 0.
            self.g_h.iter_mut().zip(h).filter(|(_, &a)| a <= 0.0).for_each(|(g, _)| *g = 0.0);
            std::mem::swap(&mut self.g_z, &mut self.g_h);
        }
    }
}

/// One forward pass, keeping what the backward pass needs.
#[cfg(test)]
#[derive(Debug, Clone)]
struct Forward {
    packed: Vec<f32>,
    pass: Pass,
}

#[cfg(test)]
impl Forward {
    fn run(packed: Vec<f32>, input: Vec<f32>, shapes: Shapes) -> Forward {
        let mut pass = Pass::default();
        let batch = input.len() / shapes[0].0.max(1);
        pass.input(shapes, batch).copy_from_slice(&input[..shapes[0].0 * batch]);
        pass.forward(&packed);
        Forward { packed, pass }
    }

    fn loss(&self) -> f32 {
        self.pass.loss()
    }

    /// The gradient of `upstream · loss` with respect to the packed parameter.
    fn gradient(&mut self, upstream: f32) -> Vec<f32> {
        let mut grad = vec![0.0f32; self.packed.len()];
        self.pass.gradient(&self.packed, upstream, &mut grad);
        grad
    }
}

/// Songs per block in `combine`: sixteen accumulators fit the registers (four wasm vectors).
const BLOCK: usize = 16;

/// `out[s] = start + Σ w · rows[r][s]` for each song `s`, over the `(r, w)` pairs in order, where
/// `rows` holds `batch` values per row. Blocks of songs keep their sums in registers across the
/// rows (a loop over the whole batch per row would load and store every sum once per row, which
/// was most of the work); each sum still adds its terms in the same order, so the results are
/// the same to the bit.
fn combine(out: &mut [f32], start: f32, weights: impl Iterator<Item = (usize, f32)> + Clone, rows: &[f32], batch: usize) {
    let full = out.len() / BLOCK * BLOCK;
    for (block, sums) in out[..full].chunks_exact_mut(BLOCK).enumerate() {
        let mut acc = [start; BLOCK];
        for (r, w) in weights.clone() {
            let h = &rows[r * batch + block * BLOCK..][..BLOCK];
            for k in 0..BLOCK {
                acc[k] += w * h[k];
            }
        }
        sums.copy_from_slice(&acc);
    }
    for (s, sum) in out.iter_mut().enumerate().skip(full) {
        *sum = weights.clone().fold(start, |acc, (r, w)| acc + w * rows[r * batch + s]);
    }
}

/// A dot product in eight lanes, so that it vectorises (float sums are not reassociated otherwise).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8.remainder().iter().zip(b8.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
impl AutoencoderLoss for NdArray {
    fn autoencoder_loss(packed: FloatTensor<Self>, batch_t: FloatTensor<Self>, shapes: Shapes) -> FloatTensor<Self> {
        let forward = Forward::run(values(&packed), values(&batch_t), shapes);
        tensor(vec![forward.loss()], [1])
    }
}

#[cfg(test)]
#[derive(Debug)]
struct LossBackward;

#[cfg(test)]
impl Backward<NdArray, 1> for LossBackward {
    type State = Forward;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [packed_node] = ops.parents;
        let upstream = values(&grads.consume::<NdArray>(&ops.node)).first().copied().unwrap_or(0.0);
        if let Some(node) = packed_node {
            let mut forward = ops.state;
            let cols = offsets(&forward.pass.shapes).1;
            let shape = [forward.packed.len() / cols.max(1), cols];
            grads.register::<NdArray>(node.id, tensor(forward.gradient(upstream), shape));
        }
    }
}

#[cfg(test)]
impl<C: CheckpointStrategy> AutoencoderLoss for Autodiff<NdArray, C> {
    fn autoencoder_loss(packed: FloatTensor<Self>, batch_t: FloatTensor<Self>, shapes: Shapes) -> FloatTensor<Self> {
        let forward = Forward::run(values(packed.primitive()), values(batch_t.primitive()), shapes);
        let out = tensor(vec![forward.loss()], [1]);
        match LossBackward.prepare::<C>([packed.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => prep.finish(forward, out),
            OpsKind::UnTracked(prep) => prep.finish(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::module::Module;
    use burn::tensor::{Device, Tensor, TensorData};
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use crate::pipeline::model::network::{Autoencoder, DenseWeights};

    #[allow(deprecated)]
    fn device() -> Device {
        Device::ndarray().autodiff()
    }

    /// Random weights and biases (biases non-zero, so their gradients are tested).
    fn random_layers(rng: &mut Xoshiro256PlusPlus, sizes: [usize; 3]) -> [DenseWeights; 4] {
        let [inputs, hidden, latent] = sizes;
        let shapes = [(inputs, hidden), (hidden, latent), (latent, hidden), (hidden, inputs)];
        shapes.map(|(i, o)| DenseWeights {
            inputs: i,
            outputs: o,
            weight: (0..i * o).map(|_| rng.gen_range(-0.8..0.8)).collect(),
            bias: (0..o).map(|_| rng.gen_range(-0.3..0.3)).collect(),
        })
    }

    fn random_model(rng: &mut Xoshiro256PlusPlus, sizes: [usize; 3]) -> Autoencoder {
        Autoencoder::from_weights(&random_layers(rng, sizes), &device())
    }

    fn batch(rng: &mut Xoshiro256PlusPlus, inputs: usize, songs: usize) -> Tensor<2> {
        let values: Vec<f32> = (0..inputs * songs).map(|_| rng.gen_range(-2.0..2.0)).collect();
        Tensor::from_data(TensorData::new(values, [inputs, songs]), &device())
    }

    fn loss_and_gradient(model: &Autoencoder, loss: Tensor<1>) -> (f32, Vec<f32>) {
        let value: f32 = loss.clone().into_scalar();
        let grads = loss.backward();
        let grad = model.packed_tensor().grad(&grads).map(|g| g.into_data().to_vec::<f32>().unwrap_or_default());
        (value, grad.unwrap_or_default())
    }

    #[test]
    fn matches_burn_autodiff() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        // The reference's sizes with a full and a ragged last batch; and other sizes.
        for (sizes, songs) in [([12, 12, 6], 32), ([12, 12, 6], 13), ([5, 9, 2], 1), ([7, 16, 3], 40)] {
            let model = random_model(&mut rng, sizes);
            let x = batch(&mut rng, sizes[0], songs);
            let x_values = x.clone().into_data().to_vec::<f32>().unwrap_or_default();
            let (fused, fused_grad) = loss_and_gradient(&model, model.loss_t(x.clone()));
            let (burn, burn_grad) = loss_and_gradient(&model, model.loss_t_burn_ops(x));
            assert!((fused - burn).abs() <= 1e-5 * burn.abs().max(1.0), "{sizes:?}×{songs}: {fused} vs {burn}");
            assert_eq!(fused_grad.len(), burn_grad.len());
            let largest = burn_grad.iter().fold(0.0f32, |m, g| m.max(g.abs()));
            assert!(largest > 1e-3, "the test needs gradients that are not all zero");
            for (i, (f, b)) in fused_grad.iter().zip(&burn_grad).enumerate() {
                assert!((f - b).abs() <= 1e-5 * largest.max(1.0), "{sizes:?}×{songs}, cell {i}: {f} vs {b}");
            }
            // Some units are clipped by relu, so its derivative is exercised.
            let packed = model.packed_tensor().into_data().to_vec::<f32>().unwrap_or_default();
            let x = x_values.clone();
            let forward = super::Forward::run(packed, x, model.shapes());
            assert!(forward.pass.acts[1..4].iter().flatten().any(|a| *a == 0.0));
        }
    }

    #[test]
    fn a_nan_weight_gives_a_nan_loss_as_with_burn_ops() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut layers = random_layers(&mut rng, [12, 12, 6]);
        layers[0].weight[3] = f32::NAN;
        let model = Autoencoder::from_weights(&layers, &device());
        let x = batch(&mut rng, 12, 32);
        let fused: f32 = model.loss_t(x.clone()).into_scalar();
        let burn: f32 = model.loss_t_burn_ops(x).into_scalar();
        assert!(burn.is_nan(), "burn's relu keeps NaN");
        assert!(fused.is_nan(), "so does the fused one, and training reports the divergence");
    }

    #[test]
    fn untracked_loss_equals_tracked_loss() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let model = random_model(&mut rng, [12, 12, 6]);
        let x = batch(&mut rng, 12, 32);
        let tracked: f32 = model.loss_t(x.clone()).into_scalar();
        let inference = model.valid();
        #[allow(deprecated)]
        let plain: f32 = inference.loss_t(Tensor::from_data(x.into_data(), &Device::ndarray())).into_scalar();
        assert_eq!(tracked, plain);
    }
}
