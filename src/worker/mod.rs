//! The dedicated Web Worker: holds the loaded table and the last results, runs the heavy stages,
//! and streams `Event`s back. Plain web-sys messaging rather than gloo-worker: we need to pass a
//! `File` object through untouched (read here with `FileReaderSync`, off the page's thread) and to
//! interleave training with the event loop so `Cancel` is seen mid-epoch; both are a few lines here.

mod choose_k;
mod colour;
mod compare;
mod error;
mod exports;
mod idb;
mod keep;
mod load;
mod maps;
mod model_file;
mod my_playlist;
mod names;
mod post;
mod recluster;
mod schedule;
mod session;
mod similar;
mod songs;
mod train;

use error::{Outcome, WorkerError};
use post::{
    fail, fail_task, offer_analysis, offer_map, offer_resumed, offer_run, post, post_download, post_for, with_run,
};
use schedule::{cancelled, run_busy, yield_now, BUSY};
use session::{last_id, LastRun, State, STATE};

use std::cell::Cell;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

use crate::pipeline::input::check::check_table;
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::demo::demo_csv;
use crate::pipeline::input::load::{check_size, parse_csv, Table};
use crate::pipeline::model::file::check_model_size;
use crate::protocol::{
    decode_request, CheckOptions, DatasetInfo, Event, KeptSource, MappingCheck, Request, Stale, Task, CRASH_STAGE,
};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(crate) fn now_ms() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
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
    keep::start();
    let rehearse = Closure::once_into_js(rehearse);
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(rehearse.unchecked_ref(), REHEARSAL_AFTER_MS);
}

thread_local! {
    static HEARD: Cell<bool> = const { Cell::new(false) };
}

/// A moment after start, while the page waits for a person to choose a file: the whole pipeline
/// once on a few demo songs (`run::rehearse`), so that the first file runs on fully compiled code.
/// Skipped once a request has come (a file chosen at once, the demo, a kept session): it would
/// only make that wait, about 50 ms.
fn rehearse() {
    if HEARD.with(Cell::get) {
        return;
    }
    if let Err(e) = crate::pipeline::run::rehearse(REHEARSAL_ROWS) {
        web_sys::console::warn_1(&format!("The warm-up run failed: {e}").into());
    }
}

const REHEARSAL_AFTER_MS: i32 = 400;
/// Enough songs for about 80 training steps, which is what gets the training code compiled in full.
const REHEARSAL_ROWS: usize = 3_000;

