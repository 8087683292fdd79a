//! What the worker tells the page: a stream of events, and the long tasks they are about.

use serde::{Deserialize, Serialize};

use super::kept::Keeping;
use super::request::PickFor;
use super::results::{
    DatasetInfo, Distinctive, FlowOrdered, MineRecommendation, PlaylistFound, Recommendation, RunResults,
    SetRecommendation, SongRef,
};
use super::Stale;
use crate::mapview::colours::Colouring;
use crate::pipeline::analysis::choose_k::KScore;
use crate::pipeline::analysis::compare::RepresentationScore;
use crate::pipeline::analysis::map_quality::MapQuality;
use crate::pipeline::input::check::MappingCheck;
use crate::pipeline::model::train::EpochLoss;
use crate::pipeline::params::Projection;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    Ready,
    /// A step of a long task started ("Reading the file", "Training", "Clustering"…).
    Stage {
        task: Task,
        step: String,
    },
    Loaded(Box<DatasetInfo>),
    Checked(Box<MappingCheck>),
    /// How far the running task has got.
    Progress(TaskProgress),
    Epoch(EpochLoss),
    Finished(Box<RunResults>),
    /// `task` stopped at the page's `Cancel`; what was there before it is kept.
    Cancelled {
        task: Task,
    },
    /// A step failed; what was loaded before is kept. `task` is the long task it ended, when
    /// it was one.
    Failed {
        #[serde(default)]
        task: Option<Task>,
        stage: String,
        message: String,
    },
    /// A CSV ready to download as `file`. The file travels beside the JSON as a `Blob` (`blob`):
    /// as a JSON string, a 100k-song export was decoded and copied on the page's thread (170 ms).
    Exported {
        file: String,
    },
    /// Answer to `ExportForSpotify`: the file, and how many of its songs have a track URI.
    SpotifyExported {
        file: String,
        songs: usize,
        with_uri: usize,
    },
    /// Answer to `Describe`.
    Described(Box<Distinctive>),
    /// Answer to `Pick`, with what the songs are for.
    Picked {
        songs: Vec<SongRef>,
        purpose: PickFor,
    },
    /// Answer to `AddPlaylistFile`: the songs of a person's playlist found in the catalogue.
    PlaylistFound(Box<PlaylistFound>),
    /// Answer to `MoreLikeThese`.
    SetRecommended(Box<SetRecommendation>),
    /// Answer to `MoreLikeMine`.
    MineRecommended(Box<MineRecommendation>),
    /// Answer to `FlowOrder`.
    FlowOrdered(Box<FlowOrdered>),
    Coloured(Box<Colouring>),
    /// Answer to `Compare`; `label` names the label column the scores were measured against.
    Compared {
        scores: Vec<RepresentationScore>,
        label: Option<String>,
        /// The further label columns each score's `more_labels` are against, in order.
        #[serde(default)]
        more_labels: Vec<String>,
    },
    /// A map made on request (t-SNE, UMAP), `[x, y]` per song of the last run; `sample` songs
    /// were laid out by the method itself. `id` is what the page commits once it shows the map.
    MapReady {
        id: u64,
        projection: Projection,
        xy: Vec<f32>,
        sample: usize,
        /// How much of each song's neighbourhood the map keeps.
        #[serde(default)]
        quality: Option<MapQuality>,
    },
    /// A model file was not applied: the file's values look like other units than the model's.
    /// The page asks before applying it anyway.
    ModelWarning {
        name: String,
        message: String,
    },
    /// `Restore` finished: the new worker holds the run the page shows.
    Restored,
    /// What happened to the session kept in this browser.
    Keeping(Keeping),
    /// Answer to `Locate`: the song, if the run has it.
    Located {
        song: Option<SongRef>,
    },
    /// A model file ready to download as `file`, beside the JSON as a `Blob` like `Exported`.
    ModelSaved {
        file: String,
    },
    /// Answer to `Search` for `query`.
    SearchResults {
        query: String,
        hits: Vec<SongRef>,
    },
    Recommended(Box<Recommendation>),
    /// `ChooseK` finished: one score per k tried, the suggestion, and how many rows the
    /// silhouette was measured on.
    KScores {
        scores: Vec<KScore>,
        suggested: Option<usize>,
        sample: usize,
    },
}

