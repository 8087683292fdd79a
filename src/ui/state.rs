//! The page's state as signals, and the rules for applying worker events to it. Provided to every
//! component through context.

use std::sync::Arc;

use leptos::prelude::*;

use crate::pipeline::choose_k::KScore;
use crate::pipeline::columns::ColumnMapping;
use crate::pipeline::params::{Projection, TrainParams};
use crate::pipeline::train::EpochLoss;
use crate::protocol::{CheckOptions, DatasetInfo, Event, MappingCheck, Progress, Recommendation, RunResults, SongRef};

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
            history: RwSignal::new(Vec::new()),
            results: RwSignal::new(None),
            projection: RwSignal::new(Projection::Pca),
            unreadable: RwSignal::new(None),
            k_progress: RwSignal::new(None),
            k_scores: RwSignal::new(None),
            search_query: RwSignal::new(String::new()),
            search_hits: RwSignal::new(Vec::new()),
            recommendation: RwSignal::new(None),
        }
    }

    /// Applies one worker event. Returns the CSV text when an export is ready.
    pub fn apply(&self, event: Event) -> Option<String> {
        match event {
            Event::Ready => self.on_ready(),
            Event::Stage { name } => {
                self.status.set(format!("{name}…"));
                self.busy.set(Some(name));
            }
            Event::Loaded(info) => self.on_loaded(*info),
            Event::Checked(check) => {
                if self.mapping.with_untracked(|m| *m == check.mapping) {
                    self.check.set(Some(*check));
                }
            }
            Event::Progress(p) => self.progress.set(Some(p)),
            Event::Epoch(loss) => self.on_epoch(loss),
            Event::Finished(results) => self.on_finished(*results),
            Event::Cancelled => {
                let what = if self.k_progress.get_untracked().is_some() { "Comparing k" } else { "Training" };
                self.k_progress.set(None);
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
                // The alert panel reads the message; the status line only points to it.
                self.end_work(&format!("{stage} failed; the message is shown below the status line."));
                self.error.set(Some((stage, message)));
            }
            Event::Exported { csv } => {
                self.end_work("The CSV with clusters is downloading.");
                return Some(csv);
            }
        }
        None
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
        self.k_scores.set(None);
        self.forget_songs();
        self.history.set(Vec::new());
        self.progress.set(None);
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
    }

    fn on_finished(&self, results: RunResults) {
        self.forget_songs();
        let message = format!(
            "Done: {} songs in {} clusters; reconstruction MSE {:.4}.",
            results.rows, results.k, results.recon_mse
        );
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
