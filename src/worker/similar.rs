//! Similar songs: to one song, and to a whole playlist; repeats folded, closeness on the file's
//! scale, and why each is similar.

use std::rc::Rc;

use super::names::song;
use super::songs::NO_RUN;
use super::{post, with_run, LastRun, Outcome, WorkerError};
use crate::pipeline::explore::closeness::ClosenessScale;
use crate::pipeline::explore::recommend::{similar, similar_to_set, Neighbour, Rule, Space, MAX_NEIGHBOURS};
use crate::pipeline::explore::why::why_similar;
use crate::pipeline::input::load::Table;
use crate::pipeline::input::song_identity::identities;
use crate::pipeline::explore::flow::{flow_order, FlowOptions, MAX_SONGS};
use crate::pipeline::input::columns::Feature;
use crate::protocol::{Distinctive, Event, FlowOrdered, Recommendation, SetRecommendation, SimilarSong};

/// What similar songs need beyond the run, worked out on the first request and kept: which rows
/// are the same song, and each rule's closeness scale (a few hundred searches: too slow to
/// repeat per request at 1M songs, too slow to hold up the map by doing it with the run).
#[derive(Default)]
pub(super) struct Lookups {
    identities: Option<Rc<Vec<u32>>>,
    scales: Vec<(Rule, Rc<ClosenessScale>)>,
}

impl LastRun {
    /// The vectors `space` names, and their width.
    pub(super) fn space(&self, space: Space) -> (&[f32], usize) {
        match space {
            Space::Codes => (&self.analysis.points, self.analysis.point_dim),
            Space::Features => (&self.prepared.scaled, self.prepared.features.n_features()),
        }
    }

    pub(super) fn identities(&self, table: &Table) -> Rc<Vec<u32>> {
        let mut lookups = self.lookups.borrow_mut();
        let rows = &self.prepared.features.rows;
        lookups.identities.get_or_insert_with(|| Rc::new(identities(table, &self.mapping, rows))).clone()
    }

    fn closeness_scale(&self, table: &Table, rule: Rule) -> Rc<ClosenessScale> {
        if let Some((_, scale)) = self.lookups.borrow().scales.iter().find(|(r, _)| *r == rule) {
            return scale.clone();
        }
        let (points, dim) = self.space(rule.space);
        let scale =
            Rc::new(ClosenessScale::measure(points, dim, rule.metric, &self.identities(table), self.params.seed));
        self.lookups.borrow_mut().scales.push((rule, scale.clone()));
        scale
    }
}

pub(super) fn recommend(row: usize, n: usize, rule: Rule) {
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
        let (points, dim) = last.space(rule.space);
        let found = similar(points, dim, row, n, rule.metric, &last.identities(table));
        let listed = listing(table, last, rule, &found.neighbours, Some(row));
        Ok(Recommendation { song: song(table, last, row), features, rule, similar: listed, folded: found.folded })
    });
    if let Some(r) = found {
        post(&Event::Recommended(Box::new(r)));
    }
}

pub(super) fn too_many(n: usize) -> WorkerError {
    WorkerError::Invalid(format!("The number of similar songs must be between 1 and {MAX_NEIGHBOURS} (got {n})."))
}

/// The run row of each table row that the run kept (rows with bad values were set aside).
pub(super) fn run_rows(last: &LastRun, table_rows: &[usize]) -> Vec<usize> {
    let rows = &last.prepared.features.rows;
    table_rows.iter().filter_map(|t| rows.binary_search(t).ok()).collect()
}

/// The neighbours as the page lists them: each with its closeness on the file's scale and, when
/// there is one chosen song (`from`), why it is like it.
pub(super) fn listing(table: &Table, last: &LastRun, rule: Rule, found: &[Neighbour], from: Option<usize>) -> Vec<SimilarSong> {
    let scale = last.closeness_scale(table, rule);
    let f = &last.prepared.features;
    let d = f.n_features();
    let z = |r: usize| &last.prepared.scaled[r * d..(r + 1) * d];
    let raw = |r: usize| &f.values[r * d..(r + 1) * d];
    found
        .iter()
        .map(|nb| SimilarSong {
            song: song(table, last, nb.row),
            score: nb.score,
            closeness: scale.closeness(nb.score),
            why: from
                .map(|a| why_similar(&f.features, z(a), z(nb.row), raw(a), raw(nb.row)).sentence())
                .unwrap_or_default(),
        })
        .collect()
}

