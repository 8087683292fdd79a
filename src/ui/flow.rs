//! "Order for flow": an order of the playlist with small steps between songs, proposed with a
//! small chart of energy and tempo along it, and applied only when the person says so.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::Action;
use crate::protocol::FlowOrdered;

/// The chart's drawing box (SVG user units; it stretches to the panel's width).
const WIDTH: f32 = 300.0;
const HEIGHT: f32 = 80.0;

/// `mine`: the personal playlist file's songs (found and placed), downloaded in the order;
/// else the page's playlist, reordered. Element ids of the first start with `mine-`.
#[component]
pub fn FlowPanel(mine: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = move |name: &str| if mine { format!("mine-{name}") } else { name.to_string() };
    let seed = RwSignal::new("1".to_string());
    let keep_tempo = RwSignal::new(false);
    let percent = RwSignal::new("8".to_string());
    let order = move |_| {
        let seed = seed.get_untracked().trim().parse::<u64>().unwrap_or(1);
        let tempo_window =
            keep_tempo.get_untracked().then(|| percent.get_untracked().trim().parse::<f32>().ok().filter(|p| *p >= 0.0).unwrap_or(8.0));
        state.dispatch(Action::OrderForFlow { seed, tempo_window, mine });
    };
    let too_short = move || if mine { state.mine.with(Option::is_none) } else { state.playlist.with(|p| p.len() < 2) };
    let (title, what) = match mine {
        true => ("Order your playlist for flow", "Orders your playlist file's songs on the map (found and placed)"),
        false => ("Order for flow", "Orders the playlist"),
    };
    let shown = move || if mine { state.mine_flow.get() } else { state.flow.get() };
    view! {
        {match mine {
            true => view! { <h4 id=id("flow-title")>{title}</h4> }.into_any(),
            false => view! { <h3 id=id("flow-title")>{title}</h3> }.into_any(),
        }}
        <p class="help">{what}" so that each song sounds close to the one before it (the audio features' distance, as for similar songs): nearest song first, then 2-opt until no reversal of a stretch shortens the path. The same seed gives the same order."</p>
        <div class="form-grid flow-form">
            <label for=id("flow-seed")>"Seed for the order"</label>
            <input id=id("flow-seed") type="number" min="0" step="1" prop:value=seed on:input=move |ev| seed.set(event_target_value(&ev))/>
            <label class="check"><input id=id("flow-tempo") type="checkbox" prop:checked=keep_tempo
                on:change=move |ev| keep_tempo.set(event_target_checked(&ev))/>" Keep the tempo within ± %"</label>
            <input id=id("flow-tempo-percent") type="number" min="0" max="50" step="1" aria-label="Tempo window, percent"
                prop:value=percent on:input=move |ev| percent.set(event_target_value(&ev)) prop:disabled=move || !keep_tempo.get()/>
        </div>
        <div class="actions">
            <button id=id("order-flow") type="button" on:click=order
                prop:disabled=move || too_short() || state.results.get().is_none() || !state.idle.get()>{title}</button>
        </div>
        {move || shown().map(|f| proposal(state, &f, mine))}
    }
}

fn proposal(state: AppState, f: &FlowOrdered, mine: bool) -> impl IntoView {
    let prefix = if mine { "mine-" } else { "" };
    let shorter = if f.before > 0.0 { 100.0 * (1.0 - f.after / f.before) } else { 0.0 };
    let tempo = match f.tempo_window {
        Some(w) => format!(" Tempo changes beyond ±{w}%: {} instead of {}.", f.off_tempo.1, f.off_tempo.0),
        None => String::new(),
    };
    let songs = if mine { f.playlist_rows.len() } else { f.table_rows.len() };
    let summary = format!(
        "{songs} songs: the steps between them add up to {:.1} instead of {:.1} ({shorter:.0}% shorter), seed {}.{tempo}",
        f.after, f.before, f.seed
    );
    let action = match mine {
        true => view! {
            <button id="mine-export-flow" type="button" on:click=move |_| state.dispatch(Action::ExportMineFlow)
                prop:disabled=move || !state.idle.get()>"Download in this order for Spotify (Track URI CSV)"</button>
        }
        .into_any(),
        false => view! { <button id="apply-flow" type="button" on:click=move |_| state.dispatch(Action::ApplyFlow)>"Apply this order"</button> }.into_any(),
    };
    view! {
        <p id=format!("{prefix}flow-summary")>{summary}</p>
        <figure class="flow-chart">
            <svg id=format!("{prefix}flow-chart") viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img"
                aria-label="Energy and tempo along the proposed order">
                <polyline class="flow-energy" fill="none" stroke="#c2410c" stroke-width="2" vector-effect="non-scaling-stroke" points=line(&f.energy)/>
                <polyline class="flow-tempo" fill="none" stroke="#1d4ed8" stroke-width="2" stroke-dasharray="4 3" vector-effect="non-scaling-stroke" points=line(&f.tempo)/>
            </svg>
            <figcaption>{legend(f)}</figcaption>
        </figure>
        <div class="actions">{action}</div>
    }
}

/// The values as an SVG polyline across the chart, each scaled to its own range.
fn line(values: &[f32]) -> String {
    let (low, high) = values.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    let span = if high > low { high - low } else { 1.0 };
    let step = if values.len() > 1 { WIDTH / (values.len() - 1) as f32 } else { 0.0 };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f32 * step, HEIGHT - 4.0 - (v - low) / span * (HEIGHT - 8.0)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn legend(f: &FlowOrdered) -> String {
    let range = |v: &[f32]| {
        let (l, h) = v.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
        format!("{l:.0}–{h:.0}")
    };
    let mut parts = Vec::new();
    if !f.energy.is_empty() {
        parts.push(format!("Energy (solid, {})", range(&f.energy)));
    }
    if !f.tempo.is_empty() {
        parts.push(format!("tempo (dashed, {} BPM)", range(&f.tempo)));
    }
    format!("{} along the order, first song on the left.", parts.join(" and "))
}
