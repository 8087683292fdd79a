//! The page: header, status region, and the panels in the order a person uses them.

use leptos::prelude::*;

use super::bridge::Bridge;
use super::choose_k::ChooseKPanel;
use super::cluster_table::ClusterTable;
use super::compare::ComparePanel;
use super::data_panel::DataPanel;
use super::find_song::FindSongPanel;
use super::inspector::InspectorPanel;
use super::mapping::MappingPanel;
use super::model_panel::ModelPanel;
use super::playlist::PlaylistPanel;
use super::results::ResultsPanel;
use super::settings::SettingsPanel;
use super::state::AppState;
use super::training::TrainingPanel;
use crate::page::Action;
use crate::protocol::CRASH_STAGE;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // The bridge lives as long as the page: the state's sender holds it.
    Bridge::new(state);
    if wants_demo() {
        state.dispatch(Action::LoadDemo);
    }
    view! {
        <header class="top">
            <h1>"Songscape"</h1>
            <p class="tagline">"Turn a CSV of songs' audio features into a map of music. Everything runs in your browser; your file never leaves this machine."</p>
        </header>
        <p id="status" class="status" role="status" aria-live="polite">{move || state.status.get()}</p>
        <ErrorPanel/>
        <main>
            <DataPanel/>
            <MappingPanel/>
            <SettingsPanel/>
            <TrainingPanel/>
            <ResultsPanel/>
            <ClusterTable/>
            <InspectorPanel/>
            <ChooseKPanel/>
            <FindSongPanel/>
            <PlaylistPanel/>
            <ComparePanel/>
            <ModelPanel/>
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
