//! The dedicated Web Worker: holds the loaded table and the last results, runs the heavy stages,
//! and streams `Event`s back. Plain web-sys messaging rather than gloo-worker: we need to pass a
//! `File` object through untouched (read here with `FileReaderSync`, off the page's thread) and to
//! interleave training with the event loop so `Cancel` is seen mid-epoch; both are a few lines here.

mod find;
mod k_task;
mod load_task;
mod model_task;
mod train_task;
mod tsne_task;

use std::cell::{Cell, RefCell};
use std::future::Future;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

use crate::pipeline::analysis::Analysis;
use crate::pipeline::explore::search::SearchIndex;
use crate::pipeline::input::check::check_table;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::demo::demo_csv;
use crate::pipeline::input::load::{check_size, parse_csv, Table};
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::model::file::check_model_size;
use crate::pipeline::model::train::{EpochLoss, Trained};
use crate::pipeline::params::{Projection, ValidParams};
use crate::pipeline::run::{self, RunSnapshot};
use crate::protocol::{
    self, decode_request, encode_event, CheckOptions, DatasetInfo, Event, MappingCheck, Request, RunResults, Stale,
    Timings, CRASH_STAGE,
};

/// The dataset and the last good results. Kept across failures of later steps.
#[derive(Default)]
struct State {
    table: Option<Table>,
    /// The run the page shows: what exports, recommendations and model downloads work on.
    last: Option<LastRun>,
    /// Results sent to the page and not yet acknowledged (`Request::Commit`). A posted message
    /// is not a received one: until the page says it shows them, `last` stays as it was.
    pending: Option<Pending>,
    /// The id the next results get.
    next_id: u64,
    /// The id of the results `last` was committed as (0 without a run): what the page names in
    /// every request about the run, and what every answer is tagged with.
    last_id: u64,
}

/// Results on their way to the page.
struct Pending {
    id: u64,
    change: Change,
}

enum Change {
    /// A new run (training, a model file).
    Run(Box<LastRun>),
    /// The same run clustered or represented anew.
    Analysis { analysis: Box<Analysis>, params: ValidParams, keep_tsne: bool },
    /// The t-SNE map of the last run.
    Tsne(Vec<f32>),
}

impl State {
    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Makes the pending results numbered `id` the last run; anything else is ignored (an
    /// acknowledgement of results already replaced).
    fn commit(&mut self, id: u64) {
        let Some(pending) = self.pending.take_if(|p| p.id == id) else { return };
        let change = match pending.change {
            Change::Run(run) => {
                (self.last, self.last_id) = (Some(*run), id);
                return;
            }
            other => other,
        };
        let Some(last) = self.last.as_mut() else { return };
        match change {
            Change::Analysis { analysis, params, keep_tsne } => {
                self.last_id = id;
                last.analysis = *analysis;
                last.params = params;
                // New clusters: names saved for the old ones no longer fit.
                last.saved_names.clear();
                if !keep_tsne {
                    last.tsne = None;
                }
            }
            Change::Tsne(xy) => last.tsne = Some(xy),
            Change::Run(_) => {}
        }
    }
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
    /// The model, kept so it can be downloaded.
    trained: Trained,
    /// The model file applied, when the run came from one rather than from training.
    model_file: Option<String>,
    /// The cluster names saved in that file.
    saved_names: Vec<String>,
    /// The t-SNE map, once computed.
    tsne: Option<Vec<f32>>,
}

impl LastRun {
    /// The 2D map for `projection`, if it has been computed.
    fn map(&self, projection: Projection) -> Option<&[f32]> {
        match projection {
            Projection::Tsne => self.tsne.as_deref(),
            other => self.analysis.map(other),
        }
    }

    /// Everything the page draws for this run, numbered `run_id`.
    fn results(&self, run_id: u64) -> Result<RunResults, String> {
        self.results_with(run_id, &self.analysis, &self.params, &self.saved_names)
    }

