//! Step 11: is the autoencoder worth it? The three representations side by side, scored with the
//! run's k, and a choice of which one clusters, maps and recommends.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::Action;
use crate::pipeline::analysis::compare::{Representation, RepresentationScore, KNN_NEIGHBOURS};
use crate::protocol::Task;

fn value(r: Representation) -> &'static str {
    match r {
        Representation::Autoencoder => "autoencoder",
        Representation::Pca => "pca",
        Representation::Scaled => "scaled",
    }
}

fn optional(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"))
}

#[component]
pub fn ComparePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_use = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if let Some(representation) = Representation::ALL.into_iter().find(|r| value(*r) == text) {
            state.dispatch(Action::UseRepresentation(representation));
        }
    };
    let comparing = move || state.runs(Task::ComparingRepresentations);
    let current = move || state.results.get().map(|r| value(r.representation).to_string()).unwrap_or_default();
    let options = Representation::ALL
        .into_iter()
        .map(|r| view! { <option value=value(r) selected=move || current() == value(r)>{r.label()}</option> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="compare-title" hidden=move || state.results.get().is_none()>
            <h2 id="compare-title">"Is the autoencoder worth it?"</h2>
            <p class="help">"The same KMeans (the run's k) on three representations of the songs: the autoencoder's codes (the reference), PCA of the scaled features with as many components as the codes have, and the scaled features themselves. With a label column such as genre, the scores say how well each one's clusters and neighbours follow it."</p>
            <div class="actions">
                <button id="compare-run" type="button" on:click=move |_| state.dispatch(Action::Compare) prop:disabled=move || !state.idle.get()>"Compare representations"</button>
                <button id="compare-cancel" type="button" on:click=move |_| state.dispatch(Action::Cancel)
                    prop:disabled=move || !comparing()>"Cancel comparing"</button>
                <label for="representation">"Cluster, map and recommend with"</label>
                <select id="representation" on:change=on_use prop:value=current prop:disabled=move || !state.idle.get()>{options}</select>
            </div>
            {move || state.comparison.get().map(|c| table(&c.scores, c.label.as_deref(), &c.more_labels))}
        </section>
    }
}

fn table(scores: &[RepresentationScore], label: Option<&str>, more_labels: &[String]) -> impl IntoView {
    let rows = scores
        .iter()
        .map(|s| {
            let more = (s.more_labels.iter())
                .map(|m| view! {
                    <td class="num">{format!("{:.3}", m.ari)}</td>
                    <td class="num">{format!("{:.3}", m.nmi)}</td>
                    <td class="num">{format!("{:.3}", m.knn_share)}</td>
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{s.representation.label()}</th>
                    <td class="num">{s.dims}</td>
                    <td class="num">{s.recon_mse.map_or_else(|| "— (the features themselves)".to_string(), |m| format!("{m:.4}"))}</td>
                    <td class="num">{format!("{:.3}", s.silhouette)}</td>
                    <td class="num">{optional(s.ari)}</td>
                    <td class="num">{optional(s.nmi)}</td>
                    <td class="num">{optional(s.knn_share)}</td>
                    {more}
                </tr>
            }
        })
        .collect_view();
    let caption = match label {
        Some(l) if !more_labels.is_empty() => format!(
            "Scored against the label columns “{l}” and {}. Higher is better for every score but the reconstruction error.",
            more_labels.iter().map(|m| format!("“{m}”")).collect::<Vec<_>>().join(" and ")
        ),
        Some(l) => format!("Scored against the label column “{l}”. Higher is better for every score but the reconstruction error."),
        None => "No label column is mapped, so ARI, NMI and the neighbour share are left out; map one (such as Genre) under Columns to see them.".to_string(),
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="compare-title">
            <table id="compare-table">
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">"Representation"</th><th scope="col">"Dimensions"</th><th scope="col">"Reconstruction MSE"</th>
                    <th scope="col">"Silhouette (sample)"</th><th scope="col">"ARI vs label"</th><th scope="col">"NMI vs label"</th>
                    <th scope="col">{format!("Share of {KNN_NEIGHBOURS} nearest with the same label")}</th>
                    {more_labels.iter().map(|m| view! {
                        <th scope="col">{format!("ARI vs {m}")}</th><th scope="col">{format!("NMI vs {m}")}</th>
                        <th scope="col">{format!("Share of {KNN_NEIGHBOURS} nearest with the same {m}")}</th>
                    }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
