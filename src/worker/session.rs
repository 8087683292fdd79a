//! The worker's state: the loaded table, the run the page shows, and results on their way to
//! the page (pending until it commits them).

use std::cell::RefCell;

use super::error::Outcome;
use super::similar::Lookups;
use crate::pipeline::analysis::map_quality::{map_quality, MapQuality};
use crate::pipeline::analysis::Analysis;
use crate::pipeline::explore::search::SearchIndex;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::load::Table;
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::model::train::{EpochLoss, Trained};
use crate::pipeline::params::{Projection, ValidParams};
use crate::pipeline::run::RunSnapshot;
use crate::protocol::{RunResults, Timings};

thread_local! {
    pub(super) static STATE: RefCell<State> = RefCell::new(State::default());
}

/// The dataset and the last good results. Kept across failures of later steps.
#[derive(Default)]
pub(super) struct State {
    pub(super) table: Option<Table>,
    /// The run the page shows: what exports, recommendations and model downloads work on.
    pub(super) last: Option<LastRun>,
    /// Results sent to the page and not yet acknowledged (`Request::Commit`). A posted message
    /// is not a received one: until the page says it shows them, `last` stays as it was.
    pub(super) pending: Option<Pending>,
    /// The id the next results get.
    pub(super) next_id: u64,
    /// The id of the results `last` was committed as (0 without a run): what the page names in
    /// every request about the run, and what every answer is tagged with.
    pub(super) last_id: u64,
}

/// Results on their way to the page.
pub(super) struct Pending {
    pub(super) id: u64,
    pub(super) change: Change,
}

pub(super) enum Change {
    /// A new run (training, a model file).
    Run(Box<LastRun>),
    /// The same run clustered or represented anew.
    Analysis { analysis: Box<Analysis>, params: ValidParams, keep_tsne: bool },
    /// A t-SNE or UMAP map of the last run.
    Map(Projection, LaidOut),
}

/// A map made on request (t-SNE, UMAP): `[x, y]` per song, and how many songs the method
/// itself laid out (the rest were placed among their neighbours).
pub(super) struct LaidOut {
    pub(super) xy: Vec<f32>,
    pub(super) sample: usize,
    pub(super) quality: Option<MapQuality>,
}

impl LaidOut {
    /// The map, with how much of each song's neighbourhood among `analysis`'s points it keeps.
    pub(super) fn measured(xy: Vec<f32>, sample: usize, analysis: &Analysis) -> LaidOut {
        let quality = map_quality(&analysis.points, analysis.point_dim, &xy);
        LaidOut { xy, sample, quality }
    }
}

impl State {
    pub(super) fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Makes the pending results numbered `id` the last run; anything else is ignored (an
    /// acknowledgement of results already replaced). `true` when the run changed.
    /// The pending change `id` is only a map of the run shown: its songs and clusters stay.
    pub(super) fn pending_is_map(&self, id: u64) -> bool {
        self.pending.as_ref().is_some_and(|p| p.id == id && matches!(p.change, Change::Map(..)))
    }

    pub(super) fn commit(&mut self, id: u64) -> bool {
        let Some(pending) = self.pending.take_if(|p| p.id == id) else { return false };
        let change = match pending.change {
            Change::Run(run) => {
                (self.last, self.last_id) = (Some(*run), id);
                return true;
            }
            other => other,
        };
        let Some(last) = self.last.as_mut() else { return false };
        match change {
            Change::Analysis { analysis, params, keep_tsne } => {
                self.last_id = id;
                // New clusters: names given to the old ones no longer fit.
                last.names = automatic_names(&analysis);
                last.analysis = *analysis;
                last.params = params;
                last.lookups = RefCell::default();
                if !keep_tsne {
                    (last.tsne, last.umap) = (None, None);
                }
            }
            Change::Map(projection, map) => last.set_laid_out(projection, map),
            Change::Run(_) => {}
        }
        true
    }
}

/// The last finished run: what export, choosing k and re-clustering work on.
pub(super) struct LastRun {
    pub(super) mapping: ColumnMapping,
    pub(super) params: ValidParams,
    pub(super) prepared: Prepared,
    pub(super) analysis: Analysis,
    pub(super) history: Vec<EpochLoss>,
    pub(super) timings: Timings,
    /// Titles and artists of the run's rows, folded for search.
    pub(super) search: SearchIndex,
    /// The model, kept so it can be downloaded.
    pub(super) trained: Trained,
    /// The model file applied, when the run came from one rather than from training.
    pub(super) model_file: Option<String>,
    /// Each cluster's name as the page shows it and every export writes it: saved in a model
    /// file, automatic, or the person's (`Request::NameCluster`).
    pub(super) names: Vec<String>,
    /// The t-SNE and UMAP maps, once computed.
    pub(super) tsne: Option<LaidOut>,
    pub(super) umap: Option<LaidOut>,
    /// Kept for similar songs; reset whenever `analysis` changes.
    pub(super) lookups: RefCell<Lookups>,
}

impl LastRun {
    /// The one way a run is made (training, a model file, a restore), so that its search index
    /// is always that of its own rows. History, timings and the model file's name start empty,
    /// the names automatic; each maker sets those it has.
    pub(super) fn new(
        table: &Table,
        mapping: ColumnMapping,
        params: ValidParams,
        prepared: Prepared,
        analysis: Analysis,
        trained: Trained,
    ) -> LastRun {
        let search = SearchIndex::of_rows(table, mapping.title, mapping.artist, &prepared.features.rows);
        let names = automatic_names(&analysis);
        LastRun {
            mapping,
            params,
            prepared,
            analysis,
            history: Vec::new(),
            timings: Timings::default(),
            search,
            trained,
            model_file: None,
            names,
            tsne: None,
            umap: None,
            lookups: RefCell::default(),
        }
    }

