//! Step 2: which column is which feature. The guess is shown; every choice can be changed, and
//! each change is re-checked by the worker (usable rows, bad values).

use leptos::prelude::*;

use super::state::AppState;
use super::tone_class;
use crate::page::Action;
use crate::pipeline::input::columns::{Feature, MissingPolicy, Slot};

const NONE: &str = "";

/// A `<select>` of the file's columns plus "not used", bound to one slot of the mapping.
#[component]
fn ColumnSelect(
    /// Visible label, also the accessible name.
    label: String,
    /// Element id, unique on the page.
    id: String,
    /// The part of the mapping this select edits.
    part: Slot,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns = move || state.dataset.get().map(|d| d.columns.clone()).unwrap_or_default();
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        state.dispatch(Action::MapColumn { slot: part, column: value.parse::<usize>().ok() });
    };
    let selected = move || state.mapping.with(|m| m.get(part).map(|c| c.to_string()).unwrap_or_default());
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id on:change=on_change prop:value=selected prop:disabled=move || !state.idle.get()>
            <option value=NONE>"(not used)"</option>
            {move || columns().into_iter().enumerate().map(|(i, name)| {
                let value = i.to_string();
                let is_selected = move || selected() == i.to_string();
                view! { <option value=value selected=is_selected>{name}</option> }
            }).collect_view()}
        </select>
    }
}

fn feature_row(feature: Feature) -> impl IntoView {
    let state = expect_context::<AppState>();
    let mapped = move || state.mapping.with(|m| m.get(Slot::Feature(feature)).is_some());
    view! {
        <div class="map-row" class:missing=move || !mapped()>
            <ColumnSelect label=feature.name().to_string() id=format!("map-{}", feature.name().to_lowercase()) part=Slot::Feature(feature)/>
            <span class="map-state">{move || if mapped() { "recognised" } else { "missing" }}</span>
        </div>
    }
}

#[component]
pub fn MappingPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows: Vec<_> = Feature::ALL.iter().map(|f| feature_row(*f)).collect();
    let on_policy = move |policy: MissingPolicy| {
        state.dispatch(Action::SetMissingPolicy(policy));
    };
    view! {
        <section class="panel" aria-labelledby="mapping-title" hidden=move || state.dataset.get().is_none()>
            <h2 id="mapping-title">"2. Columns"</h2>
            <p class="help">"Each audio feature was matched to a column by its name. Change any that are wrong; missing features are fine (at least 3 are needed)."</p>
            <div class="map-grid">{rows}</div>
            <div class="map-grid text-cols">
                <div class="map-row"><ColumnSelect label="Song title".into() id="map-title".into() part=Slot::Title/></div>
                <div class="map-row"><ColumnSelect label="Artist".into() id="map-artist".into() part=Slot::Artist/></div>
                <div class="map-row"><ColumnSelect label="Genre or label".into() id="map-label".into() part=Slot::Label/></div>
                // A further label select appears once the one before it is used.
                <div class="map-row" hidden=move || state.mapping.with(|m| m.label.is_none())>
                    <ColumnSelect label="Second label".into() id="map-label-2".into() part=Slot::MoreLabel(0)/></div>
                <div class="map-row" hidden=move || state.mapping.with(|m| m.more_labels.is_empty())>
                    <ColumnSelect label="Third label".into() id="map-label-3".into() part=Slot::MoreLabel(1)/></div>
            </div>
            <fieldset class="policy">
                <legend>"Rows with empty, non-numeric or too large feature values"</legend>
                <label><input type="radio" name="missing" prop:checked=move || state.params.with(|p| p.missing == MissingPolicy::DropRows)
                    on:change=move |_| on_policy(MissingPolicy::DropRows) prop:disabled=move || !state.idle.get()/>"Leave them out"</label>
                <label><input type="radio" name="missing" prop:checked=move || state.params.with(|p| p.missing == MissingPolicy::FillMedian)
                    on:change=move |_| on_policy(MissingPolicy::FillMedian) prop:disabled=move || !state.idle.get()/>"Fill with the column median"</label>
            </fieldset>
            <CheckReport/>
        </section>
    }
}

/// What the worker found with the current mapping.
#[component]
fn CheckReport() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.check.get().map(|c| {
            if let Some(error) = c.error.clone() {
                return view! { <p class="check error-text" id="mapping-check" role="alert">{error}</p> }.into_any();
            }
            let lines: Vec<_> = c
                .lines()
                .into_iter()
                .map(|(tone, text)| {
                    view! { <p class=tone_class(tone)>{text}</p> }
                })
                .collect();
            view! {
                <div class="check" id="mapping-check">{lines}</div>
            }
            .into_any()
        })
    }
}
