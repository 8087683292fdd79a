//! Step 3 (optional): training and clustering settings, defaulting to the reference's.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::Action;
use crate::pipeline::params::{Architecture, TrainParams};
use crate::protocol::Task;

/// One numeric setting: label, id, help, how to read it from and write it into `TrainParams`.
struct Field {
    label: &'static str,
    id: &'static str,
    help: &'static str,
    step: &'static str,
    get: fn(&TrainParams) -> String,
    set: fn(&mut TrainParams, &str) -> bool,
}

/// Reads a whole number; "1e3" and "20.0" count, "2.5", negatives and overflow do not.
fn parse_count<T: TryFrom<u64>>(slot: &mut T, text: &str) -> bool {
    let Ok(v) = text.trim().parse::<f64>() else { return false };
    if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u64::MAX as f64) {
        return false;
    }
    match T::try_from(v as u64) {
        Ok(v) => {
            *slot = v;
            true
        }
        Err(_) => false,
    }
}

/// Reads a finite number (NaN and infinity are not settings).
fn parse_real(slot: &mut f64, text: &str) -> bool {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => {
            *slot = v;
            true
        }
        _ => false,
    }
}

const FIELDS: [Field; 8] = [
    Field {
        label: "Epochs",
        id: "set-epochs",
        help: "Passes over the data (reference: 20).",
        step: "1",
        get: |p| p.epochs.to_string(),
        set: |p, t| parse_count(&mut p.epochs, t),
    },
    Field {
        label: "Batch size",
        id: "set-batch",
        help: "Songs per training step (reference: 32).",
        step: "1",
        get: |p| p.batch_size.to_string(),
        set: |p, t| parse_count(&mut p.batch_size, t),
    },
    Field {
        label: "Learning rate",
        id: "set-lr",
        help: "Adam step size (reference: 0.001).",
        step: "any",
        get: |p| p.learning_rate.to_string(),
        set: |p, t| parse_real(&mut p.learning_rate, t),
    },
    Field {
        label: "Hidden layer size",
        id: "set-hidden",
        help: "Width of the layers around the code (reference: 12).",
        step: "1",
        get: |p| p.hidden_size.to_string(),
        set: |p, t| parse_count(&mut p.hidden_size, t),
    },
    Field {
        label: "Latent size",
        id: "set-latent",
        help: "Dimensions of each song's code (reference: 6).",
        step: "1",
        get: |p| p.latent_size.to_string(),
        set: |p, t| parse_count(&mut p.latent_size, t),
    },
    Field {
        label: "Validation split",
        id: "set-val",
        help: "Share of songs held out, chosen at random (reference: 0.1).",
        step: "0.01",
        get: |p| p.validation_split.to_string(),
        set: |p, t| parse_real(&mut p.validation_split, t),
    },
    Field {
        label: "Clusters (k)",
        id: "set-k",
        help: "Number of KMeans clusters (reference: 10).",
        step: "1",
        get: |p| p.k.to_string(),
        set: |p, t| parse_count(&mut p.k, t),
    },
    Field {
        label: "Random seed",
        id: "set-seed",
        help: "Same file and seed give the same result.",
        step: "1",
        get: |p| p.seed.to_string(),
        set: |p, t| parse_count(&mut p.seed, t),
    },
];

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let unreadable = state.unreadable;
    let training = move || state.runs(Task::Training);
    let fields = FIELDS
        .iter()
        .map(|f| {
            let (get, set, label) = (f.get, f.set, f.label);
            let on_change = move |ev: leptos::ev::Event| {
                let text = event_target_value(&ev);
                let mut params = state.params.get_untracked();
                let ok = set(&mut params, &text);
                // Text that is not a number leaves the setting as it was, and says so.
                state.dispatch(Action::EditSettings { params, unreadable: (!ok).then_some(label) });
            };
            let help_id = format!("{}-help", f.id);
            view! {
                <div class="field">
                    <label for=f.id>{f.label}</label>
                    <input id=f.id type="number" step=f.step aria-describedby=help_id.clone()
                        prop:value=move || state.params.with(get) on:change=on_change prop:disabled=training/>
                    <small id=help_id>{f.help}</small>
                </div>
            }
        })
        .collect_view();
    let on_architecture = move |ev: leptos::ev::Event| {
        let chosen = match event_target_value(&ev).as_str() {
            "improved" => Architecture::Improved,
            "reference" => Architecture::Reference,
            _ => return,
        };
        let params = chosen.apply(&state.params.get_untracked());
        state.dispatch(Action::EditSettings { params, unreadable: None });
    };
    let architecture = move || state.params.with(Architecture::of);
    let architecture_options = [Architecture::Reference, Architecture::Improved, Architecture::Custom]
        .into_iter()
        .map(|a| {
            let value = match a {
                Architecture::Reference => "reference",
                Architecture::Improved => "improved",
                Architecture::Custom => "custom",
            };
            view! {
                <option value=value disabled=a == Architecture::Custom selected=move || architecture() == a>{a.label()}</option>
            }
        })
        .collect_view();
    let problem = move || {
        unreadable
            .get()
            .map(|l| format!("{l} must be a number (whole numbers for counts); the last valid value is kept."))
            .or_else(|| state.params.with(|p| p.check().err().map(|e| e.to_string())))
    };
    view! {
        <section class="panel" aria-labelledby="settings-title">
            <h2 id="settings-title">"3. Settings"</h2>
            <details>
                <summary>"Change the training and clustering settings (optional; the defaults are the reference project's)"</summary>
                <div class="field">
                    <label for="set-architecture">"Autoencoder"</label>
                    <select id="set-architecture" aria-describedby="set-architecture-help" on:change=on_architecture prop:disabled=training>
                        {architecture_options}
                    </select>
                    <small id="set-architecture-help">"The reference's, as this project reproduces it, or the improved one: 24-unit hidden layers, a lower reconstruction error and better similar songs on every labelled file measured (BENCHMARKS.md, \"Model variants\"). Saved in the model file."</small>
                </div>
                <div class="fields">{fields}</div>
                <button type="button" on:click=move |_| state.dispatch(Action::ResetSettings)
                    prop:disabled=training>"Reset to the reference settings"</button>
            </details>
            {move || problem().map(|p| view! { <p class="error-text" role="alert" id="settings-problem">{p}</p> })}
        </section>
    }
}
