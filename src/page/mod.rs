//! The page's state and its rules as plain Rust: one reducer, `(state, action) → (state,
//! effects)`, tested natively. The Leptos views in `ui` only read a `Page` and dispatch
//! `Action`s; `ui::bridge` turns `Effect`s into messages to the worker and downloads.
//!
//! Hover and drag on the map stay out of it: they change at pointer speed and only the map
//! itself reads them (a hover is a lookup of one name, ≤ 2 ms at a million songs).

mod action;
mod kept;
pub mod link;
mod mine;
pub mod merge;
mod reduce;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_kept;
#[cfg(test)]
mod tests_mine;

use std::ops::Deref;
use std::sync::Arc;

pub use action::{Action, Effect, MERGED, NOT_SAVED};
pub use kept::{playlist_key, playlist_key_of, Kept, KeptNow, RESUMING_STEP};
pub use mine::{found_sentence, two_playlists, Mine, TwoPlaylists, MORE_LIKE_MINE};

use crate::mapview::colours::{Colouring, Palette, Scale};
use crate::pipeline::analysis::choose_k::KScore;
use crate::pipeline::analysis::compare::RepresentationScore;
use crate::pipeline::analysis::map_quality::MapQuality;
use crate::pipeline::analysis::tsne::DEFAULT_PERPLEXITY;
use crate::pipeline::analysis::umap::UmapOptions;
use crate::pipeline::explore::recommend::Rule;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::model::train::EpochLoss;
use crate::pipeline::params::{Projection, TrainParams};
use crate::protocol::{
    CheckOptions, DatasetInfo, Distinctive, FlowOrdered, MappingCheck, MineRecommendation, Progress, Recommendation, Request, RunResults,
    SetRecommendation, SongRef, Task, TaskProgress,
};

/// Results too big to compare field by field (a million songs' map): two are the same when
/// they are the same allocation, which is what the views need to know ("is this new?").
#[derive(Debug)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }

    /// The allocation's address: the same results keep it, new ones get another.
    pub fn ptr(&self) -> usize {
        Arc::as_ptr(&self.0) as *const u8 as usize
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Everything the page shows, by what it is about.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// The worker has started and takes requests.
    pub ready: bool,
    /// The worker could not be started, or restarted after crashes: nothing can be loaded.
    pub worker_lost: bool,
    pub notice: Notice,
    pub settings: Settings,
    pub dataset: Dataset,
    pub run: Run,
    pub view: View,
    pub selection: Selection,
    pub playlist: Playlist,
    pub tasks: Tasks,
    /// The session kept in this browser.
    pub kept: Kept,
}

/// What the page says: the status line (announced through `aria-live`) and the last failure.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub status: String,
    /// (step, message) of the last failure, until dismissed.
    pub error: Option<(String, String)>,
}

impl Default for Notice {
    fn default() -> Self {
        Notice { status: "Starting…".into(), error: None }
    }
}

/// The training and clustering settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    pub params: TrainParams,
    /// The label of a setting whose text is not a valid number; Train waits until it is fixed.
    pub unreadable: Option<&'static str>,
}

/// The loaded file and how its columns are read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub info: Option<Shared<DatasetInfo>>,
    pub mapping: ColumnMapping,
    /// The worker's check of `mapping` (an answer about another mapping is dropped).
    pub check: Option<MappingCheck>,
    /// A model file held back because its values look like other units: (file name, warning).
    pub model_warning: Option<(String, String)>,
}

/// The run shown and what was computed from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Run {
    pub results: Option<Shared<RunResults>>,
    /// Loss per epoch of the training under way or last finished.
    pub history: Vec<EpochLoss>,
    /// Where training is (kept full after it finishes).
    pub progress: Option<Progress>,
    /// Each cluster's name as shown and exported (automatic, or the user's). The worker keeps
    /// the same list: the page tells it each rename.
    pub cluster_names: Vec<String>,
    /// The t-SNE map of the results, once computed.
    pub tsne: Option<Shared<LaidOutMap>>,
    /// The UMAP map of the results, once computed.
    pub umap: Option<Shared<LaidOutMap>>,
    /// The last comparison of k for the current model.
    pub k_scores: Option<Shared<KChoice>>,
    /// The last comparison of representations.
    pub comparison: Option<Shared<Comparison>>,
}

/// The side panel's tabs beside the map, in their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Song,
    Playlist,
    Clusters,
    Map,
    Model,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Song, Tab::Playlist, Tab::Clusters, Tab::Map, Tab::Model];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Song => "Song",
            Tab::Playlist => "Playlist",
            Tab::Clusters => "Clusters",
            Tab::Map => "Map",
            Tab::Model => "Model",
        }
    }
}

