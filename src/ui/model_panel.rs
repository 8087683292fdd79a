//! Step 12: model files. Download the trained model (mapping, scaler, weights, settings,
//! cluster centres and names, format version) and apply a saved one to the loaded CSV.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::app::send;
use super::bridge_handle;
use super::state::AppState;
use crate::protocol::Request;

#[component]
pub fn ModelPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let download = move |_| send(Request::DownloadModel { names: state.cluster_names.get_untracked() });
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        bridge_handle().with_value(|b| b.send(Request::ApplyModel { name }, Some(file)));
        // The same file can be chosen again after a fix elsewhere.
        input.set_value("");
    };
    view! {
        <section class="panel" aria-labelledby="model-title" hidden=move || state.dataset.get().is_none()>
            <h2 id="model-title">"12. Model file"</h2>
            <p class="help">"Save the trained model as one file, then apply it later to another CSV (a personal playlist, say): its songs are encoded and put in the saved clusters without training."</p>
            <div class="actions">
                <button id="download-model" type="button" on:click=download
                    prop:disabled=move || state.results.get().is_none() || !state.idle()>"Download model"</button>
            </div>
            <div class="field">
                <label for="model-file">"Apply a saved model to the loaded CSV"</label>
                <input id="model-file" type="file" accept=".json,application/json" on:change=on_file prop:disabled=move || !state.idle()/>
            </div>
            <p id="model-source" class="help">{move || state.results.get().and_then(|r| r.model_file.clone()).map(|m| format!("The results shown come from the model file {m}, applied without training."))}</p>
        </section>
    }
}
