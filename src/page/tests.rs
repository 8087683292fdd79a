//! The page's rules, action by action, without a browser.

use super::*;
use crate::mapview::lasso::Combine;
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::explore::recommend::Rule;
use crate::pipeline::input::check::CheckOptions;
use crate::pipeline::input::columns::{MissingPolicy, Slot};
use crate::pipeline::input::demo::demo_csv;
use crate::protocol::{Event, PickFor, Request, SimilarSong};

pub(super) fn send(request: Request) -> Vec<Effect> {
    vec![Effect::Send(request)]
}

/// A page with the worker up and the demo's 40 songs loaded.
pub(super) fn loaded() -> Page {
    let mut page = Page::new();
    page.reduce(Action::Worker(Event::Ready));
    let (_, info) =
        DatasetInfo::load("demo.csv", demo_csv(40, 7).as_bytes(), CheckOptions::from(&TrainParams::default())).unwrap();
    assert!(page.reduce(Action::Worker(Event::Loaded(Box::new(info)))).is_empty());
    page
}

fn results(run_id: u64, k: usize) -> RunResults {
    RunResults {
        run_id,
        rows: 3,
        k,
        pca: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        first_two: vec![9.0; 6],
        labels: vec![0, 1, 0],
        cluster_names: (0..k).map(|i| format!("Genre {i}")).collect(),
        ..RunResults::default()
    }
}

/// A page showing run 5 (k = 2).
pub(super) fn with_run() -> Page {
    let mut page = loaded();
    page.reduce(Action::Train);
    page.reduce(Action::Worker(Event::Finished(Box::new(results(5, 2)))));
    page
}

pub(super) fn song(row: usize, title: &str) -> SongRef {
    SongRef { row, table_row: row + 100, title: title.into(), artist: String::new(), cluster: 0, track_id: None }
}

pub(super) fn status(page: &Page) -> &str {
    &page.notice.status
}

#[test]
fn the_worker_saying_ready_makes_the_page_idle() {
    let mut page = Page::new();
    assert!(!page.idle());
    page.reduce(Action::Worker(Event::Ready));
    assert!(page.idle());
    assert_eq!(status(&page), "Ready. Choose a CSV file or try the demo dataset.");
}

#[test]
fn loading_sends_the_current_check_options() {
    let mut page = Page::new();
    page.reduce(Action::SetMissingPolicy(MissingPolicy::FillMedian));
    let options = CheckOptions { missing: MissingPolicy::FillMedian, k: 10 };
    assert_eq!(
        page.reduce(Action::LoadFile { name: "a.csv".into() }),
        send(Request::LoadFile { name: "a.csv".into(), options })
    );
    assert_eq!(page.reduce(Action::LoadDemo), send(Request::LoadDemo { rows: 3000, seed: 7, options }));
}

#[test]
fn a_loaded_file_replaces_everything_of_the_one_before() {
    let mut page = with_run();
    page.dataset.model_warning = Some(("m.json".into(), "units".into()));
    page.view.projection = Projection::FirstTwo;
    page.reduce(Action::ChooseSong(1));
    let (_, info) =
        DatasetInfo::load("b.csv", demo_csv(30, 1).as_bytes(), CheckOptions::from(&TrainParams::default())).unwrap();
    page.reduce(Action::Worker(Event::Loaded(Box::new(info.clone()))));
    assert_eq!(page.run, Run::default());
    assert_eq!(page.dataset.mapping, info.mapping);
    assert_eq!(page.dataset.check.as_ref(), Some(&info.check));
    assert_eq!((page.dataset.model_warning.clone(), page.view.projection), (None, Projection::Pca));
    assert_eq!(page.selection.song, None);
    assert!(status(&page).starts_with("Loaded 30 songs from b.csv"), "{}", status(&page));
}

#[test]
fn a_changed_mapping_is_checked_and_an_old_check_is_dropped() {
    let mut page = loaded();
    let before = page.dataset.check.clone().unwrap();
    let effects = page.reduce(Action::MapColumn { slot: Slot::Title, column: None });
    let options = page.check_options();
    assert_eq!(effects, send(Request::Check { mapping: page.dataset.mapping.clone(), options }));
    // The answer about the mapping as it was arrives late: it is not shown.
    let mut stale = before.clone();
    stale.usable_rows += 1;
    page.reduce(Action::Worker(Event::Checked(Box::new(stale))));
    assert_eq!(page.dataset.check, Some(before.clone()));
    let mut current = before;
    current.mapping = page.dataset.mapping.clone();
    page.reduce(Action::Worker(Event::Checked(Box::new(current.clone()))));
    assert_eq!(page.dataset.check, Some(current));
}

