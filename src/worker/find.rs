//! Finding songs and recommending similar ones, on the last run's rows and codes.

use std::borrow::Cow;

use super::{post, with_run, LastRun};
use crate::mapview::colours::{colouring_of_column, colouring_of_values};
use crate::pipeline::explore::recommend::{nearest, nearest_to_set, Metric, MAX_NEIGHBOURS};
use crate::pipeline::explore::search::SearchIndex;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::load::Table;
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::output::export::{playlist_csv, PlaylistSong};
use crate::protocol::{self, Event, Recommendation, SetRecommendation, SimilarSong, SongRef};

/// Search results shown at once.
const HITS: usize = 12;
const NO_RUN: &str = "Train a model first: songs are found among the rows it mapped.";

/// The search index of a run: title and artist of each usable row.
pub(super) fn index(table: &Table, mapping: &ColumnMapping, prepared: &Prepared) -> SearchIndex {
    let texts: Vec<String> = prepared
        .features
        .rows
        .iter()
        .map(|&r| format!("{} {}", cell(table, r, mapping.title), cell(table, r, mapping.artist)))
        .collect();
    SearchIndex::new(texts.iter().map(String::as_str))
}

fn cell(table: &Table, row: usize, column: Option<usize>) -> &str {
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

fn song(table: &Table, last: &LastRun, row: usize) -> SongRef {
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

pub(super) fn search(query: String) {
    let hits = with_run("Finding songs", NO_RUN, |table, last| {
        Ok(last.search.search(&query, HITS).into_iter().map(|r| song(table, last, r)).collect())
    });
    if let Some(hits) = hits {
        post(&Event::SearchResults { query, hits });
    }
}

pub(super) fn recommend(row: usize, n: usize, metric: Metric) {
    let found = with_run("Recommending", NO_RUN, |table, last| {
        if row >= last.prepared.features.n_rows() {
            return Err(format!("There is no song number {row} in this run."));
        }
        if !(1..=MAX_NEIGHBOURS).contains(&n) {
            return Err(format!("The number of similar songs must be between 1 and {MAX_NEIGHBOURS} (got {n})."));
        }
        let d = last.prepared.features.n_features();
        let values = &last.prepared.features.values[row * d..(row + 1) * d];
        let features =
            last.prepared.features.features.iter().zip(values).map(|(f, v)| (f.name().to_string(), *v)).collect();
        let similar = nearest(&last.analysis.points, last.analysis.point_dim, row, n, metric)
            .into_iter()
            .map(|nb| SimilarSong { song: song(table, last, nb.row), score: nb.score })
            .collect();
        Ok(Recommendation { song: song(table, last, row), features, metric, similar })
    });
    if let Some(r) = found {
        post(&Event::Recommended(Box::new(r)));
    }
}

pub(super) fn pick(rows: Vec<usize>) {
    let found = with_run("Picking songs", NO_RUN, |table, last| {
        let n = last.prepared.features.n_rows();
        Ok(rows.into_iter().filter(|&r| r < n).map(|r| song(table, last, r)).collect())
    });
    if let Some(songs) = found {
        post(&Event::Picked(songs));
    }
}

/// The run row of each table row that the run kept (rows with bad values were set aside).
fn run_rows(last: &LastRun, table_rows: &[usize]) -> Vec<usize> {
    let rows = &last.prepared.features.rows;
    table_rows.iter().filter_map(|t| rows.binary_search(t).ok()).collect()
}

pub(super) fn more_like_these(table_rows: Vec<usize>, n: usize, metric: Metric) {
    let found = with_run("Recommending for the playlist", NO_RUN, |table, last| {
        if !(1..=MAX_NEIGHBOURS).contains(&n) {
            return Err(format!("The number of similar songs must be between 1 and {MAX_NEIGHBOURS} (got {n})."));
        }
        let seeds = run_rows(last, &table_rows);
        if seeds.is_empty() {
            return Err("None of the playlist's songs is in the last run: add songs from this file first.".into());
        }
        let similar = nearest_to_set(&last.analysis.points, last.analysis.point_dim, &seeds, n, metric)
            .into_iter()
            .map(|nb| SimilarSong { song: song(table, last, nb.row), score: nb.score })
            .collect();
        Ok(SetRecommendation { seeds: seeds.len(), metric, similar })
    });
    if let Some(r) = found {
        post(&Event::SetRecommended(Box::new(r)));
    }
}

/// Works with or without a run: without one, the songs' clusters are left empty.
pub(super) fn export_playlist(table_rows: Vec<usize>, names: Vec<String>) {
    let csv = super::STATE.with(|s| {
        let s = s.borrow();
        let Some(table) = &s.table else { return Err("No file is loaded.".to_string()) };
        let cluster = |t: usize| {
            let last = s.last.as_ref()?;
            let row = last.prepared.features.rows.binary_search(&t).ok()?;
            let id = last.analysis.clustering.labels[row];
            Some((id, names.get(id).cloned().unwrap_or_default()))
        };
        let songs: Vec<PlaylistSong> =
            table_rows.iter().map(|&t| PlaylistSong { table_row: t, cluster: cluster(t) }).collect();
        playlist_csv(table, &songs).map_err(|e| e.to_string())
    });
    match csv {
        Ok(csv) => super::post_download(Event::Exported { file: "songscape-playlist.csv".into() }, &csv, "text/csv"),
        Err(e) => super::fail("Exporting the playlist", e),
    }
}

pub(super) fn colour_by(column: usize) {
    let colouring = with_run("Colouring the map", NO_RUN, |table, last| {
        if column >= table.headers.len() {
            return Err(format!("There is no column number {column} in this file."));
        }
        let features = &last.prepared.features;
        let mapped = last.mapping.present().into_iter().find(|&(_, c)| c == column);
        let position = mapped.and_then(|(f, _)| features.features.iter().position(|&g| g == f));
        Ok(match position {
            // A mapped feature was read already, with units and separators recovered.
            Some(j) => {
                let d = features.n_features();
                let values = features.values.iter().skip(j).step_by(d).copied().collect();
                colouring_of_values(&table.headers[column], values)
            }
            None => colouring_of_column(table, &features.rows, column),
        })
    });
    if let Some(c) = colouring {
        post(&Event::Coloured(Box::new(c)));
    }
}
