//! The session kept in this browser: the loaded file, the run the page shows and its t-SNE map,
//! written to IndexedDB by the worker (never by the page's thread) each time they change, and read
//! back on "Resume". Nothing leaves the machine.
//!
//! Records in the one store (`idb::STORE`): `meta` (a `KeptSession` as JSON: what the page
//! offers), `table` (`{json: KeptTable, file: File}`) and `run` (`{json: KeptRun, labels:
//! Uint16Array, tsne: Float32Array}`). One session is kept per browser; tabs that replace each
//! other's are told (`Keeping::Elsewhere`) through a `BroadcastChannel`.

use std::cell::RefCell;

use js_sys::{Float32Array, Object, Reflect, Uint16Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, File, IdbTransactionMode, MessageEvent};

use super::idb::{self, IdbError};
use super::model_file::rebuild;
use super::session::{LastRun, STATE};
use super::{fail_task, install_table, load, my_playlist, now_ms, offer_resumed, post, run_busy, Outcome, WorkerError};
use crate::pipeline::input::demo::demo_csv;
use crate::pipeline::input::load::{parse_csv, Table};
use crate::pipeline::params::Projection;
use crate::protocol::{
    fingerprint, kept::read_meta, CheckOptions, Event, Keeping, KeptRun, KeptSession, KeptSource, KeptTable, Task,
    KEPT_FORMAT,
};

const CHANNEL: &str = "songscape.kept";
const RESUMING: &str = "Resuming the kept session";

/// The table as it is kept: what a later write of the run needs to say about it.
#[derive(Clone)]
pub(super) struct TableRecord {
    pub(super) kept: KeptTable,
    pub(super) file: Option<File>,
    pub(super) name: String,
    pub(super) rows: usize,
    pub(super) columns: Vec<String>,
}

impl TableRecord {
    pub(super) fn new(kept: KeptTable, file: Option<File>, name: &str, table: &Table) -> TableRecord {
        TableRecord { kept, file, name: name.to_string(), rows: table.n_rows(), columns: table.headers.clone() }
    }

    fn meta(&self, k: Option<usize>) -> KeptSession {
        KeptSession {
            format: KEPT_FORMAT,
            name: self.name.clone(),
            rows: self.rows,
            columns: self.columns.clone(),
            file: fingerprint(&self.name, self.rows, &self.columns),
            saved_at: js_sys::Date::now(),
            k,
        }
    }
}

#[derive(Default)]
struct Keep {
    /// This worker's tab, as the others hear of it.
    tab: String,
    table: Option<TableRecord>,
    /// Not written until the person says so: another tab keeps its session, this one's was
    /// forgotten, or the storage refused it.
    paused: bool,
    channel: Option<BroadcastChannel>,
}

thread_local! {
    static KEEP: RefCell<Keep> = RefCell::new(Keep::default());
}

