//! The page's panic hook (the worker has its own in `worker`). A panic in wasm would otherwise leave a dead page with no word to the user.

/// Page: log, then show the message in the always-present `#fatal` panel.
pub fn install_page_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = format!(
            "Songscape hit an internal error and this page must be reloaded: {info}. Your file was not sent anywhere; reload the page and load it again."
        );
        let document = web_sys::window().and_then(|w| w.document());
        let panel = document.as_ref().and_then(|d| d.get_element_by_id("fatal"));
        if let (Some(document), Some(panel)) = (document, panel) {
            panel.set_text_content(Some(&message));
            // A plain link: the wasm that would run a button's handler is what just stopped.
            if let Ok(link) = document.create_element("a") {
                let _ = link.set_attribute("href", "");
                link.set_text_content(Some(" Reload Songscape"));
                let _ = panel.append_child(&link);
            }
            let _ = panel.remove_attribute("hidden");
        }
    }));
}