    /// Keeps `map` as the run's t-SNE or UMAP map (the one place that says which slot is whose).
    pub(super) fn set_laid_out(&mut self, projection: Projection, map: LaidOut) {
        match projection {
            Projection::Umap => self.umap = Some(map),
            Projection::Tsne => self.tsne = Some(map),
            Projection::Pca | Projection::FirstTwo => {}
        }
    }

    /// The 2D map for `projection`, if it has been computed.
    pub(super) fn map(&self, projection: Projection) -> Option<&[f32]> {
        match projection {
            Projection::Tsne => self.tsne.as_ref().map(|t| &t.xy[..]),
            Projection::Umap => self.umap.as_ref().map(|t| &t.xy[..]),
            other => self.analysis.map(other),
        }
    }

    /// Names saved for this run's clusters (in a model file, a snapshot), when they fit them;
    /// the automatic names otherwise.
    pub(super) fn with_names(self, saved: &[String]) -> LastRun {
        match saved.len() == self.params.k {
            true => LastRun { names: saved.to_vec(), ..self },
            false => self,
        }
    }

    /// Everything the page draws for this run, numbered `run_id`: a new run, with its t-SNE and
    /// UMAP maps when it has them already (a resumed run).
    pub(super) fn results(&self, run_id: u64) -> Outcome<RunResults> {
        let mut results = self.results_with(run_id, &self.analysis, &self.params, &self.names, false)?;
        if let Some(t) = &self.tsne {
            (results.tsne, results.tsne_sample, results.tsne_quality) = (t.xy.clone(), Some(t.sample), t.quality);
        }
        if let Some(u) = &self.umap {
            (results.umap, results.umap_sample, results.umap_quality) = (u.xy.clone(), Some(u.sample), u.quality);
        }
        Ok(results)
    }

    /// What this run's snapshot is: what a restarted worker or a resumed session is given back.
    pub(super) fn snapshot(&self) -> Outcome<RunSnapshot> {
        let p = &self.prepared;
        let (a, history) = (&self.analysis, &self.history);
        Ok(RunSnapshot::of(
            &self.mapping,
            &self.params,
            p,
            &self.trained,
            a,
            history,
            self.model_file.clone(),
            &self.names,
        )?)
    }

    /// The results this run would have with `analysis`, `params` and `names` in place of its
    /// own; `same_points` when only the clusters changed.
    pub(super) fn results_with(
        &self,
        run_id: u64,
        a: &Analysis,
        params: &ValidParams,
        names: &[String],
        same_points: bool,
    ) -> Outcome<RunResults> {
        let p = &self.prepared;
        let snapshot =
            RunSnapshot::of(&self.mapping, params, p, &self.trained, a, &self.history, self.model_file.clone(), names)?;
        Ok(RunResults {
            run_id,
            snapshot,
            features: p.features.features.iter().map(|f| f.name().to_string()).collect(),
            rows: p.features.n_rows(),
            history: self.history.clone(),
            recon_mse: a.recon_mse,
            k: params.k,
            inertia: a.clustering.inertia,
            clusters: a.summaries.clone(),
            labels: a.clustering.labels.iter().map(|&l| l as u16).collect(),
            pca: a.pca.clone(),
            first_two: a.first_two.clone(),
            latent_size: a.latent,
            timings: self.timings.clone(),
            names: a.names.clone(),
            representation: a.representation,
            model_file: self.model_file.clone(),
            cluster_names: names.to_vec(),
            same_points,
            tsne: Vec::new(),
            tsne_sample: None,
            resumed: false,
            map_quality: a.map_quality.clone(),
            tsne_quality: None,
            umap: Vec::new(),
            umap_sample: None,
            umap_quality: None,
        })
    }
}

/// The names of the genre–emotion table closest to each cluster.
pub(super) fn automatic_names(a: &Analysis) -> Vec<String> {
    a.names.iter().map(|n| n.name.clone()).collect()
}

/// The id of the committed run.
pub(super) fn last_id() -> u64 {
    STATE.with(|s| s.borrow().last_id)
}
