//! Step 1: choose or drop a CSV file, or load the demo dataset; then what was found in it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlInputElement};

use super::kept::{KeptLine, ResumeOffer};
use super::state::AppState;
use super::tone_class;
use crate::page::Action;
use crate::protocol::TaskProgress;

fn load_file(state: AppState, file: File) {
    state.dispatch_with(Action::LoadFile { name: file.name() }, Some(file));
}

/// How far reading a big file has got, with Cancel (shown from the first progress report).
#[component]
fn ReadingProgress() -> impl IntoView {
    let state = expect_context::<AppState>();
    let megabytes = |b: u64| format!("{:.0}", b as f64 / 1_048_576.0);
    move || {
        let reading = state.task_progress.get();
        let Some(TaskProgress::Reading { bytes, total }) = reading else { return None };
        Some({
            view! {
                <div class="reading" id="reading">
                    <label for="reading-bar">{format!("Reading the file: {} of {} MB", megabytes(bytes), megabytes(total))}</label>
                    <progress id="reading-bar" max=total.to_string() value=bytes.to_string()></progress>
                    <button type="button" id="cancel-reading" on:click=move |_| state.dispatch(Action::Cancel)>"Cancel reading"</button>
                </div>
            }
        })
    }
}

#[component]
pub fn DataPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            load_file(state, file);
        }
        // Lets the same file be chosen again after fixing it on disk (no change event otherwise).
        input.set_value("");
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        // As the file input is disabled meanwhile: a step (reading another file) is running.
        if !state.can_load.get_untracked() {
            state.dispatch(Action::DroppedWhileBusy);
            return;
        }
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            load_file(state, file);
        }
    };
    view! {
        <section class="panel" aria-labelledby="data-title">
            <h2 id="data-title">"1. Songs"</h2>
            <ResumeOffer/>
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label for="csv-file" class="file-label">"CSV file"</label>
                <input id="csv-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
                    aria-describedby="csv-help" on:change=on_change prop:disabled=move || !state.can_load.get() />
                <p id="csv-help" class="help">"Choose a file or drop it here: a Spotify or Kaggle export, an Exportify playlist, or any CSV with columns such as energy, danceability, valence, tempo."</p>
                <p class="or">"or"</p>
                <button id="demo" type="button" prop:disabled=move || !state.can_load.get()
                    on:click=move |_| state.dispatch(Action::LoadDemo)>
                    "Try the demo dataset"
                </button>
            </div>
            <ReadingProgress/>
            <DatasetSummary/>
            {move || (!state.exploring.get()).then(|| view! { <KeptLine/> })}
        </section>
    }
}

#[component]
fn DatasetSummary() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.dataset.get().map(|info| {
            let notes: Vec<_> = info
                .notes()
                .into_iter()
                .map(|(tone, text)| {
                    view! { <li class=tone_class(tone)>{text}</li> }
                })
                .collect();
            // The headline starts with the file's name, shown in bold.
            let rest = info.headline().split_off(info.name.len());
            view! {
                <div class="dataset" id="dataset-summary">
                    <p><strong>{info.name.clone()}</strong>{rest}</p>
                    <ul>{notes}</ul>
                </div>
            }
        })
    }
}
