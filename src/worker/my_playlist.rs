//! "Add your playlist (CSV)": a person's own playlist file found in the run's catalogue
//! (`explore::playlist_match`), the songs it does not hold placed from their own features
//! (`explore::playlist_place`), and the whole compared with the catalogue
//! (`explore::playlist_compare`). Reading the file never touches the run or the catalogue's
//! table: any error here leaves both as they were. The file is kept (here and in the browser's
//! store with the session) so that every new run of the catalogue places it again.

use std::cell::RefCell;

use wasm_bindgen::JsValue;
use web_sys::File;

use super::session::LastRun;
use super::similar::{flow_of, listing, too_many, FlowSong};
use super::songs::NO_RUN;
use super::{fail, file_of, names, post, post_download, read_whole, with_run, Outcome, WorkerError};
use crate::pipeline::explore::playlist_compare::{compare, Member};
use crate::pipeline::explore::playlist_match::{match_playlist, CatalogueIndex, Found, MatchCounts};
use crate::pipeline::explore::playlist_place::{nothing_shared, place, Catalogue, Placed, Placement};
use crate::pipeline::explore::recommend::{similar_to_vectors, Rule, Space, MAX_NEIGHBOURS};
use crate::pipeline::explore::tempo::TempoWindow;
use crate::pipeline::input::columns::{ColumnMapping, Feature};
use crate::pipeline::input::load::{parse_csv, Table};
use crate::pipeline::input::song_name::song_label;
use crate::pipeline::input::track_id::{track_id_column, track_id_of};
use crate::pipeline::output::export::spotify_csv;
use crate::protocol::{Event, FlowOrdered, MineRecommendation, PlacedSong, PlaylistFound, SetRecommendation, SongRef};

const STAGE: &str = "Adding your playlist";
/// Ambiguous titles named in the page's note, at most.
const NAMED: usize = 5;

/// The first playlist and the second (compared with the first).
const SLOTS: usize = 2;

thread_local! {
    /// The playlist files added to this catalogue, placed again on every new run.
    static MINE: RefCell<[Option<(String, File)>; SLOTS]> = const { RefCell::new([None, None]) };
    /// Where the first is on the current run: what "More like my playlist" starts from.
    static ON_RUN: RefCell<Option<OnRun>> = const { RefCell::new(None) };
}

/// The playlist on the run it was last placed on.
struct OnRun {
    /// The catalogue songs found (run rows, ascending, each once).
    rows: Vec<usize>,
    placed: Vec<Placed>,
    /// Every playlist row on the map, in the file's order, and where its features are.
    seats: Vec<(usize, Seat)>,
}

#[derive(Clone, Copy)]
enum Seat {
    /// A catalogue song (run row).
    Found(usize),
    /// `placed[i]`.
    Placed(usize),
}

/// "Order for flow" of the personal playlist: every song of it on the map (found and placed).
pub(super) fn flow_mine(seed: u64, tempo_window: Option<f32>) {
    let found = with_run("Ordering your playlist", NO_RUN, |_, last| {
        ON_RUN.with(|r| {
            let on = r.borrow();
            let Some(on) = on.as_ref() else { return Err(WorkerError::Invalid("Add your playlist (CSV) first.".into())) };
            let d = last.prepared.features.n_features();
            let songs: Vec<FlowSong> = on
                .seats
                .iter()
                .map(|(_, seat)| match *seat {
                    Seat::Found(r) => FlowSong {
                        scaled: &last.prepared.scaled[r * d..(r + 1) * d],
                        values: &last.prepared.features.values[r * d..(r + 1) * d],
                    },
                    Seat::Placed(i) => FlowSong { scaled: &on.placed[i].scaled, values: &on.placed[i].values },
                })
                .collect();
            let (ordered, order) = flow_of(last, &songs, seed, tempo_window)?;
            let playlist_rows = order.iter().map(|&i| on.seats[i].0).collect();
            Ok(FlowOrdered { mine: true, playlist_rows, ..ordered })
        })
    });
    if let Some(f) = found {
        post(&Event::FlowOrdered(Box::new(f)));
    }
}

