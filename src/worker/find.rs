//! Finding songs and recommending similar ones, on the last run's rows and codes.

use super::{post, with_run, LastRun};
use crate::pipeline::columns::ColumnMapping;
use crate::pipeline::load::Table;
use crate::pipeline::recommend::{nearest, Metric, MAX_NEIGHBOURS};
use crate::pipeline::run::Prepared;
use crate::pipeline::search::SearchIndex;
use crate::protocol::{Event, Recommendation, SimilarSong, SongRef};

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

fn song(table: &Table, last: &LastRun, row: usize) -> SongRef {
    let table_row = last.prepared.features.rows[row];
    let title = match cell(table, table_row, last.mapping.title) {
        "" => format!("Line {}", table.lines.get(table_row).copied().unwrap_or(0)),
        t => t.to_string(),
    };
    SongRef {
        row,
        title,
        artist: cell(table, table_row, last.mapping.artist).to_string(),
        cluster: last.analysis.clustering.labels[row],
    }
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
        let similar = nearest(&last.analysis.codes, last.analysis.latent, row, n, metric)
            .into_iter()
            .map(|nb| SimilarSong { song: song(table, last, nb.row), score: nb.score })
            .collect();
        Ok(Recommendation { song: song(table, last, row), features, metric, similar })
    });
    if let Some(r) = found {
        post(&Event::Recommended(Box::new(r)));
    }
}
