//! Songscape: turn a CSV of songs' audio features into a map of music, in the browser.
//!
//! `pipeline` is pure Rust (no web dependencies) and is tested natively with `cargo test`.
//! `worker` drives the pipeline inside a dedicated Web Worker; `ui` is the Leptos page.
//! Both of the latter exist only for `wasm32`.

pub mod mapview;
pub mod pipeline;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
