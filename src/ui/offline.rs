//! Registers the service worker (public/sw.js) that keeps the app's own files for offline use.

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// Relative to the page's `<base href>`: under a GitHub Pages sub-path the worker's scope is
/// that sub-path.
const SERVICE_WORKER_URL: &str = "./sw.js";

/// Starts the registration; offline use is a bonus, so a browser without service workers (or a
/// file:// page) simply goes without, with a note in the console.
pub fn register_service_worker() {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return };
    let supported = Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    if !supported {
        return;
    }
    let promise = navigator.service_worker().register(SERVICE_WORKER_URL);
    spawn_local(async move {
        if let Err(e) = JsFuture::from(promise).await {
            web_sys::console::warn_2(&JsValue::from_str("Songscape will not work offline:"), &e);
        }
    });
}
