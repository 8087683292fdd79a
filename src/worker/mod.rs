//! The dedicated Web Worker: holds the loaded table and the last results, runs the heavy stages,
//! and streams `Event`s back. Plain web-sys messaging rather than gloo-worker: we need to pass a
//! `File` object through untouched (read here with `FileReaderSync`, off the page's thread) and to
//! interleave training with the event loop so `Cancel` is seen mid-epoch; both are a few lines here.

mod find;
mod k_task;
mod train_task;

use std::cell::{Cell, RefCell};
use std::future::Future;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

use crate::pipeline::check::check_table;
use crate::pipeline::columns::ColumnMapping;
use crate::pipeline::demo::demo_csv;
use crate::pipeline::load::{check_size, parse_csv, Table};
use crate::pipeline::params::{Projection, ValidParams};
use crate::pipeline::run::{self, Analysis, Prepared};
use crate::pipeline::search::SearchIndex;
use crate::pipeline::train::EpochLoss;
use crate::protocol::{
    decode_request, encode_event, CheckOptions, DatasetInfo, Event, MappingCheck, Request, RunResults, Timings,
    CRASH_STAGE,
};

/// The dataset and the last good results. Kept across failures of later steps.
#[derive(Default)]
struct State {
    table: Option<Table>,
    last: Option<LastRun>,
}

/// The last finished run: what export, choosing k and re-clustering work on.
struct LastRun {
    mapping: ColumnMapping,
    params: ValidParams,
    prepared: Prepared,
    analysis: Analysis,
    history: Vec<EpochLoss>,
    timings: Timings,
    /// Titles and artists of the run's rows, folded for search.
    search: SearchIndex,
}

impl LastRun {
    /// Everything the page draws for this run.
    fn results(&self) -> RunResults {
        let (a, p) = (&self.analysis, &self.prepared);
        RunResults {
            features: p.features.features.iter().map(|f| f.name().to_string()).collect(),
            rows: p.features.n_rows(),
            history: self.history.clone(),
            recon_mse: a.recon_mse,
            k: self.params.k,
            inertia: a.clustering.inertia,
            clusters: a.summaries.clone(),
            labels: a.clustering.labels.iter().map(|&l| l as u16).collect(),
            pca: a.pca.clone(),
            first_two: a.first_two.clone(),
            latent_size: a.latent,
            timings: self.timings.clone(),
        }
    }
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    static CANCEL: Cell<bool> = const { Cell::new(false) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(crate) fn now_ms() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

pub(crate) fn post(event: &Event) {
    let _ = scope().post_message(&JsValue::from_str(&encode_event(event)));
}

pub(crate) fn fail(stage: &str, message: impl ToString) {
    post(&Event::Failed { stage: stage.to_string(), message: message.to_string() });
}

/// Runs a long step: other steps are refused meanwhile, and Cancel is cleared at its start.
fn run_busy(step: impl Future<Output = ()> + 'static) {
    BUSY.with(|b| b.set(true));
    CANCEL.with(|c| c.set(false));
    wasm_bindgen_futures::spawn_local(async move {
        step.await;
        BUSY.with(|b| b.set(false));
    });
}

/// Gives the worker's event loop a turn (a zero-delay timeout), so queued messages are handled.
async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn cancelled() -> bool {
    CANCEL.with(Cell::get)
}

/// Worker panics: tell the page, which restarts the worker and reloads the data it had sent.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        fail(CRASH_STAGE, info);
    }));
}

/// Entry point of the worker bin.
pub fn start() {
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(handle);
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&Event::Ready);
}

fn handle(ev: MessageEvent) {
    let data = ev.data();
    let json = Reflect::get(&data, &JsValue::from_str("json")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let request = match decode_request(&json) {
        Ok(r) => r,
        Err(e) => return fail("Receiving a request", e),
    };
    match request {
        Request::Cancel => CANCEL.with(|c| c.set(true)),
        // Checking only reads the table, which training holds no borrow of across its yields.
        Request::Check { mapping, options } => post(&Event::Checked(Box::new(check(&mapping, options)))),
        _ if BUSY.with(Cell::get) => {
            fail("Starting a step", "Another step is still running; wait for it or press Cancel.")
        }
        Request::LoadDemo { rows, seed, options } => {
            load_bytes("Demo dataset (synthetic)", demo_csv(rows, seed).as_bytes(), options)
        }
        Request::LoadFile { name, options } => load_file(&name, &data, options),
        Request::Train { mapping, params } => train_task::spawn(mapping, params),
        Request::Export { projection } => export(projection),
        Request::ChooseK { from, to } => k_task::spawn_choose_k(from, to),
        Request::Recluster { k } => k_task::recluster(k),
        Request::Search { query } => find::search(query),
        Request::Recommend { row, n, metric } => find::recommend(row, n, metric),
    }
}

fn load_file(name: &str, data: &JsValue, options: CheckOptions) {
    post(&Event::Stage { name: "Reading the file".into() });
    let file: Option<File> = Reflect::get(data, &JsValue::from_str("file")).ok().and_then(|f| f.dyn_into().ok());
    let Some(file) = file else {
        return fail("Reading the file", "No file came with the request.");
    };
    // Checked before reading: a file over the limit is never copied into memory.
    if let Err(e) = check_size(file.size() as u64) {
        return fail("Reading the file", format!("{name}: {e}"));
    }
    let bytes = FileReaderSync::new().and_then(|r| r.read_as_array_buffer(&file));
    match bytes {
        Ok(buffer) => load_bytes(name, &Uint8Array::new(&buffer).to_vec(), options),
        Err(e) => fail("Reading the file", format!("The browser could not read {name}: {e:?}")),
    }
}

fn load_bytes(name: &str, bytes: &[u8], options: CheckOptions) {
    let t0 = now_ms();
    let table = match parse_csv(bytes) {
        Ok(t) => t,
        Err(e) => return fail("Reading the file", format!("{name}: {e}")),
    };
    // Parsing alone, as before: the mapping check is not part of "read in … ms".
    let parse_ms = now_ms() - t0;
    let info = DatasetInfo { parse_ms, ..DatasetInfo::describe(name, &table, options) };
    // A new file replaces the old one only once it has loaded: a bad file loses nothing.
    STATE.with(|s| *s.borrow_mut() = State { table: Some(table), last: None });
    post(&Event::Loaded(Box::new(info)));
}

fn check(mapping: &ColumnMapping, options: CheckOptions) -> MappingCheck {
    STATE.with(|s| match &s.borrow().table {
        Some(t) => check_table(t, mapping, options),
        None => MappingCheck::no_file(mapping),
    })
}

fn export(projection: Projection) {
    let csv = with_run("Exporting", "Train a model first: the export adds each song's cluster.", |t, last| {
        run::export(t, &last.prepared, &last.analysis, projection).map_err(|e| e.to_string())
    });
    if let Some(csv) = csv {
        post(&Event::Exported { csv });
    }
}

/// Runs `f` on the loaded table and the last finished run; when there is none, or `f` fails,
/// the page is told why under `stage` (`no_run` says what a run is needed for).
fn with_run<T>(stage: &str, no_run: &str, f: impl FnOnce(&Table, &LastRun) -> Result<T, String>) -> Option<T> {
    let outcome = STATE.with(|s| match &*s.borrow() {
        State { table: Some(t), last: Some(l) } => f(t, l),
        _ => Err(no_run.to_string()),
    });
    outcome.map_err(|e| fail(stage, e)).ok()
}
