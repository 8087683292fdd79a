//! Model files. Download the trained model (mapping, scaler, weights, settings,
//! cluster centres and names, format version) and apply a saved one to the loaded CSV.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::state::AppState;
use crate::page::Action;

#[component]
pub fn ApplyModelPanel() -> impl IntoView {
    let state = expect_context::<AppState>();

    // The file last chosen, kept so "Apply anyway" can send it again after a unit warning.
    let chosen = StoredValue::new_local(None::<web_sys::File>);
    let apply = move |force: bool| {
        let Some(file) = chosen.get_value() else { return };
        state.dispatch_with(Action::ApplyModel { name: file.name(), force }, Some(file));
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        chosen.set_value(Some(file));
        apply(false);
        // The same file can be chosen again after a fix elsewhere.
        input.set_value("");
    };
    let warning = move || {
        state.model_warning.get().map(|(name, message)| {
            view! {
                <div id="model-warning" class="note-warning" role="alert">
                    <p>{format!("{name} was not applied. {message}")}</p>
                    <div class="actions">
                        <button id="apply-anyway" type="button" on:click=move |_| apply(true)
                            prop:disabled=move || !state.idle.get()>"Apply anyway"</button>
                        <button type="button" on:click=move |_| state.dispatch(Action::DismissModelWarning)>"Don’t apply"</button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="apply-model-title" hidden=move || state.dataset.get().is_none()>
            <h2 id="apply-model-title">"Or apply a saved model"</h2>
            <p class="help">"A model file saved from an earlier run encodes this CSV's songs and puts them in its clusters, without training."</p>
            <div class="field">
                <label for="model-file">"Apply a saved model to the loaded CSV"</label>
                <input id="model-file" type="file" accept=".json,application/json" on:change=on_file prop:disabled=move || !state.idle.get()/>
            </div>
            {warning}
        </section>
    }
}

/// The trained model as one file (mapping, scaler, weights, settings, cluster centres and
/// names, format version), and where the results shown came from.
#[component]
pub fn ModelPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel" aria-labelledby="model-title">
            <h2 id="model-title">"Model file"</h2>
            <p class="help">"Save the trained model as one file, then apply it later to another CSV (a personal playlist, say, under “Change data or retrain”): its songs are encoded and put in the saved clusters without training."</p>
            <div class="actions">
                <button id="download-model" type="button" on:click=move |_| state.dispatch(Action::DownloadModel)
                    prop:disabled=move || state.results.get().is_none() || !state.idle.get()>"Download model"</button>
            </div>
            <p id="model-source" class="help">{move || state.results.get().and_then(|r| r.model_file.clone()).map(|m| format!("The results shown come from the model file {m}, applied without training."))}</p>
        </section>
    }
}