#[test]
fn settings_recheck_only_when_the_check_depends_on_them() {
    let mut page = loaded();
    let epochs = TrainParams { epochs: 3, ..TrainParams::default() };
    assert!(page.reduce(Action::EditSettings { params: epochs, unreadable: None }).is_empty());
    let k = TrainParams { epochs: 3, k: 4, ..TrainParams::default() };
    let effects = page.reduce(Action::EditSettings { params: k, unreadable: None });
    assert!(matches!(&effects[..], [Effect::Send(Request::Check { options, .. })] if options.k == 4));
    page.reduce(Action::EditSettings { params: page.settings.params.clone(), unreadable: Some("Epochs") });
    assert!(!page.can_train(), "an unreadable setting holds Train back");
    page.reduce(Action::ResetSettings);
    assert_eq!(page.settings, Settings::default());
    // Without a file there is nothing to check.
    let mut empty = Page::new();
    assert!(empty
        .reduce(Action::EditSettings { params: TrainParams { k: 3, ..TrainParams::default() }, unreadable: None })
        .is_empty());
}

#[test]
fn train_is_busy_from_the_press_and_clears_the_last_training() {
    let mut page = loaded();
    page.run.history.push(crate::pipeline::model::train::EpochLoss { epoch: 1, train_loss: 1.0, val_loss: None });
    page.notice.error = Some(("Training".into(), "old".into()));
    let effects = page.reduce(Action::Train);
    let request = Request::Train { mapping: page.dataset.mapping.clone(), params: page.settings.params.clone() };
    assert_eq!(effects, send(request));
    assert!(page.running(Task::Training) && !page.idle());
    assert!(page.run.history.is_empty() && page.notice.error.is_none());
    // A second press while it runs sends nothing.
    assert!(page.reduce(Action::Train).is_empty());
}

#[test]
fn train_waits_for_a_file_and_a_mapping_that_checks_out() {
    let mut page = Page::new();
    page.reduce(Action::Worker(Event::Ready));
    assert!(page.reduce(Action::Train).is_empty());
    let mut page = loaded();
    page.dataset.check.as_mut().unwrap().error = Some("Too few features".into());
    assert!(page.reduce(Action::Train).is_empty());
}

#[test]
fn training_progress_and_epochs_move_the_bar_and_the_status() {
    let mut page = loaded();
    page.reduce(Action::Train);
    let p = Progress { epoch: 1, epochs: 20, batch: 3, batches: 10 };
    page.reduce(Action::Worker(Event::Progress(TaskProgress::Training(p))));
    assert_eq!(page.run.progress, Some(p));
    let loss = crate::pipeline::model::train::EpochLoss { epoch: 1, train_loss: 0.5, val_loss: Some(0.25) };
    page.reduce(Action::Worker(Event::Epoch(loss.clone())));
    assert_eq!(page.run.progress.map(|p| (p.epoch, p.batch)), Some((1, 10)));
    assert_eq!(page.run.history, vec![loss]);
    assert_eq!(status(&page), "Epoch 1 of 20: training loss 0.5000, validation loss 0.2500.");
    assert_eq!(page.tasks.progress, None, "training's progress is the run's, not a task bar");
}

#[test]
fn finished_results_are_shown_then_committed() {
    let mut page = loaded();
    page.reduce(Action::Train);
    page.reduce(Action::Worker(Event::Stage { task: Task::Training, step: "Clustering".into() }));
    assert_eq!(status(&page), "Clustering…");
    page.reduce(Action::ChooseSong(2));
    let effects = page.reduce(Action::Worker(Event::Finished(Box::new(results(5, 2)))));
    assert_eq!(effects, send(Request::Commit { id: 5 }));
    assert_eq!(page.shown_run(), 5);
    assert_eq!(page.run.cluster_names, vec!["Genre 0", "Genre 1"]);
    assert!(page.idle());
    assert_eq!(page.selection.song, None, "songs chosen belong to the old run");
    assert_eq!(status(&page), "Done: 3 songs in 2 clusters; reconstruction MSE 0.0000.");
}

#[test]
fn a_recluster_keeps_its_t_sne_map_and_a_new_run_does_not() {
    let mut page = with_run();
    page.reduce(Action::SetProjection(Projection::Tsne));
    page.reduce(Action::Worker(Event::MapReady {
        id: 6,
        projection: Projection::Tsne,
        xy: vec![1.0; 6],
        sample: 3,
        quality: None,
    }));
    let effects = page.reduce(Action::Recluster { k: 3 });
    assert_eq!(effects, send(Request::Recluster { k: 3 }));
    assert_eq!(page.settings.params.k, 3);
    let reclustered = RunResults { same_points: true, ..results(7, 3) };
    page.reduce(Action::Worker(Event::Finished(Box::new(reclustered))));
    assert!(page.run.tsne.is_some(), "the same points keep their map: no second t-SNE");
    assert_eq!(page.view.projection, Projection::Tsne);
    assert_eq!(page.map_xy(), Some(&[1.0f32; 6][..]));
    page.reduce(Action::Worker(Event::Finished(Box::new(results(8, 3)))));
    assert_eq!((page.run.tsne.is_none(), page.view.projection), (true, Projection::Pca));
}

