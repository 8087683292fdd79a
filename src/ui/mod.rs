//! The Leptos page. Its state and rules are `crate::page`, seen through `state`; `bridge` talks to the worker; each
//! panel is one component file. Drawing (plotters on canvas) is in `charts`.

mod address;
mod app;
mod bridge;
mod charts;
mod choose_k;
mod cluster_table;
mod compare;
mod data_panel;
mod download;
mod find_song;
mod flow;
mod inspector;
mod kept;
mod map;
mod map_motion;
mod map_settings;
mod mapping;
mod measured_canvas;
mod model_panel;
mod my_playlist;
mod offline;
mod panic;
mod playlist;
mod results;
mod settings;
mod song_names;
mod song_rows;
mod state;
mod training;
mod workspace;

/// Mounts the app on the page's body.
pub fn start() {
    panic::install_page_hook();
    leptos::mount::mount_to_body(app::App);
    // Its install fetches every file, the worker's wasm too: not before the first screen is up.
    charts::after_paint(offline::register_service_worker);
}

/// The CSS class for a line of a check or a note.
fn tone_class(tone: crate::pipeline::input::check::Tone) -> &'static str {
    match tone {
        crate::pipeline::input::check::Tone::Warning => "warn",
        _ => "",
    }
}
