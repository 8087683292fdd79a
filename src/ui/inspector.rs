//! Step 7: one cluster up close: its name (automatic from the reference's genre–emotion table,
//! or the user's), how well it matches that genre, its feature profile, the songs nearest its
//! centre, and the make-up of the label column.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::charts::{after_paint, draw_profile};
use super::state::AppState;
use crate::mapview::colours::categorical;
use crate::page::Action;
use crate::pipeline::analysis::naming::{describe_score, ClusterName, GENRES, TABLE_FEATURES};
use crate::protocol::RunResults;

#[component]
pub fn InspectorPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let chosen = state.chosen_cluster;
    let canvas: NodeRef<Canvas> = NodeRef::new();
    Effect::new(move |_| {
        let (Some(r), Some(c)) = (state.results.get(), canvas.get()) else { return };
        let (i, palette) = (chosen.get(), state.palette.get());
        after_paint(move || {
            if let Some(summary) = r.clusters.get(i) {
                draw_profile(&c, &r.features, &summary.zmeans, categorical(summary.id, palette));
            }
        });
    });
    let on_choose = move |ev: leptos::ev::Event| {
        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
            state.dispatch(Action::ChooseCluster(i));
        }
    };
    let on_rename = move |ev: leptos::ev::Event| {
        let (cluster, name) = (chosen.get_untracked(), event_target_value(&ev));
        state.dispatch(Action::RenameCluster { cluster, name });
        // An emptied name that was automatic already does not change the state: show it anyway.
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.set_value(&state.read(|p| p.cluster_name(cluster)));
        }
    };
    let options = move || {
        let names = state.cluster_names.get();
        names
            .iter()
            .enumerate()
            .map(|(i, n)| view! { <option value=i.to_string() selected=move || chosen.get() == i>{format!("{i}: {n}")}</option> })
            .collect_view()
    };
    let current_name = move || state.cluster_names.with(|n| n.get(chosen.get()).cloned().unwrap_or_default());
    view! {
        <section class="panel" aria-labelledby="inspect-title" hidden=move || state.results.get().is_none()>
            <h2 id="inspect-title">"Inspect a cluster"</h2>
            <div class="map-controls">
                <label for="inspect-cluster">"Cluster"</label>
                <select id="inspect-cluster" on:change=on_choose>{options}</select>
                <label for="cluster-name">"Name"</label>
                <input id="cluster-name" type="text" maxlength="80" prop:value=current_name on:change=on_rename/>
            </div>
            <div class="actions">
                <button type="button" id="select-cluster" on:click=move |_| state.dispatch(Action::SelectCluster(chosen.get_untracked()))>"Select its songs on the map"</button>
            </div>
            <p class="help">"Automatic names say what sets a cluster apart in this file: its most distinctive features, its most common label, and the reference project's genre–emotion table's genre when it matches closely. Type a new one to rename (it goes into the exports); empty brings the automatic name back."</p>
            {move || state.results.get().map(|r| {
                let columns = state.dataset.with(|d| d.as_ref().map(|d| d.columns.clone()).unwrap_or_default());
                details(&r, chosen.get(), &columns)
            })}
            <figure class="loss-figure">
                <canvas node_ref=canvas id="profile-chart" class="profile-chart" role="img"
                    aria-label=move || state.results.get().map(|r| profile_alt(&r, chosen.get())).unwrap_or_default()></canvas>
            </figure>
        </section>
    }
}

/// One label column's make-up of a cluster, "rock — 40%" per value.
fn label_list(id: String, heading: String, mix: &[(String, f32)]) -> impl IntoView {
    let items = mix
        .iter()
        .map(|(v, s)| view! { <li>{format!("{} — {:.0}%", if v.is_empty() { "(empty)" } else { v }, s * 100.0)}</li> })
        .collect_view();
    view! {
        <div hidden=mix.is_empty()>
            <h3>{heading}</h3>
            <ul id=id class="label-mix">{items}</ul>
        </div>
    }
}

fn details(r: &RunResults, i: usize, columns: &[String]) -> impl IntoView {
    let (Some(summary), Some(name)) = (r.clusters.get(i), r.names.get(i)) else { return ().into_any() };
    let share = 100.0 * summary.size as f64 / r.rows.max(1) as f64;
    let examples = summary.examples.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view();
    let mapping = &r.snapshot.mapping;
    let name_of = |c: Option<usize>| c.and_then(|c| columns.get(c).cloned());
    let first = match name_of(mapping.label) {
        Some(n) => format!("Label make-up: {n}"),
        None => "Label make-up".to_string(),
    };
    let more = (mapping.other_labels().into_iter().zip(&summary.more_label_mixes).enumerate())
        .map(|(k, (c, mix))| {
            let heading = format!("Label make-up: {}", name_of(Some(c)).unwrap_or_default());
            label_list(format!("inspect-labels-{}", k + 2), heading, mix)
        })
        .collect_view();
    view! {
        <p id="inspect-summary">{format!("{} songs ({share:.1}% of the file). Automatic name: {}; the genre–emotion table: {}.", summary.size, name.name, describe_score(name))}</p>
        {levels_table(name)}
        <div class="inspect-lists">
            <div>
                <h3>"Songs nearest the centre"</h3>
                <ol id="inspect-examples">{examples}</ol>
            </div>
            {label_list("inspect-labels".into(), first, &summary.label_mix)}
            {more}
        </div>
    }
    .into_any()
}

/// The cluster's level of each table feature beside the matched genre's.
fn levels_table(name: &ClusterName) -> impl IntoView {
    let genre = name.genre.as_deref().and_then(|g| GENRES.iter().find(|row| row.genre == g));
    let rows = name
        .levels
        .iter()
        .map(|(feature, level)| {
            let expected = genre
                .and_then(|g| TABLE_FEATURES.iter().position(|f| f.name() == feature).map(|j| g.levels[j].label()))
                .unwrap_or("—");
            view! { <tr><th scope="row">{feature.clone()}</th><td>{level.label()}</td><td>{expected}</td></tr> }
        })
        .collect_view();
    let genre_header = name.genre.clone().map(|g| format!("{g} (table)")).unwrap_or_else(|| "Genre".into());
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Feature levels">
            <table id="inspect-levels">
                <caption>"Levels by the file's own thirds (tertiles) of each feature, against the closest genre."</caption>
                <thead><tr><th scope="col">"Feature"</th><th scope="col">"This cluster"</th><th scope="col">{genre_header}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn profile_alt(r: &RunResults, i: usize) -> String {
    let Some(summary) = r.clusters.get(i) else { return String::new() };
    let parts: Vec<String> = r.features.iter().zip(&summary.zmeans).map(|(f, z)| format!("{f} {z:+.2}")).collect();
    format!("Feature profile of cluster {i}, mean z-scores: {}.", parts.join(", "))
}