impl Event {
    /// `Some` when the event answers about a run (see `Stale`).
    pub fn run_bound(&self) -> Option<Stale> {
        match self {
            Event::SearchResults { .. }
            | Event::Recommended(_)
            | Event::Picked { .. }
            | Event::PlaylistFound(_)
            | Event::Described(_)
            | Event::SetRecommended(_)
            | Event::MineRecommended(_)
            | Event::FlowOrdered(_)
            | Event::Coloured(_) => Some(Stale::Quiet),
            Event::Exported { .. } | Event::SpotifyExported { .. } => Some(Stale::Say("Exporting")),
            Event::ModelSaved { .. } => Some(Stale::Say("Saving the model")),
            Event::KScores { .. } => Some(Stale::Say("Comparing k")),
            Event::Compared { .. } => Some(Stale::Say("Comparing representations")),
            Event::MapReady { projection: Projection::Umap, .. } => Some(Stale::Say("Computing the UMAP map")),
            Event::MapReady { .. } => Some(Stale::Say("Computing the t-SNE map")),
            _ => None,
        }
    }
}

/// The long tasks the worker runs, one at a time. Their steps, progress, cancellation and
/// failure all name the task, so the page never guesses from its flags which one it was (a
/// cancelled comparison of representations once said "Training cancelled").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    Reading,
    Training,
    ApplyingModel,
    ComparingK,
    ComparingRepresentations,
    Tsne,
    Umap,
    /// Giving a restarted worker back the file and the run the page shows.
    Restoring,
    /// Reading back the session kept in this browser.
    Resuming,
}

impl Task {
    /// How the page names the task in a sentence ("… cancelled").
    pub fn label(self) -> &'static str {
        match self {
            Task::Reading => "Reading the file",
            Task::Training => "Training",
            Task::ApplyingModel => "Applying the model",
            Task::ComparingK => "Comparing k",
            Task::ComparingRepresentations => "Comparing representations",
            Task::Tsne => "t-SNE",
            Task::Umap => "UMAP",
            Task::Restoring => "Restoring the results",
            Task::Resuming => "Resuming",
        }
    }

    /// The task stops at the page's Cancel (the others take a moment and cannot be stopped
    /// halfway without leaving a half-made run).
    pub fn cancellable(self) -> bool {
        matches!(
            self,
            Task::Reading
                | Task::Resuming
                | Task::Training
                | Task::ComparingK
                | Task::ComparingRepresentations
                | Task::Tsne
                | Task::Umap
        )
    }
}

/// How far a long task has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TaskProgress {
    /// `bytes` of `total` of a file read.
    Reading {
        bytes: u64,
        total: u64,
    },
    Training(Progress),
    /// `done` of `total` values of k scored; `k` is the one being run now.
    ComparingK {
        k: usize,
        done: usize,
        total: usize,
    },
    /// `done` of `total` steps (iterations, then songs placed, in `phase`).
    Tsne {
        phase: String,
        done: usize,
        total: usize,
    },
    /// `done` of `total` in `phase` (neighbours found, the graph, epochs, songs placed).
    Umap {
        phase: String,
        done: usize,
        total: usize,
    },
}

impl TaskProgress {
    pub fn task(&self) -> Task {
        match self {
            TaskProgress::Reading { .. } => Task::Reading,
            TaskProgress::Training(_) => Task::Training,
            TaskProgress::ComparingK { .. } => Task::ComparingK,
            TaskProgress::Tsne { .. } => Task::Tsne,
            TaskProgress::Umap { .. } => Task::Umap,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// 1-based.
    pub epoch: usize,
    pub epochs: usize,
    /// Batches done in this epoch.
    pub batch: usize,
    pub batches: usize,
}

impl Progress {
    /// Share of the whole training done, 0–1.
    pub fn fraction(&self) -> f64 {
        let per_epoch = self.batch as f64 / self.batches.max(1) as f64;
        ((self.epoch.saturating_sub(1)) as f64 + per_epoch) / self.epochs.max(1) as f64
    }
}
