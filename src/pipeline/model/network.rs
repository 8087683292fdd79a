//! The reference autoencoder: in → Dense(hidden) relu → Dense(latent) relu → Dense(hidden) relu
//! → Dense(in) linear. Weights start like Keras' defaults: Glorot-uniform kernels, zero biases.

use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

#[cfg(test)]
use crate::pipeline::model::fused_loss;
use crate::pipeline::model::fused_loss::layout;

/// Layer sizes. `ValidParams` decides them; this only builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    pub inputs: usize,
    pub hidden: usize,
    pub latent: usize,
}

impl ModelConfig {
    /// (inputs, outputs) of enc1, enc2, dec1, dec2.
    pub fn layer_shapes(&self) -> [(usize, usize); 4] {
        [(self.inputs, self.hidden), (self.hidden, self.latent), (self.latent, self.hidden), (self.hidden, self.inputs)]
    }
}

/// The four dense layers, packed into one parameter so that Adam updates one tensor per step
/// rather than eight (each of its ~11 tensor ops costs the same on 12 numbers as on 500, so with
/// eight small tensors the optimizer was a third of a training step).
///
/// The model runs on transposed activations, one column per song: layer `l` (`inputs → outputs`)
/// is `zᵀ = [weightᵀ | bias] · [hᵀ ; 1]`, the same `x · weight + bias`. Its block
/// `[weightᵀ | bias]` (`outputs × (inputs + 1)`) is rows `offset_l .. offset_l + outputs`, columns
/// `0 .. inputs + 1` of `packed`. Training computes the loss and its gradient over this layout in
/// one operation (`fused_loss`); inference composes burn ops over it (`layers_t`). Cells no layer
/// uses stay at zero: their gradient is exactly zero, so Adam never moves them, and Adam works
/// element by element, so packing changes nothing in its updates.
#[derive(Module, Debug)]
pub struct Autoencoder {
    packed: Param<Tensor<2>>,
    /// `(inputs, outputs)` of enc1, enc2, dec1, dec2.
    #[module(skip)]
    shapes: [(usize, usize); 4],
}

fn dense(inputs: usize, outputs: usize, device: &Device) -> Linear {
    let mut layer =
        LinearConfig::new(inputs, outputs).with_initializer(Initializer::XavierUniform { gain: 1.0 }).init(device);
    // burn gives the bias the kernel's initializer; Keras starts biases at zero.
    layer.bias = Some(Initializer::Zeros.init([outputs], device));
    layer
}

/// The layers in forward order, by field name.
pub const LAYER_NAMES: [&str; 4] = ["enc1", "enc2", "dec1", "dec2"];

/// One dense layer as plain numbers: `weight` is `inputs × outputs`, row-major, as burn stores it
/// (`y = x · weight + bias`); `bias` has `outputs` values.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseWeights {
    pub inputs: usize,
    pub outputs: usize,
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

fn read_dense(layer: &Linear) -> DenseWeights {
    let [inputs, outputs] = layer.weight.val().dims();
    let weight = layer.weight.val().into_data().try_into_vec::<f32>().unwrap_or_default();
    let bias = match &layer.bias {
        Some(b) => b.val().into_data().try_into_vec::<f32>().unwrap_or_default(),
        None => vec![0.0; outputs],
    };
    DenseWeights { inputs, outputs, weight, bias }
}

impl ModelConfig {
    /// The one constructor. The backend RNG must be seeded by the caller just before.
    pub fn init(&self, device: &Device) -> Autoencoder {
        // burn's `Linear` draws the Glorot-uniform kernels; reading them in layer order draws
        // from the RNG just seeded in a fixed order, rather than at first use.
        let layers = [
            dense(self.inputs, self.hidden, device),
            dense(self.hidden, self.latent, device),
            dense(self.latent, self.hidden, device),
            dense(self.hidden, self.inputs, device),
        ]
        .map(|layer| read_dense(&layer));
        Autoencoder::from_weights(&layers, device)
    }
}

