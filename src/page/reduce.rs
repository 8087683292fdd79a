//! The page's rules: each action changes the state and says what to send or download.

use super::action::{Action, Effect, MERGED, NOT_SAVED};
use super::{Comparison, KChoice, LaidOutMap, Page, PlaylistEntry, Running, Shared, Tab, SELECTION_MAX};
use crate::mapview::lasso::combine;
use crate::pipeline::analysis::tsne::clamp_perplexity;
use crate::pipeline::explore::recommend::MAX_NEIGHBOURS;
use crate::pipeline::params::{Projection, TrainParams};
use crate::protocol::{DatasetInfo, Event, PickFor, Request, RunResults, SongRef, Task, TaskProgress, CRASH_STAGE};

/// Effects of one action, in order.
type Effects = Vec<Effect>;

impl Page {
    /// Applies `action` and returns what to do outside the state.
    pub fn reduce(&mut self, action: Action) -> Effects {
        match action {
            Action::Worker(event) => self.on_event(event),
            other => self.on_action(other),
        }
    }

    fn on_action(&mut self, action: Action) -> Effects {
        match action {
            Action::Worker(event) => self.on_event(event),
            Action::WorkerRefused(message) => {
                self.worker_lost = true;
                self.notice.error = Some(("Starting the background worker".into(), message));
                vec![]
            }
            Action::WorkerCrashed { text, restoring } => {
                self.tasks.running = None;
                self.notice.error = Some((CRASH_STAGE.into(), text));
                if restoring {
                    // Nothing else starts until the new worker holds what the page shows.
                    self.tasks.running = Some(Running { task: Task::Restoring, step: RESTORING_STEP.into() });
                }
                vec![]
            }
            Action::WorkerGaveUp(text) => {
                (self.tasks.running, self.ready, self.worker_lost) = (None, false, true);
                self.notice.error = Some((CRASH_STAGE.into(), text));
                vec![]
            }
            Action::RestoringRun => {
                self.notice.status = "Restoring the results in the restarted worker…".into();
                vec![]
            }
            Action::WorkerRecovered(text) => {
                self.notice.error = Some((CRASH_STAGE.into(), text));
                self.tasks.running = None;
                self.notice.status = "The background worker was restarted; nothing was lost.".into();
                vec![]
            }
            Action::DownloadMissing(file) => {
                self.notice.error = Some(("Downloading".into(), format!("{file} arrived without its contents.")));
                vec![]
            }
            other => self.on_person(other),
        }
    }

    /// What the person did.
    fn on_person(&mut self, action: Action) -> Effects {
        match action {
            Action::LoadFile { name } => {
                self.wait_for_worker(&name);
                vec![Effect::Send(Request::LoadFile { name, options: self.check_options() })]
            }
            Action::LoadDemo => {
                self.wait_for_worker("the demo dataset");
                let (rows, seed) = (DEMO_ROWS, DEMO_SEED);
                vec![Effect::Send(Request::LoadDemo { rows, seed, options: self.check_options() })]
            }
            Action::DroppedWhileBusy => {
                self.notice.status =
                    "Wait for the current step to finish (or cancel it), then drop the file again.".into();
                vec![]
            }
            Action::MapColumn { slot, column } => {
                self.dataset.mapping.set(slot, column);
                self.recheck()
            }
            Action::SetMissingPolicy(policy) => {
                self.settings.params.missing = policy;
                self.recheck()
            }
            Action::EditSettings { params, unreadable } => self.edit_settings(params, unreadable),
            Action::ResetSettings => self.edit_settings(TrainParams::default(), None),
            Action::Resume => self.resume(),
            Action::Forget => self.forget(),
            Action::KeepHere => vec![Effect::Send(Request::KeepHere)],
            Action::OpenedWithLink(link) => {
                self.view.link = Some(link);
                vec![]
            }
            Action::ZoomApplied => {
                self.view.zoom_to = None;
                vec![]
            }
            other => self.on_task_action(other),
        }
    }

