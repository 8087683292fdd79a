//! A song's Spotify track id, where the file has a column of them: the name a link gives a song
//! (stable when the file is edited or re-exported), and what a playlist can be matched by.

use super::columns::fold;
use super::load::Table;

/// Header names (folded) of track-id columns, most specific first: Exportify's "Track URI" and
/// "Spotify ID", Kaggle's `track_id`, and the plain `id`/`uri` of the API's own exports.
const ID_HEADERS: &[&str] = &["trackuri", "spotifyid", "trackid", "spotifyuri", "uri", "id"];

/// The column of track ids, if the header has one.
pub fn track_id_column(headers: &[String]) -> Option<usize> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    ID_HEADERS.iter().find_map(|a| folded.iter().position(|h| h == a))
}

/// The id in a cell: `spotify:track:ID`, `https://open.spotify.com/track/ID?si=…` or the bare ID
/// all give `ID`. `None` for an empty cell.
pub fn track_id(cell: &str) -> Option<String> {
    let cell = cell.trim();
    let id = cell
        .strip_prefix("spotify:track:")
        .or_else(|| cell.split_once("open.spotify.com/track/").map(|(_, rest)| rest))
        .unwrap_or(cell);
    let id = id.split(['?', '#', '/']).next().unwrap_or("").trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// The track id of the file's row `row`, where the file has them.
pub fn track_id_of(table: &Table, column: Option<usize>, row: usize) -> Option<String> {
    track_id(table.cell(row, column?))
}

/// The first row (0-based after the header) whose track id is `id`.
pub fn row_of_id(table: &Table, column: usize, id: &str) -> Option<usize> {
    (0..table.n_rows()).find(|&r| track_id(table.cell(r, column)).as_deref() == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::load::parse_csv;

    #[test]
    fn id_columns_are_found_by_their_usual_names() {
        let h = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(track_id_column(&h(&["Track URI", "Track Name"])), Some(0));
        assert_eq!(track_id_column(&h(&["", "track_id", "artists"])), Some(1));
        assert_eq!(track_id_column(&h(&["Artist IDs", "Spotify ID"])), Some(1));
        assert_eq!(track_id_column(&h(&["name", "energy"])), None);
    }

    #[test]
    fn uris_links_and_bare_ids_give_the_same_id() {
        let id = Some("4uLU6hMCjMI75M1A2tKUQC".to_string());
        assert_eq!(track_id("spotify:track:4uLU6hMCjMI75M1A2tKUQC"), id);
        assert_eq!(track_id("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=abc"), id);
        assert_eq!(track_id(" 4uLU6hMCjMI75M1A2tKUQC "), id);
        assert_eq!(track_id("  "), None);
    }

    #[test]
    fn a_row_is_found_by_its_id() {
        let table = parse_csv(b"id,name\nA1,one\nspotify:track:B2,two\n").unwrap();
        let column = track_id_column(&table.headers).unwrap();
        assert_eq!(row_of_id(&table, column, "B2"), Some(1));
        assert_eq!(row_of_id(&table, column, "C3"), None);
        assert_eq!(track_id_of(&table, Some(column), 0).as_deref(), Some("A1"));
    }
}
