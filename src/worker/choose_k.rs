//! Choosing k on the last run's points (the representation clustered), without retraining. It runs KMeans up to 19 times, so
//! it yields between values of k: progress reaches the page and Cancel is honoured.

use super::{cancelled, fail_task, post, run_busy, with_run, yield_now, Outcome, WorkerError};
use crate::pipeline::analysis::choose_k::{score_k, silhouette_rows, suggest_k, KScore};
use crate::protocol::{Event, Task, TaskProgress};

const STAGE: &str = "Comparing k";

pub(super) const NO_RUN: &str = "Train a model first: k is chosen on the codes it learns.";

pub(super) fn spawn_choose_k(from: usize, to: usize) {
    run_busy(async move {
        if let Err(message) = choose_k(from, to).await {
            fail_task(Task::ComparingK, STAGE, message);
        }
    });
}

async fn choose_k(from: usize, to: usize) -> Outcome<()> {
    if !(2 <= from && from <= to && to <= 100) {
        return Err(WorkerError::Invalid(format!("k must run from at least 2 to at most 100 (got {from} to {to}).")));
    }
    let run_id = super::last_id();
    let run = with_run(STAGE, NO_RUN, |_, l| Ok((l.analysis.points.clone(), l.analysis.point_dim, l.params.seed)));
    let Some((points, dim, seed)) = run else { return Ok(()) }; // with_run told the page why
    post(&Event::Stage { task: Task::ComparingK, step: STAGE.into() });
    let rows = silhouette_rows(points.len() / dim.max(1), seed);
    let mut scores: Vec<KScore> = Vec::new();
    let total = to - from + 1;
    for (done, k) in (from..=to).enumerate() {
        post(&Event::Progress(TaskProgress::ComparingK { k, done, total }));
        yield_now().await;
        if cancelled() {
            post(&Event::Cancelled { task: Task::ComparingK });
            return Ok(());
        }
        // A k beyond the number of distinct points cannot be fitted; neither can any larger one.
        match score_k(&points, dim, k, seed, &rows) {
            Ok(score) => scores.push(score),
            Err(_) if !scores.is_empty() => break,
            Err(e) => return Err(e.into()),
        }
    }
    let scores = Event::KScores { suggested: suggest_k(&scores), scores, sample: rows.len() };
    super::post_for(run_id, &scores, &[])
}