    fn on_task_action(&mut self, action: Action) -> Effects {
        let send = |r: Request| vec![Effect::Send(r)];
        match action {
            Action::Train => self.train(),
            Action::Cancel => send(Request::Cancel),
            Action::ChooseK { from, to } => send(Request::ChooseK { from, to }),
            Action::Recluster { k } => {
                self.settings.params.k = k;
                send(Request::Recluster { k })
            }
            Action::Compare => send(Request::Compare),
            Action::UseRepresentation(representation) => send(Request::UseRepresentation { representation }),
            Action::ApplyModel { name, force } => {
                self.dataset.model_warning = None;
                send(Request::ApplyModel { name, force })
            }
            Action::DismissModelWarning => {
                self.dataset.model_warning = None;
                vec![]
            }
            Action::Export => send(Request::Export { projection: self.view.projection }),
            Action::DownloadModel => send(Request::DownloadModel),
            Action::ExportPlaylist => {
                send(Request::ExportPlaylist { table_rows: self.playlist_rows(), selection: false })
            }
            Action::ExportForSpotify => {
                send(Request::ExportForSpotify { table_rows: self.playlist_rows(), more_like: false })
            }
            other => self.on_explore(other),
        }
    }

    fn on_explore(&mut self, action: Action) -> Effects {
        match action {
            Action::Search(query) => self.search(query),
            Action::ChooseSong(row) => {
                // Wherever it was chosen, the song and its neighbours show beside the map.
                (self.selection.song, self.view.tab) = (Some(row), Tab::Song);
                self.ask_similar()
            }
            Action::SetNeighbours(n) => {
                self.selection.neighbours = n.clamp(1, MAX_NEIGHBOURS);
                self.ask_similar()
            }
            Action::SetRule(rule) => {
                self.selection.rule = rule;
                self.ask_similar()
            }
            Action::ChooseCluster(i) => {
                (self.selection.cluster, self.view.focus) = (i, Some(i));
                vec![]
            }
            Action::ShowAllClusters => {
                (self.view.focus, self.view.preview) = (None, None);
                vec![]
            }
            Action::PreviewCluster(c) => {
                self.view.preview = c;
                vec![]
            }
            Action::RenameCluster { cluster, name } => self.rename(cluster, name),
            other => self.on_map(other),
        }
    }

    fn on_map(&mut self, action: Action) -> Effects {
        match action {
            Action::ShowTab(tab) => {
                self.view.tab = tab;
                vec![]
            }
            Action::OpenSetup | Action::CloseSetup => {
                self.view.setup_open = matches!(action, Action::OpenSetup);
                vec![]
            }
            Action::SetProjection(p) => {
                self.view.projection = p;
                match self.run.lacks(p) {
                    true => self.view.map_request(p).map(Effect::Send).into_iter().collect(),
                    false => vec![],
                }
            }
            Action::SetPerplexity(p) => {
                let p = clamp_perplexity(p);
                if p == self.view.perplexity() {
                    return vec![];
                }
                self.view.tsne_perplexity = Some(p);
                self.run.tsne = None;
                if self.view.projection == Projection::Tsne && self.run.results.is_some() {
                    return vec![Effect::Send(Request::Tsne { perplexity: p })];
                }
                vec![]
            }
            Action::SetUmap(options) => {
                let options = options.clamped();
                if options == self.view.umap {
                    return vec![];
                }
                (self.view.umap, self.run.umap) = (options, None);
                if self.view.projection == Projection::Umap && self.run.results.is_some() {
                    return vec![Effect::Send(Request::Umap { options })];
                }
                vec![]
            }
            Action::ColourBy(Some(column)) => {
                self.view.colour_column = Some(column);
                vec![Effect::Send(Request::ColourBy { column })]
            }
            Action::ColourBy(None) => {
                (self.view.colouring, self.view.colour_column) = (None, None);
                vec![]
            }
            Action::SetPalette(palette) => {
                self.view.palette = palette;
                vec![]
            }
            Action::SetScale(scale) => {
                self.view.scale = scale;
                vec![]
            }
            Action::MapDrawn { ms } => {
                self.view.map_draw_ms = Some(ms);
                vec![]
            }
            Action::Describe(row) => vec![Effect::Send(Request::Describe { row })],
            Action::PickRows(rows) if rows.is_empty() => {
                self.notice.status = "No song inside that rectangle.".into();
                vec![]
            }
            Action::PickRows(rows) => vec![Effect::Send(Request::Pick { rows, purpose: PickFor::Playlist })],
            other => self.on_selection(other),
        }
    }

