//! Model files: the last run's model saved as JSON, and a saved model applied to the loaded
//! CSV instead of training (new songs land in the saved clusters).

use js_sys::{Float32Array, Reflect, Uint16Array};
use wasm_bindgen::{JsCast, JsValue};

use super::session::LaidOut;
use super::{fail_task, now_ms, post, read_model_file, with_run, LastRun, Outcome, WorkerError, STATE};
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::input::columns::extract;
use crate::pipeline::input::load::Table;
use crate::pipeline::model::file::ModelFile;
use crate::pipeline::params::Projection;
use crate::pipeline::run;
use crate::pipeline::run::RunSnapshot;
use crate::protocol::{Event, Task, Timings};

const SAVING: &str = "Saving the model";
const APPLYING: &str = "Applying the model file";

pub(super) fn download() {
    let json = with_run(SAVING, "Train a model first: there is nothing to save yet.", |table, last| {
        if last.analysis.representation != Representation::Autoencoder {
            return Err(WorkerError::Invalid(
                "The clusters shown were made on another representation than the autoencoder's codes. \
                Choose “Autoencoder codes” under “Compare representations” before saving the model."
                    .into(),
            ));
        }
        let file = ModelFile::from_run(
            &table.headers,
            &last.mapping,
            &last.prepared,
            &last.trained,
            &last.analysis,
            &last.params,
            last.names.clone(),
        )?;
        Ok(file.to_json()?)
    });
    if let Some(json) = json {
        super::post_download(Event::ModelSaved { file: "songscape-model.json".into() }, &json, "application/json");
    }
}

pub(super) fn apply(name: &str, data: &JsValue, force: bool) {
    post(&Event::Stage { task: Task::ApplyingModel, step: APPLYING.into() });
    let t0 = now_ms();
    let outcome = read_model_file(name, data)
        .and_then(|bytes| ModelFile::from_bytes(&bytes).map_err(|e| WorkerError::in_file(name, e)))
        .and_then(|file| {
            if !force {
                if let Some(message) = unit_warning(&file)? {
                    return Ok(Err(message));
                }
            }
            run_from_file(name, &file, t0).map(Ok)
        });
    match outcome {
        Ok(Ok(run)) => super::offer_run(run, APPLYING),
        Ok(Err(message)) => post(&Event::ModelWarning { name: name.to_string(), message }),
        Err(message) => fail_task(Task::ApplyingModel, APPLYING, message),
    }
}

/// The model's unit warning for the loaded table, if its values look like other units.
fn unit_warning(file: &ModelFile) -> Outcome<Option<String>> {
    STATE.with(|s| {
        let s = s.borrow();
        let table = s.table.as_ref().ok_or(NO_FILE)?;
        let mapping = file.mapping_for(&table.headers)?;
        let features = extract(table, &mapping, file.params.missing)?;
        Ok(file.unit_warning(table, &mapping, &features))
    })
}

const NO_FILE: WorkerError = WorkerError::NoFile("Load a CSV first: the model is applied to the songs in it.");

/// The loaded table embedded and clustered by `file`, as a run.
fn run_from_file(name: &str, file: &ModelFile, t0: f64) -> Outcome<LastRun> {
    STATE.with(|s| {
        let s = s.borrow();
        let table = s.table.as_ref().ok_or(NO_FILE)?;
        let applied = run::apply_model(table, file)?;
        let timings = Timings { encode_ms: now_ms() - t0, ..Timings::default() };
        let run =
            LastRun::new(table, applied.mapping, applied.params, applied.prepared, applied.analysis, applied.trained);
        Ok(LastRun { timings, model_file: Some(name.to_string()), ..run }.with_names(&file.cluster_names))
    })
}

/// After a crash: the run the page shows, rebuilt on the reloaded table from its snapshot and the
/// labels and t-SNE and UMAP maps the page sent beside it. It is the page's already, so it is committed at
/// once.
pub(super) fn restore(snapshot: &RunSnapshot, data: &JsValue, run: u64) {
    let array = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
    let labels = array("labels").and_then(|a| a.dyn_into::<Uint16Array>().ok()).map(|a| a.to_vec());
    let map = |p: Projection| {
        let xy = array(p.key()).and_then(|a| a.dyn_into::<Float32Array>().ok()).map(|a| a.to_vec())?;
        let sample = array(&format!("{}_sample", p.key())).and_then(|v| v.as_f64()).map_or(0, |v| v as usize);
        Some((p, xy, sample))
    };
    let maps: Vec<_> = [Projection::Tsne, Projection::Umap].into_iter().filter_map(map).collect();
    let outcome = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let table = s.table.as_ref().ok_or(NO_FILE)?;
        let labels = labels.ok_or(WorkerError::Browser("The page sent no labels with the run to restore.".into()))?;
        let last = rebuild(table, snapshot, &labels, maps)?;
        // The page shows this run under its id: requests about it carry that id.
        (s.last, s.pending, s.last_id) = (Some(last), None, run);
        s.next_id = s.next_id.max(run);
        Ok::<(), WorkerError>(())
    });
    match outcome {
        Ok(()) => post(&Event::Restored),
        Err(message) => fail_task(Task::Restoring, "Restoring the results", message),
    }
}

/// The run `snapshot` describes, rebuilt on `table` with its `labels` (the clusters as they
/// were, not clustered again) and its t-SNE and UMAP maps if it had them: after a crash and on
/// resuming. `maps` are kept maps (`[x, y]` per song) and how many songs the method laid out.
pub(super) fn rebuild(
    table: &Table,
    snapshot: &RunSnapshot,
    labels: &[u16],
    maps: Vec<(Projection, Vec<f32>, usize)>,
) -> Outcome<LastRun> {
    let restored = run::restore(table, snapshot, labels)?;
    let rows = restored.prepared.features.n_rows();
    let measured: Vec<(Projection, LaidOut)> = (maps.into_iter())
        .filter(|(_, xy, _)| xy.len() == 2 * rows)
        .map(|(projection, xy, sample)| (projection, LaidOut::measured(xy, sample, &restored.analysis)))
        .collect();
    let rebuilt = LastRun::new(
        table,
        snapshot.mapping.clone(),
        restored.params,
        restored.prepared,
        restored.analysis,
        restored.trained,
    );
    let (history, model_file) = (snapshot.history.clone(), snapshot.model_file.clone());
    let mut last = LastRun { history, model_file, ..rebuilt };
    for (projection, map) in measured {
        last.set_laid_out(projection, map);
    }
    Ok(last.with_names(&snapshot.saved_names))
}