fn handle(ev: MessageEvent) {
    HEARD.with(|h| h.set(true));
    let data = ev.data();
    let json = Reflect::get(&data, &JsValue::from_str("json")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let request = match decode_request(&json) {
        Ok(r) => r,
        Err(e) => return fail("Receiving a request", WorkerError::Invalid(e)),
    };
    let run = Reflect::get(&data, &JsValue::from_str("run")).ok().and_then(|v| v.as_f64()).map_or(0, |v| v as u64);
    if run != last_id() {
        match request.run_bound() {
            Some(Stale::Quiet) => return,
            Some(Stale::Say(stage)) => return fail(stage, WorkerError::Stale),
            None => {}
        }
    }
    match request {
        Request::Cancel => schedule::cancel(),
        Request::Commit { id } => {
            let (map, committed) = STATE.with(|s| {
                let mut s = s.borrow_mut();
                (s.pending_is_map(id), s.commit(id))
            });
            if committed {
                keep::run_changed();
                // New songs or clusters: the personal playlists are placed again (a new map
                // needs nothing: their places follow their nearest songs).
                if !map {
                    my_playlist::again();
                }
            }
        }
        Request::Discard { id } => STATE.with(|s| {
            let mut s = s.borrow_mut();
            s.pending.take_if(|p| p.id == id);
        }),
        // Checking only reads the table, which training holds no borrow of across its yields.
        Request::Check { mapping, options } => post(&Event::Checked(Box::new(check(&mapping, options)))),
        Request::Pick { rows, purpose } => songs::pick(rows, purpose),
        Request::Locate { song } => songs::locate(song),
        // A rename only changes a name, which training holds no borrow of across its yields.
        Request::NameCluster { cluster, name } => {
            exports::name_cluster(cluster, name);
            keep::run_changed();
        }
        Request::Forget => keep::forget(),
        Request::KeepHere => keep::keep_here(),
        _ if BUSY.with(Cell::get) => fail("Starting a step", WorkerError::Busy),
        Request::LoadDemo { rows, seed, options } => load_demo(rows, seed, options),
        Request::LoadFile { name, options } => load_file(&name, &data, options),
        Request::Train { mapping, params } => train::spawn(mapping, params),
        Request::Export { projection } => exports::export(projection),
        Request::ChooseK { from, to } => choose_k::spawn_choose_k(from, to),
        Request::Recluster { k } => recluster::recluster(k),
        Request::Search { query } => songs::search(query),
        Request::Recommend { row, n, rule } => similar::recommend(row, n, rule),
        Request::Describe { row } => similar::describe(row),
        Request::MoreLikeThese { table_rows, n, rule } => similar::more_like_these(table_rows, n, rule),
        Request::ExportPlaylist { table_rows, selection } => exports::export_playlist(table_rows, selection),
        Request::ExportForSpotify { table_rows, more_like } => exports::export_for_spotify(table_rows, more_like),
        Request::MoreLikeMine { n, rule, cluster, tempo } => my_playlist::more_like_mine(n, rule, cluster, tempo),
        Request::FlowOrder { seed, tempo_window, mine: true, .. } => my_playlist::flow_mine(seed, tempo_window),
        Request::FlowOrder { table_rows, seed, tempo_window, mine: false } => similar::flow(table_rows, seed, tempo_window),
        Request::ExportMineForSpotify { playlist_rows } => my_playlist::export_for_spotify(&playlist_rows),
        Request::ColourBy { column } => colour::colour_by(column),
        Request::Compare => compare::spawn_compare(),
        Request::UseRepresentation { representation } => recluster::use_representation(representation),
        Request::DownloadModel => model_file::download(),
        Request::ApplyModel { name, force } => model_file::apply(&name, &data, force),
        Request::AddPlaylistFile { name, second } => {
            if let Some((slot, file)) = my_playlist::add(&name, second, &data) {
                keep::mine_added(slot, &name, &file);
            }
        }
        Request::Restore { snapshot } => model_file::restore(&snapshot, &data, run),
        Request::Tsne { perplexity } => maps::spawn_tsne(perplexity),
        Request::Umap { options } => maps::spawn_umap(options),
        Request::Resume { table_only, expect } => keep::resume(table_only, expect),
    }
}

fn load_file(name: &str, data: &JsValue, options: CheckOptions) {
    match file_of(data) {
        Ok(file) => load::spawn(name.to_string(), file, options),
        Err(message) => fail_task(Task::Reading, "Reading the file", message),
    }
}

pub(crate) fn file_of(data: &JsValue) -> Outcome<File> {
    let file: Option<File> = Reflect::get(data, &JsValue::from_str("file")).ok().and_then(|f| f.dyn_into().ok());
    file.ok_or_else(|| WorkerError::Browser("No file came with the request.".into()))
}

/// The bytes of the model file sent with a request, after checking its size against the model
/// files' own limit (see `read_whole`).
pub(crate) fn read_model_file(name: &str, data: &JsValue) -> Outcome<Vec<u8>> {
    let file = file_of(data)?;
    check_model_size(file.size() as u64).map_err(|e| WorkerError::in_file(name, e))?;
    read_bytes(name, &file)
}

/// All the bytes of `file`. The size is checked before reading: a file over the limit is never
/// copied into memory.
pub(crate) fn read_whole(name: &str, file: &File) -> Outcome<Vec<u8>> {
    check_size(file.size() as u64).map_err(|e| WorkerError::in_file(name, e))?;
    read_bytes(name, file)
}

fn read_bytes(name: &str, file: &File) -> Outcome<Vec<u8>> {
    let buffer = FileReaderSync::new()
        .and_then(|r| r.read_as_array_buffer(file))
        .map_err(|e| WorkerError::Browser(format!("The browser could not read {name}: {e:?}")))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn load_demo(rows: usize, seed: u64, options: CheckOptions) {
    let name = "Demo dataset (synthetic)";
    let t0 = now_ms();
    match parse_csv(demo_csv(rows, seed).as_bytes()) {
        Ok(table) => install_table(name, table, now_ms() - t0, options, Some((KeptSource::Demo { rows, seed }, None))),
        Err(e) => fail_task(Task::Reading, "Reading the file", WorkerError::in_file(name, e)),
    }
}

/// Makes `table` the loaded dataset and tells the page. `parse_ms`: reading and parsing alone
/// (the mapping check is not part of "read in … ms"). `kept`: where it came from, for the
/// session kept in this browser (`None` when it was read back from there).
fn install_table(
    name: &str,
    table: Table,
    parse_ms: f64,
    options: CheckOptions,
    kept: Option<(KeptSource, Option<File>)>,
) {
    let info = DatasetInfo { parse_ms, ..DatasetInfo::describe(name, &table, options) };
    let record = kept.map(|(source, file)| keep::record_of(source, file, options, name, &table));
    // A new file replaces the old one only once it has loaded: a bad file loses nothing.
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        (s.table, s.last, s.pending, s.last_id) = (Some(table), None, None, 0);
    });
    my_playlist::forget();
    post(&Event::Loaded(Box::new(info)));
    if let Some(record) = record {
        keep::table_loaded(record, true);
    }
}

fn check(mapping: &ColumnMapping, options: CheckOptions) -> MappingCheck {
    STATE.with(|s| match &s.borrow().table {
        Some(t) => check_table(t, mapping, options),
        None => MappingCheck::no_file(mapping),
    })
}
