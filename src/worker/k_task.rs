//! Choosing k and re-clustering on the last run's codes, without retraining. Comparing k runs
//! KMeans up to 19 times, so it yields between values of k: progress reaches the page and
//! Cancel is honoured.

use super::{cancelled, fail, post, run_busy, with_run, yield_now, LastRun, STATE};
use crate::pipeline::analysis::choose_k::{score_k, silhouette_rows, suggest_k, KScore};
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::Analysis;
use crate::pipeline::input::load::Table;
use crate::pipeline::params::TrainParams;
use crate::pipeline::params::ValidParams;
use crate::pipeline::run;
use crate::protocol::{Event, Task};

const STAGE: &str = "Comparing k";
const NO_RUN: &str = "Train a model first: k is chosen on the codes it learns.";

pub(super) fn spawn_choose_k(from: usize, to: usize) {
    run_busy(async move {
        if let Err(message) = choose_k(from, to).await {
            fail(STAGE, message);
        }
    });
}

async fn choose_k(from: usize, to: usize) -> Result<(), String> {
    if !(2 <= from && from <= to && to <= 100) {
        return Err(format!("k must run from at least 2 to at most 100 (got {from} to {to})."));
    }
    let run_id = super::last_id();
    let run = with_run(STAGE, NO_RUN, |_, l| Ok((l.analysis.points.clone(), l.analysis.point_dim, l.params.seed)));
    let Some((codes, dim, seed)) = run else { return Ok(()) }; // with_run told the page why
    post(&Event::Stage { name: STAGE.into() });
    let rows = silhouette_rows(codes.len() / dim.max(1), seed);
    let mut scores: Vec<KScore> = Vec::new();
    let total = to - from + 1;
    for (done, k) in (from..=to).enumerate() {
        post(&Event::KProgress { k, done, total });
        yield_now().await;
        if cancelled() {
            post(&Event::Cancelled { task: Task::ComparingK });
            return Ok(());
        }
        // A k beyond the number of distinct codes cannot be fitted; neither can any larger one.
        match score_k(&codes, dim, k, seed, &rows) {
            Ok(score) => scores.push(score),
            Err(_) if !scores.is_empty() => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    let scores = Event::KScores { suggested: suggest_k(&scores), scores, sample: rows.len() };
    super::post_for(run_id, &scores, &[])
}

/// Clusters the last run's points again with `k` and sends the new results.
pub(super) fn recluster(k: usize) {
    update_run("Clustering", true, |table, last| {
        let params = TrainParams { k, ..(*last.params).clone() }.check().map_err(|e| e.to_string())?;
        let analysis =
            run::recluster(table, &last.mapping, &last.prepared, &last.analysis, &params).map_err(|e| e.to_string())?;
        Ok((analysis, params))
    });
}

/// Clusters, maps and recommends with another representation, and sends the new results.
pub(super) fn use_representation(representation: Representation) {
    update_run("Changing the representation", false, |table, last| {
        let analysis =
            run::use_representation(table, &last.mapping, &last.prepared, &last.analysis, representation, &last.params)
                .map_err(|e| e.to_string())?;
        Ok((analysis, last.params.clone()))
    });
}

/// Offers the last run changed by `change` to the page (see `offer_analysis`); the last run
/// stays as it was until the page commits the change.
fn update_run(
    stage: &str,
    keep_tsne: bool,
    change: impl FnOnce(&Table, &LastRun) -> Result<(Analysis, ValidParams), String>,
) {
    let outcome = STATE.with(|s| match &*s.borrow() {
        super::State { table: Some(table), last: Some(last), .. } => change(table, last),
        _ => Err(NO_RUN.to_string()),
    });
    match outcome {
        Ok((analysis, params)) => super::offer_analysis(analysis, params, keep_tsne, stage),
        Err(message) => fail(stage, message),
    }
}

pub(super) fn spawn_compare() {
    run_busy(async move {
        if let Err(message) = compare().await {
            fail("Comparing representations", message);
        }
    });
}

/// Scores each representation; yields before each so progress shows and Cancel is seen.
async fn compare() -> Result<(), String> {
    let run_id = super::last_id();
    let mut scores = Vec::new();
    for representation in Representation::ALL {
        post(&Event::Stage { name: format!("Comparing representations: {}", representation.label()) });
        yield_now().await;
        if cancelled() {
            post(&Event::Cancelled { task: Task::ComparingRepresentations });
            return Ok(());
        }
        // Scores of two runs must not be mixed: a run committed during the yield ends it.
        if super::last_id() != run_id {
            return Err(crate::protocol::STALE.into());
        }
        let score = with_run("Comparing representations", NO_RUN, |table, l| {
            run::score_one(table, &l.mapping, &l.prepared, &l.analysis, &l.params, representation)
                .map_err(|e| e.to_string())
        });
        let Some(score) = score else { return Ok(()) };
        scores.push(score);
    }
    let label = with_run("Comparing representations", NO_RUN, |table, l| {
        Ok(l.mapping.label.and_then(|c| table.headers.get(c).cloned()))
    })
    .flatten();
    super::post_for(run_id, &Event::Compared { scores, label }, &[])
}