    fn on_selection(&mut self, action: Action) -> Effects {
        match action {
            Action::Select { rows, how } => {
                let before = self.selection.picked.as_ref().map_or(&[][..], |p| &p[..]);
                self.set_picked(combine(before, &rows, how));
                vec![]
            }
            Action::SelectCluster(c) => {
                let rows = self.run.results.as_ref().map(|r| {
                    r.labels.iter().enumerate().filter(|&(_, &l)| usize::from(l) == c).map(|(i, _)| i).collect()
                });
                self.set_picked(rows.unwrap_or_default());
                vec![]
            }
            Action::ClearSelection => {
                self.selection.picked = None;
                vec![]
            }
            Action::UseSelection(purpose) => {
                let Some(picked) = &self.selection.picked else { return vec![] };
                let rows: Vec<usize> = picked.iter().take(SELECTION_MAX).copied().collect();
                if picked.len() > SELECTION_MAX {
                    self.notice.status =
                        format!("The selection has {} songs; the first {SELECTION_MAX} by row are used.", picked.len());
                }
                vec![Effect::Send(Request::Pick { rows, purpose })]
            }
            other => self.on_playlist(other),
        }
    }

    fn on_playlist(&mut self, action: Action) -> Effects {
        let songs = &mut self.playlist.songs;
        match action {
            Action::AddSong(song) => {
                add_new(songs, std::slice::from_ref(&song));
                self.notice.status = format!("{} is in the playlist.", song.title);
            }
            Action::AddPlaylistFile { name, second } => {
                return vec![Effect::Send(Request::AddPlaylistFile { name, second })]
            }
            Action::MoveSong { from, to } if from < songs.len() && to < songs.len() => songs.swap(from, to),
            Action::RemoveSong(i) if i < songs.len() => drop(songs.remove(i)),
            Action::ClearPlaylist => songs.clear(),
            Action::ShowMine(_)
            | Action::MoreLikeMine { .. }
            | Action::OrderForFlow { .. }
            | Action::ApplyFlow
            | Action::ExportMineFlow
            | Action::ExportMoreLikeMine => return self.on_mine(action),
            Action::MoreLikeThese => {
                let request = Request::MoreLikeThese {
                    table_rows: self.playlist_rows(),
                    n: MORE_LIKE_THESE,
                    rule: self.selection.rule,
                };
                return vec![Effect::Send(request)];
            }
            Action::PlaylistStored(stored) => *songs = stored,
            Action::PlaylistMerged(merged) => {
                *songs = merged;
                self.playlist.note = Some(MERGED.to_string());
            }
            Action::PlaylistSaved(true) if self.playlist.note.as_deref() == Some(NOT_SAVED) => {
                self.playlist.note = None
            }
            Action::PlaylistSaved(false) => self.playlist.note = Some(NOT_SAVED.to_string()),
            Action::DismissError => self.notice.error = None,
            // A move or removal of a song no longer there (a click on a stale row) does nothing.
            _ => {}
        }
        vec![]
    }

    fn edit_settings(&mut self, params: TrainParams, unreadable: Option<&'static str>) -> Effects {
        let before = self.check_options();
        (self.settings.params, self.settings.unreadable) = (params, unreadable);
        match self.check_options() != before {
            true => self.recheck(),
            false => vec![],
        }
    }

    /// Re-checks the current mapping (after a change of mapping, missing-value policy or k).
    fn recheck(&self) -> Effects {
        if self.dataset.info.is_none() {
            return vec![];
        }
        vec![Effect::Send(Request::Check { mapping: self.dataset.mapping.clone(), options: self.check_options() })]
    }

    fn train(&mut self) -> Effects {
        if !self.can_train() {
            return vec![];
        }
        // Busy from the press on, so nothing else starts before the worker says "Training".
        self.tasks.running = Some(Running { task: Task::Training, step: Task::Training.label().into() });
        self.run.history.clear();
        (self.run.k_scores, self.run.progress, self.notice.error) = (None, None, None);
        let request = Request::Train { mapping: self.dataset.mapping.clone(), params: self.settings.params.clone() };
        vec![Effect::Send(request)]
    }

