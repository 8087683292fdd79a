//! Why a request to the worker could not be answered. Every variant's message is the full
//! sentence the page shows under the failed step's name.

use thiserror::Error;

use crate::pipeline::PipelineError;
use crate::protocol::{NOT_FINITE, STALE};

#[derive(Debug, Error)]
pub(crate) enum WorkerError {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The file `name` (a CSV or a model file) could not be read or used.
    #[error("{name}: {source}")]
    InFile { name: String, source: PipelineError },
    /// The request needs a loaded file; the text says what for.
    #[error("{0}")]
    NoFile(&'static str),
    /// The request needs a trained run; the text says what for.
    #[error("{0}")]
    NoRun(&'static str),
    #[error("Another step is still running; wait for it or press Cancel.")]
    Busy,
    /// The request or its answer is about another run than the one shown (see `protocol::Stale`).
    #[error("{}", STALE)]
    Stale,
    #[error("{}", NOT_FINITE)]
    NotFinite,
    /// What a step that yields worked on changed meanwhile; the text says what to do again.
    #[error("{0}")]
    Moved(&'static str),
    /// A request the worker cannot answer as asked (a row, column or count out of range).
    #[error("{0}")]
    Invalid(String),
    /// An event could not be put into a message (`protocol::encode_checked` says why).
    #[error("{0}")]
    Encode(String),
    /// The browser refused (reading a file, making a file to download, posting a message).
    #[error("{0}")]
    Browser(String),
}

impl WorkerError {
    /// An error of the pipeline about the file `name`.
    pub(crate) fn in_file(name: &str, source: impl Into<PipelineError>) -> WorkerError {
        WorkerError::InFile { name: name.to_string(), source: source.into() }
    }
}

/// What a fallible step of the worker returns.
pub(crate) type Outcome<T> = Result<T, WorkerError>;

/// Each stage's own error is a pipeline error, so `?` works on any of them.
macro_rules! from_stage_errors {
    ($($error:ty),*) => {
        $(impl From<$error> for WorkerError {
            fn from(e: $error) -> Self {
                WorkerError::Pipeline(e.into())
            }
        })*
    };
}

from_stage_errors!(
    crate::pipeline::input::load::LoadError,
    crate::pipeline::input::columns::MappingError,
    crate::pipeline::params::ParamError,
    crate::pipeline::model::train::TrainError,
    crate::pipeline::analysis::cluster::ClusterError,
    crate::pipeline::output::export::ExportError,
    crate::pipeline::model::file::ModelFileError
);
