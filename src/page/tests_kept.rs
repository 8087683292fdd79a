//! The kept session and the view in the address, action by action, without a browser.

use super::link::{LinkedZoom, MapZoom, ViewLink, NO_SUCH_SONG, OTHER_FILE};
use super::*;
use crate::pipeline::input::check::CheckOptions;
use crate::pipeline::input::demo::demo_csv;
use crate::protocol::{fingerprint, Event, Keeping, KeptSession, Request, SongKey, KEPT_FORMAT};

fn info(name: &str) -> DatasetInfo {
    let options = CheckOptions::from(&TrainParams::default());
    DatasetInfo::load(name, demo_csv(40, 7).as_bytes(), options).unwrap().1
}

fn ready() -> Page {
    let mut page = Page::new();
    page.reduce(Action::Worker(Event::Ready));
    page
}

fn kept(name: &str, k: Option<usize>) -> KeptSession {
    let i = info(name);
    KeptSession {
        format: KEPT_FORMAT,
        name: name.into(),
        rows: i.rows,
        columns: i.columns.clone(),
        file: fingerprint(name, i.rows, &i.columns),
        saved_at: 0.0,
        k,
    }
}

fn results(run_id: u64, k: usize) -> RunResults {
    RunResults {
        run_id,
        rows: 3,
        k,
        pca: vec![0.0; 6],
        first_two: vec![0.0; 6],
        labels: vec![0, 1, 0],
        cluster_names: (0..k).map(|i| format!("Genre {i}")).collect(),
        ..RunResults::default()
    }
}

fn finished(page: &mut Page, r: RunResults) -> Vec<Effect> {
    page.reduce(Action::Worker(Event::Finished(Box::new(r))))
}

fn loaded(page: &mut Page, name: &str) {
    page.reduce(Action::Worker(Event::Loaded(Box::new(info(name)))));
}

#[test]
fn a_kept_session_is_offered_and_resumed_by_its_file() {
    let mut page = ready();
    page.reduce(Action::Worker(Event::Keeping(Keeping::Found(Some(kept("a.csv", Some(4)))))));
    assert_eq!(page.kept.offer.as_ref().map(|o| o.name.as_str()), Some("a.csv"));
    let expect = Some(kept("a.csv", None).file);
    assert_eq!(page.reduce(Action::Resume), vec![Effect::Send(Request::Resume { table_only: false, expect })]);
    assert!(page.running(Task::Resuming));
    // Its file arrives first: the page stays busy, since the run follows.
    loaded(&mut page, "a.csv");
    assert!(page.running(Task::Resuming) && !page.idle());
    assert_eq!(page.kept.offer, None);
    assert!(matches!(page.kept.now, KeptNow::Saved(_)));
    // Then the run, with the settings it was made with.
    let mut r = RunResults { resumed: true, tsne: vec![1.0; 6], tsne_sample: Some(3), ..results(9, 4) };
    r.snapshot.params.epochs = 3;
    let effects = finished(&mut page, r);
    assert_eq!(effects[0], Effect::Send(Request::Commit { id: 9 }));
    assert!(effects.iter().any(|e| matches!(e, Effect::Send(Request::Check { .. }))), "{effects:?}");
    assert_eq!(page.settings.params.epochs, 3);
    assert_eq!(page.run.tsne.as_ref().map(|t| (t.xy.len(), t.sample)), Some((6, 3)));
    assert!(page.idle());
}

#[test]
fn a_kept_file_without_a_run_frees_the_page_once_loaded() {
    let mut page = ready();
    page.reduce(Action::Worker(Event::Keeping(Keeping::Found(Some(kept("a.csv", None))))));
    page.reduce(Action::Resume);
    loaded(&mut page, "a.csv");
    assert!(page.idle());
}

#[test]
fn forgetting_removes_the_session_and_the_files_playlist() {
    let mut page = ready();
    page.reduce(Action::Worker(Event::Keeping(Keeping::Found(Some(kept("a.csv", Some(4)))))));
    let i = info("a.csv");
    let key = playlist_key(&i.name, i.rows, &i.columns);
    assert_eq!(page.reduce(Action::Forget), vec![Effect::Send(Request::Forget), Effect::ForgetPlaylist(key)]);
    page.reduce(Action::Worker(Event::Keeping(Keeping::Forgotten)));
    assert_eq!((page.kept.offer.clone(), page.kept.now.clone()), (None, KeptNow::Forgotten));
    assert!(page.kept.now.paused());
}