    /// The results this run would have with `analysis` and `params` in place of its own.
    fn results_with(
        &self,
        run_id: u64,
        a: &Analysis,
        params: &ValidParams,
        saved_names: &[String],
    ) -> Result<RunResults, String> {
        let p = &self.prepared;
        let snapshot = RunSnapshot::of(
            &self.mapping,
            params,
            p,
            &self.trained,
            a,
            &self.history,
            self.model_file.clone(),
            saved_names,
        )
        .map_err(|e| e.to_string())?;
        Ok(RunResults {
            run_id,
            snapshot,
            features: p.features.features.iter().map(|f| f.name().to_string()).collect(),
            rows: p.features.n_rows(),
            history: self.history.clone(),
            recon_mse: a.recon_mse,
            k: params.k,
            inertia: a.clustering.inertia,
            clusters: a.summaries.clone(),
            labels: a.clustering.labels.iter().map(|&l| l as u16).collect(),
            pca: a.pca.clone(),
            first_two: a.first_two.clone(),
            latent_size: a.latent,
            timings: self.timings.clone(),
            names: a.names.clone(),
            representation: a.representation,
            model_file: self.model_file.clone(),
            saved_names: saved_names.to_vec(),
        })
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

/// Posts `event`, tagged with the run it answers from (see `protocol::Stale`).
pub(crate) fn post(event: &Event) {
    let _ = post_arrays(event, &[]);
}

/// The id of the committed run.
fn last_id() -> u64 {
    STATE.with(|s| s.borrow().last_id)
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
        Err(_) => fail("Preparing the download", "The browser could not make a file of it."),
    }
}

/// Posts `event` as JSON with values beside it; typed arrays among them are moved rather than
/// copied: a million songs' map as JSON is tens of megabytes that the page would parse on its own
/// thread.
pub(crate) fn post_arrays(event: &Event, arrays: &[(&str, JsValue)]) -> Result<(), String> {
    post_for(last_id(), event, arrays)
}

/// `post_arrays` for an answer computed on run `run`: a task that yields may see the run change
/// before it posts, and its answer belongs to the run it started on.
pub(crate) fn post_for(run: u64, event: &Event, arrays: &[(&str, JsValue)]) -> Result<(), String> {
    let json = encode_event(event);
    // `encode_event` turns an event it could not send into `Failed`: the caller says why.
    if !matches!(event, Event::Failed { .. }) {
        if let Ok(Event::Failed { message, .. }) = protocol::decode_event(&json) {
            return Err(message);
        }
    }
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
        .map_err(|_| "The results could not be handed to the page.".to_string())
}

/// Sends a new run to the page and keeps it pending until the page commits it.
fn offer_run(run: LastRun, stage: &str) {
    let id = STATE.with(|s| s.borrow_mut().new_id());
    let offered = run.results(id).and_then(|results| {
        let names = STATE.with(|s| s.borrow().table.as_ref().map(|t| find::song_names(t, &run)));
        let names = names.ok_or("The dataset was replaced meanwhile; train again.")?;
        Ok((results, names))
    });
    match offered.and_then(|(results, names)| post_results(results, names)) {
        Ok(()) => STATE.with(|s| s.borrow_mut().pending = Some(Pending { id, change: Change::Run(Box::new(run)) })),
        Err(message) => fail(stage, message),
    }
}

/// Sends the last run with `analysis` and `params` in place of its own, pending as `offer_run`.
fn offer_analysis(analysis: Analysis, params: ValidParams, keep_tsne: bool, stage: &str) {
    let outcome = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let id = s.new_id();
        let (Some(table), Some(last)) = (&s.table, &s.last) else { return Err("Train a model first.".to_string()) };
        // New clusters: names saved for the old ones no longer fit (see `State::commit`).
        let results = last.results_with(id, &analysis, &params, &[])?;
        Ok((id, results, find::song_names(table, last)))
    });
    match outcome.and_then(|(id, results, names)| post_results(results, names).map(|()| id)) {
        Ok(id) => STATE.with(|s| {
            let change = Change::Analysis { analysis: Box::new(analysis), params, keep_tsne };
            s.borrow_mut().pending = Some(Pending { id, change });
        }),
        Err(message) => fail(stage, message),
    }
}

