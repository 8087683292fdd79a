//! "Add your playlist (CSV)": a person's own playlist file found in the run's catalogue
//! (`explore::playlist_match`); the songs found go to the page's playlist. Reading the file never
//! touches the run or the catalogue's table: any error here leaves both as they were.

use wasm_bindgen::JsValue;

use super::{fail, file_of, names, post, read_whole, with_run, Outcome, WorkerError};
use crate::pipeline::explore::playlist_match::{match_playlist, CatalogueIndex, Found, MatchCounts};
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::load::parse_csv;
use crate::pipeline::input::song_name::song_label;
use crate::protocol::{Event, PlaylistFound};

const STAGE: &str = "Adding your playlist";
/// Ambiguous titles named in the page's note, at most.
const NAMED: usize = 5;

pub(super) fn add(name: &str, data: &JsValue) {
    match read(name, data) {
        Ok(Some(found)) => post(&Event::PlaylistFound(Box::new(found))),
        Ok(None) => {}
        Err(message) => fail(STAGE, message),
    }
}

fn read(name: &str, data: &JsValue) -> Outcome<Option<PlaylistFound>> {
    let bytes = read_whole(name, &file_of(data)?)?;
    let playlist = parse_csv(&bytes).map_err(|e| WorkerError::in_file(name, e))?;
    let mapping = ColumnMapping::guess(&playlist.headers);
    Ok(with_run(STAGE, "Train a model on a catalogue first: your playlist is found among its songs.", |table, last| {
        let index = CatalogueIndex::of(table, &last.mapping, &last.prepared.features.rows);
        let found = match_playlist(&index, &playlist, &mapping);
        let counts = MatchCounts::of(&found);
        let mut songs = Vec::new();
        let mut ambiguous = Vec::new();
        for f in &found {
            let Some(song) = f.song() else { continue };
            let song = names::song(table, last, song);
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
        Ok(PlaylistFound {
            name: name.to_string(),
            rows: playlist.n_rows(),
            by_id: counts.by_id,
            by_name: counts.by_name,
            ambiguous: counts.ambiguous,
            missing: counts.missing,
            named_ambiguous: ambiguous,
            songs,
        })
    }))
}