#[test]
fn t_sne_is_asked_for_once_and_committed_when_shown() {
    let mut page = with_run();
    assert_eq!(page.reduce(Action::SetProjection(Projection::Tsne)), send(Request::Tsne { perplexity: 30.0 }));
    assert_eq!(page.map_xy(), None, "no map to draw until it arrives");
    page.reduce(Action::Worker(Event::Stage { task: Task::Tsne, step: "Computing the t-SNE map".into() }));
    let progress = TaskProgress::Tsne { phase: "iterations".into(), done: 5, total: 10 };
    page.reduce(Action::Worker(Event::Progress(progress.clone())));
    assert_eq!(page.tasks.progress, Some(progress));
    let effects = page.reduce(Action::Worker(Event::MapReady {
        id: 6,
        projection: Projection::Tsne,
        xy: vec![2.0; 6],
        sample: 3,
        quality: None,
    }));
    assert_eq!(effects, send(Request::Commit { id: 6 }));
    assert_eq!((page.tasks.progress.clone(), page.idle()), (None, true));
    page.reduce(Action::SetProjection(Projection::Pca));
    assert!(page.reduce(Action::SetProjection(Projection::Tsne)).is_empty(), "the map is there already");
    // Another perplexity: the map is made again, with it (clamped to the range).
    assert_eq!(page.reduce(Action::SetPerplexity(500.0)), send(Request::Tsne { perplexity: 100.0 }));
    assert_eq!(page.run.tsne, None);
    assert!(page.reduce(Action::SetPerplexity(100.0)).is_empty(), "the same perplexity again asks nothing");
}

#[test]
fn umap_is_asked_for_with_its_options_and_kept_beside_t_sne() {
    let mut page = with_run();
    let options = UmapOptions::default();
    assert_eq!(page.reduce(Action::SetProjection(Projection::Umap)), send(Request::Umap { options }));
    assert_eq!(page.map_xy(), None, "no map to draw until it arrives");
    page.reduce(Action::Worker(Event::Stage { task: Task::Umap, step: "Computing the UMAP map".into() }));
    let progress = TaskProgress::Umap { phase: "epochs".into(), done: 5, total: 200 };
    page.reduce(Action::Worker(Event::Progress(progress.clone())));
    assert_eq!(page.tasks.progress, Some(progress));
    let ready = Event::MapReady { id: 6, projection: Projection::Umap, xy: vec![3.0; 6], sample: 3, quality: None };
    assert_eq!(page.reduce(Action::Worker(ready)), send(Request::Commit { id: 6 }));
    assert_eq!(page.map_xy(), Some(&[3.0f32; 6][..]));
    assert_eq!(status(&page), "UMAP map ready: all 3 songs laid out by UMAP.");
    // t-SNE is its own map; coming back to UMAP asks nothing.
    assert_eq!(page.reduce(Action::SetProjection(Projection::Tsne)), send(Request::Tsne { perplexity: 30.0 }));
    page.reduce(Action::Worker(Event::MapReady {
        id: 7,
        projection: Projection::Tsne,
        xy: vec![4.0; 6],
        sample: 2,
        quality: None,
    }));
    assert_eq!(page.map_xy(), Some(&[4.0f32; 6][..]));
    assert!(page.reduce(Action::SetProjection(Projection::Umap)).is_empty(), "the UMAP map is there already");
    assert_eq!(page.map_xy(), Some(&[3.0f32; 6][..]));
    // Other options: the map is made again with them, clamped to their ranges.
    let wide = UmapOptions { neighbours: 500, min_dist: 0.5, seed: 7, epochs: None };
    let clamped = UmapOptions { neighbours: 50, ..wide };
    assert_eq!(page.reduce(Action::SetUmap(wide)), send(Request::Umap { options: clamped }));
    assert_eq!((page.run.umap.is_none(), page.run.tsne.is_some()), (true, true));
    assert!(page.reduce(Action::SetUmap(clamped)).is_empty(), "the same options again ask nothing");
    // A new run loses both maps.
    page.reduce(Action::Worker(Event::Finished(Box::new(results(8, 3)))));
    assert_eq!((page.run.tsne.is_none(), page.run.umap.is_none(), page.view.projection), (true, true, Projection::Pca));
}