/// How the page is laid out and the map drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    /// The side panel's tab shown.
    pub tab: Tab,
    /// With results shown, the setup (file, columns, settings, training) is folded into one
    /// line; this opens it again.
    pub setup_open: bool,
    /// The cluster in focus: the other songs are greyed on the map.
    pub focus: Option<usize>,
    /// A cluster the pointer or the keyboard rests on in the Clusters tab: shown as if focused.
    pub preview: Option<usize>,
    pub projection: Projection,
    pub palette: Palette,
    pub scale: Scale,
    /// The map's colours when not by cluster.
    pub colouring: Option<Shared<Colouring>>,
    /// The file's column the dots are coloured by, while its colours are on the map.
    pub colour_column: Option<usize>,
    /// How long the map took to draw last time.
    pub map_draw_ms: Option<f64>,
    /// A view from the page's address, waiting for the results of its file.
    pub link: Option<link::ViewLink>,
    /// Why (part of) that view was not applied.
    pub link_note: Option<String>,
    /// Its zoom, waiting for its map to be drawn.
    pub zoom_to: Option<link::LinkedZoom>,
    /// The perplexity the next t-SNE map is computed with; `None` for the default.
    pub tsne_perplexity: Option<f32>,
    /// What the next UMAP map is made with.
    pub umap: UmapOptions,
}

impl View {
    pub fn perplexity(&self) -> f32 {
        self.tsne_perplexity.unwrap_or(DEFAULT_PERPLEXITY)
    }

    /// What the worker is asked to make a map made on request with.
    pub fn map_request(&self, projection: Projection) -> Option<Request> {
        match projection {
            Projection::Tsne => Some(Request::Tsne { perplexity: self.perplexity() }),
            Projection::Umap => Some(Request::Umap { options: self.umap }),
            Projection::Pca | Projection::FirstTwo => None,
        }
    }
}

impl Run {
    /// The map made on request for `projection`, once it has arrived.
    pub fn laid_out(&self, projection: Projection) -> Option<&Shared<LaidOutMap>> {
        match projection {
            Projection::Tsne => self.tsne.as_ref(),
            Projection::Umap => self.umap.as_ref(),
            Projection::Pca | Projection::FirstTwo => None,
        }
    }

    pub fn set_laid_out(&mut self, projection: Projection, map: Option<Shared<LaidOutMap>>) {
        match projection {
            Projection::Tsne => self.tsne = map,
            Projection::Umap => self.umap = map,
            Projection::Pca | Projection::FirstTwo => {}
        }
    }

    /// A map for `projection` is missing and must be asked for.
    pub fn lacks(&self, projection: Projection) -> bool {
        projection.on_request() && self.laid_out(projection).is_none()
    }
}

/// The songs and cluster the person is looking at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// What is typed in the song search, and the songs found for it.
    pub query: String,
    pub hits: Vec<SongRef>,
    /// The chosen song (a row of the run shown) and the songs most like it.
    pub song: Option<usize>,
    pub recommendation: Option<Shared<Recommendation>>,
    /// How many similar songs to ask for, and by which closeness.
    pub neighbours: usize,
    pub rule: Rule,
    /// The cluster in the inspector.
    pub cluster: usize,
    /// What sets the song under the pointer apart, once the worker has said.
    pub described: Option<Shared<Distinctive>>,
    /// Songs selected on the map (run rows, ascending; never empty): the others are greyed.
    pub picked: Option<Shared<Vec<usize>>>,
}

/// Most songs one use of a selection sends (to the playlist, "more like these", a CSV): the
/// answer names each song, and a list longer than this is not a playlist anyone reads.
pub const SELECTION_MAX: usize = 5_000;

/// Similar songs asked for unless the person says otherwise.
pub const DEFAULT_NEIGHBOURS: usize = 20;

/// The person's playlist for the loaded file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Playlist {
    pub songs: Vec<PlaylistEntry>,
    /// Why the playlist could not be kept in this browser, or that another tab changed it.
    pub note: Option<String>,
    /// Songs like the whole playlist.
    pub more_like_these: Option<Shared<SetRecommendation>>,
    /// The person's own playlist file, found in and placed on the catalogue's map.
    pub mine: Option<Mine>,
    /// Another personal playlist, compared with the first.
    pub second: Option<Mine>,
    /// Songs like it, and the order for flow last proposed for the playlist.
    pub mine_more: Option<Shared<MineRecommendation>>,
    pub flow: Option<Shared<FlowOrdered>>,
    /// The order for flow last proposed for the personal playlist file.
    pub mine_flow: Option<Shared<FlowOrdered>>,
}