/// The personal playlist file's rows, in the order given, as a `Track URI` CSV (its own ids,
/// titles and artists).
pub(super) fn export_for_spotify(playlist_rows: &[usize]) {
    let Some((name, file)) = MINE.with(|m| m.borrow()[0].clone()) else {
        return fail("Exporting your playlist for Spotify", WorkerError::Invalid("Add your playlist (CSV) first.".into()));
    };
    let csv = read_whole(&name, &file).and_then(|bytes| {
        let table = parse_csv(&bytes).map_err(|e| WorkerError::in_file(&name, e))?;
        let mapping = ColumnMapping::guess(&table.headers);
        Ok(spotify_csv(&table, mapping.title, mapping.artist, playlist_rows)?)
    });
    match csv {
        Ok((csv, with_uri)) => {
            let file = "songscape-my-playlist-in-flow-order-spotify.csv".to_string();
            post_download(Event::SpotifyExported { file, songs: playlist_rows.len(), with_uri }, &csv, "text/csv");
        }
        Err(e) => fail("Exporting your playlist for Spotify", e),
    }
}

/// Adds the playlist file sent with the request; the file, once placed, for the session kept
/// in the browser to hold too (in which of the two places, and the file).
pub(super) fn add(name: &str, second: bool, data: &JsValue) -> Option<(usize, File)> {
    match file_of(data).and_then(|file| read(name, &file, false, second).map(|found| (found, file))) {
        Ok((Some(found), file)) => {
            post(&Event::PlaylistFound(Box::new(found)));
            let slot = usize::from(second);
            MINE.with(|m| m.borrow_mut()[slot] = Some((name.to_string(), file.clone())));
            Some((slot, file))
        }
        Ok((None, _)) => None,
        Err(message) => {
            fail(STAGE, message);
            None
        }
    }
}

/// A new run of the catalogue was committed: the playlists added before are placed on it.
pub(super) fn again() {
    ON_RUN.with(|r| *r.borrow_mut() = None);
    let kept = MINE.with(|m| m.borrow().clone());
    for (slot, mine) in kept.into_iter().enumerate() {
        let Some((name, file)) = mine else { continue };
        match read(&name, &file, true, slot == 1) {
            Ok(Some(found)) => post(&Event::PlaylistFound(Box::new(found))),
            Ok(None) => {}
            Err(message) => fail(STAGE, message),
        }
    }
}

/// The playlists kept with the session, read back on "Resume": placed once the run is committed.
pub(super) fn resumed(mine: [Option<(String, File)>; SLOTS]) {
    MINE.with(|m| *m.borrow_mut() = mine);
}

/// A new catalogue: the playlists belonged to the old one.
pub(super) fn forget() {
    MINE.with(|m| *m.borrow_mut() = [None, None]);
    ON_RUN.with(|r| *r.borrow_mut() = None);
}

/// "More like my playlist": catalogue songs outside it, like its songs found and placed alike,
/// in one cluster and within a tempo window when asked.
pub(super) fn more_like_mine(n: usize, rule: Rule, cluster: Option<usize>, tempo: Option<TempoWindow>) {
    let found = with_run("Recommending for your playlist", NO_RUN, |table, last| {
        if !(1..=MAX_NEIGHBOURS).contains(&n) {
            return Err(too_many(n));
        }
        ON_RUN.with(|r| match &*r.borrow() {
            Some(on) => recommend(table, last, on, (n, rule), (cluster, tempo)),
            None => Err(WorkerError::Invalid("Add your playlist (CSV) first: its songs are what these are like.".into())),
        })
    });
    if let Some(r) = found {
        post(&Event::MineRecommended(Box::new(r)));
    }
}

