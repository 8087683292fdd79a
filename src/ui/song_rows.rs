//! Pieces of the song tables that more than one panel shows: the cells of a similar song, and
//! the button that adds a song to the playlist.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::Action;
use crate::protocol::{SimilarSong, SongRef};

/// Rank, title, artist, score and cluster: the first cells of a row of similar songs (here and
/// under "More like these").
pub fn similar_cells(i: usize, s: &SimilarSong) -> impl IntoView {
    view! {
        <td class="num">{i + 1}</td>
        <td>{s.song.title.clone()}</td>
        <td>{s.song.artist.clone()}</td>
        <td class="num">{format!("{:.3}", s.score)}</td>
        <td class="num">{s.song.cluster}</td>
    }
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
            on:click=move |_| state.dispatch(Action::AddSong(song.clone()))>{move || if inside() { "In playlist" } else { "Add" }}</button>
    }
}
