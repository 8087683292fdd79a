//! "Is the autoencoder worth it?": the three representations scored with the run's k.

use super::choose_k::NO_RUN;
use super::{cancelled, fail_task, post, run_busy, with_run, yield_now, Outcome, WorkerError};
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::run;
use crate::protocol::{Event, Task};

pub(super) fn spawn_compare() {
    run_busy(async move {
        if let Err(message) = compare().await {
            fail_task(Task::ComparingRepresentations, "Comparing representations", message);
        }
    });
}

/// Scores each representation; yields before each so progress shows and Cancel is seen.
async fn compare() -> Outcome<()> {
    let run_id = super::last_id();
    let mut scores = Vec::new();
    for representation in Representation::ALL {
        let step = format!("Comparing representations: {}", representation.label());
        post(&Event::Stage { task: Task::ComparingRepresentations, step });
        yield_now().await;
        if cancelled() {
            post(&Event::Cancelled { task: Task::ComparingRepresentations });
            return Ok(());
        }
        // Scores of two runs must not be mixed: a run committed during the yield ends it.
        if super::last_id() != run_id {
            return Err(WorkerError::Stale);
        }
        let score = with_run("Comparing representations", NO_RUN, |table, l| {
            Ok(run::score_one(table, &l.mapping, &l.prepared, &l.analysis, &l.params, representation)?)
        });
        let Some(score) = score else { return Ok(()) };
        scores.push(score);
    }
    let labels = with_run("Comparing representations", NO_RUN, |table, l| {
        let name = |c: usize| table.headers.get(c).cloned().unwrap_or_default();
        Ok((l.mapping.label.map(name), l.mapping.other_labels().into_iter().map(name).collect()))
    });
    let (label, more_labels) = labels.unwrap_or_default();
    super::post_for(run_id, &Event::Compared { scores, label, more_labels }, &[])
}
