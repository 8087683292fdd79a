//! Step 9: the playlist. Songs come from the chosen song, its similar songs and the map; the
//! list is kept in localStorage under the loaded file's fingerprint, so it survives a reload
//! of the same file and never mixes files.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::flow::FlowPanel;
use super::my_playlist::{add_playlist_file, MinePanel};
use super::song_rows::{folded_note, set_table};
use super::state::AppState;
use crate::page::merge::merge;
use crate::page::{playlist_key_of, Action, KeptNow, PlaylistEntry};
use crate::pipeline::input::song_name::song_label;
use crate::protocol::SetRecommendation;

/// Removes the playlist kept under `key` ("Forget this data").
pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load(key: &str) -> Vec<PlaylistEntry> {
    let text = storage().and_then(|s| s.get_item(key).ok().flatten()).unwrap_or_default();
    parse(&text)
}

fn parse(text: &str) -> Vec<PlaylistEntry> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Stores `songs` under `key`; `false` when the browser refused (storage full or disabled).
fn save(key: &str, songs: &[PlaylistEntry]) -> bool {
    let Some(s) = storage() else { return false };
    let written = match songs.is_empty() {
        true => s.remove_item(key),
        false => serde_json::to_string(songs).map_or(Ok(()), |t| s.set_item(key, &t)),
    };
    written.is_ok()
}

/// Keeps this tab's playlist in step with other tabs of the same file: when one writes, the
/// browser tells the others (`storage` event), and they merge instead of overwriting it later.
fn follow_other_tabs(state: AppState, key: Memo<Option<String>>, synced: StoredValue<Vec<PlaylistEntry>>) {
    let Some(window) = web_sys::window() else { return };
    let on_storage = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
        if ev.key().is_none() || ev.key() != key.get_untracked() {
            return;
        }
        let theirs = parse(&ev.new_value().unwrap_or_default());
        let base = synced.get_value();
        let merged = state.playlist.with_untracked(|ours| merge(&base, ours, &theirs, |e| e.table_row));
        synced.set_value(theirs);
        state.dispatch(Action::PlaylistMerged(merged));
    });
    let _ = window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
    // One listener for the page's lifetime (the panel lives as long as the page).
    on_storage.forget();
}

/// Keeps the playlist in this browser: loaded for each file, saved on each change, merged with
/// other tabs. Mounted once for the page's life, whichever place shows the list.
#[component]
pub fn PlaylistStorage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let key = Memo::new(move |_| state.dataset.get().map(|d| playlist_key_of(&d)));
    // The stored list as this tab last read or wrote it: the base of a merge with another tab.
    let synced = StoredValue::new(Vec::<PlaylistEntry>::new());
    Effect::new(move |_| {
        if let Some(k) = key.get() {
            let stored = load(&k);
            synced.set_value(stored.clone());
            state.dispatch(Action::PlaylistStored(stored));
        }
    });
    Effect::new(move |_| {
        let songs = state.playlist.get();
        let Some(k) = key.get_untracked() else { return };
        // Forgotten: nothing of this session is written again until the person says to keep it,
        // and then the list is written whole (the stored one was removed).
        if state.kept.with(|k| k.now == KeptNow::Forgotten) {
            synced.set_value(Vec::new());
            return;
        }
        if synced.with_value(|s| *s == songs) {
            return;
        }
        let saved = save(&k, &songs);
        if saved {
            synced.set_value(songs);
        }
        state.dispatch(Action::PlaylistSaved(saved));
    });
    follow_other_tabs(state, key, synced);
}

/// The list, shown in the setup before the first results and in the side panel after.
#[component]
pub fn PlaylistPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let empty = move || state.playlist.with(Vec::is_empty);
    let on_file = move |ev: leptos::ev::Event| add_playlist_file(state, &ev, false);
    view! {
        <section class="panel" aria-labelledby="playlist-title" hidden=move || state.dataset.get().is_none()>
            <h2 id="playlist-title">"Playlist"</h2>
            <p class="help">"Add songs from the chosen song, its similar songs or the map. The list is kept in this browser for this file."</p>
            <p id="playlist-note" class="note-warning" role="status" hidden=move || state.playlist_note.get().is_none()>
                {move || state.playlist_note.get()}</p>
            <div class="actions">
                <label for="playlist-file">"Add your playlist (CSV)"</label>
                <input id="playlist-file" type="file" accept=".csv,text/csv" aria-describedby="playlist-file-help"
                    on:change=on_file prop:disabled=move || state.results.get().is_none()/>
            </div>
            <p class="help" id="playlist-file-help">"An Exportify export, a Kaggle file or this app's own playlist CSV: its songs are found in this catalogue by Spotify track id, else by title and first artist, and added to the playlist; songs the catalogue does not hold are placed on the map from their own audio features. The file is kept with the session and placed again on each new run."</p>
            <MinePanel/>
            <p hidden=move || !empty()>"The playlist is empty."</p>
            <ol id="playlist" class="playlist" hidden=empty>{move || entries(state)}</ol>
            <div class="actions">
                <button id="more-like-these" type="button" on:click=move |_| state.dispatch(Action::MoreLikeThese)
                    prop:disabled=move || empty() || state.results.get().is_none() || !state.idle.get()>"More like these"</button>
                <button id="export-playlist" type="button" on:click=move |_| state.dispatch(Action::ExportPlaylist)
                    prop:disabled=move || empty() || !state.idle.get()>"Download playlist as CSV"</button>
                <button id="export-spotify" type="button" on:click=move |_| state.dispatch(Action::ExportForSpotify)
                    prop:disabled=move || empty() || !state.idle.get()
                    title="Track URI, Track Name, Artist Name(s): what playlist importers for Spotify read">"Download for Spotify (Track URI CSV)"</button>
                <button id="clear-playlist" type="button" on:click=move |_| state.dispatch(Action::ClearPlaylist)
                    prop:disabled=empty>"Clear playlist"</button>
            </div>
            <p class="help">"“More like these” ranks every other song by its average cosine similarity to the playlist's songs, so each song counts equally."</p>
            {move || state.more_like_these.get().map(|r| more_view(state, &r))}
            <FlowPanel mine=false/>
        </section>
    }
}

fn entries(state: AppState) -> impl IntoView {
    let list = state.playlist.get();
    let last = list.len().saturating_sub(1);
    list.into_iter()
        .enumerate()
        .map(|(i, e)| {
            let name = song_label(&e.title, &e.artist);
            let shift = move |to: usize| state.dispatch(Action::MoveSong { from: i, to });
            view! {
                <li>
                    <span class="song-name">{name.clone()}</span>
                    <button type="button" aria-label=format!("Move {name} up") prop:disabled=i == 0
                        on:click=move |_| shift(i.saturating_sub(1))>"↑"</button>
                    <button type="button" aria-label=format!("Move {name} down") prop:disabled=i == last
                        on:click=move |_| shift((i + 1).min(last))>"↓"</button>
                    <button type="button" aria-label=format!("Remove {name}")
                        on:click=move |_| state.dispatch(Action::RemoveSong(i))>"Remove"</button>
                </li>
            }
        })
        .collect_view()
}

fn more_view(state: AppState, r: &SetRecommendation) -> impl IntoView {
    let caption = format!(
        "The {} songs most like the {} playlist songs in this run on average, by {}.{}",
        r.similar.len(),
        r.seeds,
        r.rule.label().to_lowercase(),
        folded_note(r.folded)
    );
    view! {
        <h3 id="more-title">"More like these"</h3>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="more-title">
            {set_table(state, r, "more-table", ("more-caption", caption))}
        </div>
    }
}