impl Autoencoder {
    /// The weights of the layers named in `LAYER_NAMES`, in that order.
    pub fn weights(&self) -> Result<[DenseWeights; 4], String> {
        let (offsets, _, cols) = layout(&self.shapes);
        let packed = self.packed.val().into_data().try_into_vec::<f32>().map_err(|e| format!("{e:?}"))?;
        Ok(std::array::from_fn(|l| {
            let (inputs, outputs) = self.shapes[l];
            let at = |o: usize, i: usize| packed[(offsets[l] + o) * cols + i];
            DenseWeights {
                inputs,
                outputs,
                weight: (0..inputs).flat_map(|i| (0..outputs).map(move |o| at(o, i))).collect(),
                bias: (0..outputs).map(|o| at(o, inputs)).collect(),
            }
        }))
    }

    /// The model with these weights (as `weights` returns them; shapes checked by the caller).
    pub fn from_weights(layers: &[DenseWeights; 4], device: &Device) -> Autoencoder {
        let shapes = layers.each_ref().map(|w| (w.inputs, w.outputs));
        let (offsets, rows, cols) = layout(&shapes);
        let mut packed = vec![0.0f32; rows * cols];
        for (w, offset) in layers.iter().zip(offsets) {
            for o in 0..w.outputs {
                let row = &mut packed[(offset + o) * cols..];
                for (i, cell) in row.iter_mut().take(w.inputs).enumerate() {
                    *cell = w.weight[i * w.outputs + o];
                }
                row[w.inputs] = w.bias[o];
            }
        }
        Autoencoder { packed: Param::from_data(TensorData::new(packed, [rows, cols]), device), shapes }
    }

    /// Layers `from..to` on transposed activations `[features, batch]`, with relu after each
    /// layer but the model's last.
    fn layers_t(&self, xt: Tensor<2>, from: usize, to: usize) -> Tensor<2> {
        let (offsets, _, _) = layout(&self.shapes);
        let packed = self.packed.val();
        let [_, batch] = xt.dims();
        let ones = Tensor::<2>::ones([1, batch], &xt.device());
        let mut h = xt;
        for (l, (&offset, &(inputs, outputs))) in offsets.iter().zip(&self.shapes).enumerate().take(to).skip(from) {
            let block = packed.clone().slice([offset..offset + outputs, 0..inputs + 1]);
            h = block.matmul(Tensor::cat(vec![h, ones.clone()], 0));
            if l < 3 {
                h = relu(h);
            }
        }
        h
    }

    /// Mean squared reconstruction error of one training batch `xt` `[inputs, batch]` (the songs
    /// as columns), as one fused operation (see `fused_loss`): the autodiff path training took
    /// before `fused_steps`, kept as the reference `train::tests` checks it against.
    #[cfg(test)]
    pub(crate) fn loss_t(&self, xt: Tensor<2>) -> Tensor<1> {
        fused_loss::loss(self.packed.val(), xt, self.shapes)
    }

    /// The same loss composed of burn's own differentiable ops: the reference the fused
    /// operation is tested against.
    #[cfg(test)]
    pub(crate) fn loss_t_burn_ops(&self, xt: Tensor<2>) -> Tensor<1> {
        (self.layers_t(xt.clone(), 0, 4) - xt).square().mean()
    }

    #[cfg(test)]
    pub(crate) fn shapes(&self) -> [(usize, usize); 4] {
        self.shapes
    }

    /// The packed parameter (see the type's documentation).
    pub(crate) fn packed_tensor(&self) -> Tensor<2> {
        self.packed.val()
    }

    /// The same module with new values for its packed parameter (same id, so burn sees the same
    /// parameter moved, as an optimizer step leaves it).
    pub(crate) fn with_packed(self, values: Tensor<2>) -> Autoencoder {
        Autoencoder { packed: Param::initialized(self.packed.id, values), shapes: self.shapes }
    }

    /// # Shapes
    /// `x`: [batch, inputs] → [batch, latent]
    pub fn encode(&self, x: Tensor<2>) -> Tensor<2> {
        self.layers_t(x.transpose(), 0, 2).transpose()
    }

    /// # Shapes
    /// `z`: [batch, latent] → [batch, inputs]
    pub fn decode(&self, z: Tensor<2>) -> Tensor<2> {
        self.layers_t(z.transpose(), 2, 4).transpose()
    }

    /// # Shapes
    /// `x`: [batch, inputs] → [batch, inputs]
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.layers_t(x.transpose(), 0, 4).transpose()
    }
}
