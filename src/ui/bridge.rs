//! The page's end of the worker protocol: spawning, sending, receiving, and restarting the worker
//! (reloading the data it held) if it dies.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use super::state::AppState;
use crate::pipeline::columns::ColumnMapping;
use crate::protocol::{decode_event, encode_request, song_name_ranges, Event, Request, RunResults, CRASH_STAGE};

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
    /// The user's mapping, put back once a replayed load has arrived.
    restore_mapping: Option<ColumnMapping>,
    /// The crash message, kept on screen when the replayed load arrives (a load clears errors).
    crash_error: Option<(String, String)>,
    /// The results on screen at the crash, shown again once the replayed load arrives (a load
    /// clears results). The new worker no longer holds the model behind them.
    restore_results: Option<Arc<RunResults>>,
    state: AppState,
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
            restore_mapping: None,
            crash_error: None,
            restore_results: None,
            state,
        };
        let bridge = Bridge(Rc::new(RefCell::new(inner)));
        bridge.spawn();
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
                state.error.set(Some(("Starting the background worker".into(), message)));
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
        if matches!(request, Request::LoadDemo { .. } | Request::LoadFile { .. }) {
            inner.pending_load = Some((request.clone(), file.clone()));
        }
        if !inner.ready {
            inner.queue.push((request, file));
            return;
        }
        if let Some(w) = &inner.worker {
            post(w, &request, file.as_ref());
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
        let event = match decode_event(&text) {
            Ok(e) => attach_arrays(e, &data),
            Err(message) => Event::Failed { stage: "Receiving results".into(), message },
        };
        match &event {
            Event::Failed { stage, message } if stage == CRASH_STAGE => {
                return self.crashed(generation, message.clone())
            }
            Event::Ready => self.flush(),
            Event::Loaded(_) => self.loaded(),
            Event::Failed { .. } | Event::Cancelled => {
                self.0.borrow_mut().pending_load = None;
            }
            _ => {}
        }
        let is_load = matches!(event, Event::Loaded(_));
        let state = self.0.borrow().state;
        if matches!(event, Event::Finished(_)) {
            state.song_names.set(SongNames::from_message(&data));
        }
        if let Some(file) = state.apply(event) {
            match Reflect::get(&data, &JsValue::from_str("blob")).ok().and_then(|b| b.dyn_into::<web_sys::Blob>().ok())
            {
                Some(blob) => super::app::download_blob(&blob, &file),
                None => state.error.set(Some(("Downloading".into(), format!("{file} arrived without its contents.")))),
            }
        }
        if is_load {
            let (error, results) = {
                let mut inner = self.0.borrow_mut();
                (inner.crash_error.take(), inner.restore_results.take())
            };
            if let Some(error) = error {
                state.error.set(Some(error));
                state.results.set(results);
            }
        }
        self.restore_mapping_after_replay();
    }

    fn loaded(&self) {
        let mut inner = self.0.borrow_mut();
        if let Some(load) = inner.pending_load.take() {
            inner.last_good_load = Some(load);
        }
    }

    /// After a crash and a replayed load, the user's own column choices come back.
    fn restore_mapping_after_replay(&self) {
        let (state, mapping) = {
            let mut inner = self.0.borrow_mut();
            if inner.pending_load.is_some() || !inner.ready {
                return;
            }
            (inner.state, inner.restore_mapping.take())
        };
        if let Some(mapping) = mapping {
            state.mapping.set(mapping.clone());
            let options = state.check_options();
            self.send(Request::Check { mapping, options }, None);
        }
    }

    fn flush(&self) {
        let mut inner = self.0.borrow_mut();
        inner.ready = true;
        let queue = std::mem::take(&mut inner.queue);
        if let Some(w) = &inner.worker {
            for (request, file) in &queue {
                post(w, request, file.as_ref());
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
        state.training.set(false);
        state.busy.set(None);
        if restarts > MAX_RESTARTS {
            state.ready.set(false);
            let text = format!("{message}. It failed {restarts} times, so it was not restarted again. Reload the page; your data never left this machine.");
            state.error.set(Some((CRASH_STAGE.into(), text)));
            return;
        }
        let text = format!("{message}. It was restarted and the last file that loaded is being reloaded; the results shown stay, but train again before exporting.");
        let error = (CRASH_STAGE.to_string(), text);
        state.error.set(Some(error.clone()));
        self.0.borrow_mut().crash_error = replay.is_some().then_some(error);
        self.0.borrow_mut().restore_results = state.results.get_untracked();
        self.0.borrow_mut().restore_mapping =
            state.dataset.with_untracked(Option::is_some).then(|| state.mapping.get_untracked());
        self.spawn();
        if let Some((request, file)) = replay {
            self.send(request, file);
        }
    }
}

/// The songs' names the worker sent beside `Finished`, kept as the typed arrays they came in:
/// copying them into wasm memory took most of a 180 ms task at a million songs, and a hover
/// reads one name.
pub struct SongNames {
    text: js_sys::Uint8Array,
    ends: js_sys::Uint32Array,
}

impl SongNames {
    fn from_message(data: &JsValue) -> Option<SongNames> {
        let get = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
        Some(SongNames { text: get("name_text")?.dyn_into().ok()?, ends: get("name_ends")?.dyn_into().ok()? })
    }

    /// Title and artist of run row `row`.
    pub fn name(&self, row: usize) -> Option<(String, String)> {
        let n = self.ends.length() as usize;
        let end = |i: usize| (i < n).then(|| self.ends.get_index(i as u32));
        let (title, artist) = song_name_ranges(end, row)?;
        let text = |r: std::ops::Range<usize>| {
            String::from_utf8(self.text.subarray(r.start as u32, r.end as u32).to_vec()).ok()
        };
        Some((text(title)?, text(artist)?))
    }
}

/// Puts back the per-song arrays the worker sent beside the JSON (see `worker::post_arrays`).
fn attach_arrays(event: Event, data: &JsValue) -> Event {
    let f32s = |name: &str| {
        Reflect::get(data, &JsValue::from_str(name))
            .ok()
            .and_then(|a| a.dyn_into::<js_sys::Float32Array>().ok())
            .map(|a| a.to_vec())
            .unwrap_or_default()
    };
    match event {
        Event::Finished(mut r) => {
            r.pca = f32s("pca");
            r.first_two = f32s("first_two");
            r.labels = Reflect::get(data, &JsValue::from_str("labels"))
                .ok()
                .and_then(|a| a.dyn_into::<js_sys::Uint16Array>().ok())
                .map(|a| a.to_vec())
                .unwrap_or_default();
            Event::Finished(r)
        }
        Event::TsneReady { sample, .. } => Event::TsneReady { xy: f32s("xy"), sample },
        other => other,
    }
}

fn post(worker: &Worker, request: &Request, file: Option<&File>) {
    let message = Object::new();
    let _ = Reflect::set(&message, &JsValue::from_str("json"), &JsValue::from_str(&encode_request(request)));
    if let Some(f) = file {
        let _ = Reflect::set(&message, &JsValue::from_str("file"), f);
    }
    let _ = worker.post_message(&message);
}