fn recommend(
    table: &Table,
    last: &LastRun,
    on: &OnRun,
    (n, rule): (usize, Rule),
    (cluster, tempo): (Option<usize>, Option<TempoWindow>),
) -> Outcome<MineRecommendation> {
    let (points, dim) = last.space(rule.space);
    let f = &last.prepared.features;
    let tempo_at = f.features.iter().position(|x| *x == Feature::Tempo);
    if tempo.is_some() && tempo_at.is_none() {
        return Err(WorkerError::Invalid("The catalogue has no Tempo column to filter by.".into()));
    }
    let own = |p: &Placed| match rule.space {
        Space::Features => Some(p.scaled.clone()),
        Space::Codes => p.point.clone(),
    };
    let placed: Vec<Vec<f32>> = on.placed.iter().filter_map(own).collect();
    let mut seeds: Vec<&[f32]> = on.rows.iter().map(|&r| &points[r * dim..(r + 1) * dim]).collect();
    seeds.extend(placed.iter().map(Vec::as_slice));
    if seeds.is_empty() {
        return Err(WorkerError::Invalid("None of your playlist's songs is on the map, so nothing is like them.".into()));
    }
    let labels = &last.analysis.clustering.labels;
    let d = f.n_features();
    let keep = |r: usize| {
        cluster.is_none_or(|c| labels[r] == c)
            && tempo.is_none_or(|w| tempo_at.is_some_and(|j| w.holds(f.values[r * d + j])))
    };
    let found = similar_to_vectors(points, dim, &seeds, &on.rows, n, rule.metric, &last.identities(table), keep);
    let similar = listing(table, last, rule, &found.neighbours, None);
    let mut filters = Vec::new();
    if let Some(c) = cluster {
        filters.push(format!("in cluster {}", last.names.get(c).cloned().unwrap_or_else(|| format!("{}", c + 1))));
    }
    filters.extend(tempo.map(TempoWindow::words));
    Ok(MineRecommendation {
        list: SetRecommendation { seeds: seeds.len(), rule, similar, folded: found.folded },
        placed: placed.len(),
        filters: filters.join(", "),
    })
}

fn read(name: &str, file: &File, again: bool, second: bool) -> Outcome<Option<PlaylistFound>> {
    let bytes = read_whole(name, file)?;
    let playlist = parse_csv(&bytes).map_err(|e| WorkerError::in_file(name, e))?;
    let mapping = ColumnMapping::guess(&playlist.headers);
    Ok(with_run(STAGE, "Train a model on a catalogue first: your playlist is found among its songs.", |table, last| {
        let (found, on_run) = found_in(table, last, name, &playlist, &mapping)?;
        if !second {
            ON_RUN.with(|r| *r.borrow_mut() = Some(on_run));
        }
        Ok(PlaylistFound { again, second, ..found })
    }))
}

fn found_in(
    table: &Table,
    last: &LastRun,
    name: &str,
    playlist: &Table,
    mapping: &ColumnMapping,
) -> Outcome<(PlaylistFound, OnRun)> {
    let index = CatalogueIndex::of(table, &last.mapping, &last.prepared.features.rows);
    let found = match_playlist(&index, playlist, mapping);
    let counts = MatchCounts::of(&found);
    let missing: Vec<usize> = (0..found.len()).filter(|&i| found[i] == Found::Missing).collect();
    let catalogue = Catalogue { prepared: &last.prepared, trained: &last.trained, analysis: &last.analysis };
    let placement = place(&catalogue, playlist, mapping, &missing);
    let ids = track_id_column(&playlist.headers);
    if counts.by_id + counts.by_name == 0 && placement.placed.is_empty() {
        let features = &last.prepared.features.features;
        return Err(WorkerError::Invalid(nothing_shared(name, features, mapping, &playlist.headers, ids.is_some())));
    }
    let (songs, named_ambiguous) = found_songs(table, last, &found);
    let placed = placed_songs(playlist, mapping, ids, &placement);
    let profile = compare(&last.prepared, &last.analysis.clustering.sizes, &members(last, &songs, &placement));
    let mut rows: Vec<usize> = songs.iter().map(|s| s.row).collect();
    rows.sort_unstable();
    rows.dedup();
    let seats = seats(&found, &placement);
    let found = PlaylistFound {
        name: name.to_string(),
        rows: playlist.n_rows(),
        by_id: counts.by_id,
        by_name: counts.by_name,
        ambiguous: counts.ambiguous,
        missing: counts.missing,
        named_ambiguous,
        songs,
        without_features: placement.without_features.len(),
        notes: notes(&placement, playlist.n_rows(), last.prepared.features.n_rows()),
        placed,
        profile,
        again: false,
        second: false,
    };
    Ok((found, OnRun { rows, placed: placement.placed, seats }))
}

