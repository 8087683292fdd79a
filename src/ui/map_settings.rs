//! How the map is drawn: projection (t-SNE and UMAP computed on request, with progress and Cancel),
//! what the dots are coloured by, the palette and the number scale.

use leptos::prelude::*;

use super::state::AppState;
use crate::mapview::colours::{Palette, Scale};
use crate::page::Action;
use crate::pipeline::analysis::map_quality::MAP_NEIGHBOURS;
use crate::pipeline::analysis::tsne::{DEFAULT_PERPLEXITY, MAX_SAMPLE, PERPLEXITY_RANGE};
use crate::pipeline::analysis::umap::{
    UmapOptions, DEFAULT_MIN_DIST, DEFAULT_NEIGHBOURS, FIT_ALL_UP_TO, FIT_SAMPLE, MIN_DIST_RANGE, NEIGHBOURS_RANGE,
};
use crate::pipeline::limits::thousands;
use crate::pipeline::params::Projection;
use crate::protocol::TaskProgress;

/// "This map keeps 41% of …" for the projection shown, once it is known.
fn quality_sentence(state: AppState) -> String {
    let projection = state.projection.get();
    let quality = match projection {
        Projection::Tsne | Projection::Umap => state.laid_out.get().and_then(|t| t.quality),
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
        let p = Projection::from_key(&event_target_value(&ev)).unwrap_or_default();
        state.dispatch(Action::SetProjection(p));
    };
    let projection_value = move || state.projection.get().key().to_string();
    let on_perplexity = move |ev: leptos::ev::Event| {
        if let Ok(p) = event_target_value(&ev).trim().parse::<f32>() {
            state.dispatch(Action::SetPerplexity(p));
        }
        // A value out of range is brought back in even when the state did not change.
        if let Some(input) =
            ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        {
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
    let progress = move || match state.task_progress.get() {
        Some(TaskProgress::Tsne { phase, done, total }) => Some((Projection::Tsne, phase, done, total)),
        Some(TaskProgress::Umap { phase, done, total }) => Some((Projection::Umap, phase, done, total)),
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
                <option value="tsne">{format!("t-SNE (on a sample of up to {} songs)", thousands(MAX_SAMPLE as u64))}</option>
                <option value="umap">{format!("UMAP (all songs up to {})", thousands(FIT_ALL_UP_TO as u64))}</option>
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
        <UmapControls/>
        {move || progress().map(|(projection, phase, done, total)| {
            let (key, name) = (projection.key(), projection.label());
            view! {
                <div class="map-controls" id=format!("{key}-progress")>
                    <label for=format!("{key}-bar")>{format!("{name}: {done} of {total} {phase}")}</label>
                    <progress id=format!("{key}-bar") max=total.to_string() value=done.to_string()></progress>
                    <button type="button" on:click=move |_| state.dispatch(Action::Cancel)>{format!("Cancel {name}")}</button>
                </div>
            }
        })}
        <p class="help" id="laid-out-help" hidden=move || !state.projection.get().on_request()>{move || laid_out_sentence(state)}</p>
        <p class="help" id="map-quality">{move || quality_sentence(state)}</p>
        </section>
    }
}

/// What the t-SNE or UMAP map shown is made of.
fn laid_out_sentence(state: AppState) -> String {
    let projection = state.projection.get();
    let name = projection.label();
    let Some(map) = state.laid_out.get() else { return format!("Computing {name}…") };
    let rows = state.results.get().map_or(0, |r| r.rows);
    let placed = "every other song sits at the distance-weighted mean of its 5 nearest laid-out songs in the representation clustered";
    match map.sample < rows {
        false => format!("{name} laid out all {} songs.", thousands(map.sample as u64)),
        true => format!("{name} laid out {} songs picked at random (seeded); {placed}.", thousands(map.sample as u64)),
    }
}

/// UMAP's neighbours, minimum distance and seed, set before it runs.
#[component]
fn UmapControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let set = move |ev: leptos::ev::Event, change: fn(UmapOptions, f64) -> UmapOptions| {
        if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
            state.dispatch(Action::SetUmap(change(state.umap_options.get_untracked(), v)));
        }
        // A value out of range is brought back in even when the state did not change.
        if let Some(input) =
            ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        {
            let o = state.umap_options.get_untracked();
            let value = match input.id().as_str() {
                "umap-neighbours" => o.neighbours.to_string(),
                "umap-min-dist" => o.min_dist.to_string(),
                _ => o.seed.to_string(),
            };
            input.set_value(&value);
        }
    };
    let options = move || state.umap_options.get();
    view! {
        <fieldset class="map-controls umap-controls" aria-describedby="umap-help">
            <legend>"UMAP"</legend>
            <label for="umap-neighbours">"Neighbours"</label>
            <input id="umap-neighbours" type="number" min=NEIGHBOURS_RANGE.0.to_string() max=NEIGHBOURS_RANGE.1.to_string() step="1"
                prop:value=move || options().neighbours.to_string() prop:disabled=move || !state.idle.get()
                on:change=move |ev| set(ev, |o, v| UmapOptions { neighbours: v.round().max(0.0) as usize, ..o })/>
            <label for="umap-min-dist">"Minimum distance"</label>
            <input id="umap-min-dist" type="number" min=MIN_DIST_RANGE.0.to_string() max=MIN_DIST_RANGE.1.to_string() step="0.05"
                prop:value=move || options().min_dist.to_string() prop:disabled=move || !state.idle.get()
                on:change=move |ev| set(ev, |o, v| UmapOptions { min_dist: v as f32, ..o })/>
            <label for="umap-seed">"Seed"</label>
            <input id="umap-seed" type="number" min="0" step="1"
                prop:value=move || options().seed.to_string() prop:disabled=move || !state.idle.get()
                on:change=move |ev| set(ev, |o, v| UmapOptions { seed: v.max(0.0) as u64, ..o })/>
            <small id="umap-help">{format!(
                "Neighbours: how local the map is ({}–{}, default {DEFAULT_NEIGHBOURS}); minimum distance: how tightly similar songs pack ({}–{}, default {DEFAULT_MIN_DIST}). Up to {} songs UMAP lays out every song; above, a seeded sample of {} and the rest placed among their nearest. A UMAP map made with other settings is made again.",
                NEIGHBOURS_RANGE.0, NEIGHBOURS_RANGE.1, MIN_DIST_RANGE.0, MIN_DIST_RANGE.1, thousands(FIT_ALL_UP_TO as u64), thousands(FIT_SAMPLE as u64))}</small>
        </fieldset>
    }
}
