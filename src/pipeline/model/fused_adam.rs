//! Adam's update as one burn operation.
//!
//! Why by hand: burn's `Adam` composes eleven tensor operations per step (two moments, their
//! bias corrections, a square root, a division, the update), each a dispatch, an allocation and a
//! pass over the autoencoder's one packed parameter of a few hundred numbers: at batch 32 that was
//! more time than the network's own arithmetic. Here the same arithmetic runs in one pass over
//! plain slices, as a backend extension (like `fused_loss`), while burn keeps everything else:
//! `FusedAdam` is a burn `Optimizer`, `ModuleOptimizer` drives it over the module's parameters and
//! its state is burn's own `AdamState` (so it is recorded and moved as burn's Adam state is).
//!
//! Each element is computed with the same f32 operations in the same order as burn 0.22's
//! `AdaptiveMomentum::transform` and `Adam::step`, so the updates are identical, not merely close:
//! `tests::matches_burn_adam_bit_for_bit` checks it over many steps.
//!
//! Training itself now applies `update_in_place` inside `fused_steps`, keeping the moments in
//! burn's `AdamState`; the `Optimizer` and its backend extension are compiled for the tests only,
//! as the reference that path is checked against.

// ndarray is deprecated in favour of flex, which is no faster here and twice the wasm size.
#![allow(deprecated)]

use burn::optim::LearningRate;
#[cfg(test)]
use burn::{
    backend::ops::FloatTensorOps,
    backend::tensor::FloatTensor,
    backend::{backend_extension, Backend, Dispatch, NdArray, TensorMetadata},
    optim::{AdamState, AdaptiveMomentumState, ModuleOptimizer, Optimizer},
    tensor::{Device, Tensor, TensorData},
};

#[cfg(test)]
use crate::pipeline::model::fused_loss::with_values;

/// The per-step numbers of one update, worked out once per step rather than per element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamFactors {
    pub beta_1: f32,
    pub beta_2: f32,
    /// `sqrt(1 - beta_2^t) / (1 - beta_1^t)`: both bias corrections in one factor, as burn does.
    pub combined: f32,
    /// `epsilon * sqrt(1 - beta_2^t)`.
    pub epsilon: f32,
    pub learning_rate: f32,
}

#[cfg(test)]
#[backend_extension(NdArray)]
pub trait AdamUpdate: Backend {
    /// `(parameter, first moment, second moment)` after one Adam step with `grad`.
    fn adam_update(
        param: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        moment_1: FloatTensor<Self>,
        moment_2: FloatTensor<Self>,
        factors: AdamFactors,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>);
}

/// burn's Adam (no weight decay, no AMSGrad: what the training uses), one fused operation per
/// parameter and step.
#[derive(Debug, Clone, Copy)]
pub struct FusedAdam {
    beta_1: f32,
    beta_2: f32,
    epsilon: f32,
}

impl FusedAdam {
    pub fn new(beta_1: f32, beta_2: f32, epsilon: f32) -> FusedAdam {
        FusedAdam { beta_1, beta_2, epsilon }
    }

    /// Driven over a module's parameters by burn's `ModuleOptimizer`.
    #[cfg(test)]
    pub fn init(self) -> ModuleOptimizer {
        ModuleOptimizer::from(self)
    }

    /// The numbers of step `time` (1 for the first).
    pub(crate) fn factors(&self, time: usize, lr: LearningRate) -> AdamFactors {
        let time = i32::try_from(time).unwrap_or(i32::MAX);
        let bias_correction2_sqrt = (1.0 - self.beta_2.powi(time)).sqrt();
        AdamFactors {
            beta_1: self.beta_1,
            beta_2: self.beta_2,
            combined: bias_correction2_sqrt / (1.0 - self.beta_1.powi(time)),
            epsilon: self.epsilon * bias_correction2_sqrt,
            learning_rate: lr as f32,
        }
    }
}

#[cfg(test)]
impl Optimizer for FusedAdam {
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        // burn's first step sets the moments from the gradient alone; starting them at zero
        // gives the same numbers (0·β + x is exactly x).
        let (time, moment_1, moment_2) = match state {
            Some(s) => (s.momentum.time + 1, s.momentum.moment_1, s.momentum.moment_2),
            None => (1, grad.zeros_like(), grad.zeros_like()),
        };
        let (param, moment_1, moment_2) = <Dispatch as AdamUpdate>::adam_update(
            tensor.into_dispatch(),
            grad.into_dispatch(),
            moment_1.into_dispatch(),
            moment_2.into_dispatch(),
            self.factors(time, lr),
        );
        let (moment_1, moment_2) = (Tensor::from_dispatch(moment_1), Tensor::from_dispatch(moment_2));
        let state = AdamState::new(AdaptiveMomentumState::new(time, moment_1, moment_2));
        (Tensor::from_dispatch(param), Some(state))
    }

    fn to_device<const D: usize>(mut state: Self::State<D>, device: &Device) -> Self::State<D> {
        state.momentum = state.momentum.to_device(device);
        state
    }
}

