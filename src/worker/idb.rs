//! IndexedDB from the worker, as futures: one database, one object store, values stored as the
//! browser gives them (a `File`, typed arrays, strings), so a 100 MB file is never copied into
//! wasm memory to be kept.
//!
//! By hand over web-sys rather than a crate: the four calls we need (open, get, put, clear) are
//! a promise each here, and the IndexedDB crates either assume a window (not a worker) or wrap
//! values in their own serde layer, which would copy the `File` and the typed arrays.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "songscape";
const VERSION: u32 = 1;
/// The one object store: a few records under fixed keys (see `keep`).
pub(super) const STORE: &str = "session";

/// Why the browser refused: its error's name (`QuotaExceededError`…) and its words.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct IdbError {
    pub(super) name: String,
    pub(super) message: String,
}

impl IdbError {
    fn new(name: &str, message: impl Into<String>) -> IdbError {
        IdbError { name: name.to_string(), message: message.into() }
    }

    fn of(e: Option<DomException>) -> IdbError {
        match e {
            Some(e) => IdbError::new(&e.name(), e.message()),
            None => IdbError::new("UnknownError", "the browser gave no reason"),
        }
    }

    /// The storage this page may use is full.
    pub(super) fn is_quota(&self) -> bool {
        self.name == "QuotaExceededError"
    }
}

thread_local! {
    /// The database, opened once: every caller awaits the same promise, so transactions are made
    /// in the order they were asked for (IndexedDB then runs them in that order).
    static DB: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// The open database (opened on first use).
pub(super) async fn database() -> Result<IdbDatabase, IdbError> {
    let promise = DB.with(|db| db.borrow_mut().get_or_insert_with(open).clone());
    match JsFuture::from(promise).await {
        Ok(db) => db.dyn_into().map_err(|_| IdbError::new("UnknownError", "the database did not open")),
        Err(e) => {
            // Not kept: a later call tries again (storage may have been turned back on).
            DB.with(|db| db.borrow_mut().take());
            Err(e
                .dyn_into::<DomException>()
                .map_or_else(|e| IdbError::new("UnknownError", format!("{e:?}")), |e| IdbError::of(Some(e))))
        }
    }
}

fn open() -> Promise {
    let factory = js_sys::global().unchecked_into::<web_sys::WorkerGlobalScope>().indexed_db();
    let Ok(Some(factory)) = factory else {
        return Promise::reject(
            &DomException::new_with_message_and_name("IndexedDB is turned off", "NotAllowedError")
                .map_or(JsValue::NULL, JsValue::from),
        );
    };
    let request = match factory.open_with_u32(DATABASE, VERSION) {
        Ok(r) => r,
        Err(e) => return Promise::reject(&e),
    };
    let upgrading = request.clone();
    let upgrade = Closure::once_into_js(move || {
        if let Some(db) = upgrading.result().ok().and_then(|d| d.dyn_into::<IdbDatabase>().ok()) {
            // Version 1 is the only one so far: its store is made once, on the first visit.
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    settle(&request)
}

/// A promise of `request`'s result, rejected with its error.
fn settle(request: &IdbRequest) -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let done = request.clone();
        let success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let error = Closure::once_into_js(move || {
            let e = failed.error().ok().flatten().map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        request.set_onsuccess(Some(success.unchecked_ref()));
        request.set_onerror(Some(error.unchecked_ref()));
    })
}

/// `request`'s result.
pub(super) async fn result(request: Result<IdbRequest, JsValue>) -> Result<JsValue, IdbError> {
    let request = request.map_err(refused)?;
    JsFuture::from(settle(&request)).await.map_err(|e| IdbError::of(e.dyn_into().ok()))
}

/// A transaction over the one store, and the store.
pub(super) fn transaction(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore), IdbError> {
    let tx = db.transaction_with_str_and_mode(STORE, mode).map_err(refused)?;
    let store = tx.object_store(STORE).map_err(refused)?;
    Ok((tx, store))
}

/// Waits until `tx` has written everything, or says why it was undone (a full quota aborts it
/// whole: nothing of it is kept).
pub(super) async fn committed(tx: &IdbTransaction) -> Result<(), IdbError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(|_| IdbError::of(tx.error()))
}

/// A call the browser refused outright (a closed database, a bad key).
fn refused(e: JsValue) -> IdbError {
    match e.dyn_into::<DomException>() {
        Ok(e) => IdbError::of(Some(e)),
        Err(e) => IdbError::new("UnknownError", format!("{e:?}")),
    }
}

/// `key`'s value in `store`, `undefined` when there is none.
pub(super) async fn get(store: &IdbObjectStore, key: &str) -> Result<JsValue, IdbError> {
    result(store.get(&JsValue::from_str(key))).await
}

/// Queues `value` under `key`; the transaction's `committed` says whether it was written.
pub(super) fn put(store: &IdbObjectStore, key: &str, value: &JsValue) -> Result<(), IdbError> {
    store.put_with_key(value, &JsValue::from_str(key)).map(drop).map_err(refused)
}
