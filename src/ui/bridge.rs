//! The page's end of the worker protocol: spawning, sending, receiving, and restarting the worker
//! (reloading the data it held) if it dies.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use super::song_names::SongNames;
use super::state::AppState;
use crate::page::{Action, Effect, LaidOutMap, Shared};
use crate::pipeline::params::Projection;
use crate::protocol::{
    decode_event, encode_request, results_id, Event, Request, RunResults, Stale, Task, CRASH_STAGE, STALE,
};

/// The worker script Trunk writes beside index.html (`data-loader-shim`).
const WORKER_URL: &str = "./worker_loader.js";
/// Restarts after crashes before giving up (a worker that cannot start would loop forever).
const MAX_RESTARTS: u32 = 3;

type Load = (Request, Option<File>);

struct Inner {
    worker: Option<Worker>,
    /// Which worker is current; events from an older one (already handled as dead) are ignored.
    generation: u32,
    restarts: u32,
    /// Requests sent before the worker said `Ready` (they would be lost otherwise).
    queue: Vec<Load>,
    ready: bool,
    /// A load sent and not yet answered.
    pending_load: Option<Load>,
    /// The last load that succeeded: replayed after a crash so the user's data is not lost.
    /// A load that crashed the worker is never replayed.
    last_good_load: Option<Load>,
    /// A crash being recovered from: the last good load replayed, then the run shown restored.
    replay: Option<Replay>,
    state: AppState,
}

/// What a restarted worker is given back. The page's own state is left as it was: the replayed
/// load and the restored run are what it shows already.
struct Replay {
    /// The crash, for the messages that follow.
    crash: String,
    /// The run on screen at the crash, and its t-SNE map if one was shown.
    run: Option<(Shared<RunResults>, Vec<(Projection, Shared<LaidOutMap>)>)>,
}

/// Cheap to clone; all clones talk to the same worker.
#[derive(Clone)]
pub struct Bridge(Rc<RefCell<Inner>>);

impl Bridge {
    pub fn new(state: AppState) -> Self {
        let inner = Inner {
            worker: None,
            generation: 0,
            restarts: 0,
            queue: Vec::new(),
            ready: false,
            pending_load: None,
            last_good_load: None,
            replay: None,
            state,
        };
        let bridge = Bridge(Rc::new(RefCell::new(inner)));
        let sender = bridge.clone();
        state.connect(Rc::new(move |effect, file| match effect {
            Effect::Send(request) => sender.send(request, file),
            // A download's file comes beside the worker's event: only `receive` has it.
            Effect::Download(_) => {}
            Effect::ForgetPlaylist(key) => super::playlist::forget(&key),
        }));
        // The worker's wasm is three times the page's: fetching and compiling it after the first
        // paint keeps it off the first screen. A file chosen meanwhile waits in the queue.
        let starter = bridge.clone();
        super::charts::after_paint(move || starter.spawn());
        bridge
    }

    fn spawn(&self) {
        let state = self.0.borrow().state;
        let worker = match Worker::new(WORKER_URL) {
            Ok(w) => w,
            Err(e) => {
                let message = format!(
                    "The browser refused to start it ({e:?}). Reload the page; your data stays on this machine."
                );
                state.dispatch(Action::WorkerRefused(message));
                return;
            }
        };
        let generation = {
            let mut inner = self.0.borrow_mut();
            inner.generation += 1;
            inner.generation
        };
        let me = self.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| me.receive(generation, ev));
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let me = self.clone();
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| me.crashed(generation, ev.message()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        let mut inner = self.0.borrow_mut();
        inner.worker = Some(worker);
        inner.ready = false;
    }

    /// Sends a request, with a file for `LoadFile`.
    pub fn send(&self, request: Request, file: Option<File>) {
        let mut inner = self.0.borrow_mut();
        if matches!(request, Request::LoadDemo { .. } | Request::LoadFile { .. } | Request::Resume { .. }) {
            inner.pending_load = Some((request.clone(), file.clone()));
        }
        if !inner.ready {
            inner.queue.push((request, file));
            return;
        }
        if let Some(w) = &inner.worker {
            post(w, &request, file.as_ref(), &[("run", run_tag(inner.state))]);
        }
    }

