//! Step 9: the playlist. Songs come from the chosen song, its similar songs and the map; the
//! list is kept in localStorage under the loaded file's fingerprint, so it survives a reload
//! of the same file and never mixes files.

use leptos::prelude::*;

use super::app::send;
use super::find_song::similar_cells;
use super::state::{AppState, PlaylistEntry};
use crate::pipeline::recommend::Metric;
use crate::protocol::{DatasetInfo, Request, SetRecommendation, SongRef};

const MORE: usize = 20;

/// The storage key for a file: its name, size and columns. Two different files rarely agree
/// on all three, and the same file always does, across reloads and new runs.
pub fn storage_key(info: &DatasetInfo) -> String {
    let columns: String = info.columns.iter().take(50).map(|c| c.as_str()).collect::<Vec<_>>().join("\u{1f}");
    format!("songscape.playlist|{}|{}|{}", info.name, info.rows, columns)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load(key: &str) -> Vec<PlaylistEntry> {
    let text = storage().and_then(|s| s.get_item(key).ok().flatten()).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

fn save(key: &str, songs: &[PlaylistEntry]) {
    let Some(s) = storage() else { return };
    // A full or disabled storage only loses persistence, never the list on screen.
    let _ = match songs.is_empty() {
        true => s.remove_item(key),
        false => serde_json::to_string(songs).map_or(Ok(()), |t| s.set_item(key, &t)),
    };
}

/// Adds a song unless it is in the list already.
pub fn add_song(state: AppState, song: &SongRef) {
    state.playlist.update(|list| {
        if !list.iter().any(|e| e.table_row == song.table_row) {
            list.push(PlaylistEntry::from(song));
        }
    });
    state.status.set(format!("{} is in the playlist.", song.title));
}

/// A button that adds `song` to the playlist, or says it is there.
pub fn add_button(state: AppState, song: SongRef) -> impl IntoView {
    let row = song.table_row;
    let title = song.title.clone();
    let inside = move || state.playlist.with(|l| l.iter().any(|e| e.table_row == row));
    // The name starts with the visible text, so speech users can say what they see.
    let label = move || match inside() {
        true => format!("In playlist: {title}"),
        false => format!("Add {title} to the playlist"),
    };
    view! {
        <button type="button" class="add-song" aria-label=label prop:disabled=inside
            on:click=move |_| add_song(state, &song)>{move || if inside() { "In playlist" } else { "Add" }}</button>
    }
}

#[component]
pub fn PlaylistPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let key = Memo::new(move |_| state.dataset.get().map(|d| storage_key(&d)));
    Effect::new(move |_| {
        if let Some(k) = key.get() {
            state.playlist.set(load(&k));
        }
    });
    Effect::new(move |_| {
        let songs = state.playlist.get();
        if let Some(k) = key.get_untracked() {
            save(&k, &songs);
        }
    });
    let rows = move || state.playlist.get().iter().map(|e| e.table_row).collect::<Vec<_>>();
    let more = move |_| send(Request::MoreLikeThese { table_rows: rows(), n: MORE, metric: Metric::Cosine });
    let export =
        move |_| send(Request::ExportPlaylist { table_rows: rows(), names: state.cluster_names.get_untracked() });
    let empty = move || state.playlist.with(Vec::is_empty);
    view! {
        <section class="panel" aria-labelledby="playlist-title" hidden=move || state.dataset.get().is_none()>
            <h2 id="playlist-title">"10. Playlist"</h2>
            <p class="help">"Add songs from the chosen song, its similar songs or the map. The list is kept in this browser for this file."</p>
            <p hidden=move || !empty()>"The playlist is empty."</p>
            <ol id="playlist" class="playlist" hidden=empty>{move || entries(state)}</ol>
            <div class="actions">
                <button id="more-like-these" type="button" on:click=more
                    prop:disabled=move || empty() || state.results.get().is_none() || !state.idle()>"More like these"</button>
                <button id="export-playlist" type="button" on:click=export
                    prop:disabled=move || empty() || !state.idle()>"Download playlist as CSV"</button>
                <button id="clear-playlist" type="button" on:click=move |_| state.playlist.set(Vec::new())
                    prop:disabled=empty>"Clear playlist"</button>
            </div>
            <p class="help">"“More like these” ranks every other song by its average cosine similarity to the playlist's songs, so each song counts equally."</p>
            {move || state.more_like_these.get().map(|r| more_view(state, &r))}
        </section>
    }
}

fn entries(state: AppState) -> impl IntoView {
    let list = state.playlist.get();
    let last = list.len().saturating_sub(1);
    list.into_iter()
        .enumerate()
        .map(|(i, e)| {
            let name = match e.artist.as_str() {
                "" => e.title.clone(),
                a => format!("{} — {a}", e.title),
            };
            let shift = move |to: usize| state.playlist.update(|l| l.swap(i, to));
            view! {
                <li>
                    <span class="song-name">{name.clone()}</span>
                    <button type="button" aria-label=format!("Move {name} up") prop:disabled=i == 0
                        on:click=move |_| shift(i.saturating_sub(1))>"↑"</button>
                    <button type="button" aria-label=format!("Move {name} down") prop:disabled=i == last
                        on:click=move |_| shift((i + 1).min(last))>"↓"</button>
                    <button type="button" aria-label=format!("Remove {name}")
                        on:click=move |_| state.playlist.update(|l| { l.remove(i); })>"Remove"</button>
                </li>
            }
        })
        .collect_view()
}

fn more_view(state: AppState, r: &SetRecommendation) -> impl IntoView {
    let rows = r
        .similar
        .iter()
        .enumerate()
        .map(|(i, s)| {
            view! {
                <tr>
                    {similar_cells(i, s)}
                    <td>{add_button(state, s.song.clone())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 id="more-title">"More like these"</h3>
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="more-title">
            <table id="more-table">
                <caption>{format!("The {} songs with the highest average similarity to the {} playlist songs in this run.", r.similar.len(), r.seeds)}</caption>
                <thead><tr>
                    <th scope="col">"#"</th><th scope="col">"Title"</th><th scope="col">"Artist"</th>
                    <th scope="col">"Average similarity"</th><th scope="col">"Cluster"</th><th scope="col">"Playlist"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
