//! Songs of the last run by name: finding them, and picking them on the map.

use super::names::song;
use super::{post, with_run};
use crate::pipeline::input::track_id::{row_of_id, track_id_column};
use crate::protocol::{Event, PickFor, SongKey};

/// Search results shown at once.
const HITS: usize = 12;

pub(super) const NO_RUN: &str = "Train a model first: songs are found among the rows it mapped.";

pub(super) fn search(query: String) {
    let hits = with_run("Finding songs", NO_RUN, |table, last| {
        Ok(last.search.search(&query, HITS).into_iter().map(|r| song(table, last, r)).collect())
    });
    if let Some(hits) = hits {
        post(&Event::SearchResults { query, hits });
    }
}

pub(super) fn pick(rows: Vec<usize>, purpose: PickFor) {
    let found = with_run("Picking songs", NO_RUN, |table, last| {
        let n = last.prepared.features.n_rows();
        Ok(rows.into_iter().filter(|&r| r < n).map(|r| song(table, last, r)).collect())
    });
    if let Some(songs) = found {
        post(&Event::Picked { songs, purpose });
    }
}

/// The song a link names, if the last run has it: by track id, else by its row in the file.
pub(super) fn locate(key: SongKey) {
    let found = with_run("Finding the linked song", NO_RUN, |table, last| {
        let table_row = match &key {
            SongKey::Id(id) => track_id_column(&table.headers).and_then(|c| row_of_id(table, c, id)),
            SongKey::Row(r) => Some(*r),
        };
        // The run's rows are the file's usable rows, in the file's order.
        let rows = &last.prepared.features.rows;
        Ok(table_row.and_then(|t| rows.binary_search(&t).ok()).map(|row| song(table, last, row)))
    });
    if let Some(song) = found {
        post(&Event::Located { song });
    }
}
