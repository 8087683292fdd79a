//! Step 5: the numbers of the run, the map, and the downloads.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::app::{download_url, send};
use super::charts::{draw_map, MapData};
use super::state::AppState;
use crate::pipeline::params::Projection;
use crate::protocol::{Request, RunResults};

#[component]
pub fn ResultsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas: NodeRef<Canvas> = NodeRef::new();
    let draw_ms = RwSignal::new(None::<f64>);
    Effect::new(move |_| {
        let projection = state.projection.get();
        let Some(results) = state.results.get() else { return };
        let Some(c) = canvas.get() else { return };
        let (xy, x_desc, y_desc) = match projection {
            Projection::Pca => (&results.pca, "Principal component 1", "Principal component 2"),
            Projection::FirstTwo => (&results.first_two, "Latent dimension 0", "Latent dimension 1"),
        };
        let t0 = now_ms();
        let recommendation = state.recommendation.get();
        let similar: Vec<usize> =
            recommendation.as_ref().map(|r| r.similar.iter().map(|s| s.song.row).collect()).unwrap_or_default();
        let highlight = recommendation.as_ref().map(|r| (r.song.row, similar.as_slice()));
        draw_map(&c, &MapData { xy, labels: &results.labels, k: results.k, x_desc, y_desc, highlight });
        draw_ms.set(Some(now_ms() - t0));
    });
    let save_png = move |_| {
        if let Some(url) = canvas.get().and_then(|c| c.to_data_url_with_type("image/png").ok()) {
            download_url(&url, "songscape-map.png");
        }
    };
    let on_projection = move |ev: leptos::ev::Event| {
        let p = if event_target_value(&ev) == "first-two" { Projection::FirstTwo } else { Projection::Pca };
        state.projection.set(p);
    };
    view! {
        <section class="panel" aria-labelledby="results-title" hidden=move || state.results.get().is_none()>
            <h2 id="results-title">"5. Map of the songs"</h2>
            {move || state.results.get().map(|r| metrics(&r))}
            <p class="timings" id="timings">{move || state.results.get().map(|r| timings(&r, draw_ms.get()))}</p>
            <div class="map-controls">
                <label for="projection">"Map projection"</label>
                <select id="projection" on:change=on_projection>
                    <option value="pca" selected=true>"Principal components of the codes"</option>
                    <option value="first-two">"First two latent dimensions"</option>
                </select>
            </div>
            <canvas node_ref=canvas id="map" class="map" role="img"
                aria-label=move || state.results.get().map(|r| map_alt(&r)).unwrap_or_default()></canvas>
            <div class="actions">
                <button id="export-csv" type="button" on:click=move |_| send(Request::Export { projection: state.projection.get_untracked() }) prop:disabled=move || !state.idle()>"Download CSV with clusters"</button>
                <button id="export-png" type="button" on:click=save_png>"Download map as PNG"</button>
            </div>
        </section>
    }
}

fn metrics(r: &RunResults) -> impl IntoView {
    let last = r.history.last();
    let train = last.map(|l| format!("{:.4}", l.train_loss)).unwrap_or_default();
    let val = last.and_then(|l| l.val_loss).map(|v| format!("{v:.4}")).unwrap_or_else(|| "—".into());
    let t = &r.timings;
    let per_epoch = if t.epoch_ms.is_empty() { 0.0 } else { t.train_ms / t.epoch_ms.len() as f64 };
    view! {
        <dl class="metrics" id="metrics">
            <div><dt>"Songs"</dt><dd id="metric-rows">{r.rows}</dd></div>
            <div><dt>"Features"</dt><dd>{r.features.len()}</dd></div>
            <div><dt>"Training loss"</dt><dd id="metric-train-loss">{train}</dd></div>
            <div><dt>"Validation loss"</dt><dd id="metric-val-loss">{val}</dd></div>
            <div><dt>"Reconstruction MSE"</dt><dd id="metric-mse">{format!("{:.4}", r.recon_mse)}</dd></div>
            <div><dt>"Clusters"</dt><dd>{r.k}</dd></div>
            <div><dt>"Inertia"</dt><dd id="metric-inertia">{format!("{:.1}", r.inertia)}</dd></div>
            <div><dt>"Training time"</dt><dd id="metric-train-ms">{format!("{:.0} ms ({per_epoch:.0} ms/epoch)", t.train_ms)}</dd></div>
            <div><dt>"KMeans time"</dt><dd id="metric-kmeans-ms">{format!("{:.0} ms", t.kmeans_ms)}</dd></div>
        </dl>
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Where the time went, step by step (the page's own measurements).
fn timings(r: &RunResults, draw_ms: Option<f64>) -> String {
    let t = &r.timings;
    let first = t.epoch_ms.first().copied().unwrap_or(0.0);
    let steady = t.epoch_ms.last().copied().unwrap_or(0.0);
    let draw = draw_ms.map(|d| format!("{d:.0} ms")).unwrap_or_else(|| "…".into());
    format!(
        "Time: scaling {:.0} ms · training {:.0} ms (first epoch {first:.0} ms, last {steady:.0} ms) · encoding {:.0} ms · KMeans {:.0} ms · projection and summaries {:.0} ms · drawing the map {draw}.",
        t.scale_ms, t.train_ms, t.encode_ms, t.kmeans_ms, t.project_ms
    )
}

/// The map's text alternative: what a sighted user would take from it.
fn map_alt(r: &RunResults) -> String {
    let sizes: Vec<String> = r.clusters.iter().map(|c| format!("cluster {}: {} songs", c.id, c.size)).collect();
    format!("Scatter plot of {} songs in {} clusters ({}).", r.rows, r.k, sizes.join(", "))
}