#[test]
fn a_t_sne_that_stops_early_goes_back_to_a_map_that_exists() {
    for (projection, end) in [
        (Projection::Tsne, Event::Cancelled { task: Task::Tsne }),
        (
            Projection::Tsne,
            Event::Failed { task: Some(Task::Tsne), stage: "Computing the t-SNE map".into(), message: "no".into() },
        ),
        (Projection::Umap, Event::Cancelled { task: Task::Umap }),
    ] {
        let mut page = with_run();
        page.reduce(Action::SetProjection(projection));
        page.reduce(Action::Worker(Event::Stage { task: Task::Tsne, step: "Computing the t-SNE map".into() }));
        page.reduce(Action::Worker(end));
        assert_eq!((page.view.projection, page.idle()), (Projection::Pca, true));
        assert_eq!(page.map_xy(), Some(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0][..]));
    }
}

#[test]
fn a_cancel_names_the_task_that_stopped() {
    let mut page = with_run();
    page.reduce(Action::Compare);
    page.reduce(Action::Worker(Event::Stage {
        task: Task::ComparingRepresentations,
        step: "Comparing representations: PCA".into(),
    }));
    assert!(page.running(Task::ComparingRepresentations));
    assert_eq!(page.reduce(Action::Cancel), send(Request::Cancel));
    page.reduce(Action::Worker(Event::Cancelled { task: Task::ComparingRepresentations }));
    assert_eq!(status(&page), "Comparing representations cancelled. The loaded data and any earlier results are kept.");
    assert!(page.idle());
}

#[test]
fn a_failure_is_shown_and_frees_the_page() {
    let mut page = loaded();
    page.reduce(Action::Train);
    let failed = Event::Failed { task: Some(Task::Training), stage: "Training".into(), message: "NaN loss".into() };
    page.reduce(Action::Worker(failed));
    assert_eq!(page.notice.error, Some(("Training".into(), "NaN loss".into())));
    assert_eq!(status(&page), "Training failed; the message is shown below the status line.");
    assert!(page.idle());
    page.reduce(Action::DismissError);
    assert_eq!(page.notice.error, None);
}

#[test]
fn comparing_k_shows_progress_then_the_suggestion() {
    let mut page = with_run();
    assert_eq!(page.reduce(Action::ChooseK { from: 2, to: 20 }), send(Request::ChooseK { from: 2, to: 20 }));
    page.reduce(Action::Worker(Event::Stage { task: Task::ComparingK, step: "Comparing k".into() }));
    page.reduce(Action::Worker(Event::Progress(TaskProgress::ComparingK { k: 3, done: 1, total: 19 })));
    assert!(page.tasks.progress.is_some());
    let scores = vec![crate::pipeline::analysis::choose_k::KScore { k: 2, inertia: 9.0, silhouette: 0.4 }];
    page.reduce(Action::Worker(Event::KScores { scores: scores.clone(), suggested: Some(2), sample: 3 }));
    assert_eq!(page.run.k_scores.as_deref(), Some(&KChoice { scores, suggested: Some(2), sample: 3 }));
    assert_eq!(status(&page), "Compared 1 values of k; suggested k = 2 (highest silhouette).");
    assert!(page.idle() && page.tasks.progress.is_none());
}

#[test]
fn search_drops_answers_to_older_queries() {
    let mut page = with_run();
    assert_eq!(page.reduce(Action::Search("dan".into())), send(Request::Search { query: "dan".into() }));
    page.reduce(Action::Search("danc".into()));
    let old = Event::SearchResults { query: "dan".into(), hits: vec![song(0, "Dan")] };
    page.reduce(Action::Worker(old));
    assert!(page.selection.hits.is_empty());
    let hits = vec![song(1, "Dancing Queen")];
    page.reduce(Action::Worker(Event::SearchResults { query: "danc".into(), hits: hits.clone() }));
    assert_eq!(page.selection.hits, hits);
    assert!(page.reduce(Action::Search("  ".into())).is_empty(), "blank asks nothing");
    assert!(page.selection.hits.is_empty());
}

#[test]
fn choosing_a_song_asks_for_its_neighbours_with_the_current_count_and_closeness() {
    let mut page = with_run();
    assert!(page.reduce(Action::SetNeighbours(5)).is_empty(), "nothing chosen yet");
    let ask = |n, rule| send(Request::Recommend { row: 2, n, rule });
    assert_eq!(page.reduce(Action::ChooseSong(2)), ask(5, Rule::DEFAULT));
    assert_eq!(page.reduce(Action::ChooseSong(2)), ask(5, Rule::DEFAULT), "choosing it again asks again");
    assert_eq!(page.reduce(Action::SetNeighbours(5000)), ask(1000, Rule::DEFAULT));
    assert_eq!(page.reduce(Action::SetNeighbours(0)), ask(1, Rule::DEFAULT));
    assert_eq!(page.reduce(Action::SetRule(Rule::REFERENCE)), ask(1, Rule::REFERENCE));
    let more = send(Request::MoreLikeThese { table_rows: vec![], n: 20, rule: Rule::REFERENCE });
    assert_eq!(page.reduce(Action::MoreLikeThese), more, "the playlist's similar songs use the same rule");
    let r = Recommendation {
        song: song(2, "Dancing Queen"),
        features: vec![],
        rule: Rule::DEFAULT,
        similar: vec![],
        folded: 0,
    };
    page.reduce(Action::Worker(Event::Recommended(Box::new(r))));
    assert_eq!(status(&page), "0 songs similar to Dancing Queen.");
}

