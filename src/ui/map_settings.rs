//! How the map is drawn: projection (t-SNE computed on request, with progress and Cancel),
//! what the dots are coloured by, the palette and the number scale.

use leptos::prelude::*;

use super::state::AppState;
use crate::mapview::colours::{Palette, Scale};
use crate::page::Action;
use crate::pipeline::analysis::map_quality::MAP_NEIGHBOURS;
use crate::pipeline::analysis::tsne::{DEFAULT_PERPLEXITY, MAX_SAMPLE, PERPLEXITY_RANGE};
use crate::pipeline::params::Projection;
use crate::protocol::TaskProgress;

/// "This map keeps 41% of …" for the projection shown, once it is known.
fn quality_sentence(state: AppState) -> String {
    let projection = state.projection.get();
    let quality = match projection {
        Projection::Tsne => state.tsne.get().and_then(|t| t.quality),
        other => state.results.get().and_then(|r| r.map_quality.iter().find(|(p, _)| *p == other).map(|(_, q)| *q)),
    };
    quality.map_or_else(String::new, |q| {
        format!(
            "This map keeps {:.0}% of each song's {MAP_NEIGHBOURS} nearest songs in the representation clustered among its {MAP_NEIGHBOURS} nearest on the map (measured on {} songs among {}; 100% would be a perfect map).",
            q.share * 100.0,
            q.queries,
            q.among
        )
    })
}

#[component]
pub fn MapSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_projection = move |ev: leptos::ev::Event| {
        let p = match event_target_value(&ev).as_str() {
            "first-two" => Projection::FirstTwo,
            "tsne" => Projection::Tsne,
            _ => Projection::Pca,
        };
        state.dispatch(Action::SetProjection(p));
    };
    let projection_value = move || {
        match state.projection.get() {
            Projection::Pca => "pca",
            Projection::FirstTwo => "first-two",
            Projection::Tsne => "tsne",
        }
        .to_string()
    };
    let on_perplexity = move |ev: leptos::ev::Event| {
        if let Ok(p) = event_target_value(&ev).trim().parse::<f32>() {
            state.dispatch(Action::SetPerplexity(p));
        }
        // A value out of range is brought back in even when the state did not change.
        if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
            input.set_value(&state.perplexity.get_untracked().to_string());
        }
    };
    let on_colour = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        match value.parse::<usize>() {
            Ok(column) => state.dispatch(Action::ColourBy(Some(column))),
            Err(_) => state.dispatch(Action::ColourBy(None)),
        }
    };
    let on_palette = move |ev: leptos::ev::Event| {
        let palette = if event_target_value(&ev) == "tableau" { Palette::Tableau } else { Palette::OkabeIto };
        state.dispatch(Action::SetPalette(palette));
    };
    let on_scale = move |ev: leptos::ev::Event| {
        let scale = if event_target_value(&ev) == "cividis" { Scale::Cividis } else { Scale::Viridis };
        state.dispatch(Action::SetScale(scale));
    };
    let columns = move || {
        state.dataset.get().map(|d| {
            d.columns
                .iter()
                .enumerate()
                .map(|(i, c)| view! { <option value=i.to_string()>{c.clone()}</option> })
                .collect_view()
        })
    };
    // The column chosen, while its colours are on the map.
    let colour_value = move || match (state.colouring.with(Option::is_some), state.colour_column.get()) {
        (true, Some(column)) => column.to_string(),
        _ => "cluster".to_string(),
    };
    let tsne_progress = move || match state.task_progress.get() {
        Some(TaskProgress::Tsne { phase, done, total }) => Some((phase, done, total)),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="map-settings-title">
        <h2 id="map-settings-title">"Map"</h2>
        <div class="map-controls">
            <label for="projection">"Map projection"</label>
            <select id="projection" on:change=on_projection prop:value=projection_value
                prop:disabled=move || !state.idle.get()>
                <option value="pca">"Principal components"</option>
                <option value="first-two">"First two dimensions"</option>
                <option value="tsne">{format!("t-SNE (on a sample of up to {MAX_SAMPLE} songs)")}</option>
            </select>
            <label for="colour-by">"Colour by"</label>
            <select id="colour-by" on:change=on_colour prop:value=colour_value prop:disabled=move || !state.idle.get()>
                <option value="cluster">"Cluster"</option>
                {columns}
            </select>
            <label for="palette">"Palette"</label>
            <select id="palette" on:change=on_palette>
                <option value="okabe-ito" selected=true>"Okabe–Ito (colour-blind safe)"</option>
                <option value="tableau">"Tableau 10"</option>
            </select>
            <label for="scale">"Number scale"</label>
            <select id="scale" on:change=on_scale>
                <option value="viridis" selected=true>"Viridis"</option>
                <option value="cividis">"Cividis"</option>
            </select>
        </div>
        <div class="map-controls">
            <label for="tsne-perplexity">"t-SNE perplexity"</label>
            <input id="tsne-perplexity" type="number" min=PERPLEXITY_RANGE.0.to_string() max=PERPLEXITY_RANGE.1.to_string() step="1"
                aria-describedby="tsne-perplexity-help" prop:value=move || state.perplexity.get().to_string()
                prop:disabled=move || !state.idle.get() on:change=on_perplexity/>
            <small id="tsne-perplexity-help">{format!(
                "How many neighbours each song attends to ({}–{}, default {DEFAULT_PERPLEXITY}); a t-SNE map made with another is made again.",
                PERPLEXITY_RANGE.0, PERPLEXITY_RANGE.1)}</small>
        </div>
        {move || tsne_progress().map(|(phase, done, total)| view! {
            <div class="map-controls" id="tsne-progress">
                <label for="tsne-bar">{format!("t-SNE: {done} of {total} {phase}")}</label>
                <progress id="tsne-bar" max=total.to_string() value=done.to_string()></progress>
                <button type="button" on:click=move |_| state.dispatch(Action::Cancel)>"Cancel t-SNE"</button>
            </div>
        })}
        <p class="help" hidden=move || state.projection.get() != Projection::Tsne>{move || state.tsne.get().map(|t| format!(
            "t-SNE laid out {} songs picked at random (seeded); every other song sits at the distance-weighted mean of its 5 nearest sampled songs in the {}.",
            t.sample, "representation clustered")).unwrap_or_else(|| "Computing t-SNE…".into())}</p>
        <p class="help" id="map-quality">{move || quality_sentence(state)}</p>
        </section>
    }
}