    fn search(&mut self, query: String) -> Effects {
        self.selection.query = query.clone();
        if query.trim().is_empty() {
            self.selection.hits.clear();
            return vec![];
        }
        vec![Effect::Send(Request::Search { query })]
    }

    /// Asks for the songs like the chosen one, with the current count and closeness.
    fn ask_similar(&self) -> Effects {
        let Some(row) = self.selection.song else { return vec![] };
        let (n, rule) = (self.selection.neighbours, self.selection.rule);
        vec![Effect::Send(Request::Recommend { row, n, rule })]
    }

    /// An empty name brings the automatic one back.
    fn rename(&mut self, cluster: usize, name: String) -> Effects {
        let Some(slot) = self.run.cluster_names.get_mut(cluster) else { return vec![] };
        let automatic = self.run.results.as_ref().and_then(|r| r.names.get(cluster).map(|n| n.name.clone()));
        let name = name.trim();
        *slot = match name.is_empty() {
            true => automatic.unwrap_or_else(|| format!("Cluster {cluster}")),
            false => name.to_string(),
        };
        vec![Effect::Send(Request::NameCluster { cluster, name: slot.clone() })]
    }

    /// The selection is `rows`, or nothing when they are none.
    fn set_picked(&mut self, rows: Vec<usize>) {
        self.selection.picked = (!rows.is_empty()).then(|| Shared::new(rows));
    }

    pub(super) fn playlist_rows(&self) -> Vec<usize> {
        self.playlist.songs.iter().map(|e| e.table_row).collect()
    }

    /// A load asked for before the worker is up: the page says so and takes no second one (the
    /// bridge sends the request when the worker is ready; its first stage replaces this line).
    fn wait_for_worker(&mut self, what: &str) {
        if !self.ready {
            let step = format!("Starting the background worker; {what} is read as soon as it is up");
            self.notice.status = format!("{step}…");
            self.tasks.running = Some(Running { task: Task::Reading, step });
        }
    }

    /// What the worker said.
    fn on_event(&mut self, event: Event) -> Effects {
        match event {
            Event::Ready => {
                self.ready = true;
                // A file chosen while the worker started is being read now: its line stays.
                if self.tasks.running.is_none() {
                    self.notice.status = "Ready. Choose a CSV file or try the demo dataset.".into();
                }
            }
            Event::Stage { task, step } => {
                self.notice.status = format!("{step}…");
                self.tasks.running = Some(Running { task, step });
            }
            Event::Progress(TaskProgress::Training(p)) => self.run.progress = Some(p),
            Event::Progress(other) => self.tasks.progress = Some(other),
            Event::Loaded(info) => self.on_loaded(*info),
            Event::Checked(check) => {
                // An answer about a mapping changed since is dropped.
                if self.dataset.mapping == check.mapping {
                    self.dataset.check = Some(*check);
                }
            }
            Event::Epoch(loss) => self.on_epoch(loss),
            Event::Keeping(keeping) => return self.on_keeping(keeping),
            Event::Located { song } => return self.located(song),
            Event::Finished(results) => return self.on_finished(*results),
            Event::MapReady { id, projection, xy, sample, quality } => {
                self.run.set_laid_out(projection, Some(Shared::new(LaidOutMap { xy, sample, quality })));
                let name = projection.label();
                let rows = xy_rows(&self.run);
                self.end_task(match sample < rows {
                    true => format!(
                        "{name} map ready: {sample} songs laid out by {name}, the others placed among their 5 nearest."
                    ),
                    false => format!("{name} map ready: all {sample} songs laid out by {name}."),
                });
                // Only now, with the map on screen, does it become part of the worker's run.
                return vec![Effect::Send(Request::Commit { id })];
            }
            other => return self.on_answer(other),
        }
        vec![]
    }

