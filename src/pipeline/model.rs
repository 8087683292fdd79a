//! The reference autoencoder: in → Dense(hidden) relu → Dense(latent) relu → Dense(hidden) relu
//! → Dense(in) linear. Weights start like Keras' defaults: Glorot-uniform kernels, zero biases.

use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

/// Layer sizes. `ValidParams` decides them; this only builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    pub inputs: usize,
    pub hidden: usize,
    pub latent: usize,
}

#[derive(Module, Debug)]
pub struct Autoencoder {
    enc1: Linear,
    enc2: Linear,
    dec1: Linear,
    dec2: Linear,
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

fn read_dense(layer: &Linear) -> Result<DenseWeights, String> {
    let [inputs, outputs] = layer.weight.val().dims();
    let weight = layer.weight.val().into_data().try_into_vec::<f32>().map_err(|e| format!("{e:?}"))?;
    let bias = match &layer.bias {
        Some(b) => b.val().into_data().try_into_vec::<f32>().map_err(|e| format!("{e:?}"))?,
        None => vec![0.0; outputs],
    };
    Ok(DenseWeights { inputs, outputs, weight, bias })
}

/// The caller has checked `weight.len() == inputs * outputs` and `bias.len() == outputs`.
fn build_dense(w: &DenseWeights, device: &Device) -> Linear {
    Linear {
        weight: Param::from_data(TensorData::new(w.weight.clone(), [w.inputs, w.outputs]), device),
        bias: Some(Param::from_data(TensorData::new(w.bias.clone(), [w.outputs]), device)),
    }
}

/// Touches every parameter so burn's lazy initialisation draws now, in a fixed order, from the
/// RNG just seeded, rather than at first use.
struct Materialize;

impl ModuleVisitor for Materialize {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let _ = param.val();
    }
}

impl ModelConfig {
    /// The one constructor. The backend RNG must be seeded by the caller just before.
    pub fn init(&self, device: &Device) -> Autoencoder {
        let model = Autoencoder {
            enc1: dense(self.inputs, self.hidden, device),
            enc2: dense(self.hidden, self.latent, device),
            dec1: dense(self.latent, self.hidden, device),
            dec2: dense(self.hidden, self.inputs, device),
        };
        model.visit(&mut Materialize);
        model
    }
}

impl Autoencoder {
    /// The weights of the layers named in `LAYER_NAMES`, in that order.
    pub fn weights(&self) -> Result<[DenseWeights; 4], String> {
        Ok([read_dense(&self.enc1)?, read_dense(&self.enc2)?, read_dense(&self.dec1)?, read_dense(&self.dec2)?])
    }

    /// The model with these weights (as `weights` returns them; shapes checked by the caller).
    pub fn from_weights(layers: &[DenseWeights; 4], device: &Device) -> Autoencoder {
        let [enc1, enc2, dec1, dec2] = layers.each_ref().map(|w| build_dense(w, device));
        Autoencoder { enc1, enc2, dec1, dec2 }
    }

    /// # Shapes
    /// `x`: [batch, inputs] → [batch, latent]
    pub fn encode(&self, x: Tensor<2>) -> Tensor<2> {
        relu(self.enc2.forward(relu(self.enc1.forward(x))))
    }

    /// # Shapes
    /// `z`: [batch, latent] → [batch, inputs]
    pub fn decode(&self, z: Tensor<2>) -> Tensor<2> {
        self.dec2.forward(relu(self.dec1.forward(z)))
    }

    /// # Shapes
    /// `x`: [batch, inputs] → [batch, inputs]
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.decode(self.encode(x))
    }
}
