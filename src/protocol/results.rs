//! The results events carry: a run's, a loaded file's, and songs found or recommended.

use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::map_quality::MapQuality;
use crate::pipeline::analysis::naming::ClusterName;
use crate::pipeline::analysis::summary::ClusterSummary;
use crate::pipeline::explore::playlist_compare::PlaylistProfile;
use crate::pipeline::explore::recommend::Rule;
use crate::pipeline::model::train::EpochLoss;
use crate::pipeline::params::Projection;
use crate::pipeline::run::RunSnapshot;

pub use crate::pipeline::input::describe::DatasetInfo;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Timings {
    pub scale_ms: f64,
    pub train_ms: f64,
    pub epoch_ms: Vec<f64>,
    pub encode_ms: f64,
    pub kmeans_ms: f64,
    pub project_ms: f64,
    /// The worker's wasm memory at the end of the run: wasm memory only grows, so this is
    /// its peak.
    #[serde(default)]
    pub wasm_bytes: f64,
}

/// Everything the page needs to draw results.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunResults {
    /// What the page commits once it shows these results (`Request::Commit`).
    pub run_id: u64,
    /// What the page keeps to put this run back into a restarted worker.
    pub snapshot: RunSnapshot,
    pub features: Vec<String>,
    pub rows: usize,
    pub history: Vec<EpochLoss>,
    pub recon_mse: f32,
    pub k: usize,
    pub inertia: f64,
    pub clusters: Vec<ClusterSummary>,
    /// Cluster of each usable row.
    pub labels: Vec<u16>,
    /// `[x, y]` per row: principal components of the codes.
    pub pca: Vec<f32>,
    /// `[x, y]` per row: latent dimensions 0 and 1.
    pub first_two: Vec<f32>,
    pub latent_size: usize,
    pub timings: Timings,
    /// Each cluster's automatic name (genre–emotion table).
    pub names: Vec<ClusterName>,
    /// What was clustered.
    pub representation: Representation,
    /// The model file these results came from, when one was applied instead of training.
    pub model_file: Option<String>,
    /// Each cluster's name as the run stands: the names saved in a model file, else the
    /// automatic ones. Renames go to the worker (`Request::NameCluster`), which keeps the list.
    pub cluster_names: Vec<String>,
    /// The songs' points are those of the run shown before (only the clusters changed), so a
    /// t-SNE map of them still holds.
    pub same_points: bool,
    /// A t-SNE map that comes with the run (a resumed session kept one): `[x, y]` per row,
    /// beside the JSON as `tsne`, and how many songs t-SNE itself laid out.
    #[serde(default)]
    pub tsne: Vec<f32>,
    #[serde(default)]
    pub tsne_sample: Option<usize>,
    /// The run was read back from this browser's storage: the page takes its settings too.
    #[serde(default)]
    pub resumed: bool,
    /// How much of each song's neighbourhood each map keeps (`analysis::map_quality`): PCA and
    /// first two here, t-SNE's with its map.
    #[serde(default)]
    pub map_quality: Vec<(Projection, MapQuality)>,
    #[serde(default)]
    pub tsne_quality: Option<MapQuality>,
    /// A UMAP map that comes with the run, like `tsne` (beside the JSON as `umap`).
    #[serde(default)]
    pub umap: Vec<f32>,
    #[serde(default)]
    pub umap_sample: Option<usize>,
    #[serde(default)]
    pub umap_quality: Option<MapQuality>,
}

/// A person's playlist file matched to the run's catalogue (`explore::playlist_match`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaylistFound {
    pub name: String,
    /// Rows in the playlist file.
    pub rows: usize,
    pub by_id: usize,
    pub by_name: usize,
    /// Found by title and artist among several catalogue songs with them.
    pub ambiguous: usize,
    pub missing: usize,
    /// A few of the ambiguous ones, named, with what was taken.
    pub named_ambiguous: Vec<String>,
    /// The songs found, in the playlist's order.
    pub songs: Vec<SongRef>,
    /// The songs not in the catalogue, placed from their own features.
    #[serde(default)]
    pub placed: Vec<PlacedSong>,
    /// Songs neither found nor placeable (no audio features in the file).
    #[serde(default)]
    pub without_features: usize,
    /// How the placed songs' values were read: conversions, features filled, units that still
    /// look off, a playlist larger than the catalogue. Each a sentence.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The playlist against the catalogue.
    #[serde(default)]
    pub profile: PlaylistProfile,
    /// Sent again for a new run of the same catalogue (the playlist was added before): the page
    /// updates the overlay without adding songs or saying it again.
    #[serde(default)]
    pub again: bool,
    /// The second playlist, compared with the first (not added to the page's playlist).
    #[serde(default)]
    pub second: bool,
}

