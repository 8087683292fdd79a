//! The run's numbers, where the time went, and the downloads of the map and the songs.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::Action;
use crate::protocol::RunResults;

#[component]
pub fn RunPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel" aria-labelledby="results-title" hidden=move || state.results.get().is_none()>
            <h2 id="results-title">"This run"</h2>
            {move || state.results.get().map(|r| metrics(&r))}
            <p class="timings" id="timings">{move || state.results.get().map(|r| timings(&r))}</p>
            // The same numbers for tools (the benchmark reads them); not shown.
            <output id="run-json" hidden=true>{move || run_json(state)}</output>
            <div class="actions">
                <button id="export-csv" type="button" on:click=move |_| state.dispatch(Action::Export) prop:disabled=move || !state.idle.get()>"Download CSV with clusters"</button>
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

/// The run's measurements as one JSON object, once the map has been drawn.
fn run_json(state: AppState) -> String {
    let (Some(r), Some(draw_ms)) = (state.results.get(), state.map_draw_ms.get()) else { return String::new() };
    let parse_ms = state.dataset.with(|d| d.as_ref().map_or(0.0, |d| d.parse_ms));
    let value = serde_json::json!({
        "rows": r.rows, "parse_ms": parse_ms, "timings": r.timings, "draw_ms": draw_ms, "k": r.k,
        "recon_mse": r.recon_mse, "history": r.history,
        "page_wasm_bytes": crate::wasm_memory_bytes(),
    });
    value.to_string()
}

/// Where the time went, step by step (the page's own measurements).
fn timings(r: &RunResults) -> String {
    let t = &r.timings;
    let first = t.epoch_ms.first().copied().unwrap_or(0.0);
    let steady = t.epoch_ms.last().copied().unwrap_or(0.0);
    format!(
        "Time: scaling {:.0} ms · training {:.0} ms (first epoch {first:.0} ms, last {steady:.0} ms) · encoding {:.0} ms · KMeans {:.0} ms · projection and summaries {:.0} ms.",
        t.scale_ms, t.train_ms, t.encode_ms, t.kmeans_ms, t.project_ms
    )
}