#[test]
fn a_rename_goes_to_the_worker_and_an_empty_name_brings_the_automatic_one_back() {
    let mut page = with_run();
    let rename = |name: &str| Request::NameCluster { cluster: 1, name: name.into() };
    assert_eq!(page.reduce(Action::RenameCluster { cluster: 1, name: "  Gym  ".into() }), send(rename("Gym")));
    assert_eq!(page.cluster_name(1), "Gym");
    // The automatic names of `results` are empty, so the fallback is the cluster's number.
    assert_eq!(page.reduce(Action::RenameCluster { cluster: 1, name: " ".into() }), send(rename("Cluster 1")));
    assert!(page.reduce(Action::RenameCluster { cluster: 9, name: "x".into() }).is_empty(), "no cluster 9");
}

#[test]
fn downloads_name_no_cluster_names_the_worker_has_them() {
    let mut page = with_run();
    page.reduce(Action::SetProjection(Projection::FirstTwo));
    assert_eq!(page.reduce(Action::Export), send(Request::Export { projection: Projection::FirstTwo }));
    assert_eq!(page.reduce(Action::DownloadModel), send(Request::DownloadModel));
    page.reduce(Action::AddSong(song(0, "A")));
    assert_eq!(
        page.reduce(Action::ExportPlaylist),
        send(Request::ExportPlaylist { table_rows: vec![100], selection: false })
    );
    assert_eq!(page.reduce(Action::ExportForSpotify), send(Request::ExportForSpotify { table_rows: vec![100], more_like: false }));
    let effects = page.reduce(Action::Worker(Event::Exported { file: "songscape-clusters.csv".into() }));
    assert_eq!(effects, vec![Effect::Download("songscape-clusters.csv".into())]);
    assert_eq!(status(&page), "songscape-clusters.csv is downloading.");
}

#[test]
fn the_playlist_holds_each_song_once() {
    let mut page = with_run();
    page.reduce(Action::AddSong(song(0, "A")));
    page.reduce(Action::AddSong(song(0, "A")));
    assert_eq!(status(&page), "A is in the playlist.");
    page.reduce(Action::Worker(Event::Picked {
        songs: vec![song(0, "A"), song(1, "B"), song(2, "C")],
        purpose: PickFor::Playlist,
    }));
    assert_eq!(status(&page), "2 songs added to the playlist from the map.");
    let titles = |p: &Page| p.playlist.songs.iter().map(|e| e.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(&page), ["A", "B", "C"]);
    page.reduce(Action::MoveSong { from: 2, to: 1 });
    page.reduce(Action::MoveSong { from: 2, to: 3 });
    page.reduce(Action::RemoveSong(7));
    assert_eq!(titles(&page), ["A", "C", "B"], "moves and removals past the end do nothing");
    page.reduce(Action::RemoveSong(0));
    assert_eq!(titles(&page), ["C", "B"]);
    let more = send(Request::MoreLikeThese { table_rows: vec![102, 101], n: 20, rule: Rule::DEFAULT });
    assert_eq!(page.reduce(Action::MoreLikeThese), more);
    page.reduce(Action::ClearPlaylist);
    assert!(page.playlist.songs.is_empty());
}

#[test]
fn the_playlist_note_says_why_it_was_not_kept_until_it_is() {
    let mut page = loaded();
    page.reduce(Action::PlaylistSaved(false));
    assert_eq!(page.playlist.note.as_deref(), Some(NOT_SAVED));
    page.reduce(Action::PlaylistSaved(true));
    assert_eq!(page.playlist.note, None);
    let merged = vec![PlaylistEntry { table_row: 3, title: "T".into(), artist: String::new() }];
    page.reduce(Action::PlaylistMerged(merged.clone()));
    page.reduce(Action::PlaylistSaved(true));
    assert_eq!((page.playlist.songs.clone(), page.playlist.note.as_deref()), (merged, Some(MERGED)));
}

#[test]
fn a_rectangle_without_songs_says_so() {
    let mut page = with_run();
    assert!(page.reduce(Action::PickRows(vec![])).is_empty());
    assert_eq!(status(&page), "No song inside that rectangle.");
    assert_eq!(
        page.reduce(Action::PickRows(vec![1, 2])),
        send(Request::Pick { rows: vec![1, 2], purpose: PickFor::Playlist })
    );
}

