//! The page's state as the views see it: one signal holding the `page::Page`, read through
//! memos that change only when their part does, and `dispatch` to change it. The rules are in
//! `crate::page` (tested natively); this file only wires them to Leptos and the bridge.

use std::rc::Rc;

use leptos::prelude::*;
use web_sys::File;

use super::song_names::SongNames;
use crate::mapview::colours::{Colouring, Palette, Scale};
use crate::page::link::{LinkedZoom, MapZoom};
use crate::page::{Action, Comparison, Effect, KChoice, Kept, LaidOutMap, Page, PlaylistEntry, Shared, Tab};
use crate::pipeline::analysis::umap::UmapOptions;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::model::train::EpochLoss;
use crate::pipeline::params::{Projection, TrainParams};
use crate::protocol::{
    DatasetInfo, MappingCheck, Progress, Recommendation, RunResults, SetRecommendation, SongRef, Task, TaskProgress,
};

/// How effects leave the page: the bridge sends requests (with a `File` for loads and model
/// files) and offers downloads. Set once the bridge exists.
pub type Sender = Rc<dyn Fn(Effect, Option<File>)>;

#[derive(Clone, Copy)]
pub struct AppState {
    page: RwSignal<Page>,
    sender: StoredValue<Option<Sender>, LocalStorage>,
    /// The last run's song names, for the map's pointer (JS arrays, so kept on this thread and
    /// out of the page's plain state).
    pub song_names: RwSignal<Option<SongNames>, LocalStorage>,
    pub idle: Memo<bool>,
    /// A file or the demo may be chosen (also while the worker starts: `Page::can_load`).
    pub can_load: Memo<bool>,
    pub status: Memo<String>,
    pub error: Memo<Option<(String, String)>>,
    pub dataset: Memo<Option<Shared<DatasetInfo>>>,
    pub mapping: Memo<ColumnMapping>,
    pub check: Memo<Option<MappingCheck>>,
    pub params: Memo<TrainParams>,
    pub unreadable: Memo<Option<&'static str>>,
    pub model_warning: Memo<Option<(String, String)>>,
    pub results: Memo<Option<Shared<RunResults>>>,
    pub history: Memo<Vec<EpochLoss>>,
    pub progress: Memo<Option<Progress>>,
    pub cluster_names: Memo<Vec<String>>,
    /// The t-SNE or UMAP map of the projection shown, once it has arrived.
    pub laid_out: Memo<Option<Shared<LaidOutMap>>>,
    /// The perplexity the next t-SNE map is made with.
    pub perplexity: Memo<f32>,
    /// What the next UMAP map is made with.
    pub umap_options: Memo<UmapOptions>,
    pub k_scores: Memo<Option<Shared<KChoice>>>,
    pub comparison: Memo<Option<Shared<Comparison>>>,
    pub projection: Memo<Projection>,
    pub palette: Memo<Palette>,
    pub scale: Memo<Scale>,
    pub colouring: Memo<Option<Shared<Colouring>>>,
    pub map_draw_ms: Memo<Option<f64>>,
    pub colour_column: Memo<Option<usize>>,
    /// The cluster shown in focus on the map (looked at, else chosen), and the one chosen.
    pub focus: Memo<Option<usize>>,
    pub chosen_focus: Memo<Option<usize>>,
    pub picked: Memo<Option<Shared<Vec<usize>>>>,
    pub described: Memo<Option<Shared<crate::protocol::Distinctive>>>,
    pub tab: Memo<Tab>,
    /// Results are shown (the workspace), and whether the setup steps are on screen.
    pub exploring: Memo<bool>,
    pub setup_shown: Memo<bool>,
    pub search_query: Memo<String>,
    pub search_hits: Memo<Vec<SongRef>>,
    pub recommendation: Memo<Option<Shared<Recommendation>>>,
    pub neighbours: Memo<usize>,
    pub chosen_cluster: Memo<usize>,
    pub playlist: Memo<Vec<PlaylistEntry>>,
    pub playlist_note: Memo<Option<String>>,
    pub more_like_these: Memo<Option<Shared<SetRecommendation>>>,
    /// The person's own playlist file on the catalogue's map.
    pub mine: Memo<Option<crate::page::Mine>>,
    pub second: Memo<Option<crate::page::Mine>>,
    pub mine_more: Memo<Option<Shared<crate::protocol::MineRecommendation>>>,
    pub flow: Memo<Option<Shared<crate::protocol::FlowOrdered>>>,
    pub mine_flow: Memo<Option<Shared<crate::protocol::FlowOrdered>>>,
    /// The running task, if any, and the progress of one other than training.
    pub running: Memo<Option<crate::page::Running>>,
    pub task_progress: Memo<Option<TaskProgress>>,
    /// The session kept in this browser.
    pub kept: Memo<Kept>,
    /// A link's zoom waiting for its map, and why a link was not (fully) applied.
    pub zoom_to: Memo<Option<LinkedZoom>>,
    pub link_note: Memo<Option<String>>,
    /// The map's zoom and centre as the person left them (`None`: the whole map). The map writes
    /// it at pointer speed, so it is a signal of its own rather than part of the page's state.
    pub map_zoom: RwSignal<Option<MapZoom>>,
}

