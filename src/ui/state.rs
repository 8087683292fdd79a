//! The page's state as signals, and the rules for applying worker events to it. Provided to every
//! component through context.

use std::sync::Arc;

use leptos::prelude::*;

use super::bridge::SongNames;
use crate::mapview::colours::{Colouring, Palette, Scale};
use crate::pipeline::analysis::choose_k::KScore;
use crate::pipeline::analysis::compare::RepresentationScore;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::model::train::EpochLoss;
use crate::pipeline::params::{Projection, TrainParams};
use crate::protocol::{
    CheckOptions, DatasetInfo, Event, MappingCheck, Progress, Recommendation, RunResults, SetRecommendation, SongRef,
};

#[derive(Clone, Copy)]
pub struct AppState {
    /// The worker has started and takes requests.
    pub ready: RwSignal<bool>,
    /// Announced through the `aria-live` region.
    pub status: RwSignal<String>,
    /// (step, message) of the last failure, until dismissed.
    pub error: RwSignal<Option<(String, String)>>,
    /// A long step under way, by name.
    pub busy: RwSignal<Option<String>>,
    pub dataset: RwSignal<Option<Arc<DatasetInfo>>>,
    pub mapping: RwSignal<ColumnMapping>,
    pub check: RwSignal<Option<MappingCheck>>,
    pub params: RwSignal<TrainParams>,
    pub training: RwSignal<bool>,
    pub progress: RwSignal<Option<Progress>>,
    /// Reading a file: bytes read and the file's size.
    pub reading: RwSignal<Option<(u64, u64)>>,
    /// The last run's song names, for the map's pointer (JS arrays, so kept on this thread).
    pub song_names: RwSignal<Option<SongNames>, LocalStorage>,
    pub history: RwSignal<Vec<EpochLoss>>,
    pub results: RwSignal<Option<Arc<RunResults>>>,
    pub projection: RwSignal<Projection>,
    /// The label of a setting whose text is not a valid number; Train waits until it is fixed.
    pub unreadable: RwSignal<Option<&'static str>>,
    /// Comparing k: (k being run, values done, values in all).
    pub k_progress: RwSignal<Option<(usize, usize, usize)>>,
    /// The last comparison of k for the current model.
    pub k_scores: RwSignal<Option<Arc<KChoice>>>,
    /// What is typed in the song search, and the songs found for it.
    pub search_query: RwSignal<String>,
    pub search_hits: RwSignal<Vec<SongRef>>,
    /// The chosen song and the songs most like it.
    pub recommendation: RwSignal<Option<Arc<Recommendation>>>,
    /// Songs like the whole playlist.
    pub more_like_these: RwSignal<Option<Arc<SetRecommendation>>>,
    /// The map's colours when not by cluster.
    pub colouring: RwSignal<Option<Arc<Colouring>>>,
    /// The user's playlist for the loaded file.
    pub playlist: RwSignal<Vec<PlaylistEntry>>,
    /// The song chosen by search or on the map (a row of the last run).
    pub selected: RwSignal<Option<usize>>,
    /// Each cluster's name as shown and exported (automatic, or the user's).
    pub cluster_names: RwSignal<Vec<String>>,
    pub palette: RwSignal<Palette>,
    /// How long the map took to draw last time.
    pub map_draw_ms: RwSignal<Option<f64>>,
    /// The t-SNE map of the current results, once computed, and how many songs t-SNE laid out.
    pub tsne: RwSignal<Option<Arc<TsneMap>>>,
    /// t-SNE under way: (phase, done, total).
    pub tsne_progress: RwSignal<Option<(String, usize, usize)>>,
    /// The last comparison of representations, and the label column it used.
    pub comparison: RwSignal<Option<Arc<Comparison>>>,
    pub scale: RwSignal<Scale>,
    /// A model file held back because its values look like other units: (file name, warning).
    pub model_warning: RwSignal<Option<(String, String)>>,
    /// Why the playlist could not be kept in this browser, or that another tab changed it.
    pub playlist_note: RwSignal<Option<String>>,
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

/// The t-SNE map: `[x, y]` per song, and how many songs t-SNE itself laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct TsneMap {
    pub xy: Vec<f32>,
    pub sample: usize,
}

/// Representations compared, and the label column they were scored against.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub scores: Vec<RepresentationScore>,
    pub label: Option<String>,
}

