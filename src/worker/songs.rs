//! Songs of the last run by name: finding them, and picking them on the map.

use super::names::song;
use super::{post, with_run};
use crate::protocol::{Event, PickFor};

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