pub(super) fn more_like_these(table_rows: Vec<usize>, n: usize, rule: Rule) {
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
        let (points, dim) = last.space(rule.space);
        let found = similar_to_set(points, dim, &seeds, n, rule.metric, &last.identities(table));
        let listed = listing(table, last, rule, &found.neighbours, None);
        Ok(SetRecommendation { seeds: seeds.len(), rule, similar: listed, folded: found.folded })
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

/// "Order for flow": the playlist's songs in the run, ordered with small steps in the scaled
/// audio features (`explore::flow`), with energy and tempo along the order for the chart.
pub(super) fn flow(table_rows: Vec<usize>, seed: u64, tempo_window: Option<f32>) {
    let found = with_run("Ordering the playlist", NO_RUN, |_, last| {
        let rows = run_rows(last, &table_rows);
        let d = last.prepared.features.n_features();
        let songs: Vec<FlowSong> = rows
            .iter()
            .map(|&r| FlowSong { scaled: &last.prepared.scaled[r * d..(r + 1) * d], values: &last.prepared.features.values[r * d..(r + 1) * d] })
            .collect();
        let (mut ordered, order) = flow_of(last, &songs, seed, tempo_window)?;
        ordered.table_rows = order.iter().map(|&i| last.prepared.features.rows[rows[i]]).collect();
        Ok(ordered)
    });
    if let Some(f) = found {
        post(&Event::FlowOrdered(Box::new(f)));
    }
}

/// A song to order: its scaled features (the space of the steps) and its values in the
/// catalogue's units (tempo and energy).
pub(super) struct FlowSong<'a> {
    pub(super) scaled: &'a [f32],
    pub(super) values: &'a [f32],
}

/// `songs` ordered for flow: the answer without its rows (the caller names them), and the order
/// as positions into `songs`.
pub(super) fn flow_of(last: &LastRun, songs: &[FlowSong], seed: u64, tempo_window: Option<f32>) -> Outcome<(FlowOrdered, Vec<usize>)> {
    if songs.len() < 2 {
        return Err(WorkerError::Invalid("Ordering needs at least two songs on the map.".into()));
    }
    if songs.len() > MAX_SONGS {
        return Err(WorkerError::Invalid(format!(
            "Ordering for flow takes at most {MAX_SONGS} songs at once; this playlist has {} on the map.",
            songs.len()
        )));
    }
    let features = &last.prepared.features.features;
    let column = |feature: Feature| -> Vec<f32> {
        let Some(j) = features.iter().position(|x| *x == feature) else { return Vec::new() };
        songs.iter().map(|s| s.values[j]).collect()
    };
    let tempo = column(Feature::Tempo);
    if tempo_window.is_some() && tempo.is_empty() {
        return Err(WorkerError::Invalid("The catalogue has no Tempo column, so there is no tempo to keep.".into()));
    }
    let d = last.prepared.features.n_features();
    let points: Vec<f32> = songs.iter().flat_map(|s| s.scaled.iter().copied()).collect();
    let flow = flow_order(&points, d, (!tempo.is_empty()).then_some(&tempo[..]), FlowOptions { seed, tempo_window });
    let along = |v: Vec<f32>| if v.is_empty() { v } else { flow.order.iter().map(|&i| v[i]).collect() };
    let ordered = FlowOrdered {
        table_rows: Vec::new(),
        before: flow.before,
        after: flow.after,
        off_tempo: flow.off_tempo,
        tempo_window,
        seed,
        energy: along(column(Feature::Energy)),
        tempo: along(tempo),
        mine: false,
        playlist_rows: Vec::new(),
    };
    Ok((ordered, flow.order))
}