/// A playlist song the catalogue does not hold, placed from its features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedSong {
    pub title: String,
    pub artist: String,
    #[serde(default)]
    pub track_id: Option<String>,
    pub cluster: usize,
    /// Its nearest catalogue songs (run rows) and their weights: it sits at their weighted mean
    /// on every map (`explore::playlist_place::position`).
    pub near: Vec<(u32, f32)>,
    /// Its features scaled with the catalogue's scaler, for songs like the playlist.
    pub scaled: Vec<f32>,
}

/// Songs like a personal playlist, and the filters they were found under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MineRecommendation {
    pub list: SetRecommendation,
    /// The playlist's songs placed from their features among the seeds.
    pub placed: usize,
    /// The filters in words ("in cluster loud · energetic, tempo within 8% of 128 BPM …"), or empty.
    pub filters: String,
}

/// An order of the playlist for flow (`explore::flow`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowOrdered {
    /// The playlist's songs that are in the run (table rows), in the new order.
    pub table_rows: Vec<usize>,
    /// Total step length in the scaled audio features, before and after.
    pub before: f64,
    pub after: f64,
    /// Steps outside the tempo window, before and after (0 without a window).
    pub off_tempo: (usize, usize),
    pub tempo_window: Option<f32>,
    pub seed: u64,
    /// Energy and tempo along the new order, in the file's units (empty without the column).
    pub energy: Vec<f32>,
    pub tempo: Vec<f32>,
    /// The personal playlist file was ordered: its rows (with features) in the new order.
    #[serde(default)]
    pub mine: bool,
    #[serde(default)]
    pub playlist_rows: Vec<usize>,
}

/// A song's most distinctive features: those furthest from the average song, in standard
/// deviations, with the song's value in the file's own units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distinctive {
    pub row: usize,
    /// (feature, z-score, value), furthest first.
    pub features: Vec<(String, f32, f32)>,
}

/// A song of the last run, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SongRef {
    /// Row among the run's usable rows (the index of its code).
    pub row: usize,
    /// Row of the file (0-based, after the header): stable across runs, so playlists keep it.
    pub table_row: usize,
    pub title: String,
    pub artist: String,
    pub cluster: usize,
    /// Its Spotify track id, when the file has a column of them (`input::track_id`).
    #[serde(default)]
    pub track_id: Option<String>,
}

/// A song as a link names it: by its track id when the file has one (stable across files and
/// edits of the file), else by its row in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SongKey {
    Id(String),
    /// The song's row in the file, 0-based after the header (`SongRef::table_row`).
    Row(usize),
}

/// A chosen song, its features, and the songs nearest it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub song: SongRef,
    /// Each mapped feature and the song's value, in the file's own units.
    pub features: Vec<(String, f32)>,
    pub rule: Rule,
    pub similar: Vec<SimilarSong>,
    /// Songs left out for repeating the chosen song or one already listed.
    #[serde(default)]
    pub folded: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarSong {
    pub song: SongRef,
    /// The rule's own number: a cosine similarity (higher is closer) or a Euclidean distance.
    pub score: f32,
    /// 0–100 on this file's scale (`explore::closeness`); `None` for a file too small to tell.
    #[serde(default)]
    pub closeness: Option<f32>,
    /// Why it is like the chosen song, in words (`explore::why`); "" when nothing stands out.
    #[serde(default)]
    pub why: String,
}

/// Songs like a whole playlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetRecommendation {
    /// Playlist songs that are in the last run (the others were set aside for bad values).
    pub seeds: usize,
    pub rule: Rule,
    pub similar: Vec<SimilarSong>,
    #[serde(default)]
    pub folded: usize,
}
