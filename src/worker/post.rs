//! Everything the worker sends: events tagged with their run, typed arrays moved beside the
//! JSON, downloads as Blobs, and new results offered to the page until it commits them.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error::{Outcome, WorkerError};
use super::names;
use super::scope;
use super::session::{last_id, Change, LaidOut, LastRun, Pending, State, STATE};
use crate::pipeline::analysis::Analysis;
use crate::pipeline::input::load::Table;
use crate::pipeline::params::{Projection, ValidParams};
use crate::protocol::{self, Event, RunResults, Task};

/// Posts `event`, tagged with the run it answers from (see `protocol::Stale`).
/// An event that cannot be sent (a number that is not finite) is reported instead.
pub(crate) fn post(event: &Event) {
    if let Err(message) = post_arrays(event, &[]) {
        if !matches!(event, Event::Failed { .. }) {
            fail(protocol::SENDING, message);
        }
    }
}

/// Posts `event` with `text` beside it as a `Blob` of type `mime`, for the page to download
/// without decoding or copying it on its own thread.
pub(crate) fn post_download(event: Event, text: &str, mime: &str) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let bytes = Uint8Array::from(text.as_bytes());
    match web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&bytes), &options) {
        Ok(blob) => {
            if let Err(message) = post_arrays(&event, &[("blob", blob.into())]) {
                fail("Preparing the download", message);
            }
        }
        Err(_) => {
            fail("Preparing the download", WorkerError::Browser("The browser could not make a file of it.".into()))
        }
    }
}

/// Posts `event` as JSON with values beside it; typed arrays among them are moved rather than
/// copied: a million songs' map as JSON is tens of megabytes that the page would parse on its own
/// thread.
pub(crate) fn post_arrays(event: &Event, arrays: &[(&str, JsValue)]) -> Outcome<()> {
    post_for(last_id(), event, arrays)
}

/// `post_arrays` for an answer computed on run `run`: a task that yields may see the run change
/// before it posts, and its answer belongs to the run it started on.
pub(crate) fn post_for(run: u64, event: &Event, arrays: &[(&str, JsValue)]) -> Outcome<()> {
    // The caller says why an event could not be sent; its JSON is checked once, here.
    let json = protocol::encode_checked(event).map_err(WorkerError::Encode)?;
    let message = js_sys::Object::new();
    let _ = Reflect::set(&message, &JsValue::from_str("json"), &JsValue::from_str(&json));
    let _ = Reflect::set(&message, &JsValue::from_str("run"), &JsValue::from_f64(run as f64));
    let transfer = js_sys::Array::new();
    for (name, value) in arrays {
        let _ = Reflect::set(&message, &JsValue::from_str(name), value);
        // Only a typed array has a buffer to move (a Blob is shared, not transferred).
        let buffer = Reflect::get(value, &JsValue::from_str("buffer")).ok();
        if let Some(buffer) = buffer.and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok()) {
            transfer.push(&buffer);
        }
    }
    scope()
        .post_message_with_transfer(&message, &transfer)
        .map_err(|_| WorkerError::Browser("The results could not be handed to the page.".into()))
}

/// Sends a new run to the page and keeps it pending until the page commits it.
pub(super) fn offer_run(run: LastRun, stage: &str) {
    offer(run, stage, false)
}

/// `offer_run` for a run read back from this browser's storage (the page takes its settings).
pub(super) fn offer_resumed(run: LastRun, stage: &str) {
    offer(run, stage, true)
}

fn offer(run: LastRun, stage: &str, resumed: bool) {
    let id = STATE.with(|s| s.borrow_mut().new_id());
    let offered = run.results(id).and_then(|results| {
        let results = RunResults { resumed, ..results };
        let names = STATE.with(|s| s.borrow().table.as_ref().map(|t| names::song_names(t, &run)));
        let names = names.ok_or(WorkerError::Moved("The dataset was replaced meanwhile; train again."))?;
        Ok((results, names))
    });
    match offered.and_then(|(results, names)| post_results(results, names)) {
        Ok(()) => STATE.with(|s| s.borrow_mut().pending = Some(Pending { id, change: Change::Run(Box::new(run)) })),
        Err(message) => fail(stage, message),
    }
}