/// Sends the t-SNE map of run `run` (the last run, with nothing newer on its way), pending as
/// `offer_run`.
fn offer_tsne(run: u64, xy: Vec<f32>, sample: usize) -> Result<(), String> {
    if !xy.iter().all(|v| v.is_finite()) {
        return Err(protocol::NOT_FINITE.into());
    }
    let current = STATE.with(|s| s.borrow().last_id == run && s.borrow().pending.is_none());
    if !current {
        return Err("The run changed while t-SNE was computed; choose t-SNE again.".into());
    }
    let id = STATE.with(|s| s.borrow_mut().new_id());
    let event = Event::TsneReady { id, xy: Vec::new(), sample };
    post_for(run, &event, &[("xy", js_sys::Float32Array::from(&xy[..]).into())])?;
    STATE.with(|s| s.borrow_mut().pending = Some(Pending { id, change: Change::Tsne(xy) }));
    Ok(())
}

/// A run's results: the per-song arrays travel as typed arrays (see `post_arrays`), with the
/// songs' names packed by `find::song_names`. Nothing is sent that is not finite.
fn post_results(mut results: RunResults, (name_text, name_ends): (Vec<u8>, Vec<u32>)) -> Result<(), String> {
    if !results.pca.iter().chain(&results.first_two).all(|v| v.is_finite()) {
        return Err(protocol::NOT_FINITE.into());
    }
    let pca = js_sys::Float32Array::from(&results.pca[..]);
    let first_two = js_sys::Float32Array::from(&results.first_two[..]);
    let labels = js_sys::Uint16Array::from(&results.labels[..]);
    (results.pca, results.first_two, results.labels) = (Vec::new(), Vec::new(), Vec::new());
    let arrays = [
        ("pca", pca.into()),
        ("first_two", first_two.into()),
        ("labels", labels.into()),
        ("name_text", Uint8Array::from(&name_text[..]).into()),
        ("name_ends", js_sys::Uint32Array::from(&name_ends[..]).into()),
    ];
    post_arrays(&Event::Finished(Box::new(results)), &arrays)
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

/// Gives the worker's event loop a turn, so queued messages (Cancel, hover) are handled.
///
/// Through a message to itself rather than a zero-delay timeout: timeouts that chain are held
/// to at least 4 ms, which was a fifth of an epoch on 10k songs and about 8% of training time
/// at any size (one turn every 50 ms).
async fn yield_now() {
    let Ok(channel) = web_sys::MessageChannel::new() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    // Held until the message has arrived (a port nobody refers to may be collected first).
    channel.port1().set_onmessage(None);
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
    let run = Reflect::get(&data, &JsValue::from_str("run")).ok().and_then(|v| v.as_f64()).map_or(0, |v| v as u64);
    if run != last_id() {
        match request.run_bound() {
            Some(Stale::Quiet) => return,
            Some(Stale::Say(stage)) => return fail(stage, protocol::STALE),
            None => {}
        }
    }
    match request {
        Request::Cancel => CANCEL.with(|c| c.set(true)),
        Request::Commit { id } => STATE.with(|s| s.borrow_mut().commit(id)),
        Request::Discard { id } => STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.pending.take_if(|p| p.id == id);
        }),
        // Checking only reads the table, which training holds no borrow of across its yields.
        Request::Check { mapping, options } => post(&Event::Checked(Box::new(check(&mapping, options)))),
        Request::Pick { rows } => find::pick(rows),
        _ if BUSY.with(Cell::get) => {
            fail("Starting a step", "Another step is still running; wait for it or press Cancel.")
        }
        Request::LoadDemo { rows, seed, options } => {
            load_bytes("Demo dataset (synthetic)", demo_csv(rows, seed).as_bytes(), options)
        }
        Request::LoadFile { name, options } => load_file(&name, &data, options),
        Request::Train { mapping, params } => train_task::spawn(mapping, params),
        Request::Export { projection, names } => export(projection, names),
        Request::ChooseK { from, to } => k_task::spawn_choose_k(from, to),
        Request::Recluster { k } => k_task::recluster(k),
        Request::Search { query } => find::search(query),
        Request::Recommend { row, n, metric } => find::recommend(row, n, metric),
        Request::MoreLikeThese { table_rows, n, metric } => find::more_like_these(table_rows, n, metric),
        Request::ExportPlaylist { table_rows, names } => find::export_playlist(table_rows, names),
        Request::ColourBy { column } => find::colour_by(column),
        Request::Compare => k_task::spawn_compare(),
        Request::UseRepresentation { representation } => k_task::use_representation(representation),
        Request::DownloadModel { names } => model_task::download(names),
        Request::ApplyModel { name, force } => model_task::apply(&name, &data, force),
        Request::Restore { snapshot } => model_task::restore(&snapshot, &data, run),
        Request::Tsne => tsne_task::spawn(),
    }
}