#[test]
fn another_tabs_session_is_said_over_this_one_and_only_offered_before_a_file() {
    let mut page = ready();
    page.reduce(Action::Worker(Event::Keeping(Keeping::Elsewhere(kept("b.csv", Some(3))))));
    assert_eq!(page.kept.offer.as_ref().map(|o| o.name.as_str()), Some("b.csv"));
    loaded(&mut page, "a.csv");
    page.reduce(Action::Worker(Event::Keeping(Keeping::Saved(kept("a.csv", None)))));
    page.reduce(Action::Worker(Event::Keeping(Keeping::Elsewhere(kept("a.csv", Some(6))))));
    assert!(matches!(&page.kept.now, KeptNow::Elsewhere(k) if k.k == Some(6)));
    assert_eq!(page.kept.offer, None);
    assert_eq!(page.reduce(Action::KeepHere), vec![Effect::Send(Request::KeepHere)]);
}

#[test]
fn stored_data_of_another_format_is_said_and_not_offered() {
    let mut page = ready();
    let message = "This browser held a Songscape session from another version".to_string();
    page.reduce(Action::Worker(Event::Keeping(Keeping::Refused { message: message.clone() })));
    assert_eq!(page.kept.offer, None);
    assert_eq!(page.notice.error.as_ref().map(|e| &e.1), Some(&message));
    page.reduce(Action::Worker(Event::Keeping(Keeping::Failed { message: "full".into() })));
    assert_eq!(page.kept.now, KeptNow::Failed("full".into()));
}

fn link(file: &str, k: Option<usize>) -> ViewLink {
    ViewLink {
        file: file.into(),
        projection: Projection::FirstTwo,
        colour: Some("Energy".into()),
        k,
        song: Some(SongKey::Row(1)),
        zoom: Some(MapZoom { zoom: 2.0, centre: (0.5, 0.5) }),
    }
}

#[test]
fn a_link_for_another_file_is_dropped_with_a_note() {
    let mut page = ready();
    page.reduce(Action::OpenedWithLink(link("not-this-one", None)));
    loaded(&mut page, "a.csv");
    assert_eq!((page.view.link.clone(), page.view.link_note.as_deref()), (None, Some(OTHER_FILE)));
}

#[test]
fn a_links_view_is_applied_to_its_files_results_k_first() {
    let mut page = ready();
    let file = kept("a.csv", None).file;
    page.reduce(Action::OpenedWithLink(link(&file, Some(3))));
    loaded(&mut page, "a.csv");
    page.reduce(Action::Train);
    // k differs: clustered again first, the rest waits for those results.
    let effects = finished(&mut page, results(5, 2));
    assert!(effects.contains(&Effect::Send(Request::Recluster { k: 3 })), "{effects:?}");
    assert!(page.link(None).is_none(), "no address is written while a link is being applied");
    let effects = finished(&mut page, RunResults { same_points: true, ..results(6, 3) });
    let column = page.dataset.info.as_ref().unwrap().columns.iter().position(|c| c == "Energy").unwrap();
    assert!(effects.contains(&Effect::Send(Request::ColourBy { column })), "{effects:?}");
    assert!(effects.contains(&Effect::Send(Request::Locate { song: SongKey::Row(1) })), "{effects:?}");
    assert_eq!(page.view.projection, Projection::FirstTwo);
    let zoom = MapZoom { zoom: 2.0, centre: (0.5, 0.5) };
    assert_eq!(page.view.zoom_to, Some(LinkedZoom { projection: Projection::FirstTwo, zoom, after_song: true }));
    // The song, when found, is chosen; its similar songs asked for.
    let song = SongRef { row: 1, table_row: 1, title: "t".into(), artist: "a".into(), cluster: 0, track_id: None };
    let effects = page.reduce(Action::Worker(Event::Located { song: Some(song) }));
    assert!(matches!(effects[..], [Effect::Send(Request::Recommend { row: 1, .. })]), "{effects:?}");
    page.reduce(Action::ZoomApplied);
    assert_eq!(page.view.zoom_to, None);
}

#[test]
fn a_links_song_not_in_the_file_is_said_and_its_zoom_still_applies() {
    let mut page = ready();
    let file = kept("a.csv", None).file;
    page.reduce(Action::OpenedWithLink(link(&file, None)));
    loaded(&mut page, "a.csv");
    page.reduce(Action::Train);
    finished(&mut page, results(5, 2));
    page.reduce(Action::Worker(Event::Located { song: None }));
    assert_eq!(page.view.link_note.as_deref(), Some(NO_SUCH_SONG));
    assert!(page.view.zoom_to.is_some_and(|z| !z.after_song));
}

#[test]
fn the_view_on_screen_becomes_a_link() {
    let mut page = ready();
    loaded(&mut page, "a.csv");
    assert!(page.link(None).is_none(), "no results, no view to link");
    page.reduce(Action::Train);
    finished(&mut page, results(5, 2));
    page.reduce(Action::SetProjection(Projection::FirstTwo));
    let zoom = Some(MapZoom { zoom: 3.0, centre: (1.0, 2.0) });
    let link = page.link(zoom).unwrap();
    assert_eq!(link.file, kept("a.csv", None).file);
    assert_eq!(
        (link.projection, link.k, link.zoom, link.colour, link.song),
        (Projection::FirstTwo, Some(2), zoom, None, None)
    );
}
