//! The songs of the last run as the page lists them, named by `pipeline::input::song_name`.

use std::borrow::Cow;

use super::session::LastRun;
use crate::pipeline::input::load::Table;
use crate::pipeline::input::song_name;
use crate::pipeline::input::track_id::{track_id_column, track_id_of};
use crate::protocol::{self, SongRef};

fn title_and_artist<'a>(table: &'a Table, last: &LastRun, table_row: usize) -> (Cow<'a, str>, &'a str) {
    song_name::title_and_artist(table, last.mapping.title, last.mapping.artist, table_row)
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
        track_id: track_id_of(table, track_id_column(&table.headers), table_row),
    }
}

/// Every run row's title and artist, packed for the page (`protocol::song_names`).
pub(super) fn song_names(table: &Table, last: &LastRun) -> (Vec<u8>, Vec<u32>) {
    protocol::song_names(last.prepared.features.rows.iter().map(|&t| title_and_artist(table, last, t)))
}