    /// Answers to a person's request, and the ends of tasks.
    fn on_answer(&mut self, event: Event) -> Effects {
        match event {
            Event::Cancelled { task } => {
                self.end_task(format!("{} cancelled. The loaded data and any earlier results are kept.", task.label()))
            }
            Event::Failed { stage, message, .. } => {
                // The alert panel reads the message; the status line only points to it.
                self.end_task(format!("{stage} failed; the message is shown below the status line."));
                self.notice.error = Some((stage, message));
            }
            Event::KScores { scores, suggested, sample } => {
                let message = match suggested {
                    Some(k) => {
                        format!("Compared {} values of k; suggested k = {k} (highest silhouette).", scores.len())
                    }
                    None => "Compared k; no value could be scored.".to_string(),
                };
                self.run.k_scores = Some(Shared::new(KChoice { scores, suggested, sample }));
                self.end_task(message);
            }
            Event::Compared { scores, label, more_labels } => {
                self.end_task("Compared the three representations.".into());
                self.run.comparison = Some(Shared::new(Comparison { scores, label, more_labels }));
            }
            Event::ModelWarning { name, message } => {
                self.end_task(format!("{name} was not applied yet: its values look like other units. The warning is shown under “Model file”."));
                self.dataset.model_warning = Some((name, message));
            }
            Event::Exported { file } | Event::ModelSaved { file } => {
                self.end_task(format!("{file} is downloading."));
                return vec![Effect::Download(file)];
            }
            other => return self.on_songs(other),
        }
        vec![]
    }

    fn on_songs(&mut self, event: Event) -> Effects {
        match event {
            // An answer to an older query (the person kept typing) is dropped.
            Event::SearchResults { query, hits } if self.selection.query == query => self.selection.hits = hits,
            Event::Recommended(r) => {
                self.notice.status = format!("{} songs similar to {}.", r.similar.len(), r.song.title);
                self.selection.recommendation = Some(Shared::new(*r));
            }
            Event::SetRecommended(r) => {
                self.notice.status = format!("{} songs like the playlist's {} songs.", r.similar.len(), r.seeds);
                self.playlist.more_like_these = Some(Shared::new(*r));
            }
            Event::PlaylistFound(_)
            | Event::MineRecommended(_)
            | Event::FlowOrdered(_)
            | Event::SpotifyExported { .. } => return self.on_mine_event(event),
            Event::Picked { songs, purpose: PickFor::Playlist } => {
                let added = add_new(&mut self.playlist.songs, &songs);
                self.notice.status = format!("{added} songs added to the playlist from the map.");
            }
            Event::Picked { songs, purpose } => {
                let table_rows = songs.iter().map(|s| s.table_row).collect();
                let request = match purpose {
                    PickFor::Csv => Request::ExportPlaylist { table_rows, selection: true },
                    _ => {
                        // "More like these" shows under the playlist's tab.
                        self.view.tab = Tab::Playlist;
                        Request::MoreLikeThese { table_rows, n: MORE_LIKE_THESE, rule: self.selection.rule }
                    }
                };
                return vec![Effect::Send(request)];
            }
            Event::Coloured(c) => self.view.colouring = Some(Shared::new(*c)),
            Event::Described(d) => self.selection.described = Some(Shared::new(*d)),
            // `Restored` (the bridge handles it: the page already shows what was restored), and
            // search answers to older queries.
            _ => {}
        }
        vec![]
    }

    fn on_loaded(&mut self, info: DatasetInfo) {
        // A resumed session's run follows its file: the page stays busy until it has come.
        let run_follows = self.running(Task::Resuming) && self.kept.offer.as_ref().is_some_and(|o| o.k.is_some());
        self.kept_loaded();
        self.notice.status = format!(
            "Loaded {} songs from {}; {} of 12 features recognised.",
            info.rows,
            info.name,
            info.check.features.len()
        );
        self.dataset.mapping = info.mapping.clone();
        self.dataset.check = Some(info.check.clone());
        let info = Shared::new(info);
        let info_ref = info.clone();
        self.dataset.info = Some(info);
        // A model held back for another file must not be applied to this one.
        self.dataset.model_warning = None;
        self.run = super::Run::default();
        self.view.projection = Projection::Pca;
        self.forget_songs();
        // A personal playlist was placed on the old catalogue.
        (self.playlist.mine, self.playlist.mine_more, self.playlist.flow) = (None, None, None);
        self.playlist.second = None;
        self.tasks = super::Tasks::default();
        self.notice.error = None;
        (self.view.link_note, self.view.zoom_to) = (None, None);
        self.link_loaded(&info_ref);
        if run_follows {
            let step = "Restoring the kept results".to_string();
            self.notice.status = format!("{step}…");
            self.tasks.running = Some(Running { task: Task::Resuming, step });
        }
    }

