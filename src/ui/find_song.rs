//! Step 8: find a song (an accessible combobox: a search box whose results are a listbox,
//! usable with the arrow keys and Enter) and the songs most like it in the latent space.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use super::song_rows::{add_button, folded_note, similar_cells, CLOSENESS_HEADER};
use super::state::AppState;
use crate::page::Action;
use crate::pipeline::explore::recommend::{Rule, Space, MAX_NEIGHBOURS};
use crate::pipeline::input::song_name::song_label;
use crate::protocol::{Recommendation, SongRef};

fn option_id(i: usize) -> String {
    format!("song-option-{i}")
}

fn describe(song: &SongRef) -> String {
    format!("{} · cluster {}", song_label(&song.title, &song.artist), song.cluster)
}

#[component]
pub fn FindSongPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let n = state.neighbours;
    // Chosen here, on the map or from a list of similar songs: the same details and neighbours.
    let choose = move |row: usize| {
        open.set(false);
        active.set(None);
        state.dispatch(Action::ChooseSong(row));
    };
    let on_input = move |ev: leptos::ev::Event| {
        let query = event_target_value(&ev);
        active.set(None);
        open.set(!query.trim().is_empty());
        state.dispatch(Action::Search(query));
    };
    let on_key = move |ev: KeyboardEvent| {
        let count = state.search_hits.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                let row =
                    active.get_untracked().and_then(|i| state.search_hits.with_untracked(|h| h.get(i).map(|s| s.row)));
                if let Some(row) = row {
                    ev.prevent_default();
                    choose(row);
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };
    let on_n = move |ev: leptos::ev::Event| {
        if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
            state.dispatch(Action::SetNeighbours(v));
        }
        // A count out of range is brought back in even when the state did not change.
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.set_value(&n.get_untracked().to_string());
        }
    };
    let on_rule = move |ev: leptos::ev::Event| {
        if let Some(rule) = Rule::from_key(&event_target_value(&ev)) {
            state.dispatch(Action::SetRule(rule));
        }
    };
    let rules = Rule::CHOICES
        .into_iter()
        .map(|r| {
            let label = if r == Rule::DEFAULT { format!("{} (default)", r.label()) } else { r.label() };
            view! { <option value=r.key() selected=r == Rule::DEFAULT>{label}</option> }
        })
        .collect_view();
    let options = move || {
        state
            .search_hits
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, song)| {
                let row = song.row;
                view! {
                    <li role="option" id=option_id(i) class:active=move || active.get() == Some(i)
                        aria-selected=move || (active.get() == Some(i)).to_string()
                        on:mousedown=move |ev| { ev.prevent_default(); choose(row); }>
                        {describe(&song)}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel" aria-labelledby="find-title" hidden=move || state.results.get().is_none()>
            <h2 id="find-title">"Find a song and similar songs"</h2>
            <div class="combobox">
                <label for="song-search">"Find a song by title or artist"</label>
                <input id="song-search" type="search" role="combobox" autocomplete="off" aria-autocomplete="list"
                    aria-controls="song-results" aria-expanded=move || (open.get() && !state.search_hits.with(Vec::is_empty)).to_string()
                    aria-activedescendant=move || active.get().map(option_id).unwrap_or_default()
                    prop:value=move || state.search_query.get()
                    prop:disabled=move || !state.idle.get()
                    on:input=on_input on:keydown=on_key on:blur=move |_| open.set(false) />
                <ul id="song-results" role="listbox" aria-label="Songs found"
                    hidden=move || !open.get() || state.search_hits.with(Vec::is_empty)>{options}</ul>
                <p class="help" hidden=move || !open.get() || !state.search_hits.with(Vec::is_empty)>"No song matches."</p>
            </div>
            <div class="map-controls">
                <label for="rec-n">"Similar songs to show"</label>
                <input id="rec-n" type="number" min="1" max=MAX_NEIGHBOURS.to_string() prop:value=move || n.get().to_string() on:change=on_n/>
                <label for="rec-metric">"Similar by"</label>
                <select id="rec-metric" on:change=on_rule>{rules}</select>
            </div>
            {move || state.recommendation.get().map(|r| recommendation_view(state, &r))}
        </section>
    }
}

fn recommendation_view(state: AppState, r: &Recommendation) -> impl IntoView {
    let features = r
        .features
        .iter()
        .map(|(name, v)| view! { <div><dt>{name.clone()}</dt><dd>{format!("{v}")}</dd></div> })
        .collect_view();
    let own = r.song.cluster;
    let rows = r
        .similar
        .iter()
        .enumerate()
        .map(|(i, s)| {
            view! {
                <tr>
                    {similar_cells(i, s, r.rule)}
                    <td class="why">{s.why.clone()}</td>
                    <td>{if s.song.cluster == own { "yes" } else { "no" }}</td>
                    <td>{add_button(state, s.song.clone())}</td>
                    <td><button type="button" aria-label=format!("Choose {}", s.song.title)
                        on:click={let row = s.song.row; move |_| state.dispatch(Action::ChooseSong(row))}>"Choose"</button></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div id="selected-song">
            <h3>{describe(&r.song)}</h3>
            <div class="actions">{add_button(state, r.song.clone())}{spotify_link(r.song.track_id.as_deref())}</div>
            <dl class="metrics">{features}</dl>
        </div>
        <h3 id="similar-title">{heading(r.rule)}</h3>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="similar-title">
            <table id="similar-table">
                <caption>{format!("The {} songs nearest {}, by {}.{}", r.similar.len(), r.song.title, r.rule.label().to_lowercase(), folded_note(r.folded))}</caption>
                <thead><tr>
                    <th scope="col">"#"</th><th scope="col">"Title"</th><th scope="col">"Artist"</th>
                    <th scope="col">{CLOSENESS_HEADER}</th><th scope="col">"Cluster"</th><th scope="col">"Why similar"</th><th scope="col">"Same cluster"</th>
                    <th scope="col">"Playlist"</th><th scope="col">"Details"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The song on Spotify, when the file gives its track id (checked as 22 base-62 characters by
/// `input::track_id`, so it is safe in the address). A plain link: the page never fetches it; the
/// browser opens it only when the person clicks, in a new tab that is not told where it came from.
fn spotify_link(id: Option<&str>) -> impl IntoView {
    id.map(|id| {
        view! {
            <a id="spotify-link" class="button-link" href=format!("https://open.spotify.com/track/{id}")
                target="_blank" rel="noopener noreferrer">"Open on Spotify ↗"</a>
        }
    })
}

/// "Similar songs", saying so when they are found by the audio features rather than the codes.
fn heading(rule: Rule) -> &'static str {
    match rule.space {
        Space::Codes => "Similar songs",
        Space::Features => "Similar songs (similar by audio features)",
    }
}