/// At start: tells the page what an earlier visit kept, and listens to the other tabs.
pub(super) fn start() {
    let tab = format!("{:x}", (js_sys::Math::random() * 2f64.powi(52)) as u64);
    let channel = BroadcastChannel::new(CHANNEL).ok();
    if let Some(c) = &channel {
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(heard);
        c.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    KEEP.with(|k| *k.borrow_mut() = Keep { tab, channel, ..Keep::default() });
    wasm_bindgen_futures::spawn_local(async {
        let keeping = match found().await {
            Ok(Ok(kept)) => Keeping::Found(kept),
            Ok(Err(message)) => Keeping::Refused { message },
            Err(e) => Keeping::Failed { message: unavailable(&e) },
        };
        post(&Event::Keeping(keeping));
    });
}

/// The kept meta record, or why it was refused (and removed).
async fn found() -> Result<Result<Option<KeptSession>, String>, IdbError> {
    let db = idb::database().await?;
    let (_tx, store) = idb::transaction(&db, IdbTransactionMode::Readonly)?;
    let meta = idb::get(&store, "meta").await?;
    let Some(json) = meta.as_string() else { return Ok(Ok(None)) };
    match read_meta(&json) {
        Ok(kept) => Ok(Ok(Some(kept))),
        Err(message) => {
            clear().await?;
            Ok(Err(message))
        }
    }
}

/// Another tab wrote or forgot the kept session: this one stops writing over it and says so.
fn heard(ev: MessageEvent) {
    let text = ev.data().as_string().unwrap_or_default();
    let Ok(said) = serde_json::from_str::<Said>(&text) else { return };
    if KEEP.with(|k| k.borrow().tab == said.tab) {
        return;
    }
    KEEP.with(|k| k.borrow_mut().paused = true);
    post(&Event::Keeping(match said.kept {
        Some(kept) => Keeping::Elsewhere(kept),
        None => Keeping::Forgotten,
    }));
}

/// What a tab tells the others after writing (`kept`) or forgetting (`None`).
#[derive(serde::Serialize, serde::Deserialize)]
struct Said {
    tab: String,
    kept: Option<KeptSession>,
}

fn tell_others(kept: Option<KeptSession>) {
    KEEP.with(|k| {
        let k = k.borrow();
        let said = Said { tab: k.tab.clone(), kept };
        if let (Some(c), Ok(text)) = (&k.channel, serde_json::to_string(&said)) {
            let _ = c.post_message(&JsValue::from_str(&text));
        }
    });
}

/// A new table was loaded: it is what is kept now (with no run yet), unless `write` is false
/// (it was itself read back from the store).
pub(super) fn table_loaded(record: TableRecord, write: bool) {
    KEEP.with(|k| {
        let mut k = k.borrow_mut();
        k.table = Some(record);
        // A new file is a new session: it is kept, whatever happened to the last one.
        k.paused = false;
    });
    if write {
        spawn_write(false);
    }
}

/// The run shown changed (committed, renamed): it is kept in place of the last one.
pub(super) fn run_changed() {
    if KEEP.with(|k| k.borrow().paused) {
        return;
    }
    spawn_write(false);
}

/// A playlist file was added to the catalogue: it is kept with the session (records `mine` and
/// `mine2`, by `slot`), so "Resume" places it again. Its own transaction: a playlist that cannot
/// be kept loses nothing of the session.
pub(super) fn mine_added(slot: usize, name: &str, file: &File) {
    if KEEP.with(|k| k.borrow().paused || k.borrow().table.is_none()) {
        return;
    }
    let record = record(&[("name", JsValue::from_str(name)), ("file", file.into())]);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = write_mine(MINE_KEYS[slot.min(1)], &record).await {
            post(&Event::Keeping(Keeping::Failed { message: format!("Your playlist could not be kept with the session: {}.", e.message) }));
        }
    });
}

/// The records the two playlists are kept under.
const MINE_KEYS: [&str; 2] = ["mine", "mine2"];

async fn write_mine(key: &str, record: &Object) -> Result<(), IdbError> {
    let db = idb::database().await?;
    let (tx, store) = idb::transaction(&db, IdbTransactionMode::Readwrite)?;
    idb::put(&store, key, record)?;
    idb::committed(&tx).await
}

/// "Keep this tab's session": written whole again, in place of whatever is kept.
pub(super) fn keep_here() {
    KEEP.with(|k| k.borrow_mut().paused = false);
    spawn_write(true);
}

/// "Forget this data": nothing is kept, and nothing more of this session until a new file (or
/// "Keep this tab's session").
pub(super) fn forget() {
    KEEP.with(|k| k.borrow_mut().paused = true);
    wasm_bindgen_futures::spawn_local(async {
        match clear().await {
            Ok(()) => {
                tell_others(None);
                post(&Event::Keeping(Keeping::Forgotten));
            }
            Err(e) => post(&Event::Keeping(Keeping::Failed {
                message: format!("The kept data could not be removed: {}.", e.message),
            })),
        }
    });
}

async fn clear() -> Result<(), IdbError> {
    let db = idb::database().await?;
    let (tx, store) = idb::transaction(&db, IdbTransactionMode::Readwrite)?;
    idb::result(store.clear()).await?;
    idb::committed(&tx).await
}

/// Writes the session as it stands, off this call: the table record again when `whole` or when
/// there is no run (a new file), the run and its map when there is one.
fn spawn_write(whole: bool) {
    let Some(table) = KEEP.with(|k| k.borrow().table.clone()) else { return };
    let run = STATE.with(|s| s.borrow().last.as_ref().map(run_record));
    let run = match run.transpose() {
        Ok(r) => r,
        Err(e) => return post(&Event::Keeping(Keeping::Failed { message: format!("The run could not be kept: {e}") })),
    };
    let meta = table.meta(run.as_ref().map(|r| r.k));
    let write_table = whole || run.is_none();
    wasm_bindgen_futures::spawn_local(async move {
        match write(&meta, write_table.then_some(&table), run.as_ref()).await {
            Ok(()) => {
                tell_others(Some(meta.clone()));
                post(&Event::Keeping(Keeping::Saved(meta)));
            }
            Err(e) => {
                KEEP.with(|k| k.borrow_mut().paused = true);
                // A half-kept session would come back older than what was shown: none is kept.
                let _ = clear().await;
                post(&Event::Keeping(Keeping::Failed { message: not_kept(&e) }));
            }
        }
    });
}

