//! The person's own playlist file on the catalogue's map: what was found and placed, the toggle
//! that makes it stand out on the map, and how it compares with the catalogue (clusters'
//! shares, features, how typical it is).

use leptos::prelude::*;

use super::flow::FlowPanel;
use super::song_rows::{folded_note, set_table};
use super::state::AppState;
use crate::page::{found_sentence, two_playlists, Action, Mine};
use crate::pipeline::explore::playlist_compare::PlaylistProfile;
use crate::pipeline::explore::tempo::TempoWindow;
use crate::pipeline::input::columns::Feature;
use crate::protocol::MineRecommendation;
use crate::pipeline::input::song_name::song_label;

/// Clusters listed in the comparison: those with the largest share of the playlist.
const SHARES_SHOWN: usize = 10;
/// Placed songs listed by name, at most (the map shows all).
const PLACED_LISTED: usize = 50;

/// A personal playlist file chosen in an `<input type=file>` (`second`: the one compared with
/// the first), sent with its request.
pub fn add_playlist_file(state: AppState, ev: &leptos::ev::Event, second: bool) {
    let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    state.dispatch_with(Action::AddPlaylistFile { name: file.name(), second }, Some(file));
    // The same file can be added again after it changed.
    input.set_value("");
}

#[component]
pub fn MinePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || state.mine.get().map(|m| mine_view(state, &m))
}

fn mine_view(state: AppState, m: &Mine) -> impl IntoView {
    let f = &m.found;
    let names = state.cluster_names.get();
    let name_of = move |c: usize| names.get(c).cloned().unwrap_or_else(|| format!("Cluster {}", c + 1));
    let notes = f.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view();
    let shown = m.shown;
    view! {
        <section id="mine" aria-labelledby="mine-title">
            <h3 id="mine-title">{format!("Your playlist: {}", f.name)}</h3>
            <p id="mine-sentence">{found_sentence(f, f.by_id + f.by_name)}</p>
            <ul id="mine-notes" class="notes" hidden=f.notes.is_empty()>{notes}</ul>
            <label class="check">
                <input id="mine-shown" type="checkbox" prop:checked=shown
                    on:change=move |ev| state.dispatch(Action::ShowMine(event_target_checked(&ev)))/>
                " Show it on the map (the catalogue's other songs greyed; songs placed from their features drawn as squares)"
            </label>
            {profile_view(&f.profile, &name_of)}
            {placed_view(m, &name_of)}
            <MoreLikeMine/>
            <FlowPanel mine=true/>
            <SecondPlaylist/>
        </section>
    }
}

/// The playlist's mean tempo, rounded, as the tempo filter's starting point.
fn playlist_tempo(m: &Mine) -> f32 {
    let tempo = m.found.profile.features.iter().find(|c| c.feature == Feature::Tempo);
    tempo.map_or(120.0, |c| c.playlist.round())
}

