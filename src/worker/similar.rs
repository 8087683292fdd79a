//! Similar songs: to one song, and to a whole playlist.

use super::names::song;
use super::songs::NO_RUN;
use super::{post, with_run, LastRun, WorkerError};
use crate::pipeline::explore::recommend::{nearest, nearest_to_set, Metric, MAX_NEIGHBOURS};
use crate::protocol::{Distinctive, Event, Recommendation, SetRecommendation, SimilarSong};

pub(super) fn recommend(row: usize, n: usize, metric: Metric) {
    let found = with_run("Recommending", NO_RUN, |table, last| {
        if row >= last.prepared.features.n_rows() {
            // People count from 1; the request's row is 0-based.
            let songs = last.prepared.features.n_rows();
            return Err(WorkerError::Invalid(format!(
                "There is no song number {} in this run; it has {songs}.",
                row + 1
            )));
        }
        if !(1..=MAX_NEIGHBOURS).contains(&n) {
            return Err(too_many(n));
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

fn too_many(n: usize) -> WorkerError {
    WorkerError::Invalid(format!("The number of similar songs must be between 1 and {MAX_NEIGHBOURS} (got {n})."))
}

/// The run row of each table row that the run kept (rows with bad values were set aside).
fn run_rows(last: &LastRun, table_rows: &[usize]) -> Vec<usize> {
    let rows = &last.prepared.features.rows;
    table_rows.iter().filter_map(|t| rows.binary_search(t).ok()).collect()
}

pub(super) fn more_like_these(table_rows: Vec<usize>, n: usize, metric: Metric) {
    let found = with_run("Recommending for the playlist", NO_RUN, |table, last| {
        if !(1..=MAX_NEIGHBOURS).contains(&n) {
            return Err(too_many(n));
        }
        let seeds = run_rows(last, &table_rows);
        if seeds.is_empty() {
            return Err(WorkerError::Invalid(
                "None of the playlist's songs is in the last run: add songs from this file first.".into(),
            ));
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

/// Features shown on the map's hover card.
const DISTINCTIVE: usize = 3;

/// The song's features furthest from the average song (its scaled values are z-scores).
pub(super) fn describe(row: usize) {
    let found = with_run("Describing a song", NO_RUN, |_, last| {
        let f = &last.prepared.features;
        let d = f.n_features();
        if row >= f.n_rows() {
            return Err(WorkerError::Invalid(format!(
                "There is no song number {} in this run; it has {}.",
                row + 1,
                f.n_rows()
            )));
        }
        let z = &last.prepared.scaled[row * d..(row + 1) * d];
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&a, &b| z[b].abs().total_cmp(&z[a].abs()));
        let features = order
            .into_iter()
            .take(DISTINCTIVE)
            .map(|j| (f.features[j].name().to_string(), z[j], f.values[row * d + j]))
            .collect();
        Ok(Distinctive { row, features })
    });
    if let Some(d) = found {
        post(&Event::Described(Box::new(d)));
    }
}