    fn on_epoch(&mut self, loss: crate::pipeline::model::train::EpochLoss) {
        if let Some(p) = &mut self.run.progress {
            (p.epoch, p.batch) = (loss.epoch, p.batches);
        }
        let epochs = self.settings.params.epochs;
        let val = loss.val_loss.map(|v| format!(", validation loss {v:.4}")).unwrap_or_default();
        self.notice.status = format!("Epoch {} of {epochs}: training loss {:.4}{val}.", loss.epoch, loss.train_loss);
        self.run.history.push(loss);
    }

    /// A new run or new clusters: songs found and recommendations belong to the old one.
    fn forget_songs(&mut self) {
        self.selection.hits.clear();
        (self.selection.recommendation, self.selection.song) = (None, None);
        self.playlist.more_like_these = None;
        (self.view.colouring, self.view.colour_column) = (None, None);
        (self.selection.cluster, self.view.focus, self.selection.picked) = (0, None, None);
        self.view.preview = None;
        self.selection.described = None;
    }

    fn on_finished(&mut self, mut results: RunResults) -> Effects {
        self.forget_songs();
        let mut effects = Vec::new();
        if results.resumed {
            // The settings the kept run was made with, as if the person had set them again.
            self.settings.params = results.snapshot.params.clone();
            self.dataset.mapping = results.snapshot.mapping.clone();
            effects = self.recheck();
        }
        // New results: the map takes the page again.
        self.view.setup_open = false;
        self.dataset.model_warning = None;
        self.view.map_draw_ms = None;
        // The same songs' points clustered anew keep their t-SNE map; any other change loses it,
        // unless the run brings its own (a resumed session kept it).
        if !results.same_points {
            (self.run.tsne, self.run.umap) = (None, None);
        }
        if let Some(sample) = results.tsne_sample {
            let xy = std::mem::take(&mut results.tsne);
            self.run.tsne = Some(Shared::new(LaidOutMap { xy, sample, quality: results.tsne_quality }));
        }
        if let Some(sample) = results.umap_sample {
            let xy = std::mem::take(&mut results.umap);
            self.run.umap = Some(Shared::new(LaidOutMap { xy, sample, quality: results.umap_quality }));
        }
        if self.run.lacks(self.view.projection) {
            self.view.projection = Projection::Pca;
        }
        let message = format!(
            "Done: {} songs in {} clusters; reconstruction MSE {:.4}.",
            results.rows, results.k, results.recon_mse
        );
        self.run.cluster_names = results.cluster_names.clone();
        let id = results.run_id;
        self.run.results = Some(Shared::new(results));
        if let Some(p) = &mut self.run.progress {
            (p.epoch, p.batch) = (p.epochs, p.batches);
        }
        self.end_task(message);
        // Only now, with the results on screen, do they become the worker's last run.
        effects.insert(0, Effect::Send(Request::Commit { id }));
        effects.extend(self.apply_link());
        effects
    }

    /// The task under way stopped (finished, failed or cancelled): the page is free again.
    pub(super) fn end_task(&mut self, message: String) {
        self.tasks = super::Tasks::default();
        // t-SNE or UMAP stopped before its map arrived: back to a map that exists.
        if self.run.lacks(self.view.projection) {
            self.view.projection = Projection::Pca;
        }
        self.notice.status = message;
    }
}

/// Songs in the run shown (0 without one).
fn xy_rows(run: &super::Run) -> usize {
    run.results.as_ref().map_or(0, |r| r.rows)
}

/// Rows in the built-in demo dataset, and the seed that makes them.
pub const DEMO_ROWS: usize = 3000;
const DEMO_SEED: u64 = 7;

/// Songs "More like these" asks for.
const MORE_LIKE_THESE: usize = 20;

/// The step shown while a restarted worker is given back the page's data.
pub const RESTORING_STEP: &str = "Restoring after the crash";

/// Adds the songs `list` does not have yet, in the order given; returns how many were added.
pub(super) fn add_new(list: &mut Vec<PlaylistEntry>, songs: &[SongRef]) -> usize {
    let before = list.len();
    for song in songs {
        if !list.iter().any(|e| e.table_row == song.table_row) {
            list.push(PlaylistEntry::from(song));
        }
    }
    list.len() - before
}
