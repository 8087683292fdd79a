//! The page: header, status region, the setup steps, and the workspace around the map.

use leptos::prelude::*;

use super::bridge::Bridge;
use super::data_panel::DataPanel;
use super::mapping::MappingPanel;
use super::model_panel::ApplyModelPanel;
use super::playlist::{PlaylistPanel, PlaylistStorage};
use super::settings::SettingsPanel;
use super::state::AppState;
use super::training::TrainingPanel;
use super::workspace::{RunHeader, Workspace};
use crate::page::Action;
use crate::protocol::CRASH_STAGE;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // The bridge lives as long as the page: the state's sender holds it.
    Bridge::new(state);
    // The workspace opens at the top of the page, wherever the setup was scrolled to.
    Effect::new(move |_| {
        if state.exploring.get() {
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
    });
    super::address::read_link(state);
    super::address::follow_view(state);
    if wants_demo() {
        state.dispatch(Action::LoadDemo);
    }
    view! {
        <header class="top" class:compact=move || state.exploring.get()>
            <h1>"Songscape"</h1>
            <p class="tagline">"Turn a CSV of songs' audio features into a map of music. Everything runs in your browser; your file never leaves this machine."</p>
        </header>
        <p id="status" class="status" role="status" aria-live="polite">{move || state.status.get()}</p>
        <ErrorPanel/>
        <p id="link-note" class="note-warning" role="status" hidden=move || state.link_note.get().is_none()>
            {move || state.link_note.get()}</p>
        <main class:exploring=move || state.exploring.get()>
            <RunHeader/>
            // Before the first results, the steps a person takes; after, folded into the header.
            <div id="setup" class="setup" hidden=move || !state.setup_shown.get()>
                <DataPanel/>
                <MappingPanel/>
                <SettingsPanel/>
                <TrainingPanel/>
                <ApplyModelPanel/>
                // The playlist kept for this file, before there is a workspace to show it in.
                {move || (!state.exploring.get()).then(|| view! { <PlaylistPanel/> })}
            </div>
            <PlaylistStorage/>
            <Workspace/>
        </main>
    }
}

/// The last failure, with what failed and a way to dismiss it. Loaded data stays.
#[component]
fn ErrorPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.error.get().map(|(stage, message)| {
            view! {
                <section class="error" role="alert" aria-labelledby="error-title">
                    <h2 id="error-title">{if stage == CRASH_STAGE { stage.clone() } else { format!("{stage} failed") }}</h2>
                    <p class="error-message">{message}</p>
                    <p>"Anything loaded or computed before this step is still here."</p>
                    <button on:click=move |_| state.dispatch(Action::DismissError)>"Dismiss"</button>
                </section>
            }
        })
    }
}

/// `?demo` in the address loads the demo dataset at start (the serve command opens that page).
fn wants_demo() -> bool {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    search.trim_start_matches('?').split('&').any(|p| p == "demo" || p.starts_with("demo="))
}