#[test]
fn each_projection_has_its_own_points() {
    let mut page = with_run();
    assert_eq!(page.map_xy().map(|xy| xy[0]), Some(0.0));
    page.reduce(Action::SetProjection(Projection::FirstTwo));
    assert_eq!(page.map_xy().map(|xy| xy[0]), Some(9.0));
    assert_eq!(Page::new().map_xy(), None);
}

#[test]
fn colouring_by_cluster_drops_the_column_colours() {
    let mut page = with_run();
    assert_eq!(page.reduce(Action::ColourBy(Some(3))), send(Request::ColourBy { column: 3 }));
    let kind = crate::mapview::colours::ColourKind::Categories { names: vec!["rock".into()], codes: vec![0; 3] };
    page.reduce(Action::Worker(Event::Coloured(Box::new(Colouring { column: "genre".into(), kind }))));
    assert!(page.view.colouring.is_some());
    page.reduce(Action::ColourBy(None));
    assert_eq!(page.view.colouring, None);
}

#[test]
fn a_model_file_warning_is_held_until_applied_anyway_or_dismissed() {
    let mut page = with_run();
    let warning = Event::ModelWarning { name: "m.json".into(), message: "Tempo looks like kBPM".into() };
    page.reduce(Action::Worker(warning));
    assert_eq!(page.dataset.model_warning, Some(("m.json".into(), "Tempo looks like kBPM".into())));
    let effects = page.reduce(Action::ApplyModel { name: "m.json".into(), force: true });
    assert_eq!(effects, send(Request::ApplyModel { name: "m.json".into(), force: true }));
    assert_eq!(page.dataset.model_warning, None);
    let other = send(Request::UseRepresentation { representation: Representation::Pca });
    assert_eq!(page.reduce(Action::UseRepresentation(Representation::Pca)), other);
}

#[test]
fn a_crash_holds_the_page_until_the_worker_has_its_data_back() {
    let mut page = with_run();
    page.reduce(Action::Train);
    page.reduce(Action::WorkerCrashed { text: "It died. It was restarted".into(), restoring: true });
    assert!(page.running(Task::Restoring) && !page.idle());
    assert_eq!(page.notice.error.as_ref().map(|e| e.0.as_str()), Some(crate::protocol::CRASH_STAGE));
    assert_eq!(page.shown_run(), 5, "what the page shows stays");
    page.reduce(Action::WorkerRecovered("restored".into()));
    assert!(page.idle());
    assert_eq!(status(&page), "The background worker was restarted; nothing was lost.");
    page.reduce(Action::WorkerGaveUp("gone".into()));
    assert!(!page.ready && !page.idle() && !page.can_load(), "with no worker nothing can be read");
}

#[test]
fn the_demo_can_be_chosen_before_the_worker_is_up_and_waits_for_it() {
    let mut page = Page::new();
    assert!(page.can_load() && !page.idle(), "the first screen does not wait for the worker");
    let sent = page.reduce(Action::LoadDemo);
    assert!(matches!(sent.as_slice(), [Effect::Send(Request::LoadDemo { .. })]), "the bridge holds it: {sent:?}");
    assert!(!page.can_load(), "a second click does not queue a second load");
    assert_eq!(status(&page), "Starting the background worker; the demo dataset is read as soon as it is up…");
    page.reduce(Action::Worker(Event::Ready));
    assert!(page.running(Task::Reading), "the load is still under way");
    assert_eq!(status(&page), "Starting the background worker; the demo dataset is read as soon as it is up…");
}

#[test]
fn a_load_once_the_worker_is_up_leaves_its_status_to_the_worker() {
    let mut page = Page::new();
    page.reduce(Action::Worker(Event::Ready));
    page.reduce(Action::LoadFile { name: "a.csv".into() });
    assert!(page.tasks.running.is_none() && page.can_load());
    assert_eq!(status(&page), "Ready. Choose a CSV file or try the demo dataset.");
}

#[test]
fn a_worker_the_browser_refused_takes_no_file() {
    let mut page = Page::new();
    page.reduce(Action::WorkerRefused("no".into()));
    assert!(!page.can_load());
}

#[test]
fn shared_results_are_equal_only_to_themselves() {
    let a = Shared::new(results(1, 2));
    let b = Shared::new(results(1, 2));
    assert_eq!(a, a.clone());
    assert_ne!(a, b, "equal contents, another run: the views must redraw");
    assert_eq!(a.ptr(), a.clone().ptr());
}

#[test]
fn similar_songs_and_more_like_these_are_forgotten_with_their_run() {
    let mut page = with_run();
    let similar = vec![SimilarSong { song: song(1, "B"), score: 0.9, closeness: Some(80.0), why: String::new() }];
    let set = SetRecommendation { seeds: 1, rule: Rule::DEFAULT, similar, folded: 0 };
    page.reduce(Action::Worker(Event::SetRecommended(Box::new(set))));
    assert_eq!(status(&page), "1 songs like the playlist's 1 songs.");
    page.reduce(Action::Worker(Event::Finished(Box::new(results(9, 2)))));
    assert_eq!(page.playlist.more_like_these, None);
}

