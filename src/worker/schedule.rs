//! How long steps run: one at a time, in slices that give the event loop a turn, so Cancel and
//! hover messages are handled mid-step.

use std::cell::Cell;
use std::future::Future;

use wasm_bindgen::prelude::*;

thread_local! {
    static CANCEL: Cell<bool> = const { Cell::new(false) };
    pub(super) static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Sets Cancel: the running step stops at its next check.
pub(super) fn cancel() {
    CANCEL.with(|c| c.set(true));
}

/// Runs a long step: other steps are refused meanwhile, and Cancel is cleared at its start.
pub(super) fn run_busy(step: impl Future<Output = ()> + 'static) {
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
pub(super) async fn yield_now() {
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

pub(super) fn cancelled() -> bool {
    CANCEL.with(Cell::get)
}