/// Every playlist row on the map, in the file's order: found in the catalogue or placed.
fn seats(found: &[Found], placement: &Placement) -> Vec<(usize, Seat)> {
    let mut placed = placement.placed.iter().enumerate().map(|(i, p)| (p.row, i)).peekable();
    let mut seats = Vec::new();
    for (row, f) in found.iter().enumerate() {
        if let Some(song) = f.song() {
            seats.push((row, Seat::Found(song)));
        } else if placed.peek().is_some_and(|&(r, _)| r == row) {
            let (_, i) = placed.next().unwrap_or((row, 0));
            seats.push((row, Seat::Placed(i)));
        }
    }
    seats
}

/// The catalogue songs found, and a few of those found among several with their title and artist.
fn found_songs(table: &Table, last: &LastRun, found: &[Found]) -> (Vec<SongRef>, Vec<String>) {
    let mut songs = Vec::new();
    let mut ambiguous = Vec::new();
    for f in found {
        let Some(row) = f.song() else { continue };
        let song = names::song(table, last, row);
        if let Found::ByName { among, .. } = f {
            if *among > 1 && ambiguous.len() < NAMED {
                ambiguous.push(format!(
                    "{} ({among} in the catalogue; the first was taken)",
                    song_label(&song.title, &song.artist)
                ));
            }
        }
        songs.push(song);
    }
    (songs, ambiguous)
}

fn placed_songs(playlist: &Table, mapping: &ColumnMapping, ids: Option<usize>, placement: &Placement) -> Vec<PlacedSong> {
    let cell = |row: usize, column: Option<usize>| column.map(|c| playlist.cell(row, c).trim().to_string()).unwrap_or_default();
    placement
        .placed
        .iter()
        .map(|p| PlacedSong {
            title: cell(p.row, mapping.title),
            artist: cell(p.row, mapping.artist),
            track_id: track_id_of(playlist, ids, p.row),
            cluster: p.cluster,
            near: p.near.clone(),
            scaled: p.scaled.clone(),
        })
        .collect()
}

/// Every song of the playlist the comparison counts: found ones with the catalogue's values.
fn members<'a>(last: &'a LastRun, songs: &[SongRef], placement: &'a Placement) -> Vec<Member<'a>> {
    let d = last.prepared.features.n_features();
    let row = |r: usize| r * d..(r + 1) * d;
    let found = songs.iter().map(|s| Member {
        cluster: last.analysis.clustering.labels[s.row],
        values: &last.prepared.features.values[row(s.row)],
        scaled: &last.prepared.scaled[row(s.row)],
    });
    let placed = placement.placed.iter().map(|p| Member { cluster: p.cluster, values: &p.values, scaled: &p.scaled });
    found.chain(placed).collect()
}

/// What the page says beside the counts about how the placed songs were read.
fn notes(placement: &Placement, rows: usize, catalogue: usize) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    if rows > catalogue {
        notes.push(format!(
            "This playlist has more songs ({rows}) than the catalogue ({catalogue}): it is compared all the same; check that the two files were not swapped."
        ));
    }
    if placement.placed.is_empty() {
        return notes;
    }
    notes.extend(placement.adjusted.iter().map(|a| a.sentence()));
    if placement.cells_filled > 0 {
        notes.push(format!(
            "{} empty feature cells of placed songs were given the catalogue's median.",
            placement.cells_filled
        ));
    }
    if !placement.mismatched.is_empty() {
        notes.push(format!(
            "Some of the playlist's values still look like other units than the catalogue's: {}. Its placed songs may sit in the wrong clusters.",
            placement.mismatched.join("; ")
        ));
    }
    notes
}