    fn receive(&self, generation: u32, ev: MessageEvent) {
        if generation != self.0.borrow().generation {
            return;
        }
        let data = ev.data();
        let text = data
            .as_string()
            .or_else(|| Reflect::get(&data, &JsValue::from_str("json")).ok().and_then(|j| j.as_string()))
            .unwrap_or_default();
        let state = self.0.borrow().state;
        let event = match decode_event(&text).and_then(|e| attach_arrays(e, &data, state)) {
            Ok(e) => e,
            Err(message) => {
                // What the worker offered stays uncommitted: what is shown is what exports.
                if let Some(id) = results_id(&text) {
                    self.send(Request::Discard { id }, None);
                }
                Event::Failed { task: None, stage: "Receiving results".into(), message }
            }
        };
        let run = Reflect::get(&data, &JsValue::from_str("run")).ok().and_then(|v| v.as_f64()).map_or(0, |v| v as u64);
        let event = match event.run_bound() {
            Some(stale) if run != shown_run(state) => match stale {
                Stale::Quiet => return,
                Stale::Say(stage) => Event::Failed { task: None, stage: stage.into(), message: STALE.into() },
            },
            _ => event,
        };
        let replaying = self.0.borrow().replay.is_some();
        match &event {
            Event::Failed { stage, message, .. } if stage == CRASH_STAGE => {
                return self.crashed(generation, message.clone())
            }
            Event::Ready => self.flush(),
            Event::Loaded(_) => {
                self.loaded();
                if replaying {
                    return self.replayed_load();
                }
            }
            Event::Restored => return self.restored(),
            Event::Failed { task, .. } => {
                self.0.borrow_mut().pending_load = None;
                // Only the replay's own steps failing ends it; a search typed meanwhile does not.
                if matches!(task, Some(Task::Restoring | Task::Reading | Task::Resuming)) {
                    self.0.borrow_mut().replay = None;
                }
            }
            Event::Cancelled { .. } => self.0.borrow_mut().pending_load = None,
            _ => {}
        }
        if matches!(event, Event::Finished(_)) {
            state.song_names.set(SongNames::from_message(&data));
        }
        for effect in state.reduce(Action::Worker(event)) {
            match effect {
                Effect::Send(request) => self.send(request, None),
                Effect::Download(file) => download(&data, &file, state),
                Effect::ForgetPlaylist(key) => super::playlist::forget(&key),
            }
        }
    }

    fn loaded(&self) {
        let mut inner = self.0.borrow_mut();
        if let Some(load) = inner.pending_load.take() {
            inner.last_good_load = Some(load);
        }
    }

    /// The replayed file is in the new worker: the run shown goes back in too, if there is one.
    fn replayed_load(&self) {
        let (state, run, crash) = {
            let inner = self.0.borrow();
            let Some(replay) = &inner.replay else { return };
            (inner.state, replay.run.clone(), replay.crash.clone())
        };
        let Some((results, maps)) = run else {
            self.recovered(&format!("{crash}. It was restarted and the file was loaded again; nothing was lost."));
            return;
        };
        let labels: JsValue = js_sys::Uint16Array::from(&results.labels[..]).into();
        let mut extras = vec![("labels", labels), ("run", run_tag(state))];
        for (projection, map) in maps {
            extras.push((projection.key(), js_sys::Float32Array::from(&map.xy[..]).into()));
            let sample = if projection == Projection::Umap { "umap_sample" } else { "tsne_sample" };
            extras.push((sample, JsValue::from_f64(map.sample as f64)));
        }
        // The names as they stand now: renamed clusters stay renamed in the new worker.
        let mut snapshot = results.snapshot.clone();
        snapshot.saved_names = state.read(|p| p.run.cluster_names.clone());
        let request = Request::Restore { snapshot: Box::new(snapshot) };
        if let Some(w) = &self.0.borrow().worker {
            post(w, &request, None, &extras);
        }
        state.dispatch(Action::RestoringRun);
    }

    fn restored(&self) {
        let crash = self.0.borrow().replay.as_ref().map(|r| r.crash.clone()).unwrap_or_default();
        self.recovered(&format!(
            "{crash}. It was restarted, and the file and the results shown were restored: exports, similar songs and the model download work as before."
        ));
    }

    /// The crash is behind us: say so, and count restarts from zero again (only a worker that
    /// cannot even be restored should stop being restarted).
    fn recovered(&self, text: &str) {
        let state = {
            let mut inner = self.0.borrow_mut();
            (inner.replay, inner.restarts) = (None, 0);
            inner.state
        };
        state.dispatch(Action::WorkerRecovered(text.to_string()));
    }

    fn flush(&self) {
        let mut inner = self.0.borrow_mut();
        inner.ready = true;
        let queue = std::mem::take(&mut inner.queue);
        if let Some(w) = &inner.worker {
            for (request, file) in &queue {
                post(w, request, file.as_ref(), &[("run", run_tag(inner.state))]);
            }
        }
    }

