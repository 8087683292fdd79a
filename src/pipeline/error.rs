//! One error type for the page to show. Each stage keeps its own enum; this wraps them so the
//! message a person sees is always the stage's own full sentence.

use thiserror::Error;

use crate::pipeline::analysis::cluster::ClusterError;
use crate::pipeline::input::columns::MappingError;
use crate::pipeline::input::load::LoadError;
use crate::pipeline::model::file::ModelFileError;
use crate::pipeline::model::train::TrainError;
use crate::pipeline::output::export::ExportError;
use crate::pipeline::params::ParamError;

#[derive(Debug, Error)]
pub enum PipelineError {
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("{0}")]
    Mapping(#[from] MappingError),
    #[error("{0}")]
    Params(#[from] ParamError),
    /// Too few rows or distinct songs for the settings (the message from `check::enough_rows`).
    #[error("{0}")]
    NotEnoughData(String),
    #[error("{0}")]
    Train(#[from] TrainError),
    #[error("{0}")]
    Cluster(#[from] ClusterError),
    #[error("{0}")]
    Export(#[from] ExportError),
    #[error("{0}")]
    Model(#[from] ModelFileError),
    /// The run a page kept could not be rebuilt in a restarted worker.
    #[error("The results shown could not be put back into the restarted worker: {0}. The file is loaded; train again to export.")]
    Restore(String),
}

impl PipelineError {
    /// The step that failed, as the page names it.
    pub fn stage(&self) -> &'static str {
        match self {
            PipelineError::Load(_) => "Reading the file",
            PipelineError::Mapping(_) => "Mapping the columns",
            PipelineError::Params(_) => "Checking the settings",
            PipelineError::NotEnoughData(_) => "Checking the data",
            PipelineError::Train(_) => "Training",
            PipelineError::Cluster(_) => "Clustering",
            PipelineError::Export(_) => "Exporting",
            PipelineError::Model(_) => "Using the model file",
            PipelineError::Restore(_) => "Restoring the results",
        }
    }
}
