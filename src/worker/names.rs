//! How a song of the last run is named in lists and on the map: one place, so search hits,
//! similar songs, the playlist and the map's pointer all say the same.

use std::borrow::Cow;

use super::session::LastRun;
use crate::pipeline::input::load::Table;
use crate::protocol::{self, SongRef};

pub(super) fn cell(table: &Table, row: usize, column: Option<usize>) -> &str {
    column.map_or("", |c| table.cell(row, c))
}

/// The title of the file's row `table_row` ("Line N" where it has none) and its artist.
fn title_and_artist<'a>(table: &'a Table, last: &LastRun, table_row: usize) -> (Cow<'a, str>, &'a str) {
    let title = match cell(table, table_row, last.mapping.title) {
        "" => Cow::Owned(format!("Line {}", table.lines.get(table_row).copied().unwrap_or(0))),
        t => Cow::Borrowed(t),
    };
    (title, cell(table, table_row, last.mapping.artist))
}

pub(super) fn song(table: &Table, last: &LastRun, row: usize) -> SongRef {
    let table_row = last.prepared.features.rows[row];
    let (title, artist) = title_and_artist(table, last, table_row);
    SongRef {
        row,
        table_row,
        title: title.into_owned(),
        artist: artist.to_string(),
        cluster: last.analysis.clustering.labels[row],
    }
}

/// Every run row's title and artist, packed for the page (`protocol::song_names`).
pub(super) fn song_names(table: &Table, last: &LastRun) -> (Vec<u8>, Vec<u32>) {
    protocol::song_names(last.prepared.features.rows.iter().map(|&t| title_and_artist(table, last, t)))
}
