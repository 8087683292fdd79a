//! The pure pipeline (no web dependencies), one stage a file, grouped by what the stage is for:
//!
//! - `input`: the file as text cells (`load`, `load_stream`), the columns as features
//!   (`columns`), the check before training (`check`), z-scores (`scale`), the demo (`demo`);
//! - `model`: the autoencoder (`network`, its loss `fused_loss`), training (`train`), model
//!   files (`file`);
//! - `analysis`: clusters (`cluster`, `choose_k`), maps (`project`, `tsne`), representations
//!   compared (`compare`), cluster names (`naming`) and summaries (`summary`);
//! - `explore`: finding songs (`search`) and similar songs (`recommend`);
//! - `output`: the CSV exports (`export`) and their spreadsheet guard (`spreadsheet`).
//!
//! `run` joins the stages up; `params` checks the settings; `limits` holds every size limit;
//! `error` wraps each stage's error for the page.

pub mod analysis;
pub mod error;
pub mod explore;
pub mod input;
pub mod limits;
pub mod model;
pub mod output;
pub mod params;
pub mod run;

pub use error::PipelineError;