/// One Adam step over slices of equal length: burn's operations, element by element.
#[cfg(test)]
fn update(param: &[f32], grad: &[f32], m: &[f32], v: &[f32], k: AdamFactors) -> [Vec<f32>; 3] {
    let mut out = [param.to_vec(), m.to_vec(), v.to_vec()];
    let [p_out, m_out, v_out] = &mut out;
    update_in_place(p_out, grad, m_out, v_out, k);
    out
}

/// `update` on the parameter and moments where they are (`fused_steps` keeps them between steps).
pub(crate) fn update_in_place(param: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32], k: AdamFactors) {
    let (keep_1, keep_2) = (1.0 - k.beta_1, 1.0 - k.beta_2);
    for (((p, &g), m), v) in param.iter_mut().zip(grad).zip(m.iter_mut()).zip(v.iter_mut()) {
        *m = *m * k.beta_1 + g * keep_1;
        *v = *v * k.beta_2 + g * g * keep_2;
        let step = (*m * k.combined) / (v.sqrt() + k.epsilon);
        *p -= step * k.learning_rate;
    }
}

#[cfg(test)]
impl AdamUpdate for NdArray {
    fn adam_update(
        param: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        moment_1: FloatTensor<Self>,
        moment_2: FloatTensor<Self>,
        factors: AdamFactors,
    ) -> (FloatTensor<Self>, FloatTensor<Self>, FloatTensor<Self>) {
        let shape = param.shape();
        let [p, m, v] = with_values(&param, |p| {
            with_values(&grad, |g| with_values(&moment_1, |m| with_values(&moment_2, |v| update(p, g, m, v, factors))))
        });
        let device = param.device();
        let tensor = |values: Vec<f32>| NdArray::float_from_data(TensorData::new(values, shape.clone()), &device);
        (tensor(p), tensor(m), tensor(v))
    }
}

#[cfg(test)]
mod tests {
    use burn::module::{Module, Param};
    use burn::optim::{AdamConfig, GradientsParams};
    use burn::tensor::{Device, Tensor, TensorData};
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::FusedAdam;

    #[derive(Module, Debug)]
    struct Two {
        a: Param<Tensor<2>>,
        b: Param<Tensor<1>>,
    }

    #[allow(deprecated)]
    fn device() -> Device {
        Device::ndarray().autodiff()
    }

    fn random(rng: &mut Xoshiro256PlusPlus, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| rng.gen_range(-scale..scale)).collect()
    }

    fn values(module: &Two) -> Vec<f32> {
        let mut out = module.a.val().into_data().to_vec::<f32>().unwrap_or_default();
        out.extend(module.b.val().into_data().to_vec::<f32>().unwrap_or_default());
        out
    }

    /// The same module trained by burn's Adam and by `FusedAdam` (a loss whose gradient changes
    /// with the parameters, two learning rates) stays bit for bit equal.
    #[test]
    fn matches_burn_adam_bit_for_bit() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let start_a = random(&mut rng, 36 * 13, 0.5);
        let start_b = random(&mut rng, 7, 0.5);
        let make = || Two {
            a: Param::from_data(TensorData::new(start_a.clone(), [36, 13]), &device()),
            b: Param::from_data(TensorData::new(start_b.clone(), [7]), &device()),
        };
        let (mut burn_model, mut fused_model) = (make(), make());
        let mut burn_optim = AdamConfig::new().with_beta_1(0.9).with_beta_2(0.999).with_epsilon(1e-7).init();
        let mut fused_optim = FusedAdam::new(0.9, 0.999, 1e-7).init();
        for step in 0..300 {
            let target_a = Tensor::<2>::from_data(TensorData::new(random(&mut rng, 36 * 13, 1.0), [36, 13]), &device());
            let target_b = Tensor::<1>::from_data(TensorData::new(random(&mut rng, 7, 1.0), [7]), &device());
            let loss = |m: &Two| {
                (m.a.val() - target_a.clone()).powi_scalar(3).sum() + (m.b.val() - target_b.clone()).square().sum()
            };
            let lr = if step < 150 { 1e-3 } else { 3e-2 };
            let grads = GradientsParams::from_grads(loss(&burn_model).backward(), &burn_model);
            burn_model = burn_optim.step(lr, burn_model, grads);
            let grads = GradientsParams::from_grads(loss(&fused_model).backward(), &fused_model);
            fused_model = fused_optim.step(lr, fused_model, grads);
            let (burn_values, fused_values) = (values(&burn_model), values(&fused_model));
            assert_eq!(burn_values.len(), 36 * 13 + 7);
            for (i, (b, f)) in burn_values.iter().zip(&fused_values).enumerate() {
                assert_eq!(b.to_bits(), f.to_bits(), "step {step}, value {i}: burn {b}, fused {f}");
            }
        }
        assert_ne!(values(&fused_model)[..5], start_a[..5], "the parameters moved");
    }
}
