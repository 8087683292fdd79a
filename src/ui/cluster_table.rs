//! The clusters (press one to focus it on the map and inspect it below): size, share, most common label, feature means in the file's own
//! units, and example songs (those nearest each cluster's centre).

use leptos::prelude::*;

use super::state::AppState;
use crate::mapview::colours::{categorical, css, Palette};
use crate::page::Action;
use crate::protocol::RunResults;

#[component]
pub fn ClusterTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || state.results.get().map(|r| table(state, &r, state.palette.get(), &state.cluster_names.get()))
}

fn table(state: AppState, r: &RunResults, palette: Palette, names: &[String]) -> impl IntoView {
    let headers = r.features.iter().map(|f| view! { <th scope="col">{f.clone()}</th> }).collect_view();
    let rows = r.clusters.iter().map(|c| {
        let share = 100.0 * c.size as f64 / r.rows.max(1) as f64;
        let label = c.top_label.as_ref().map(|(v, s)| format!("{v} ({:.0}%)", s * 100.0)).unwrap_or_else(|| "—".into());
        let empty = c.size == 0;
        let id = c.id;
        let means = c.means.iter().map(|m| view! { <td class="num">{if empty { "—".to_string() } else { format_mean(*m) }}</td> }).collect_view();
        let examples = c.examples.iter().take(3).map(|e| view! { <li>{e.clone()}</li> }).collect_view();
        let name = names.get(c.id).cloned().unwrap_or_else(|| format!("Cluster {}", c.id));
        view! {
            <tr>
                <th scope="row"><button type="button" class="cluster-focus" aria-pressed=move || (state.chosen_focus.get() == Some(id)).to_string()
                    on:click=move |_| state.dispatch(Action::ChooseCluster(id))
                    on:mouseenter=move |_| state.dispatch(Action::PreviewCluster(Some(id)))
                    on:mouseleave=move |_| state.dispatch(Action::PreviewCluster(None))
                    on:focus=move |_| state.dispatch(Action::PreviewCluster(Some(id)))
                    on:blur=move |_| state.dispatch(Action::PreviewCluster(None))>
                    <span class="swatch" style:background-color=css(categorical(c.id, palette)) aria-hidden="true"></span>{format!("{}: {name}", c.id)}</button></th>
                <td class="num size">{c.size}</td>
                <td class="num">{format!("{share:.1}%")}</td>
                <td>{label}</td>
                {means}
                <td><ul class="examples">{examples}</ul></td>
            </tr>
        }
    }).collect_view();
    view! {
        <section class="panel" aria-labelledby="clusters-title">
            <h2 id="clusters-title">"Clusters"</h2>
            <p class="help">"Press a cluster to focus it on the map (the other songs turn grey) and to inspect it below."</p>
            <button type="button" id="show-all-clusters" hidden=move || state.chosen_focus.get().is_none()
                on:click=move |_| state.dispatch(Action::ShowAllClusters)>"Show all clusters"</button>
            // Focusable so keyboard users can scroll a table wider than the screen.
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="clusters-title">
                <table id="cluster-table">
                    <caption>{format!("{} clusters of {} songs; feature means in the file's own units.", r.k, r.rows)}</caption>
                    <thead><tr>
                        <th scope="col">"Cluster"</th><th scope="col">"Songs"</th><th scope="col">"Share"</th><th scope="col">"Most common label"</th>
                        {headers}
                        <th scope="col">"Example songs"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn format_mean(m: f32) -> String {
    if m.abs() >= 100.0 {
        format!("{m:.0}")
    } else if m.abs() >= 1.0 {
        format!("{m:.1}")
    } else {
        format!("{m:.3}")
    }
}
