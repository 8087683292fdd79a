//! Files offered to the person: a `Blob` the worker made, or a URL (the map as PNG).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `blob` to the user as a file download.
pub fn download_blob(blob: &web_sys::Blob, filename: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    download_url(&url, filename);
    // Some browsers start reading the file only after the click returns: revoke a while later.
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(30));
}

/// Clicks a temporary link so the browser saves `url` as `filename`.
pub fn download_url(url: &str, filename: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(anchor) = document.create_element("a") else { return };
    let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
    anchor.set_href(url);
    anchor.set_download(filename);
    if let Some(body) = document.body() {
        let _ = body.append_child(&anchor);
        anchor.click();
        let _ = body.remove_child(&anchor);
    }
}