/// Sends the last run with `analysis` and `params` in place of its own, pending as `offer_run`.
pub(super) fn offer_analysis(analysis: Analysis, params: ValidParams, keep_tsne: bool, stage: &str) {
    let outcome = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let id = s.new_id();
        let (Some(table), Some(last)) = (&s.table, &s.last) else {
            return Err(WorkerError::NoRun("Train a model first."));
        };
        // New clusters: names given to the old ones no longer fit (see `State::commit`).
        let names = super::session::automatic_names(&analysis);
        let results = last.results_with(id, &analysis, &params, &names, keep_tsne)?;
        Ok((id, results, names::song_names(table, last)))
    });
    match outcome.and_then(|(id, results, names)| post_results(results, names).map(|()| id)) {
        Ok(id) => STATE.with(|s| {
            let change = Change::Analysis { analysis: Box::new(analysis), params, keep_tsne };
            s.borrow_mut().pending = Some(Pending { id, change });
        }),
        Err(message) => fail(stage, message),
    }
}

/// Sends the t-SNE or UMAP map of run `run` (the last run, with nothing newer on its way),
/// pending as `offer_run`.
pub(super) fn offer_map(run: u64, projection: Projection, map: LaidOut) -> Outcome<()> {
    if !map.xy.iter().all(|v| v.is_finite()) {
        return Err(WorkerError::NotFinite);
    }
    let current = STATE.with(|s| s.borrow().last_id == run && s.borrow().pending.is_none());
    if !current {
        return Err(WorkerError::Moved("The run changed while the map was computed; choose the projection again."));
    }
    let id = STATE.with(|s| s.borrow_mut().new_id());
    let event = Event::MapReady { id, projection, xy: Vec::new(), sample: map.sample, quality: map.quality };
    post_for(run, &event, &[("xy", js_sys::Float32Array::from(&map.xy[..]).into())])?;
    STATE.with(|s| s.borrow_mut().pending = Some(Pending { id, change: Change::Map(projection, map) }));
    Ok(())
}

/// A run's results: the per-song arrays travel as typed arrays (see `post_arrays`), with the
/// songs' names packed by `names::song_names`. Nothing is sent that is not finite.
fn post_results(mut results: RunResults, (name_text, name_ends): (Vec<u8>, Vec<u32>)) -> Outcome<()> {
    if !results.pca.iter().chain(&results.first_two).all(|v| v.is_finite()) {
        return Err(WorkerError::NotFinite);
    }
    let pca = js_sys::Float32Array::from(&results.pca[..]);
    let first_two = js_sys::Float32Array::from(&results.first_two[..]);
    let labels = js_sys::Uint16Array::from(&results.labels[..]);
    let tsne = (!results.tsne.is_empty()).then(|| js_sys::Float32Array::from(&results.tsne[..]));
    let umap = (!results.umap.is_empty()).then(|| js_sys::Float32Array::from(&results.umap[..]));
    (results.pca, results.first_two, results.labels, results.tsne) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    results.umap = Vec::new();
    let mut arrays = vec![
        ("pca", pca.into()),
        ("first_two", first_two.into()),
        ("labels", labels.into()),
        ("name_text", Uint8Array::from(&name_text[..]).into()),
        ("name_ends", js_sys::Uint32Array::from(&name_ends[..]).into()),
    ];
    if let Some(t) = tsne {
        arrays.push(("tsne", t.into()));
    }
    if let Some(u) = umap {
        arrays.push(("umap", u.into()));
    }
    post_arrays(&Event::Finished(Box::new(results)), &arrays)
}

/// Tells the page that `stage` failed, outside a long task (or in one that has not started).
pub(crate) fn fail(stage: &str, message: impl std::fmt::Display) {
    post(&Event::Failed { task: None, stage: stage.to_string(), message: message.to_string() });
}

/// Tells the page that the long task `task` failed in `stage`.
pub(crate) fn fail_task(task: Task, stage: &str, message: impl std::fmt::Display) {
    post(&Event::Failed { task: Some(task), stage: stage.to_string(), message: message.to_string() });
}

/// Runs `f` on the loaded table and the last finished run; when there is none, or `f` fails,
/// the page is told why under `stage` (`no_run` says what a run is needed for).
pub(super) fn with_run<T>(
    stage: &str,
    no_run: &'static str,
    f: impl FnOnce(&Table, &LastRun) -> Outcome<T>,
) -> Option<T> {
    let outcome = STATE.with(|s| match &*s.borrow() {
        State { table: Some(t), last: Some(l), .. } => f(t, l),
        _ => Err(WorkerError::NoRun(no_run)),
    });
    outcome.map_err(|e| fail(stage, e)).ok()
}