    /// The worker died: say so, start a new one and give it the data again (a few times at most).
    fn crashed(&self, generation: u32, message: String) {
        let (state, replay, restarts) = {
            let mut inner = self.0.borrow_mut();
            if generation != inner.generation {
                return; // this worker's death was already handled
            }
            inner.generation += 1;
            if let Some(w) = inner.worker.take() {
                w.terminate();
            }
            inner.queue.clear();
            inner.pending_load = None;
            inner.ready = false;
            inner.restarts += 1;
            (inner.state, inner.last_good_load.clone(), inner.restarts)
        };
        if restarts > MAX_RESTARTS {
            let text = format!("{message}. It failed {restarts} times, so it was not restarted again. Reload the page; your data never left this machine.");
            state.dispatch(Action::WorkerGaveUp(text));
            return;
        }
        let run = state.read(|p| {
            let maps = [Projection::Tsne, Projection::Umap].into_iter();
            let maps = maps.filter_map(|m| Some((m, p.run.laid_out(m)?.clone()))).collect();
            p.run.results.clone().map(|r| (r, maps))
        });
        let text = match (&replay, &run) {
            (Some(_), Some(_)) => {
                format!("{message}. It was restarted; the file and the results shown are being restored.")
            }
            (Some(_), None) => format!("{message}. It was restarted; the file is being loaded again."),
            (None, _) => format!("{message}. It was restarted."),
        };
        state.dispatch(Action::WorkerCrashed { text, restoring: replay.is_some() });
        self.0.borrow_mut().replay = replay.is_some().then_some(Replay { crash: message, run });
        self.spawn();
        if let Some((request, file)) = replay {
            self.send(replayable(request), file);
        }
    }
}

/// The load to give a restarted worker: a resumed session's file alone, since the run shown is
/// given back from the page (`Restore`), as after any load.
fn replayable(load: Request) -> Request {
    match load {
        Request::Resume { expect, .. } => Request::Resume { table_only: true, expect },
        other => other,
    }
}

/// The id of the results the page shows (0 for none): every request names it.
fn shown_run(state: AppState) -> u64 {
    state.read(|p| p.shown_run())
}

/// Offers the file that came beside the event as a `Blob` for download.
fn download(data: &JsValue, file: &str, state: AppState) {
    match Reflect::get(data, &JsValue::from_str("blob")).ok().and_then(|b| b.dyn_into::<web_sys::Blob>().ok()) {
        Some(blob) => super::download::download_blob(&blob, file),
        None => state.dispatch(Action::DownloadMissing(file.to_string())),
    }
}

fn run_tag(state: AppState) -> JsValue {
    JsValue::from_f64(shown_run(state) as f64)
}

/// Puts back the per-song arrays the worker sent beside the JSON (see `worker::post_arrays`),
/// or says what is missing: results that arrived incomplete are not shown, and not committed.
fn attach_arrays(event: Event, data: &JsValue, state: AppState) -> Result<Event, String> {
    let get = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
    let f32s = |name: &str| get(name).and_then(|a| a.dyn_into::<js_sys::Float32Array>().ok()).map(|a| a.to_vec());
    let incomplete = |what: &str| format!("The results arrived without {what}; everything shown before is kept.");
    match event {
        Event::Finished(mut r) => {
            let rows = r.rows;
            r.pca = f32s("pca").filter(|v| v.len() == 2 * rows).ok_or_else(|| incomplete("their map"))?;
            r.first_two = f32s("first_two").filter(|v| v.len() == 2 * rows).ok_or_else(|| incomplete("their map"))?;
            r.labels = get("labels")
                .and_then(|a| a.dyn_into::<js_sys::Uint16Array>().ok())
                .map(|a| a.to_vec())
                .filter(|l| l.len() == rows)
                .ok_or_else(|| incomplete("their clusters"))?;
            // A kept t-SNE map comes with a resumed run; without one the map is made on demand.
            if r.tsne_sample.is_some() {
                r.tsne = f32s("tsne").filter(|v| v.len() == 2 * rows).ok_or_else(|| incomplete("their t-SNE map"))?;
            }
            if r.umap_sample.is_some() {
                r.umap = f32s("umap").filter(|v| v.len() == 2 * rows).ok_or_else(|| incomplete("their UMAP map"))?;
            }
            Ok(Event::Finished(r))
        }
        Event::MapReady { id, projection, sample, quality, .. } => {
            let rows = state.read(|p| p.run.results.as_ref().map(|r| r.rows));
            let xy =
                f32s("xy").filter(|xy| Some(xy.len()) == rows.map(|n| 2 * n)).ok_or_else(|| incomplete("the map"))?;
            Ok(Event::MapReady { id, projection, xy, sample, quality })
        }
        other => Ok(other),
    }
}

/// Posts `request` as JSON, with the `File` of a load or model file and any typed arrays beside it.
fn post(worker: &Worker, request: &Request, file: Option<&File>, extras: &[(&str, JsValue)]) {
    let message = Object::new();
    let _ = Reflect::set(&message, &JsValue::from_str("json"), &JsValue::from_str(&encode_request(request)));
    if let Some(f) = file {
        let _ = Reflect::set(&message, &JsValue::from_str("file"), f);
    }
    for (name, value) in extras {
        let _ = Reflect::set(&message, &JsValue::from_str(name), value);
    }
    let _ = worker.post_message(&message);
}
