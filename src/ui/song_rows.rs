//! Pieces of the song tables that more than one panel shows: the cells of a similar song, the
//! button that adds a song to the playlist, and the table of songs like a set.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::Action;
use crate::pipeline::explore::recommend::{Metric, Rule};
use crate::protocol::{SetRecommendation, SimilarSong, SongRef};

/// Rank, title, artist, closeness and cluster: the first cells of a row of similar songs (here
/// and under "More like these"). Closeness is on the file's scale (`explore::closeness`); the
/// rule's own number is in the cell's tooltip and `data-score`.
pub fn similar_cells(i: usize, s: &SimilarSong, rule: Rule) -> impl IntoView {
    let raw = match rule.metric {
        Metric::Euclidean => format!("distance {:.3}", s.score),
        _ => format!("cosine {:.3}", s.score),
    };
    let shown = s.closeness.map_or_else(|| raw.clone(), |c| format!("{c:.0}"));
    let tip = format!(
        "{raw}; closeness 100 is nearer than any song's 10th nearest in this file, 50 an ordinary 10th nearest"
    );
    view! {
        <td class="num">{i + 1}</td>
        <td>{s.song.title.clone()}</td>
        <td>{s.song.artist.clone()}</td>
        <td class="num closeness" title=tip data-score=s.score.to_string()>{shown}</td>
        <td class="num">{s.song.cluster}</td>
    }
}

/// "Closeness (0–100)", the header over `similar_cells`' closeness.
pub const CLOSENESS_HEADER: &str = "Closeness (0–100)";

/// "2 repeats of a song left out", or nothing.
pub fn folded_note(folded: usize) -> String {
    match folded {
        0 => String::new(),
        1 => " 1 repeat of a song already listed was left out.".into(),
        n => format!(" {n} repeats of songs already listed were left out."),
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

/// The table of songs like a set ("More like these", "More like my playlist"): each with its
/// closeness and a button to add it to the playlist.
pub fn set_table(state: AppState, r: &SetRecommendation, id: &'static str, caption: (&'static str, String)) -> impl IntoView {
    let rows = r
        .similar
        .iter()
        .enumerate()
        .map(|(i, s)| view! { <tr>{similar_cells(i, s, r.rule)}<td>{add_button(state, s.song.clone())}</td></tr> })
        .collect_view();
    view! {
        <table id=id>
            <caption id=caption.0>{caption.1}</caption>
            <thead><tr>
                <th scope="col">"#"</th><th scope="col">"Title"</th><th scope="col">"Artist"</th>
                <th scope="col">{CLOSENESS_HEADER}</th><th scope="col">"Cluster"</th><th scope="col">"Playlist"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