#[test]
fn results_fold_the_setup_away_until_it_is_opened_again() {
    let mut page = loaded();
    assert!(page.setup_shown() && !page.exploring());
    page.reduce(Action::Train);
    page.reduce(Action::Worker(Event::Finished(Box::new(results(5, 2)))));
    assert!(page.exploring() && !page.setup_shown());
    page.reduce(Action::OpenSetup);
    assert!(page.setup_shown());
    page.reduce(Action::Train);
    page.reduce(Action::Worker(Event::Finished(Box::new(results(6, 2)))));
    assert!(!page.setup_shown(), "new results take the page again");
    let (_, info) =
        DatasetInfo::load("b.csv", demo_csv(30, 1).as_bytes(), CheckOptions::from(&TrainParams::default())).unwrap();
    page.reduce(Action::Worker(Event::Loaded(Box::new(info))));
    assert!(page.setup_shown() && !page.exploring(), "a new file starts at the setup");
}

#[test]
fn a_song_chosen_anywhere_shows_in_the_song_tab() {
    let mut page = with_run();
    page.reduce(Action::ShowTab(Tab::Playlist));
    assert_eq!(page.view.tab, Tab::Playlist);
    page.reduce(Action::ChooseSong(1));
    assert_eq!(page.view.tab, Tab::Song);
}

#[test]
fn the_colour_column_is_kept_while_its_colours_are_on_the_map() {
    let mut page = with_run();
    page.reduce(Action::ColourBy(Some(2)));
    assert_eq!(page.view.colour_column, Some(2));
    page.reduce(Action::ColourBy(None));
    assert_eq!(page.view.colour_column, None);
    page.reduce(Action::ColourBy(Some(2)));
    page.reduce(Action::Worker(Event::Finished(Box::new(results(9, 2)))));
    assert_eq!(page.view.colour_column, None, "new results are coloured by cluster");
}

#[test]
fn a_chosen_cluster_is_focused_until_all_are_shown_or_the_clusters_change() {
    let mut page = with_run();
    page.reduce(Action::ChooseCluster(1));
    assert_eq!((page.selection.cluster, page.view.focus), (1, Some(1)));
    page.reduce(Action::ShowAllClusters);
    assert_eq!((page.selection.cluster, page.view.focus), (1, None), "the inspector keeps its cluster");
    page.reduce(Action::ChooseCluster(1));
    page.reduce(Action::Worker(Event::Finished(Box::new(RunResults { same_points: true, ..results(6, 3) }))));
    assert_eq!(page.view.focus, None, "new clusters: nothing is focused");
}

#[test]
fn a_selection_grows_shrinks_and_goes_to_the_playlist_similar_songs_or_a_csv() {
    let mut page = with_run();
    page.reduce(Action::Select { rows: vec![0, 2], how: Combine::Replace });
    page.reduce(Action::Select { rows: vec![1], how: Combine::Add });
    page.reduce(Action::Select { rows: vec![0], how: Combine::Remove });
    assert_eq!(page.selection.picked.as_deref(), Some(&vec![1, 2]));
    let pick = |purpose| send(Request::Pick { rows: vec![1, 2], purpose });
    assert_eq!(page.reduce(Action::UseSelection(PickFor::Csv)), pick(PickFor::Csv));
    let picked = |purpose| Event::Picked { songs: vec![song(1, "B"), song(2, "C")], purpose };
    let csv = page.reduce(Action::Worker(picked(PickFor::Csv)));
    assert_eq!(csv, send(Request::ExportPlaylist { table_rows: vec![101, 102], selection: true }));
    let more = page.reduce(Action::Worker(picked(PickFor::MoreLike)));
    assert_eq!(more, send(Request::MoreLikeThese { table_rows: vec![101, 102], n: 20, rule: Rule::DEFAULT }));
    assert_eq!(page.view.tab, Tab::Playlist, "the similar songs show under the playlist");
    assert!(page.reduce(Action::Worker(picked(PickFor::Playlist))).is_empty());
    assert_eq!(page.playlist.songs.len(), 2);
    page.reduce(Action::Select { rows: vec![1, 2], how: Combine::Remove });
    assert_eq!(page.selection.picked, None, "an emptied selection is none");
    assert!(page.reduce(Action::UseSelection(PickFor::Playlist)).is_empty());
}

