//! The page: header, status region, and the panels in the order a person uses them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
use crate::protocol::{Request, CRASH_STAGE};

/// Rows in the built-in demo dataset.
pub const DEMO_ROWS: usize = 3000;

/// The bridge to the worker, as components reach it.
pub type BridgeHandle = StoredValue<Bridge, LocalStorage>;

/// The request that loads the demo, checked with the user's current options.
pub fn demo_request(state: &AppState) -> Request {
    let options = state.check_options();
    Request::LoadDemo { rows: DEMO_ROWS, seed: 7, options }
}

/// Re-checks the current mapping (after a change of mapping, missing-value policy or k).
pub fn recheck(state: AppState) {
    if state.dataset.with_untracked(Option::is_none) {
        return;
    }
    let mapping = state.mapping.get_untracked();
    let options = state.check_options();
    send(Request::Check { mapping, options });
}

pub fn send(request: Request) {
    let bridge = expect_context::<BridgeHandle>();
    bridge.with_value(|b| b.send(request, None));
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let bridge: BridgeHandle = StoredValue::new_local(Bridge::new(state));
    provide_context(bridge);
    if wants_demo() {
        bridge.with_value(|b| b.send(demo_request(&state), None));
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
                    <button on:click=move |_| state.error.set(None)>"Dismiss"</button>
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
