//! The page's end of the worker protocol: spawning, sending, receiving, and restarting the worker
//! (reloading the data it held) if it dies.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use super::panic::CRASH_STAGE;
use super::state::AppState;
use crate::protocol::{decode_event, encode_request, Event, Request};

/// The worker script Trunk writes beside index.html (`data-loader-shim`).
const WORKER_URL: &str = "./worker_loader.js";

struct Inner {
    worker: Option<Worker>,
    /// Requests sent before the worker said `Ready` (they would be lost otherwise).
    queue: Vec<(Request, Option<File>)>,
    ready: bool,
    /// The last load, replayed after a crash so the user's data is not lost.
    last_load: Option<(Request, Option<File>)>,
    state: AppState,
}

/// Cheap to clone; all clones talk to the same worker.
#[derive(Clone)]
pub struct Bridge(Rc<RefCell<Inner>>);

impl Bridge {
    pub fn new(state: AppState) -> Self {
        let bridge = Bridge(Rc::new(RefCell::new(Inner { worker: None, queue: Vec::new(), ready: false, last_load: None, state })));
        bridge.spawn();
        bridge
    }

    fn spawn(&self) {
        let worker = match Worker::new(WORKER_URL) {
            Ok(w) => w,
            Err(e) => {
                let state = self.0.borrow().state;
                state.error.set(Some(("Starting the background worker".into(), format!("{e:?}"))));
                return;
            }
        };
        let me = self.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| me.receive(ev));
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let me = self.clone();
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| me.crashed(ev.message()));
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
            inner.last_load = Some((request.clone(), file.clone()));
        }
        if !inner.ready {
            inner.queue.push((request, file));
            return;
        }
        if let Some(w) = &inner.worker {
            post(w, &request, file.as_ref());
        }
    }

    fn receive(&self, ev: MessageEvent) {
        let text = ev.data().as_string().unwrap_or_default();
        let event = match decode_event(&text) {
            Ok(e) => e,
            Err(message) => Event::Failed { stage: "Receiving results".into(), message },
        };
        if matches!(&event, Event::Failed { stage, .. } if stage == CRASH_STAGE) {
            let Event::Failed { message, .. } = event else { return };
            return self.crashed(message);
        }
        if matches!(event, Event::Ready) {
            self.flush();
        }
        let state = self.0.borrow().state;
        if let Some(csv) = state.apply(event) {
            super::app::download_text(&csv, "songscape-clusters.csv", "text/csv");
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

    /// The worker died: say so, start a new one and give it the data again.
    fn crashed(&self, message: String) {
        let (state, last_load) = {
            let mut inner = self.0.borrow_mut();
            if let Some(w) = inner.worker.take() {
                w.terminate();
            }
            (inner.state, inner.last_load.clone())
        };
        state.training.set(false);
        state.busy.set(None);
        state.error.set(Some((
            CRASH_STAGE.into(),
            format!("{message}. It was restarted and your data is being reloaded; earlier results must be recomputed."),
        )));
        self.spawn();
        if let Some((request, file)) = last_load {
            self.send(request, file);
        }
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
