//! Training inside the worker, cut into slices of about 50 ms so the worker's event loop can
//! deliver a `Cancel` mid-epoch and progress reaches the page while it runs.

use super::{cancelled, fail_task, now_ms, post, run_busy, yield_now, LastRun, STATE};
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::model::train::{Step, Trained, Trainer};
use crate::pipeline::params::{TrainParams, ValidParams};
use crate::pipeline::run;
use crate::pipeline::PipelineError;
use crate::protocol::{Event, Progress, Task, TaskProgress, Timings};

const SLICE_MS: f64 = 50.0;

fn stage(step: &str) {
    post(&Event::Stage { task: Task::Training, step: step.into() });
}

pub(super) fn spawn(mapping: ColumnMapping, params: TrainParams) {
    run_busy(async move {
        if let Err(e) = train(mapping, params).await {
            fail_task(Task::Training, e.stage(), e);
        }
    });
}

async fn train(mapping: ColumnMapping, params: TrainParams) -> Result<(), PipelineError> {
    let params = params.check()?;
    let mut timings = Timings::default();
    let t0 = now_ms();
    let prepared = STATE.with(|s| match &s.borrow().table {
        Some(t) => run::prepare(t, &mapping, &params).map(Some),
        None => Ok(None),
    })?;
    let Some(prepared) = prepared else {
        fail_task(
            Task::Training,
            "Training",
            "No file is loaded yet. Choose a CSV file or try the demo dataset first.",
        );
        return Ok(());
    };
    timings.scale_ms = now_ms() - t0;
    stage("Training");
    let Some(trained) = fit(&prepared, &params, &mut timings).await? else {
        post(&Event::Cancelled { task: Task::Training });
        return Ok(());
    };
    finish(mapping, params, prepared, trained, timings).await
}

/// Runs the training loop; `None` when cancelled.
async fn fit(
    prepared: &Prepared,
    params: &ValidParams,
    timings: &mut Timings,
) -> Result<Option<Trained>, PipelineError> {
    let mut trainer = Trainer::new(&prepared.scaled, prepared.features.n_features(), params)?;
    let start = now_ms();
    let mut epoch_start = start;
    let mut slice_start = start;
    loop {
        if cancelled() {
            return Ok(None);
        }
        match trainer.step()? {
            Step::Batch { epoch, batch } => {
                if now_ms() - slice_start > SLICE_MS {
                    let (epochs, batches) = (trainer.epochs(), trainer.batches_per_epoch());
                    post(&Event::Progress(TaskProgress::Training(Progress { epoch, epochs, batch, batches })));
                    yield_now().await;
                    slice_start = now_ms();
                }
            }
            Step::Epoch(loss) => {
                let t = now_ms();
                timings.epoch_ms.push(t - epoch_start);
                epoch_start = t;
                // Short epochs finish inside one slice; the bar must still move.
                let (epochs, batches) = (trainer.epochs(), trainer.batches_per_epoch());
                post(&Event::Progress(TaskProgress::Training(Progress {
                    epoch: loss.epoch,
                    epochs,
                    batch: batches,
                    batches,
                })));
                post(&Event::Epoch(loss));
                yield_now().await;
                slice_start = now_ms();
            }
            Step::Done => break,
        }
    }
    timings.train_ms = now_ms() - start;
    Ok(Some(trainer.finish()))
}

async fn finish(
    mapping: ColumnMapping,
    params: ValidParams,
    prepared: Prepared,
    trained: Trained,
    mut timings: Timings,
) -> Result<(), PipelineError> {
    stage("Encoding");
    let t = now_ms();
    let codes = run::encode(&trained, &prepared);
    timings.encode_ms = now_ms() - t;
    stage("Clustering");
    yield_now().await;
    if cancelled() {
        post(&Event::Cancelled { task: Task::Training });
        return Ok(());
    }
    let t = now_ms();
    let clustering = run::cluster(&codes, trained.latent_size(), &params)?;
    timings.kmeans_ms = now_ms() - t;
    stage("Projecting");
    yield_now().await;
    let t = now_ms();
    let history = trained.history.clone();
    let last = STATE.with(|s| {
        let s = s.borrow();
        let table = s.table.as_ref()?;
        let analysis = run::analyse(table, &mapping, &prepared, &trained, codes, clustering);
        Some(LastRun { history, ..LastRun::new(table, mapping, params, prepared, analysis, trained) })
    });
    let Some(mut last) = last else {
        fail_task(Task::Training, "Projecting", "The dataset was replaced while training ran; train again.");
        return Ok(());
    };
    timings.project_ms = now_ms() - t;
    timings.wasm_bytes = crate::wasm_memory_bytes();
    last.timings = timings;
    super::offer_run(last, "Training");
    Ok(())
}
