//! What the page asks of the worker.

use serde::{Deserialize, Serialize};

use super::results::SongKey;
use super::Stale;
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::umap::UmapOptions;
use crate::pipeline::explore::recommend::Rule;
use crate::pipeline::explore::tempo::TempoWindow;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::params::{Projection, TrainParams};
use crate::pipeline::run::RunSnapshot;

pub use crate::pipeline::input::check::{CheckOptions, MappingCheck};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Generate and load the built-in demo dataset.
    LoadDemo {
        rows: usize,
        seed: u64,
        options: CheckOptions,
    },
    /// Load the `File` sent with this request.
    LoadFile {
        name: String,
        options: CheckOptions,
    },
    /// Check a mapping against the loaded file without training.
    Check {
        mapping: ColumnMapping,
        options: CheckOptions,
    },
    Train {
        mapping: ColumnMapping,
        params: TrainParams,
    },
    /// Stop training at the next batch.
    Cancel,
    /// The loaded dataset with the last run's results, as CSV, with the map shown and the
    /// clusters' names as they stand (see `NameCluster`).
    Export {
        projection: Projection,
    },
    /// The person renamed cluster `cluster` of the last run: the worker keeps the names, so
    /// every export and model file uses them.
    NameCluster {
        cluster: usize,
        name: String,
    },
    /// KMeans for every k in `from..=to` on the last run's codes, scored (no retraining).
    ChooseK {
        from: usize,
        to: usize,
    },
    /// The last run's codes clustered again with `k` (no retraining).
    Recluster {
        k: usize,
    },
    /// Songs of the last run whose title or artist matches `query`.
    Search {
        query: String,
    },
    /// The `n` songs nearest song `row` (a row of the last run) in the latent space.
    Recommend {
        row: usize,
        n: usize,
        rule: Rule,
    },
    /// What sets song `row` (a row of the last run) apart: for the map's hover card.
    Describe {
        row: usize,
    },
    /// Title, artist and cluster of each of `rows` (songs picked on the map for the playlist).
    Pick {
        rows: Vec<usize>,
        /// What the page does with the songs (the same answer serves all three).
        #[serde(default)]
        purpose: PickFor,
    },
    /// The `n` songs most like the whole playlist (table rows).
    MoreLikeThese {
        table_rows: Vec<usize>,
        n: usize,
        rule: Rule,
    },
    /// The `n` catalogue songs most like the personal playlist added last (found and placed
    /// songs alike), in cluster `cluster` and within `tempo` when given.
    MoreLikeMine {
        n: usize,
        rule: Rule,
        cluster: Option<usize>,
        tempo: Option<TempoWindow>,
    },
    /// An order of the playlist's songs (table rows) with small steps between them.
    FlowOrder {
        table_rows: Vec<usize>,
        seed: u64,
        /// Percent: consecutive songs within it of each other's tempo where they can be.
        tempo_window: Option<f32>,
        /// Order the personal playlist file's songs (found and placed) instead of `table_rows`.
        #[serde(default)]
        mine: bool,
    },
    /// The personal playlist file's rows (in this order) as a `Track URI` CSV for Spotify.
    ExportMineForSpotify {
        playlist_rows: Vec<usize>,
    },
    /// The playlist's songs (table rows, in order) as a `Track URI` CSV for Spotify importers.
    ExportForSpotify {
        table_rows: Vec<usize>,
        /// The songs are "more like my playlist", not the playlist (the file is named so).
        #[serde(default)]
        more_like: bool,
    },
    ExportPlaylist {
        table_rows: Vec<usize>,
        /// The songs are a selection on the map rather than the playlist (the file is named so).
        #[serde(default)]
        selection: bool,
    },
    /// The map's dots coloured by a column of the file (an index into its header).
    ColourBy {
        column: usize,
    },
    /// Scores of the three representations with the run's k.
    Compare,
    /// Cluster, recommend and map with another representation (no retraining).
    UseRepresentation {
        representation: Representation,
    },
    /// The last run's model as a file, with its clusters' names.
    DownloadModel,
    /// Apply the model file sent with this request to the loaded CSV. Without `force`, a file
    /// whose values look like other units than the model's gets `Event::ModelWarning` instead.
    ApplyModel {
        name: String,
        #[serde(default)]
        force: bool,
    },
    /// The page received and shows the results (or t-SNE map) numbered `id`: only now does the
    /// worker make them the run that exports, recommendations and model downloads work on.
    Commit {
        id: u64,
    },
    /// The page could not read the results numbered `id`: the worker drops them.
    Discard {
        id: u64,
    },
    /// After a crash: the run the page shows, put back into the new worker. Its labels
    /// (`labels`, a Uint16Array) and any t-SNE map (`tsne`, a Float32Array) travel beside it.
    Restore {
        snapshot: Box<RunSnapshot>,
    },
    /// Compute the t-SNE map of the last run, with this perplexity (clamped to
    /// `tsne::PERPLEXITY_RANGE`).
    Tsne {
        perplexity: f32,
    },
    /// Find the playlist file sent with the request (`file`) among the last run's songs.
    AddPlaylistFile {
        name: String,
        /// A second playlist, compared with the first rather than added to the page's playlist.
        #[serde(default)]
        second: bool,
    },
    /// Compute the UMAP map of the last run with these options (clamped to their ranges).
    Umap {
        options: UmapOptions,
    },
    /// Read back the session kept in this browser: its file, then its run and map (only the file
    /// with `table_only`: a restarted worker is given the page's run instead). `expect` is the
    /// fingerprint of the file the page offered: a session another tab kept since is not it.
    Resume {
        #[serde(default)]
        table_only: bool,
        expect: Option<String>,
    },
    /// Remove everything kept in this browser, and keep nothing more of this file.
    Forget,
    /// Keep this tab's session again, in place of the one another tab kept.
    KeepHere,
    /// The song of the last run a link names (`Event::Located`).
    Locate {
        song: SongKey,
    },
}

