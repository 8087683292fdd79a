//! Songscape: turn a CSV of songs' audio features into a map of music, in the browser.
//!
//! `pipeline` is pure Rust (no web dependencies) and is tested natively with `cargo test`.
//! `worker` drives the pipeline inside a dedicated Web Worker; `ui` is the Leptos page.
//! Both of the latter exist only for `wasm32`.

pub mod mapview;
pub mod page;
pub mod pipeline;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod ui;

/// Bytes of wasm memory this thread's module holds (it never shrinks: the peak so far). The
/// page and the worker each report their own.
#[cfg(target_arch = "wasm32")]
pub fn wasm_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0.0, |b| f64::from(b.byte_length()))
}
#[cfg(target_arch = "wasm32")]
pub mod worker;