#[test]
fn a_cluster_can_be_selected_and_the_selection_goes_with_its_run() {
    let mut page = with_run();
    page.reduce(Action::SelectCluster(0));
    assert_eq!(page.selection.picked.as_deref(), Some(&vec![0, 2]), "labels are 0, 1, 0");
    page.reduce(Action::ClearSelection);
    assert_eq!(page.selection.picked, None);
    page.reduce(Action::SelectCluster(1));
    page.reduce(Action::Worker(Event::Finished(Box::new(results(7, 2)))));
    assert_eq!(page.selection.picked, None);
}

#[test]
fn a_big_selection_sends_its_first_songs_and_says_so() {
    let mut page = with_run();
    page.reduce(Action::Select { rows: (0..SELECTION_MAX + 10).collect(), how: Combine::Replace });
    let effects = page.reduce(Action::UseSelection(PickFor::Playlist));
    assert!(matches!(&effects[..], [Effect::Send(Request::Pick { rows, .. })] if rows.len() == SELECTION_MAX));
    assert_eq!(
        status(&page),
        format!("The selection has {} songs; the first 5000 by row are used.", SELECTION_MAX + 10)
    );
}

#[test]
fn the_hover_card_asks_what_sets_a_song_apart_and_keeps_the_answer_for_its_run() {
    let mut page = with_run();
    let before = page.clone();
    assert!(Action::Describe(2).only_requests());
    assert_eq!(page.reduce(Action::Describe(2)), send(Request::Describe { row: 2 }));
    assert_eq!(page, before, "the views are not told of a Describe, so it must change nothing");
    let d = crate::protocol::Distinctive { row: 2, features: vec![("Energy".into(), 2.5, 0.97)] };
    page.reduce(Action::Worker(Event::Described(Box::new(d.clone()))));
    assert_eq!(page.selection.described.as_deref(), Some(&d));
    page.reduce(Action::Worker(Event::Finished(Box::new(results(8, 2)))));
    assert_eq!(page.selection.described, None);
}

#[test]
fn a_cluster_looked_at_in_the_table_shows_in_focus_until_the_pointer_leaves() {
    let mut page = with_run();
    page.reduce(Action::ChooseCluster(0));
    page.reduce(Action::PreviewCluster(Some(1)));
    assert_eq!((page.shown_focus(), page.view.focus), (Some(1), Some(0)));
    page.reduce(Action::PreviewCluster(None));
    assert_eq!(page.shown_focus(), Some(0), "back to the cluster chosen");
}

#[test]
fn a_playlist_file_found_in_the_catalogue_fills_the_playlist_and_says_how() {
    let mut page = with_run();
    let effects = page.reduce(Action::AddPlaylistFile { name: "mine.csv".into(), second: false });
    assert_eq!(effects, send(Request::AddPlaylistFile { name: "mine.csv".into(), second: false }));
    page.reduce(Action::AddSong(song(1, "Already")));
    let placed = crate::protocol::PlacedSong {
        title: "New".into(),
        artist: "Someone".into(),
        track_id: None,
        cluster: 1,
        near: vec![(0, 0.5), (1, 0.5)],
        scaled: vec![0.0; 12],
    };
    let found = crate::protocol::PlaylistFound {
        name: "mine.csv".into(),
        rows: 6,
        by_id: 2,
        by_name: 2,
        ambiguous: 1,
        missing: 2,
        named_ambiguous: vec!["Intro — The xx (2 in the catalogue; the first was taken)".into()],
        songs: vec![song(3, "C"), song(1, "Already"), song(2, "B"), song(4, "D"), song(3, "C")],
        placed: vec![placed],
        without_features: 1,
        notes: vec![],
        profile: Default::default(),
        again: false,
        second: false,
    };
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(found.clone()))));
    assert_eq!(page.playlist.songs.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), ["Already", "C", "B", "D"]);
    let mine = page.playlist.mine.clone().expect("the playlist is on the map");
    assert_eq!((&mine.rows[..], mine.shown), (&[1, 2, 3, 4][..], true), "its songs stand out, each once");
    assert_eq!(page.view.tab, Tab::Playlist);
    assert_eq!(
        status(&page),
        "mine.csv: 4 of 6 songs found in the catalogue (2 by Spotify track id, 2 by title and artist), 1 placed from their features, 1 without audio features. 3 of those found were added to the playlist (the others were in it already)."
    );
    assert_eq!(
        page.playlist.note.as_deref(),
        Some("Found by title and artist among several catalogue songs: Intro — The xx (2 in the catalogue; the first was taken).")
    );
    // The toggle hides it; a new run's placement keeps the toggle and says nothing.
    page.reduce(Action::ShowMine(false));
    page.reduce(Action::ClearPlaylist);
    let before = status(&page).to_string();
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(crate::protocol::PlaylistFound { again: true, ..found }))));
    assert_eq!(page.playlist.mine.as_ref().map(|m| m.shown), Some(false));
    assert!(page.playlist.songs.is_empty(), "a new run's placement adds nothing to the playlist");
    assert_eq!(status(&page), before);
}