/// The long task under way, and how far it has got. One at a time: the worker runs one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tasks {
    pub running: Option<Running>,
    /// Progress of a task other than training (reading, comparing k, t-SNE); gone when it ends.
    pub progress: Option<TaskProgress>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub task: Task,
    /// The step within it, as the status line names it ("Encoding").
    pub step: String,
}

/// A song in the playlist: its row in the file, and what to show without a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlaylistEntry {
    pub table_row: usize,
    pub title: String,
    pub artist: String,
}

impl From<&SongRef> for PlaylistEntry {
    fn from(s: &SongRef) -> Self {
        PlaylistEntry { table_row: s.table_row, title: s.title.clone(), artist: s.artist.clone() }
    }
}

/// A map made on request (t-SNE, UMAP): `[x, y]` per song, and how many songs the method
/// itself laid out (the others were placed among their nearest).
#[derive(Debug, Clone, PartialEq)]
pub struct LaidOutMap {
    pub xy: Vec<f32>,
    pub sample: usize,
    pub quality: Option<MapQuality>,
}

/// Representations compared, and the label column they were scored against.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub scores: Vec<RepresentationScore>,
    pub label: Option<String>,
    /// The further label columns, named (`RepresentationScore::more_labels`).
    pub more_labels: Vec<String>,
}

/// What comparing k found.
#[derive(Debug, Clone, PartialEq)]
pub struct KChoice {
    pub scores: Vec<KScore>,
    pub suggested: Option<usize>,
    /// Rows the silhouette was measured on.
    pub sample: usize,
}

impl Page {
    pub fn new() -> Self {
        Page { selection: Selection { neighbours: DEFAULT_NEIGHBOURS, ..Selection::default() }, ..Page::default() }
    }

    /// A step may start: the worker is up and nothing else runs.
    pub fn idle(&self) -> bool {
        self.ready && self.tasks.running.is_none()
    }

    /// A file or the demo may be chosen. Unlike `idle`, also while the worker is still starting:
    /// the bridge holds the request until it is up, so the first screen never waits for the
    /// worker's wasm (which is fetched after the first paint).
    pub fn can_load(&self) -> bool {
        !self.worker_lost && self.tasks.running.is_none()
    }

    /// The task under way, if any.
    pub fn running(&self, task: Task) -> bool {
        self.tasks.running.as_ref().is_some_and(|r| r.task == task)
    }

    /// The options a mapping check needs, from the current settings.
    pub fn check_options(&self) -> CheckOptions {
        CheckOptions::from(&self.settings.params)
    }

    /// The id of the results shown (0 for none): every request names it.
    pub fn shown_run(&self) -> u64 {
        self.run.results.as_ref().map_or(0, |r| r.run_id)
    }

    /// The map's points, `[x, y]` per song, for the projection chosen: the one place that says
    /// which xy belongs to which projection. `None` while t-SNE has not arrived.
    pub fn map_xy(&self) -> Option<&[f32]> {
        let results = self.run.results.as_ref()?;
        match self.view.projection {
            Projection::Tsne | Projection::Umap => self.run.laid_out(self.view.projection).map(|t| &t.xy[..]),
            Projection::Pca => Some(&results.pca),
            Projection::FirstTwo => Some(&results.first_two),
        }
    }

    /// Results are shown: the map and its side panel fill the page.
    pub fn exploring(&self) -> bool {
        self.run.results.is_some()
    }

    /// The setup steps are on screen: before the first results, or opened again.
    pub fn setup_shown(&self) -> bool {
        !self.exploring() || self.view.setup_open
    }

    /// The cluster the map shows in focus: the one looked at, else the one chosen.
    pub fn shown_focus(&self) -> Option<usize> {
        self.view.preview.or(self.view.focus)
    }

    /// The name of cluster `i` as shown and exported.
    pub fn cluster_name(&self, i: usize) -> String {
        self.run.cluster_names.get(i).cloned().unwrap_or_else(|| format!("Cluster {i}"))
    }

    /// Train may be pressed: a file is loaded, its mapping checks out and the settings are valid.
    pub fn can_train(&self) -> bool {
        self.idle()
            && self.dataset.info.is_some()
            && self.dataset.check.as_ref().is_some_and(|c| c.error.is_none())
            && self.settings.params.check().is_ok()
            && self.settings.unreadable.is_none()
    }
}