/// What songs picked on the map are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PickFor {
    #[default]
    Playlist,
    /// Songs like them ("More like these" on a selection).
    MoreLike,
    /// The selection as CSV, through the one CSV writer.
    Csv,
}

impl Request {
    /// `Some` when the request is about the last run (see `Stale`).
    pub fn run_bound(&self) -> Option<Stale> {
        match self {
            Request::Search { .. }
            | Request::Recommend { .. }
            | Request::Pick { .. }
            | Request::Describe { .. }
            | Request::MoreLikeThese { .. }
            | Request::MoreLikeMine { .. }
            | Request::FlowOrder { .. }
            | Request::ColourBy { .. }
            | Request::Locate { .. } => Some(Stale::Quiet),
            Request::Export { .. } => Some(Stale::Say("Exporting")),
            Request::ExportPlaylist { .. } | Request::ExportForSpotify { .. } | Request::ExportMineForSpotify { .. } => {
                Some(Stale::Say("Exporting the playlist"))
            }
            Request::DownloadModel => Some(Stale::Say("Saving the model")),
            Request::NameCluster { .. } => Some(Stale::Say("Renaming a cluster")),
            Request::ChooseK { .. } => Some(Stale::Say("Comparing k")),
            Request::Recluster { .. } => Some(Stale::Say("Clustering")),
            Request::Compare => Some(Stale::Say("Comparing representations")),
            Request::UseRepresentation { .. } => Some(Stale::Say("Changing the representation")),
            Request::Tsne { .. } => Some(Stale::Say("Computing the t-SNE map")),
            Request::Umap { .. } => Some(Stale::Say("Computing the UMAP map")),
            _ => None,
        }
    }
}

impl From<&TrainParams> for CheckOptions {
    fn from(p: &TrainParams) -> Self {
        CheckOptions { missing: p.missing, k: p.k }
    }
}
