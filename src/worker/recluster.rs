//! The last run clustered again, with another k or on another representation, without
//! retraining.

use super::choose_k::NO_RUN;
use super::{fail, LastRun, Outcome, WorkerError, STATE};
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::Analysis;
use crate::pipeline::input::load::Table;
use crate::pipeline::params::TrainParams;
use crate::pipeline::params::ValidParams;
use crate::pipeline::run;

/// Clusters the last run's points again with `k` and sends the new results.
pub(super) fn recluster(k: usize) {
    update_run("Clustering", true, |table, last| {
        let params = TrainParams { k, ..(*last.params).clone() }.check()?;
        let analysis = run::recluster(table, &last.mapping, &last.prepared, &last.analysis, &params)?;
        Ok((analysis, params))
    });
}

/// Clusters, maps and recommends with another representation, and sends the new results.
pub(super) fn use_representation(representation: Representation) {
    update_run("Changing the representation", false, |table, last| {
        let analysis = run::use_representation(
            table,
            &last.mapping,
            &last.prepared,
            &last.analysis,
            representation,
            &last.params,
        )?;
        Ok((analysis, last.params.clone()))
    });
}

/// Offers the last run changed by `change` to the page (see `offer_analysis`); the last run
/// stays as it was until the page commits the change.
fn update_run(stage: &str, keep_tsne: bool, change: impl FnOnce(&Table, &LastRun) -> Outcome<(Analysis, ValidParams)>) {
    let outcome = STATE.with(|s| match &*s.borrow() {
        super::State { table: Some(table), last: Some(last), .. } => change(table, last),
        _ => Err(WorkerError::NoRun(NO_RUN)),
    });
    match outcome {
        Ok((analysis, params)) => super::offer_analysis(analysis, params, keep_tsne, stage),
        Err(message) => fail(stage, message),
    }
}