/// What comparing k found.
#[derive(Debug, Clone, PartialEq)]
pub struct KChoice {
    pub scores: Vec<KScore>,
    pub suggested: Option<usize>,
    /// Rows the silhouette was measured on.
    pub sample: usize,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            ready: RwSignal::new(false),
            status: RwSignal::new("Starting…".into()),
            error: RwSignal::new(None),
            busy: RwSignal::new(None),
            dataset: RwSignal::new(None),
            mapping: RwSignal::new(ColumnMapping::default()),
            check: RwSignal::new(None),
            params: RwSignal::new(TrainParams::default()),
            training: RwSignal::new(false),
            progress: RwSignal::new(None),
            reading: RwSignal::new(None),
            song_names: RwSignal::new_local(None),
            history: RwSignal::new(Vec::new()),
            results: RwSignal::new(None),
            projection: RwSignal::new(Projection::Pca),
            unreadable: RwSignal::new(None),
            k_progress: RwSignal::new(None),
            k_scores: RwSignal::new(None),
            search_query: RwSignal::new(String::new()),
            search_hits: RwSignal::new(Vec::new()),
            recommendation: RwSignal::new(None),
            more_like_these: RwSignal::new(None),
            colouring: RwSignal::new(None),
            playlist: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            cluster_names: RwSignal::new(Vec::new()),
            palette: RwSignal::new(Palette::default()),
            map_draw_ms: RwSignal::new(None),
            tsne: RwSignal::new(None),
            tsne_progress: RwSignal::new(None),
            comparison: RwSignal::new(None),
            scale: RwSignal::new(Scale::default()),
            model_warning: RwSignal::new(None),
            playlist_note: RwSignal::new(None),
        }
    }

    /// Applies one worker event. Returns the file name when a download is ready (the file itself
    /// came beside the event, see `Event::Exported`).
    pub fn apply(&self, event: Event) -> Option<String> {
        match event {
            Event::Ready => self.on_ready(),
            Event::Stage { name } => {
                self.status.set(format!("{name}…"));
                self.busy.set(Some(name));
            }
            Event::Reading { bytes, total } => self.reading.set(Some((bytes, total))),
            Event::Loaded(info) => self.on_loaded(*info),
            Event::Checked(check) => {
                if self.mapping.with_untracked(|m| *m == check.mapping) {
                    self.check.set(Some(*check));
                }
            }
            Event::Progress(p) => self.progress.set(Some(p)),
            Event::Epoch(loss) => self.on_epoch(loss),
            Event::Finished(results) => self.on_finished(*results),
            Event::Cancelled { task } => {
                let what = task.label();
                self.k_progress.set(None);
                self.reading.set(None);
                self.stop_tsne();
                self.end_work(&format!("{what} cancelled. The loaded data and any earlier results are kept."));
            }
            Event::SearchResults { query, hits } => {
                // An answer to an older query (the user kept typing) is dropped.
                if self.search_query.with_untracked(|q| *q == query) {
                    self.search_hits.set(hits);
                }
            }
            Event::Recommended(r) => {
                self.status.set(format!("{} songs similar to {}.", r.similar.len(), r.song.title));
                self.recommendation.set(Some(Arc::new(*r)));
            }
            Event::KProgress { k, done, total } => self.k_progress.set(Some((k, done, total))),
            Event::KScores { scores, suggested, sample } => {
                self.k_progress.set(None);
                let message = match suggested {
                    Some(k) => {
                        format!("Compared {} values of k; suggested k = {k} (highest silhouette).", scores.len())
                    }
                    None => "Compared k; no value could be scored.".to_string(),
                };
                self.k_scores.set(Some(Arc::new(KChoice { scores, suggested, sample })));
                self.end_work(&message);
            }
            Event::Failed { stage, message } => {
                self.k_progress.set(None);
                self.reading.set(None);
                self.stop_tsne();
                // The alert panel reads the message; the status line only points to it.
                self.end_work(&format!("{stage} failed; the message is shown below the status line."));
                self.error.set(Some((stage, message)));
            }
            Event::Exported { file } => {
                self.end_work(&format!("{file} is downloading."));
                return Some(file);
            }
            Event::Picked(songs) => self.add_to_playlist(&songs),
            Event::SetRecommended(r) => {
                self.status.set(format!("{} songs like the playlist's {} songs.", r.similar.len(), r.seeds));
                self.more_like_these.set(Some(Arc::new(*r)));
            }
            Event::Coloured(c) => self.colouring.set(Some(Arc::new(*c))),
            Event::TsneProgress { phase, done, total } => self.tsne_progress.set(Some((phase, done, total))),
            Event::TsneReady { xy, sample, .. } => {
                self.tsne_progress.set(None);
                self.tsne.set(Some(Arc::new(TsneMap { xy, sample })));
                self.end_work(&format!(
                    "t-SNE map ready: {sample} songs laid out by t-SNE, the others placed among their 5 nearest."
                ));
            }
            Event::Compared { scores, label } => {
                self.end_work("Compared the three representations.");
                self.comparison.set(Some(Arc::new(Comparison { scores, label })));
            }
            Event::ModelSaved { file } => {
                self.end_work(&format!("{file} is downloading."));
                return Some(file);
            }
            Event::ModelWarning { name, message } => {
                self.end_work(&format!("{name} was not applied yet: its values look like other units. The warning is shown under “Model file”."));
                self.model_warning.set(Some((name, message)));
            }
            // The bridge handles it (the page's state is already what was restored).
            Event::Restored => {}
        }
        None
    }

    /// Adds songs the playlist does not have yet, in the order given.
    pub fn add_to_playlist(&self, songs: &[SongRef]) {
        let mut added = 0;
        self.playlist.update(|list| {
            for song in songs {
                if !list.iter().any(|e| e.table_row == song.table_row) {
                    list.push(PlaylistEntry::from(song));
                    added += 1;
                }
            }
        });
        self.status.set(format!("{added} songs added to the playlist from the map."));
    }

    /// t-SNE stopped before its map arrived: back to a map that exists.
    fn stop_tsne(&self) {
        self.tsne_progress.set(None);
        if self.tsne.with_untracked(Option::is_none) && self.projection.get_untracked() == Projection::Tsne {
            self.projection.set(Projection::Pca);
        }
    }

    fn on_ready(&self) {
        self.ready.set(true);
        self.status.set("Ready. Choose a CSV file or try the demo dataset.".into());
    }

    fn on_loaded(&self, info: DatasetInfo) {
        self.status.set(format!(
            "Loaded {} songs from {}; {} of 12 features recognised.",
            info.rows,
            info.name,
            info.check.features.len()
        ));
        self.mapping.set(info.mapping.clone());
        self.check.set(Some(info.check.clone()));
        self.dataset.set(Some(Arc::new(info)));
        self.results.set(None);
        // A model held back for another file must not be applied to this one.
        self.model_warning.set(None);
        self.k_scores.set(None);
        self.comparison.set(None);
        self.tsne.set(None);
        self.projection.set(Projection::Pca);
        self.forget_songs();
        self.history.set(Vec::new());
        self.progress.set(None);
        self.reading.set(None);
        self.busy.set(None);
        self.error.set(None);
    }

    fn on_epoch(&self, loss: EpochLoss) {
        self.progress.update(|p| {
            if let Some(p) = p {
                (p.epoch, p.batch) = (loss.epoch, p.batches);
            }
        });
        let epochs = self.params.with_untracked(|p| p.epochs);
        let val = loss.val_loss.map(|v| format!(", validation loss {v:.4}")).unwrap_or_default();
        self.status.set(format!("Epoch {} of {epochs}: training loss {:.4}{val}.", loss.epoch, loss.train_loss));
        self.history.update(|h| h.push(loss));
    }

    /// A new run or new clusters: songs found and recommendations belong to the old one.
    pub fn forget_songs(&self) {
        self.search_hits.set(Vec::new());
        self.recommendation.set(None);
        self.selected.set(None);
        self.more_like_these.set(None);
        self.colouring.set(None);
    }

    fn on_finished(&self, results: RunResults) {
        self.forget_songs();
        self.model_warning.set(None);
        self.map_draw_ms.set(None);
        self.tsne.set(None);
        if self.projection.get_untracked() == Projection::Tsne {
            self.projection.set(Projection::Pca);
        }
        let message = format!(
            "Done: {} songs in {} clusters; reconstruction MSE {:.4}.",
            results.rows, results.k, results.recon_mse
        );
        let automatic = results.names.iter().map(|n| n.name.clone());
        let names = match results.saved_names.len() == results.k {
            true => results.saved_names.clone(),
            false => automatic.collect(),
        };
        self.cluster_names.set(names);
        self.results.set(Some(Arc::new(results)));
        self.progress.update(|p| {
            if let Some(p) = p {
                (p.epoch, p.batch) = (p.epochs, p.batches);
            }
        });
        self.end_work(&message);
    }

    fn end_work(&self, message: &str) {
        self.training.set(false);
        self.busy.set(None);
        self.status.set(message.to_string());
    }

    /// The options a mapping check needs, from the current settings.
    pub fn check_options(&self) -> CheckOptions {
        self.params.with_untracked(|p| CheckOptions::from(p))
    }

    /// A step may start: the worker is up and nothing else runs.
    pub fn idle(&self) -> bool {
        self.ready.get() && self.busy.get().is_none() && !self.training.get()
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