/// "More like my playlist": catalogue songs outside it, optionally in one cluster and near a
/// tempo (half and double count).
#[component]
fn MoreLikeMine() -> impl IntoView {
    let state = expect_context::<AppState>();
    let cluster = RwSignal::new(String::new());
    let by_tempo = RwSignal::new(false);
    let bpm = RwSignal::new(String::new());
    let percent = RwSignal::new("8".to_string());
    let ask = move |_| {
        let cluster = cluster.get_untracked().parse::<usize>().ok();
        let default_bpm = state.mine.get_untracked().map_or(120.0, |m| playlist_tempo(&m));
        let tempo = by_tempo.get_untracked().then(|| TempoWindow {
            bpm: bpm.get_untracked().trim().parse::<f32>().ok().filter(|b| *b > 0.0).unwrap_or(default_bpm),
            percent: percent.get_untracked().trim().parse::<f32>().ok().filter(|p| *p >= 0.0).unwrap_or(8.0),
        });
        state.dispatch(Action::MoreLikeMine { cluster, tempo });
    };
    let options = move || {
        state.cluster_names.get().into_iter().enumerate().map(|(i, n)| view! { <option value=i.to_string()>{n}</option> }).collect_view()
    };
    let placeholder = move || state.mine.get().map(|m| format!("{:.0}", playlist_tempo(&m))).unwrap_or_default();
    view! {
        <h4 id="mine-more-title">"More like my playlist"</h4>
        <div class="form-grid">
            <label for="mine-more-cluster">"In cluster"</label>
            <select id="mine-more-cluster" on:change=move |ev| cluster.set(event_target_value(&ev))>
                <option value="">"Any cluster"</option>
                {options}
            </select>
            <label class="check"><input id="mine-tempo" type="checkbox" prop:checked=by_tempo
                on:change=move |ev| by_tempo.set(event_target_checked(&ev))/>" Near a tempo"</label>
            <span>
                <label for="mine-bpm">"BPM"</label>
                <input id="mine-bpm" type="number" min="1" max="300" step="1" prop:placeholder=placeholder
                    prop:value=bpm on:input=move |ev| bpm.set(event_target_value(&ev)) prop:disabled=move || !by_tempo.get()/>
                <label for="mine-tempo-percent">"± %"</label>
                <input id="mine-tempo-percent" type="number" min="0" max="50" step="1" prop:value=percent
                    on:input=move |ev| percent.set(event_target_value(&ev)) prop:disabled=move || !by_tempo.get()/>
            </span>
        </div>
        <p class="help">"Half and double tempo count as near (a DJ mixes 64 BPM with 128). The tempo starts at your playlist's average."</p>
        <div class="actions">
            <button id="more-like-mine" type="button" on:click=ask prop:disabled=move || !state.idle.get()>"More like my playlist"</button>
        </div>
        {move || state.mine_more.get().map(|r| more_view(state, &r))}
    }
}

fn more_view(state: AppState, r: &MineRecommendation) -> impl IntoView {
    let list = &r.list;
    let filters = if r.filters.is_empty() { String::new() } else { format!(" Only songs {}.", r.filters) };
    let caption = format!(
        "The {} catalogue songs most like your playlist's {} songs on the map ({} placed from their features) on average, by {}.{filters}{}",
        list.similar.len(),
        list.seeds,
        r.placed,
        list.rule.label().to_lowercase(),
        folded_note(list.folded)
    );
    let empty = list.similar.is_empty();
    view! {
        <p hidden=!empty id="mine-more-none">"No catalogue song passes these filters: widen the tempo window or choose another cluster."</p>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="mine-more-caption" hidden=empty>
            {set_table(state, list, "mine-more-table", ("mine-more-caption", caption))}
        </div>
        <div class="actions" hidden=empty>
            <button id="export-mine-more" type="button" on:click=move |_| state.dispatch(Action::ExportMoreLikeMine)
                prop:disabled=move || !state.idle.get()>"Download these for Spotify (Track URI CSV)"</button>
        </div>
    }
}

fn percent(share: f32) -> String {
    format!("{:.0}%", 100.0 * share)
}

