//! The pure pipeline, one stage a file:
//! load → columns → scale → model/train → cluster → project → summary → export.
//! `demo` writes the built-in synthetic dataset; `params` checks the user's settings.

pub mod check;
pub mod choose_k;
pub mod cluster;
pub mod columns;
pub mod compare;
pub mod demo;
pub mod error;
pub mod export;
pub mod fused_loss;
pub mod limits;
pub mod load;
pub mod load_stream;
pub mod model;
pub mod model_file;
pub mod naming;
pub mod params;
pub mod project;
pub mod recommend;
pub mod run;
pub mod scale;
pub mod search;
pub mod spreadsheet;
pub mod summary;
pub mod train;
pub mod tsne;

pub use error::PipelineError;
