//! Panic hooks. A panic in wasm would otherwise leave a dead page with no word to the user.

use wasm_bindgen::JsValue;

/// Page: log, then show the message in the always-present `#fatal` panel.
pub fn install_page_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = format!(
            "Songscape hit an internal error and this page must be reloaded: {info}. Your file was not sent anywhere; reload the page and load it again."
        );
        let panel = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("fatal"));
        if let Some(panel) = panel {
            panel.set_text_content(Some(&message));
            let _ = panel.remove_attribute("hidden");
        }
    }));
}

/// Worker: tell the page, which restarts the worker and reloads the data it had sent.
pub fn install_worker_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let event = crate::protocol::Event::Failed { stage: CRASH_STAGE.to_string(), message: info.to_string() };
        let scope: web_sys::DedicatedWorkerGlobalScope = wasm_bindgen::JsCast::unchecked_into(js_sys::global());
        let _ = scope.post_message(&JsValue::from_str(&crate::protocol::encode_event(&event)));
    }));
}

/// The `Failed` stage that means the worker itself died.
pub const CRASH_STAGE: &str = "Background worker crashed";