fn profile_view(p: &PlaylistProfile, name_of: &dyn Fn(usize) -> String) -> impl IntoView {
    if p.songs == 0 {
        return view! { <p>"None of its songs is on the map, so there is nothing to compare."</p> }.into_any();
    }
    // The cluster the playlist leans to most, against the catalogue.
    let lean = p.shares.iter().max_by(|a, b| (a.playlist - a.catalogue).total_cmp(&(b.playlist - b.catalogue)));
    let lean = lean.map(|s| {
        format!("{}: {} of your playlist, {} of the catalogue.", name_of(s.cluster), percent(s.playlist), percent(s.catalogue))
    });
    let shares = p
        .shares
        .iter()
        .take(SHARES_SHOWN)
        .map(|s| {
            view! { <tr><th scope="row">{name_of(s.cluster)}</th><td>{percent(s.playlist)}</td><td>{percent(s.catalogue)}</td></tr> }
        })
        .collect_view();
    let features = p
        .features
        .iter()
        .map(|c| {
            let sign = if c.z >= 0.0 { "+" } else { "−" };
            view! {
                <tr><th scope="row">{c.feature.name()}</th><td>{number(c.playlist)}</td><td>{number(c.catalogue)}</td>
                <td>{format!("{sign}{:.2}", c.z.abs())}</td></tr>
            }
        })
        .collect_view();
    let typical = format!(
        "How typical of the catalogue: more typical than {:.0}% of its songs (its middle song's distance from the catalogue's average sound, against each catalogue song's).",
        p.typical
    );
    view! {
        <p id="mine-lean">{lean}</p>
        <p id="mine-typical">{typical}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="mine-clusters-caption">
            <table id="mine-clusters">
                <caption id="mine-clusters-caption">{format!("Each cluster's share of your playlist's {} songs on the map and of the catalogue.", p.songs)}</caption>
                <thead><tr><th scope="col">"Cluster"</th><th scope="col">"Your playlist"</th><th scope="col">"Catalogue"</th></tr></thead>
                <tbody>{shares}</tbody>
            </table>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="mine-features-caption">
            <table id="mine-features">
                <caption id="mine-features-caption">"Average of each feature, in the catalogue's units; the difference in the catalogue's standard deviations, largest first."</caption>
                <thead><tr><th scope="col">"Feature"</th><th scope="col">"Your playlist"</th><th scope="col">"Catalogue"</th><th scope="col">"Difference"</th></tr></thead>
                <tbody>{features}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn number(v: f32) -> String {
    match v.abs() {
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => format!("{v:.1}"),
        _ => format!("{v:.2}"),
    }
}

fn placed_view(m: &Mine, name_of: &dyn Fn(usize) -> String) -> impl IntoView {
    let placed = &m.found.placed;
    let items = placed
        .iter()
        .take(PLACED_LISTED)
        .map(|s| view! { <li>{format!("{} — {}", song_label(&s.title, &s.artist), name_of(s.cluster))}</li> })
        .collect_view();
    let more = placed.len().saturating_sub(PLACED_LISTED);
    view! {
        <details id="mine-placed" hidden=placed.is_empty()>
            <summary>{format!("{} songs placed from their features, with their cluster", placed.len())}</summary>
            <ol>{items}</ol>
            <p hidden=more == 0>{format!("… and {more} more, all on the map.")}</p>
        </details>
    }
}

/// Another personal playlist, compared with the first: overlap, cluster shares side by side,
/// the distance between their average songs.
#[component]
fn SecondPlaylist() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_file = move |ev: leptos::ev::Event| add_playlist_file(state, &ev, true);
    view! {
        <h4 id="second-title">"Compare with another playlist"</h4>
        <div class="actions">
            <label for="playlist-file-2">"Another playlist (CSV)"</label>
            <input id="playlist-file-2" type="file" accept=".csv,text/csv" on:change=on_file
                prop:disabled=move || !state.idle.get()/>
        </div>
        {move || {
            let (first, second) = (state.mine.get()?, state.second.get()?);
            Some(two_view(state, &first, &second))
        }}
    }
}

fn two_view(state: AppState, first: &Mine, second: &Mine) -> impl IntoView {
    let (a, b) = (&first.found, &second.found);
    let two = two_playlists(a, b);
    let names = state.cluster_names.get_untracked();
    let name_of = |c: usize| names.get(c).cloned().unwrap_or_else(|| format!("Cluster {}", c + 1));
    let rows = two
        .shares
        .iter()
        .take(SHARES_SHOWN)
        .map(|(c, x, y)| view! { <tr><th scope="row">{name_of(*c)}</th><td>{percent(*x)}</td><td>{percent(*y)}</td></tr> })
        .collect_view();
    let overlap = format!(
        "{} songs in both, {} only in {}, {} only in {}.",
        two.both, two.first_only, a.name, two.second_only, b.name
    );
    let distance = format!(
        "Their average songs are {:.2} of the catalogue's standard deviations apart (over all its features; {} is more typical than {:.0}% of the catalogue's songs, {} than {:.0}%).",
        two.distance, a.name, a.profile.typical, b.name, b.profile.typical
    );
    view! {
        <div id="two-playlists">
            <p id="second-sentence">{found_sentence(b, b.by_id + b.by_name)}</p>
            <p id="two-overlap">{overlap}</p>
            <p id="two-distance">{distance}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="two-caption">
                <table id="two-clusters">
                    <caption id="two-caption">"Each cluster's share of the two playlists, the largest difference first."</caption>
                    <thead><tr><th scope="col">"Cluster"</th><th scope="col">{a.name.clone()}</th><th scope="col">{b.name.clone()}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
}