/// The run as it is stored.
struct RunRecord {
    k: usize,
    json: String,
    labels: Uint16Array,
    tsne: Option<Float32Array>,
    umap: Option<Float32Array>,
}

fn run_record(last: &LastRun) -> Outcome<RunRecord> {
    let (tsne_sample, umap_sample) = (last.tsne.as_ref().map(|t| t.sample), last.umap.as_ref().map(|u| u.sample));
    let kept = KeptRun { snapshot: last.snapshot()?, tsne_sample, umap_sample };
    let json = serde_json::to_string(&kept).map_err(|e| WorkerError::Invalid(e.to_string()))?;
    let labels: Vec<u16> = last.analysis.clustering.labels.iter().map(|&l| l as u16).collect();
    Ok(RunRecord {
        k: last.params.k,
        json,
        labels: Uint16Array::from(&labels[..]),
        tsne: last.tsne.as_ref().map(|t| Float32Array::from(&t.xy[..])),
        umap: last.umap.as_ref().map(|u| Float32Array::from(&u.xy[..])),
    })
}

/// One transaction: all of it is kept, or none (a full quota undoes it whole).
async fn write(meta: &KeptSession, table: Option<&TableRecord>, run: Option<&RunRecord>) -> Result<(), IdbError> {
    let db = idb::database().await?;
    let (tx, store) = idb::transaction(&db, IdbTransactionMode::Readwrite)?;
    let meta_json = serde_json::to_string(meta).unwrap_or_default();
    idb::put(&store, "meta", &JsValue::from_str(&meta_json))?;
    if let Some(t) = table {
        let record = record(&[("json", JsValue::from_str(&serde_json::to_string(&t.kept).unwrap_or_default()))]);
        if let Some(f) = &t.file {
            let _ = Reflect::set(&record, &"file".into(), f);
        }
        idb::put(&store, "table", &record)?;
        // A new file is a new catalogue: the playlist placed on the old one is not kept for it.
        if run.is_none() {
            for key in MINE_KEYS {
                drop(idb::result(store.delete(&key.into())).await);
            }
        }
    }
    match run {
        Some(r) => {
            let record = record(&[("json", JsValue::from_str(&r.json)), ("labels", r.labels.clone().into())]);
            for (name, map) in [("tsne", &r.tsne), ("umap", &r.umap)] {
                if let Some(m) = map {
                    let _ = Reflect::set(&record, &name.into(), m);
                }
            }
            idb::put(&store, "run", &record)?;
        }
        None => drop(idb::result(store.delete(&"run".into())).await),
    }
    idb::committed(&tx).await
}

fn record(fields: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(name), value);
    }
    o
}

/// What the page says when the session could not be written.
fn not_kept(e: &IdbError) -> String {
    let why = match e.is_quota() {
        true => "the storage this browser gives the page is full".to_string(),
        false => format!("the browser refused ({}: {})", e.name, e.message),
    };
    format!(
        "This session could not be kept in this browser: {why}. Nothing of it is kept, so a reload \
        would start again; everything keeps working on this page until you close it (download the CSV \
        or the model file to keep them)."
    )
}

fn unavailable(e: &IdbError) -> String {
    format!(
        "This browser does not let the page keep data ({}: {}), so nothing will survive a reload. \
        Everything else works.",
        e.name, e.message
    )
}

/// "Resume": the kept file read again (with progress, cancellable), then its run and map.
pub(super) fn resume(table_only: bool, expect: Option<String>) {
    run_busy(async move {
        post(&Event::Stage { task: Task::Resuming, step: RESUMING.into() });
        match resumed(table_only, expect).await {
            Ok(true) => {}
            Ok(false) => post(&Event::Cancelled { task: Task::Resuming }),
            Err(message) => fail_task(Task::Resuming, RESUMING, message),
        }
    });
}

