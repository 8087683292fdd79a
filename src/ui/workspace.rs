//! The workspace once results exist: a one-line summary of the run (which reopens the setup),
//! the map, and beside it a side panel of tabs: Song, Playlist, Clusters, Map, Model.

use leptos::prelude::*;
use web_sys::KeyboardEvent;

use super::choose_k::ChooseKPanel;
use super::cluster_table::ClusterTable;
use super::compare::ComparePanel;
use super::find_song::FindSongPanel;
use super::inspector::InspectorPanel;
use super::kept::KeptLine;
use super::map::MapView;
use super::map_settings::MapSettings;
use super::model_panel::ModelPanel;
use super::playlist::PlaylistPanel;
use super::results::RunPanel;
use super::state::AppState;
use super::training::LossHistory;
use crate::page::{Action, Tab};

fn tab_id(tab: Tab) -> String {
    format!("tab-{}", tab.label().to_lowercase())
}

fn panel_id(tab: Tab) -> String {
    format!("tabpanel-{}", tab.label().to_lowercase())
}

/// "file · songs · features · MSE · clusters", with the buttons that unfold the setup.
#[component]
pub fn RunHeader() -> impl IntoView {
    let state = expect_context::<AppState>();
    let summary = move || {
        let results = state.results.get()?;
        let file = state.dataset.get().map(|d| d.name.clone()).unwrap_or_default();
        Some(format!(
            "{file} · {} songs · {} features · MSE {:.3} · {} clusters",
            results.rows,
            results.features.len(),
            results.recon_mse,
            results.k
        ))
    };
    let open = move || state.setup_shown.get();
    view! {
        <div class="run-header" id="run-header" hidden=move || !state.exploring.get()>
            <p class="run-summary">{summary}</p>
            <button type="button" id="change-data" aria-expanded=move || open().to_string() aria-controls="setup"
                on:click=move |_| state.dispatch(if open() { Action::CloseSetup } else { Action::OpenSetup })>
                {move || if open() { "Hide the setup" } else { "Change data or retrain" }}</button>
            {move || state.exploring.get().then(|| view! { <KeptLine/> })}
        </div>
    }
}

/// The map and the side panel beside it (below it on a narrow screen).
#[component]
pub fn Workspace() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="workspace" hidden=move || !state.exploring.get()>
            <section class="map-area" aria-label="Map of the songs">
                <MapView/>
            </section>
            <aside class="side-panel" aria-label="Songs, playlist, clusters, map and model">
                <TabList/>
                <TabPanel tab=Tab::Song><FindSongPanel/></TabPanel>
                <TabPanel tab=Tab::Playlist>{move || state.exploring.get().then(|| view! { <PlaylistPanel/> })}</TabPanel>
                <TabPanel tab=Tab::Clusters><ClusterTable/><InspectorPanel/></TabPanel>
                <TabPanel tab=Tab::Map><MapSettings/><RunPanel/></TabPanel>
                <TabPanel tab=Tab::Model><TrainingHistory/><ChooseKPanel/><ComparePanel/><ModelPanel/></TabPanel>
            </aside>
        </div>
    }
}

/// The tabs, as the ARIA tabs pattern has them: one in the tab order, arrows, Home and End move.
#[component]
fn TabList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let focus = |tab: Tab| {
        let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&tab_id(tab)));
        if let Some(e) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
            let _ = e.focus();
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        let i = Tab::ALL.iter().position(|t| *t == state.tab.get_untracked()).unwrap_or(0);
        let n = Tab::ALL.len();
        let to = match ev.key().as_str() {
            "ArrowRight" => (i + 1) % n,
            "ArrowLeft" => (i + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        state.dispatch(Action::ShowTab(Tab::ALL[to]));
        focus(Tab::ALL[to]);
    };
    let tabs = Tab::ALL
        .into_iter()
        .map(|tab| {
            let selected = move || state.tab.get() == tab;
            view! {
                <button type="button" role="tab" id=tab_id(tab) aria-controls=panel_id(tab)
                    aria-selected=move || selected().to_string() tabindex=move || if selected() { "0" } else { "-1" }
                    class:selected=selected on:click=move |_| state.dispatch(Action::ShowTab(tab))>{tab.label()}</button>
            }
        })
        .collect_view();
    view! { <div class="tabs" role="tablist" aria-label="Side panel" on:keydown=on_key>{tabs}</div> }
}

#[component]
fn TabPanel(tab: Tab, children: Children) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="tab-panel" role="tabpanel" id=panel_id(tab) aria-labelledby=tab_id(tab)
            hidden=move || state.tab.get() != tab>{children()}</div>
    }
}

/// How the model shown learned: its loss per epoch.
#[component]
fn TrainingHistory() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="history-title">
            <h2 id="history-title">"Training"</h2>
            <LossHistory prefix="model-"/>
        </section>
    }
}