fn load_file(name: &str, data: &JsValue, options: CheckOptions) {
    match file_of(data) {
        Ok(file) => load_task::spawn(name.to_string(), file, options),
        Err(message) => fail("Reading the file", message),
    }
}

fn file_of(data: &JsValue) -> Result<File, String> {
    let file: Option<File> = Reflect::get(data, &JsValue::from_str("file")).ok().and_then(|f| f.dyn_into().ok());
    file.ok_or_else(|| "No file came with the request.".to_string())
}

/// The bytes of the model file sent with a request, after checking its size against the model
/// files' own limit (see `read_whole`).
pub(crate) fn read_model_file(name: &str, data: &JsValue) -> Result<Vec<u8>, String> {
    let file = file_of(data)?;
    check_model_size(file.size() as u64).map_err(|e| format!("{name}: {e}"))?;
    read_bytes(name, &file)
}

/// All the bytes of `file`. The size is checked before reading: a file over the limit is never
/// copied into memory.
pub(crate) fn read_whole(name: &str, file: &File) -> Result<Vec<u8>, String> {
    check_size(file.size() as u64).map_err(|e| format!("{name}: {e}"))?;
    read_bytes(name, file)
}

fn read_bytes(name: &str, file: &File) -> Result<Vec<u8>, String> {
    let buffer = FileReaderSync::new()
        .and_then(|r| r.read_as_array_buffer(file))
        .map_err(|e| format!("The browser could not read {name}: {e:?}"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn load_bytes(name: &str, bytes: &[u8], options: CheckOptions) {
    let t0 = now_ms();
    match parse_csv(bytes) {
        Ok(table) => install_table(name, table, now_ms() - t0, options),
        Err(e) => fail("Reading the file", format!("{name}: {e}")),
    }
}

/// Makes `table` the loaded dataset and tells the page. `parse_ms`: reading and parsing alone
/// (the mapping check is not part of "read in … ms").
fn install_table(name: &str, table: Table, parse_ms: f64, options: CheckOptions) {
    let info = DatasetInfo { parse_ms, ..DatasetInfo::describe(name, &table, options) };
    // A new file replaces the old one only once it has loaded: a bad file loses nothing.
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        (s.table, s.last, s.pending, s.last_id) = (Some(table), None, None, 0);
    });
    post(&Event::Loaded(Box::new(info)));
}

fn check(mapping: &ColumnMapping, options: CheckOptions) -> MappingCheck {
    STATE.with(|s| match &s.borrow().table {
        Some(t) => check_table(t, mapping, options),
        None => MappingCheck::no_file(mapping),
    })
}

fn export(projection: Projection, names: Vec<String>) {
    let csv = with_run("Exporting", "Train a model first: the export adds each song's cluster.", |t, last| {
        let map = last.map(projection).ok_or_else(|| {
            "That map has not been computed for this run yet; choose it above the map first.".to_string()
        })?;
        run::export(t, &last.prepared, &last.analysis, map, &names).map_err(|e| e.to_string())
    });
    if let Some(csv) = csv {
        post_download(Event::Exported { file: "songscape-clusters.csv".into() }, &csv, "text/csv");
    }
}

/// Runs `f` on the loaded table and the last finished run; when there is none, or `f` fails,
/// the page is told why under `stage` (`no_run` says what a run is needed for).
fn with_run<T>(stage: &str, no_run: &str, f: impl FnOnce(&Table, &LastRun) -> Result<T, String>) -> Option<T> {
    let outcome = STATE.with(|s| match &*s.borrow() {
        State { table: Some(t), last: Some(l), .. } => f(t, l),
        _ => Err(no_run.to_string()),
    });
    outcome.map_err(|e| fail(stage, e)).ok()
}
