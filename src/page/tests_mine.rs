//! The personal playlist on the page: songs like it, the order for flow, the Spotify export's
//! count of URIs.

use super::tests::{send, song, status, with_run};
use super::*;
use crate::pipeline::explore::tempo::TempoWindow;
use crate::protocol::{Event, FlowOrdered, MineRecommendation, PlaylistFound, Request};

fn found() -> PlaylistFound {
    PlaylistFound {
        name: "mine.csv".into(),
        rows: 2,
        by_id: 2,
        by_name: 0,
        ambiguous: 0,
        missing: 0,
        named_ambiguous: vec![],
        songs: vec![song(1, "A"), song(2, "B")],
        placed: vec![],
        without_features: 0,
        notes: vec![],
        profile: Default::default(),
        again: false,
        second: false,
    }
}

#[test]
fn more_like_my_playlist_asks_with_its_filters_and_exports_for_spotify() {
    let mut page = with_run();
    assert!(page.reduce(Action::MoreLikeMine { cluster: None, tempo: None }).is_empty(), "no playlist added yet");
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(found()))));
    let tempo = Some(TempoWindow { bpm: 128.0, percent: 8.0 });
    let effects = page.reduce(Action::MoreLikeMine { cluster: Some(1), tempo });
    let rule = page.selection.rule;
    assert_eq!(effects, send(Request::MoreLikeMine { n: MORE_LIKE_MINE, rule, cluster: Some(1), tempo }));
    let list = SetRecommendation { seeds: 2, rule, similar: vec![], folded: 0 };
    let mut similar = vec![];
    for (i, t) in ["C", "D"].iter().enumerate() {
        similar.push(crate::protocol::SimilarSong { song: song(3 + i, t), score: 0.9, closeness: Some(80.0), why: String::new() });
    }
    let r = MineRecommendation { list: SetRecommendation { similar, ..list }, placed: 0, filters: "in cluster 2".into() };
    page.reduce(Action::Worker(Event::MineRecommended(Box::new(r))));
    assert_eq!(status(&page), "2 songs like your playlist.");
    let effects = page.reduce(Action::ExportMoreLikeMine);
    assert_eq!(effects, send(Request::ExportForSpotify { table_rows: vec![103, 104], more_like: true }));
    let effects = page.reduce(Action::Worker(Event::SpotifyExported { file: "x.csv".into(), songs: 2, with_uri: 1 }));
    assert_eq!(effects, vec![Effect::Download("x.csv".into())]);
    assert_eq!(
        status(&page),
        "x.csv is downloading: 1 of 2 songs have a Spotify track URI; the other 1 have an empty Track URI, so an importer can only look them up by title and artist."
    );
    // A new run's placement drops the songs found on the old one's terms.
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(PlaylistFound { again: true, ..found() }))));
    assert!(page.playlist.mine_more.is_none());
}

#[test]
fn the_order_for_flow_is_proposed_then_applied_keeping_songs_it_did_not_order() {
    let mut page = with_run();
    for (i, t) in ["A", "B", "C", "D"].iter().enumerate() {
        page.reduce(Action::AddSong(song(i, t)));
    }
    let effects = page.reduce(Action::OrderForFlow { seed: 7, tempo_window: Some(5.0), mine: false });
    assert_eq!(
        effects,
        send(Request::FlowOrder { table_rows: vec![100, 101, 102, 103], seed: 7, tempo_window: Some(5.0), mine: false })
    );
    // Song D (103) was not in the run: it is not in the order.
    let flow = FlowOrdered {
        table_rows: vec![102, 100, 101],
        before: 9.0,
        after: 4.5,
        off_tempo: (2, 0),
        tempo_window: Some(5.0),
        seed: 7,
        energy: vec![],
        tempo: vec![],
        mine: false,
        playlist_rows: vec![],
    };
    page.reduce(Action::Worker(Event::FlowOrdered(Box::new(flow.clone()))));
    assert_eq!(status(&page), "An order for flow: the steps between songs add up to 4.5 instead of 9.0. Apply it to use it.");
    assert_eq!(page.playlist.songs.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), ["A", "B", "C", "D"], "not applied yet");
    page.reduce(Action::ApplyFlow);
    assert_eq!(page.playlist.songs.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), ["C", "A", "B", "D"]);
    assert!(page.playlist.flow.is_none());
    assert!(page.reduce(Action::ApplyFlow).is_empty(), "nothing left to apply");
    // The personal playlist's order is downloaded in that order, never applied to the page's.
    let effects = page.reduce(Action::OrderForFlow { seed: 2, tempo_window: None, mine: true });
    assert_eq!(effects, send(Request::FlowOrder { table_rows: vec![], seed: 2, tempo_window: None, mine: true }));
    let mine = FlowOrdered { mine: true, playlist_rows: vec![4, 0, 2], table_rows: vec![], ..flow };
    page.reduce(Action::Worker(Event::FlowOrdered(Box::new(mine))));
    assert!(page.playlist.flow.is_none());
    assert_eq!(page.reduce(Action::ExportMineFlow), send(Request::ExportMineForSpotify { playlist_rows: vec![4, 0, 2] }));
}

#[test]
fn a_new_file_forgets_the_personal_playlist() {
    let mut page = with_run();
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(found()))));
    assert!(page.playlist.mine.is_some());
    let info = super::tests::loaded().dataset.info.clone().map(|i| (*i).clone());
    page.reduce(Action::Worker(Event::Loaded(Box::new(info.expect("a file")))));
    assert!(page.playlist.mine.is_none());
}

#[test]
fn a_second_playlist_is_compared_not_added() {
    use crate::pipeline::explore::playlist_compare::{ClusterShare, FeatureContrast, PlaylistProfile};
    use crate::pipeline::input::columns::Feature;
    let mut page = with_run();
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(found()))));
    let profile = |shares: [f32; 2], z: [f32; 2]| PlaylistProfile {
        songs: 2,
        shares: (0..2).map(|c| ClusterShare { cluster: c, playlist: shares[c], catalogue: 0.5 }).collect(),
        features: [Feature::Energy, Feature::Tempo]
            .iter()
            .zip(z)
            .map(|(&feature, z)| FeatureContrast { feature, playlist: 0.0, catalogue: 0.0, z })
            .collect(),
        typical: 50.0,
    };
    let first = PlaylistFound { profile: profile([1.0, 0.0], [1.0, 0.0]), ..found() };
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(first.clone()))));
    let other = PlaylistFound {
        name: "yours.csv".into(),
        songs: vec![song(2, "B"), song(3, "C")],
        profile: profile([0.25, 0.75], [-2.0, 4.0]),
        second: true,
        ..found()
    };
    page.reduce(Action::Worker(Event::PlaylistFound(Box::new(other.clone()))));
    assert_eq!(page.playlist.songs.len(), 2, "the second playlist's songs are not added");
    assert!(status(&page).starts_with("Second playlist, to compare: yours.csv: 2 of 2 songs found"), "{}", status(&page));
    let two = two_playlists(&first, &other);
    assert_eq!((two.both, two.first_only, two.second_only), (1, 1, 1));
    assert_eq!(two.shares, vec![(0, 1.0, 0.25), (1, 0.0, 0.75)]);
    assert!((two.distance - 5.0).abs() < 1e-6, "3 and 4 apart: {}", two.distance);
    assert_eq!(page.playlist.second.as_ref().map(|m| m.found.name.as_str()), Some("yours.csv"));
}