/// The kept session back in the worker and offered to the page; `false` when cancelled.
async fn resumed(table_only: bool, expect: Option<String>) -> Outcome<bool> {
    let stored = |e: IdbError| WorkerError::Browser(format!("The kept session could not be read: {}.", e.message));
    let db = idb::database().await.map_err(stored)?;
    let (_tx, store) = idb::transaction(&db, IdbTransactionMode::Readonly).map_err(stored)?;
    let meta = idb::get(&store, "meta").await.map_err(stored)?;
    let table_record = idb::get(&store, "table").await.map_err(stored)?;
    let run_record = idb::get(&store, "run").await.map_err(stored)?;
    let mine_records = [idb::get(&store, MINE_KEYS[0]).await.map_err(stored)?, idb::get(&store, MINE_KEYS[1]).await.map_err(stored)?];
    let meta = read_meta(&meta.as_string().ok_or(NOTHING_KEPT)?).map_err(WorkerError::Invalid)?;
    if expect.as_ref().is_some_and(|e| *e != meta.file) {
        return Err(WorkerError::Moved(
            "Another tab has kept another session since this page offered it; reload to see it.",
        ));
    }
    let kept: KeptTable = from_json(&field(&table_record, "json"))?;
    let t0 = now_ms();
    let Some(table) = read_table(&kept, &table_record).await? else { return Ok(false) };
    let record = TableRecord::new(kept.clone(), field(&table_record, "file").dyn_into().ok(), &meta.name, &table);
    install_table(&meta.name, table, now_ms() - t0, kept.options, None);
    table_loaded(record, false);
    if table_only || run_record.is_undefined() {
        return Ok(true);
    }
    let run = STATE.with(|s| {
        let s = s.borrow();
        let table = s.table.as_ref().ok_or(NOTHING_KEPT)?;
        run_of(table, &run_record)
    })?;
    let mine = mine_records.map(|r| field(&r, "name").as_string().zip(field(&r, "file").dyn_into::<File>().ok()));
    my_playlist::resumed(mine);
    offer_resumed(run, RESUMING);
    Ok(true)
}

const NOTHING_KEPT: WorkerError =
    WorkerError::NoFile("Nothing is kept in this browser any more (it may have been forgotten in another tab).");

/// The kept table read again: the demo made from its seed, a file read as when it was chosen.
async fn read_table(kept: &KeptTable, record: &JsValue) -> Outcome<Option<Table>> {
    match &kept.source {
        KeptSource::Demo { rows, seed } => {
            parse_csv(demo_csv(*rows, *seed).as_bytes()).map(Some).map_err(|e| WorkerError::in_file("the demo", e))
        }
        KeptSource::File { name } => {
            let file: File = field(record, "file")
                .dyn_into()
                .map_err(|_| WorkerError::Invalid(format!("The kept copy of {name} is missing.")))?;
            load::read(name, &file).await
        }
    }
}

/// The kept run rebuilt on `table` with its own labels and map.
fn run_of(table: &Table, record: &JsValue) -> Outcome<LastRun> {
    let kept: KeptRun = from_json(&field(record, "json"))?;
    let labels = field(record, "labels")
        .dyn_into::<Uint16Array>()
        .map(|a| a.to_vec())
        .map_err(|_| WorkerError::Invalid("The kept run has no clusters.".into()))?;
    let map = |name: &str, sample: Option<usize>| field(record, name).dyn_into::<Float32Array>().ok().zip(sample);
    let maps = [(Projection::Tsne, map("tsne", kept.tsne_sample)), (Projection::Umap, map("umap", kept.umap_sample))];
    let maps = maps.into_iter().filter_map(|(p, m)| m.map(|(xy, sample)| (p, xy.to_vec(), sample))).collect();
    rebuild(table, &kept.snapshot, &labels, maps)
}

fn field(record: &JsValue, name: &str) -> JsValue {
    Reflect::get(record, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn from_json<T: serde::de::DeserializeOwned>(value: &JsValue) -> Outcome<T> {
    let text = value.as_string().ok_or(WorkerError::Invalid("The kept session is incomplete.".into()))?;
    serde_json::from_str(&text).map_err(|e| WorkerError::Invalid(format!("The kept session could not be read: {e}")))
}

/// The record of a table just loaded from `source`.
pub(super) fn record_of(
    source: KeptSource,
    file: Option<File>,
    options: CheckOptions,
    name: &str,
    table: &Table,
) -> TableRecord {
    TableRecord::new(KeptTable { source, options }, file, name, table)
}
