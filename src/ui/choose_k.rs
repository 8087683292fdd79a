//! Step 7: choosing k. Compares k = 2…20 on the trained model's codes (in the worker, with
//! progress and Cancel), draws inertia and silhouette, suggests a k, and re-clusters with the
//! k the user picks, without retraining.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::charts::{after_paint, draw_k_chart};
use super::state::AppState;
use crate::page::{Action, KChoice};
use crate::protocol::{Task, TaskProgress};

const FROM: usize = 2;
const TO: usize = 20;

#[component]
pub fn ChooseKPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas: NodeRef<Canvas> = NodeRef::new();
    let chosen = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        let Some(choice) = state.k_scores.get() else { return };
        chosen.set(choice.suggested);
        if let Some(c) = canvas.get() {
            after_paint(move || draw_k_chart(&c, &choice.scores, choice.suggested));
        }
    });
    let comparing = move || state.runs(Task::ComparingK);
    let apply = move |_| {
        if let Some(k) = chosen.get_untracked() {
            state.dispatch(Action::Recluster { k });
        }
    };
    let on_pick = move |ev: leptos::ev::Event| chosen.set(event_target_value(&ev).parse().ok());
    let progress = move || match state.task_progress.get() {
        Some(TaskProgress::ComparingK { k, done, total }) => Some((k, done as f64 / total.max(1) as f64)),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="k-title" hidden=move || state.results.get().is_none()>
            <h2 id="k-title">"Choosing k"</h2>
            <p class="help">{format!("KMeans for k = {FROM} to {TO} on this model's codes, without retraining: inertia falls as k grows (look for the elbow); the mean silhouette (higher is better, measured on up to 2,000 songs) suggests a k.")}</p>
            <div class="actions">
                <button id="compare-k" type="button" on:click=move |_| state.dispatch(Action::ChooseK { from: FROM, to: TO })
                    prop:disabled=move || !state.idle.get()>{format!("Compare k = {FROM} to {TO}")}</button>
                <button type="button" on:click=move |_| state.dispatch(Action::Cancel) prop:disabled=move || !comparing()>"Cancel comparing"</button>
            </div>
            <div hidden=move || progress().is_none()>
                <label for="k-progress">"Comparing k"</label>
                <progress id="k-progress" max="1" prop:value=move || progress().map_or(0.0, |p| p.1)></progress>
                <span class="progress-text">{move || progress().map(|(k, _)| format!("k = {k}")).unwrap_or_default()}</span>
            </div>
            <figure class="loss-figure" hidden=move || state.k_scores.get().is_none()>
                <canvas node_ref=canvas id="k-chart" class="loss-chart" role="img"
                    aria-label="Inertia and mean silhouette for each k; the table below lists the numbers"></canvas>
            </figure>
            {move || state.k_scores.get().map(|choice| view! {
                {k_table(&choice)}
                <div class="map-controls">
                    <label for="apply-k">"Clusters to use"</label>
                    <select id="apply-k" on:change=on_pick>
                        {choice.scores.iter().map(|s| {
                            let k = s.k;
                            let label = if Some(k) == choice.suggested { format!("k = {k} (suggested)") } else { format!("k = {k}") };
                            view! { <option value=k.to_string() selected=Some(k) == choice.suggested>{label}</option> }
                        }).collect_view()}
                    </select>
                    <button id="apply-k-button" type="button" on:click=apply prop:disabled=move || !state.idle.get()>"Re-cluster with this k"</button>
                </div>
            })}
        </section>
    }
}

fn k_table(choice: &KChoice) -> impl IntoView {
    let rows = choice
        .scores
        .iter()
        .map(|s| {
            let suggested = Some(s.k) == choice.suggested;
            view! {
                <tr class:suggested=suggested>
                    <th scope="row">{if suggested { format!("{} (suggested)", s.k) } else { s.k.to_string() }}</th>
                    <td class="num">{format!("{:.1}", s.inertia)}</td>
                    <td class="num">{format!("{:.3}", s.silhouette)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="loss-table">
            <summary>"Scores for each k as a table"</summary>
            <table id="k-table">
                <caption>{format!("Inertia over all songs; mean silhouette over {} songs.", choice.sample)}</caption>
                <thead><tr><th scope="col">"k"</th><th scope="col">"Inertia"</th><th scope="col">"Silhouette"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
