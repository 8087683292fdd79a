//! The autoencoder: its network and loss, training it, and saving or applying it as a file.

pub mod file;
pub mod fused_adam;
pub mod fused_loss;
pub mod fused_steps;
pub mod network;
pub mod train;
