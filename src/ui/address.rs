//! The view in the page's address: read once at start (`page::link`), written back (replacing
//! the history entry, so Back still leaves the page) a moment after the view changes.

use leptos::prelude::*;
use std::time::Duration;

use super::state::AppState;
use crate::page::link::ViewLink;
use crate::page::Action;

/// Quiet time after the last change before the address is written: a wheel zoom changes the
/// view every frame, and browsers throttle pages that rewrite their address that often.
const SETTLE: Duration = Duration::from_millis(300);

/// At start: a view in the address waits for the results of its file.
pub fn read_link(state: AppState) {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    if let Some(link) = ViewLink::from_hash(&hash) {
        state.dispatch(Action::OpenedWithLink(link));
    }
}

/// Keeps the address in step with the view on screen.
pub fn follow_view(state: AppState) {
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let written = StoredValue::new(String::new());
    Effect::new(move |_| {
        let zoom = state.map_zoom.get();
        let Some(link) = state.with(|p| p.link(zoom)) else { return };
        let hash = link.to_hash();
        if written.with_value(|w| *w == hash) {
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let url = format!("#{hash}");
                let history = web_sys::window().and_then(|w| w.history().ok());
                if history
                    .is_some_and(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)).is_ok())
                {
                    written.set_value(hash);
                }
            },
            SETTLE,
        );
        pending.set_value(handle.ok());
    });
}
