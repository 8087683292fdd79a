//! Messages between the page and the worker, as JSON. Pure data: tested natively.
//!
//! The page sends a `Request` (a `File` to load travels beside it, see `worker`); the worker
//! answers with a stream of `Event`s. One `Ready` comes first, because messages sent before the
//! worker's wasm has started are lost.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::mapview::colours::Colouring;
use crate::pipeline::analysis::choose_k::KScore;
use crate::pipeline::analysis::compare::{Representation, RepresentationScore};
use crate::pipeline::analysis::naming::ClusterName;
use crate::pipeline::analysis::summary::ClusterSummary;
use crate::pipeline::explore::recommend::Metric;
use crate::pipeline::input::check::{check_table, Tone};
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::load::{delimiter_name, parse_csv, RaggedRow, Table};
use crate::pipeline::limits::count;
use crate::pipeline::model::train::EpochLoss;
use crate::pipeline::params::{Projection, TrainParams};
pub use crate::pipeline::run::RunSnapshot;

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
    /// user's cluster names (one per cluster; empty keeps the automatic name).
    Export {
        projection: Projection,
        names: Vec<String>,
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
        metric: Metric,
    },
    /// Title, artist and cluster of each of `rows` (songs picked on the map for the playlist).
    Pick {
        rows: Vec<usize>,
    },
    /// The `n` songs most like the whole playlist (table rows).
    MoreLikeThese {
        table_rows: Vec<usize>,
        n: usize,
        metric: Metric,
    },
    /// The playlist's songs (table rows, in order) as CSV with every original column.
    ExportPlaylist {
        table_rows: Vec<usize>,
        names: Vec<String>,
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
    /// The last run's model as a file, with the user's cluster names.
    DownloadModel {
        names: Vec<String>,
    },
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
    /// Compute the t-SNE map of the last run.
    Tsne,
}

pub use crate::pipeline::input::check::{CheckOptions, MappingCheck};

/// Every message names, beside its JSON (`run`), the run its sender holds: the page the run it
/// shows, the worker the run it answered from. A request or an answer about another run is stale:
/// the page moved on, or the worker did. Acting on it would show or export one run's songs as
/// another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// Dropped without a word: the page asks again by itself (searching, hovering, colouring).
    Quiet,
    /// Refused with `STALE` under this stage: the person pressed something and waits for it.
    Say(&'static str),
}

/// What a stale request or answer that someone waits for says.
pub const STALE: &str = "The results changed while this was being made, so it was not used. Press it again.";

impl Request {
    /// `Some` when the request is about the last run (see `Stale`).
    pub fn run_bound(&self) -> Option<Stale> {
        match self {
            Request::Search { .. }
            | Request::Recommend { .. }
            | Request::Pick { .. }
            | Request::MoreLikeThese { .. }
            | Request::ColourBy { .. } => Some(Stale::Quiet),
            Request::Export { .. } => Some(Stale::Say("Exporting")),
            Request::ExportPlaylist { .. } => Some(Stale::Say("Exporting the playlist")),
            Request::DownloadModel { .. } => Some(Stale::Say("Saving the model")),
            Request::ChooseK { .. } => Some(Stale::Say("Comparing k")),
            Request::Recluster { .. } => Some(Stale::Say("Clustering")),
            Request::Compare => Some(Stale::Say("Comparing representations")),
            Request::UseRepresentation { .. } => Some(Stale::Say("Changing the representation")),
            Request::Tsne => Some(Stale::Say("Computing the t-SNE map")),
            _ => None,
        }
    }
}

impl Event {
    /// `Some` when the event answers about a run (see `Stale`).
    pub fn run_bound(&self) -> Option<Stale> {
        match self {
            Event::SearchResults { .. }
            | Event::Recommended(_)
            | Event::Picked(_)
            | Event::SetRecommended(_)
            | Event::Coloured(_) => Some(Stale::Quiet),
            Event::Exported { .. } => Some(Stale::Say("Exporting")),
            Event::ModelSaved { .. } => Some(Stale::Say("Saving the model")),
            Event::KScores { .. } => Some(Stale::Say("Comparing k")),
            Event::Compared { .. } => Some(Stale::Say("Comparing representations")),
            Event::TsneReady { .. } => Some(Stale::Say("Computing the t-SNE map")),
            _ => None,
        }
    }
}

