//! Files offered to the person: a `Blob` the worker made, or a URL (the map as PNG).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `text` as a file download of type `mime`.
pub fn download_text(text: &str, mime: &str, filename: &str) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(&blob, filename);
    }
}

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
