//! The Leptos page. State and its rules live in `state`; `bridge` talks to the worker; each
//! panel is one component file. Drawing (plotters on canvas) is in `charts`.

mod app;
mod bridge;
mod charts;
mod choose_k;
mod cluster_table;
mod compare;
mod data_panel;
mod find_song;
mod inspector;
mod map;
mod mapping;
mod measured_canvas;
mod model_panel;
mod offline;
mod panic;
mod playlist;
mod results;
mod settings;
mod state;
mod training;

/// The bridge to the worker, from any component.
fn bridge_handle() -> app::BridgeHandle {
    leptos::prelude::expect_context::<app::BridgeHandle>()
}

/// Mounts the app on the page's body.
pub fn start() {
    panic::install_page_hook();
    leptos::mount::mount_to_body(app::App);
    offline::register_service_worker();
}

/// The CSS class for a line of a check or a note.
fn tone_class(tone: crate::pipeline::input::check::Tone) -> &'static str {
    match tone {
        crate::pipeline::input::check::Tone::Warning => "warn",
        _ => "",
    }
}