impl AppState {
    pub fn new() -> Self {
        let page = RwSignal::new(Page::new());
        // A view of one part of the page, notifying only when that part changes.
        fn part<T: PartialEq + Send + Sync + 'static>(
            page: RwSignal<Page>,
            f: impl Fn(&Page) -> T + Send + Sync + 'static,
        ) -> Memo<T> {
            Memo::new(move |_| page.with(&f))
        }
        AppState {
            page,
            sender: StoredValue::new_local(None),
            song_names: RwSignal::new_local(None),
            idle: part(page, Page::idle),
            can_load: part(page, Page::can_load),
            status: part(page, |p| p.notice.status.clone()),
            error: part(page, |p| p.notice.error.clone()),
            dataset: part(page, |p| p.dataset.info.clone()),
            mapping: part(page, |p| p.dataset.mapping.clone()),
            check: part(page, |p| p.dataset.check.clone()),
            params: part(page, |p| p.settings.params.clone()),
            unreadable: part(page, |p| p.settings.unreadable),
            model_warning: part(page, |p| p.dataset.model_warning.clone()),
            results: part(page, |p| p.run.results.clone()),
            history: part(page, |p| p.run.history.clone()),
            progress: part(page, |p| p.run.progress),
            cluster_names: part(page, |p| p.run.cluster_names.clone()),
            laid_out: part(page, |p| p.run.laid_out(p.view.projection).cloned()),
            perplexity: part(page, |p| p.view.perplexity()),
            umap_options: part(page, |p| p.view.umap),
            k_scores: part(page, |p| p.run.k_scores.clone()),
            comparison: part(page, |p| p.run.comparison.clone()),
            projection: part(page, |p| p.view.projection),
            palette: part(page, |p| p.view.palette),
            scale: part(page, |p| p.view.scale),
            colouring: part(page, |p| p.view.colouring.clone()),
            map_draw_ms: part(page, |p| p.view.map_draw_ms),
            colour_column: part(page, |p| p.view.colour_column),
            focus: part(page, Page::shown_focus),
            chosen_focus: part(page, |p| p.view.focus),
            picked: part(page, |p| p.selection.picked.clone()),
            described: part(page, |p| p.selection.described.clone()),
            tab: part(page, |p| p.view.tab),
            exploring: part(page, Page::exploring),
            setup_shown: part(page, Page::setup_shown),
            search_query: part(page, |p| p.selection.query.clone()),
            search_hits: part(page, |p| p.selection.hits.clone()),
            recommendation: part(page, |p| p.selection.recommendation.clone()),
            neighbours: part(page, |p| p.selection.neighbours),
            chosen_cluster: part(page, |p| p.selection.cluster),
            playlist: part(page, |p| p.playlist.songs.clone()),
            playlist_note: part(page, |p| p.playlist.note.clone()),
            more_like_these: part(page, |p| p.playlist.more_like_these.clone()),
            mine: part(page, |p| p.playlist.mine.clone()),
            second: part(page, |p| p.playlist.second.clone()),
            mine_more: part(page, |p| p.playlist.mine_more.clone()),
            flow: part(page, |p| p.playlist.flow.clone()),
            mine_flow: part(page, |p| p.playlist.mine_flow.clone()),
            running: part(page, |p| p.tasks.running.clone()),
            task_progress: part(page, |p| p.tasks.progress.clone()),
            kept: part(page, |p| p.kept.clone()),
            zoom_to: part(page, |p| p.view.zoom_to),
            link_note: part(page, |p| p.view.link_note.clone()),
            map_zoom: RwSignal::new(None),
        }
    }

    /// `task` is under way (tracked: for the Cancel buttons and what a task disables).
    pub fn runs(&self, task: Task) -> bool {
        self.running.with(|r| r.as_ref().is_some_and(|r| r.task == task))
    }

    /// Where effects go from now on.
    pub fn connect(&self, sender: Sender) {
        self.sender.set_value(Some(sender));
    }

    /// Applies `action` and carries out its effects.
    pub fn dispatch(&self, action: Action) {
        self.dispatch_with(action, None);
    }

    /// `dispatch` for a load or a model file: `file` goes with the request it makes.
    pub fn dispatch_with(&self, action: Action, file: Option<File>) {
        let effects = self.reduce(action);
        let Some(sender) = self.sender.get_value() else { return };
        let mut file = file;
        for effect in effects {
            sender(effect, file.take());
        }
    }

    /// Applies `action` and returns its effects for the caller to carry out (the bridge, which
    /// holds what a download needs).
    pub fn reduce(&self, action: Action) -> Vec<Effect> {
        let mut effects = Vec::new();
        let changes_page = !action.only_requests();
        // One write path, then the notice: with two `update` calls the reducer was built in twice
        // (the page's wasm 35 KB larger).
        self.page.update_untracked(|p| effects = p.reduce(action));
        if changes_page {
            self.page.notify();
        }
        effects
    }

    /// Reads the page without tracking (for the bridge and event handlers).
    pub fn read<T>(&self, f: impl FnOnce(&Page) -> T) -> T {
        self.page.with_untracked(f)
    }

    /// Reads the page and tracks it (for views that depend on several parts, such as the map).
    pub fn with<T>(&self, f: impl FnOnce(&Page) -> T) -> T {
        self.page.with(f)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