impl From<&TrainParams> for CheckOptions {
    fn from(p: &TrainParams) -> Self {
        CheckOptions { missing: p.missing, k: p.k }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    Ready,
    /// A long step started ("Reading the file", "Training", "Clustering"…).
    Stage {
        name: String,
    },
    /// Reading a file: `bytes` of `total` read so far.
    Reading {
        bytes: u64,
        total: u64,
    },
    Loaded(Box<DatasetInfo>),
    Checked(Box<MappingCheck>),
    Progress(Progress),
    Epoch(EpochLoss),
    Finished(Box<RunResults>),
    /// `task` stopped at the page's `Cancel`; what was there before it is kept.
    Cancelled {
        task: Task,
    },
    /// A step failed; what was loaded before is kept.
    Failed {
        stage: String,
        message: String,
    },
    /// A CSV ready to download as `file`. The file travels beside the JSON as a `Blob` (`blob`):
    /// as a JSON string, a 100k-song export was decoded and copied on the page's thread (170 ms).
    Exported {
        file: String,
    },
    /// Answer to `Pick`.
    Picked(Vec<SongRef>),
    /// Answer to `MoreLikeThese`.
    SetRecommended(Box<SetRecommendation>),
    Coloured(Box<Colouring>),
    /// Answer to `Compare`; `label` names the label column the scores were measured against.
    Compared {
        scores: Vec<RepresentationScore>,
        label: Option<String>,
    },
    /// t-SNE: `done` of `total` steps (iterations, then songs placed, in `phase`).
    TsneProgress {
        phase: String,
        done: usize,
        total: usize,
    },
    /// The t-SNE map, `[x, y]` per song of the last run; `sample` songs were laid out by t-SNE.
    /// `id` is what the page commits once it shows the map.
    TsneReady {
        id: u64,
        xy: Vec<f32>,
        sample: usize,
    },
    /// A model file was not applied: the file's values look like other units than the model's.
    /// The page asks before applying it anyway.
    ModelWarning {
        name: String,
        message: String,
    },
    /// `Restore` finished: the new worker holds the run the page shows.
    Restored,
    /// A model file ready to download as `file`, beside the JSON as a `Blob` like `Exported`.
    ModelSaved {
        file: String,
    },
    /// `ChooseK` has scored `done` of `total` values of k; `k` is the one being run now.
    KProgress {
        k: usize,
        done: usize,
        total: usize,
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

/// The long tasks the page can cancel: each says which one stopped, so the page never guesses
/// from its flags (a cancelled comparison of representations once said "Training cancelled").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    Reading,
    Training,
    ComparingK,
    ComparingRepresentations,
    Tsne,
}

impl Task {
    /// How the page names the task in a sentence ("… cancelled").
    pub fn label(self) -> &'static str {
        match self {
            Task::Reading => "Reading the file",
            Task::Training => "Training",
            Task::ComparingK => "Comparing k",
            Task::ComparingRepresentations => "Comparing representations",
            Task::Tsne => "t-SNE",
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

/// What the page shows about a freshly loaded file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    pub rows: usize,
    pub columns: Vec<String>,
    pub delimiter: String,
    /// Rows set aside for having the wrong number of fields.
    pub ragged_rows: usize,
    pub ragged_examples: Vec<RaggedRow>,
    pub notices: Vec<String>,
    /// The automatic guess; the page lets the user change it.
    pub mapping: ColumnMapping,
    pub check: MappingCheck,
    pub parse_ms: f64,
}

impl DatasetInfo {
    /// Reads `bytes` as the file `name`: the table and what the page shows about it, or the
    /// message the page shows instead. Never panics.
    pub fn load(name: &str, bytes: &[u8], options: CheckOptions) -> Result<(Table, DatasetInfo), String> {
        let table = parse_csv(bytes).map_err(|e| format!("{name}: {e}"))?;
        let info = DatasetInfo::describe(name, &table, options);
        Ok((table, info))
    }

    /// What the page shows about a parsed file: the guessed mapping and its check.
    /// `parse_ms` is left at 0 for the caller, who has a clock, to fill in.
    pub fn describe(name: &str, table: &Table, options: CheckOptions) -> DatasetInfo {
        let mapping = ColumnMapping::guess(&table.headers);
        let check = check_table(table, &mapping, options);
        DatasetInfo {
            name: name.to_string(),
            rows: table.n_rows(),
            columns: table.headers.clone(),
            delimiter: delimiter_name(table.delimiter).to_string(),
            ragged_rows: table.ragged.len(),
            ragged_examples: table.ragged.iter().take(5).cloned().collect(),
            notices: table.notices.clone(),
            mapping,
            check,
            parse_ms: 0.0,
        }
    }

    /// The first line of the summary, as the page shows it.
    pub fn headline(&self) -> String {
        format!(
            "{}: {} rows, {} columns, separated by {}; read in {:.0} ms.",
            self.name,
            self.rows,
            self.columns.len(),
            self.delimiter,
            self.parse_ms
        )
    }

    /// What was recovered from or set aside while reading, as the page lists it.
    pub fn notes(&self) -> Vec<(Tone, String)> {
        let mut out: Vec<(Tone, String)> = self.notices.iter().map(|n| (Tone::Info, n.clone())).collect();
        if self.ragged_rows > 0 {
            let first = self
                .ragged_examples
                .first()
                .map(|r| {
                    format!(
                        " (first: line {} has {}, the header has {})",
                        r.line,
                        count(r.found, "field", "fields"),
                        self.columns.len()
                    )
                })
                .unwrap_or_default();
            out.push((
                Tone::Warning,
                format!(
                    "{} set aside because their number of fields differs from the header{first}.",
                    count(self.ragged_rows, "row was", "rows were")
                ),
            ));
        }
        out
    }
}

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Cluster names saved in that model file (the user's own, shown instead of the automatic).
    pub saved_names: Vec<String>,
}

/// Where run row `row`'s title and artist are in the text `song_names` packs, given `end(i)`, the
/// end of its `i`-th part (`None` past the last). The page keeps the packed names as the typed
/// arrays they arrive in, so it asks through `end` rather than a slice.
pub fn song_name_ranges(end: impl Fn(usize) -> Option<u32>, row: usize) -> Option<(Range<usize>, Range<usize>)> {
    let start = match row {
        0 => 0,
        _ => end(2 * row - 1)? as usize,
    };
    let (title_end, artist_end) = (end(2 * row)? as usize, end(2 * row + 1)? as usize);
    (start <= title_end && title_end <= artist_end).then_some((start..title_end, title_end..artist_end))
}

/// Every run row's title then artist as one UTF-8 text, and where each part ends (two per row).
/// They travel beside `Event::Finished` as typed arrays (`name_text`, `name_ends`), so the map
/// can name the song under the pointer in the same task as the pointer's move.
pub fn song_names<T: AsRef<str>, A: AsRef<str>>(songs: impl ExactSizeIterator<Item = (T, A)>) -> (Vec<u8>, Vec<u32>) {
    let (mut text, mut ends) = (Vec::new(), Vec::with_capacity(2 * songs.len()));
    for (title, artist) in songs {
        for part in [title.as_ref(), artist.as_ref()] {
            text.extend_from_slice(part.as_bytes());
            // Files are at most 256 MB, so offsets fit; saturate rather than wrap if not.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
    }
    (text, ends)
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
}

/// A chosen song, its features, and the songs nearest it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub song: SongRef,
    /// Each mapped feature and the song's value, in the file's own units.
    pub features: Vec<(String, f32)>,
    pub metric: Metric,
    pub similar: Vec<SimilarSong>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarSong {
    pub song: SongRef,
    /// Cosine similarity, or Euclidean distance, in the latent space.
    pub score: f32,
}

/// Songs like a whole playlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetRecommendation {
    /// Playlist songs that are in the last run (the others were set aside for bad values).
    pub seeds: usize,
    pub metric: Metric,
    pub similar: Vec<SimilarSong>,
}

/// The `Failed` stage that means the worker itself died (sent by its panic hook).
pub const CRASH_STAGE: &str = "Background worker crashed";

pub fn encode_request(r: &Request) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

pub fn decode_request(s: &str) -> Result<Request, String> {
    serde_json::from_str(s).map_err(|e| format!("The worker received a message it does not understand: {e}"))
}

/// The event as JSON, or a `Failed` when the page could not read it back. serde_json writes a
/// NaN or infinite number as `null`, which the page cannot read as a number: such an event never
/// leaves the worker (the check reads the text back, so whatever else could go wrong is caught).
pub fn encode_event(e: &Event) -> String {
    let failed = |message: String| {
        let failed = Event::Failed { stage: "Sending results".into(), message };
        serde_json::to_string(&failed).unwrap_or_default()
    };
    // Read back equal, so a NaN that became `null` in an optional field is caught too (the
    // colouring alone sends NaN on purpose: see `missing_as_null`).
    let same = |text: &str| decode_event(text).is_ok_and(|d| d == *e || matches!(e, Event::Coloured(_)));
    match serde_json::to_string(e) {
        Ok(text) if same(&text) => text,
        Ok(_) => failed(NOT_FINITE.to_string()),
        Err(err) => failed(err.to_string()),
    }
}

/// The id of the results in an event's JSON that the page could not read, if it says one, so the
/// page can tell the worker to drop exactly those.
pub fn results_id(json: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let id = value.get("Finished").and_then(|f| f.get("run_id")).or_else(|| value.get("TsneReady")?.get("id"));
    id?.as_u64()
}

/// What the page says when a result held a number that is not finite.
pub const NOT_FINITE: &str = "A result held a number that is not finite (it overflowed), so it was not sent; nothing was changed. Check the file for extreme values, or train again with the default settings.";

pub fn decode_event(s: &str) -> Result<Event, String> {
    serde_json::from_str(s).map_err(|e| format!("The page received a message it does not understand: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_events_round_trip() {
        let r = Request::Train { mapping: ColumnMapping::default(), params: TrainParams::default() };
        assert_eq!(decode_request(&encode_request(&r)).unwrap(), r);
        let e = Event::Progress(Progress { epoch: 2, epochs: 4, batch: 5, batches: 10 });
        assert_eq!(decode_event(&encode_event(&e)).unwrap(), e);
        assert!(decode_request("{\"Nope\":1}").unwrap_err().starts_with("The worker received"));
    }

    #[test]
    fn song_names_pack_and_unpack() {
        let songs = [("Ça plane pour moi", "Plastic Bertrand"), ("Line 7", ""), ("", "Björk"), ("Кино", "Кино")];
        let (text, ends) = song_names(songs.iter().copied());
        let end = |i: usize| ends.get(i).copied();
        let part = |r: Range<usize>| std::str::from_utf8(&text[r]).unwrap();
        for (row, song) in songs.iter().enumerate() {
            let (title, artist) = song_name_ranges(end, row).unwrap();
            assert_eq!((part(title), part(artist)), *song, "row {row}");
        }
        assert_eq!(song_name_ranges(end, songs.len()), None, "no row past the end");
    }

    #[test]
    fn non_finite_numbers_never_reach_the_wire() {
        let loss = EpochLoss { epoch: 1, train_loss: f32::NAN, val_loss: None };
        let text = encode_event(&Event::Epoch(loss));
        assert_eq!(
            decode_event(&text).unwrap(),
            Event::Failed { stage: "Sending results".into(), message: NOT_FINITE.into() }
        );
        let optional = Event::Epoch(EpochLoss { epoch: 1, train_loss: 0.5, val_loss: Some(f32::INFINITY) });
        assert!(encode_event(&optional).contains(NOT_FINITE), "a NaN in an optional field is caught too");
        let fine = Event::Epoch(EpochLoss { epoch: 1, train_loss: 0.5, val_loss: Some(0.25) });
        assert_eq!(decode_event(&encode_event(&fine)).unwrap(), fine);
    }

    #[test]
    fn requests_and_answers_about_a_run_are_marked() {
        assert_eq!(Request::Search { query: "x".into() }.run_bound(), Some(Stale::Quiet));
        assert_eq!(
            Request::Export { projection: Projection::Pca, names: vec![] }.run_bound(),
            Some(Stale::Say("Exporting"))
        );
        assert_eq!(Request::Commit { id: 1 }.run_bound(), None, "a commit names its own results");
        assert_eq!(
            Request::Train { mapping: ColumnMapping::default(), params: TrainParams::default() }.run_bound(),
            None
        );
        assert_eq!(Event::ModelSaved { file: "m.json".into() }.run_bound(), Some(Stale::Say("Saving the model")));
        assert_eq!(Event::Ready.run_bound(), None);
        assert_eq!(results_id(r#"{"TsneReady":{"id":7,"xy":[],"sample":3}}"#), Some(7));
        assert_eq!(results_id(r#"{"Finished":{"run_id":4,"recon_mse":null}}"#), Some(4));
        assert_eq!(results_id("not json"), None);
    }

    #[test]
    fn progress_fraction() {
        let p = Progress { epoch: 2, epochs: 4, batch: 5, batches: 10 };
        assert!((p.fraction() - 0.375).abs() < 1e-12);
    }
}
