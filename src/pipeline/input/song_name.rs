//! How a song is named, everywhere a person reads it: cluster examples, search hits, similar
//! songs, the playlist and the map's pointer.

use std::borrow::Cow;

use super::load::Table;

/// The title of the file's row `row` ("Line N", the line it was read from, where it has none)
/// and its artist ("" where it has none).
pub fn title_and_artist(
    table: &Table,
    title: Option<usize>,
    artist: Option<usize>,
    row: usize,
) -> (Cow<'_, str>, &str) {
    let cell = |column: Option<usize>| column.map_or("", |c| table.cell(row, c).trim());
    let title = match cell(title) {
        "" => Cow::Owned(format!("Line {}", table.lines.get(row).copied().unwrap_or(0))),
        t => Cow::Borrowed(t),
    };
    (title, cell(artist))
}

/// "Title — Artist", or the title alone for a song without an artist.
pub fn song_label(title: &str, artist: &str) -> String {
    match artist {
        "" => title.to_string(),
        a => format!("{title} — {a}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::load::parse_csv;

    #[test]
    fn a_song_is_named_by_title_and_artist_or_its_line() {
        let table = parse_csv(b"title,artist,energy\nDancing Queen,ABBA,0.8\n,Erasure,0.7\n  ,,0.1\n").unwrap();
        let name = |row| {
            let (t, a) = title_and_artist(&table, Some(0), Some(1), row);
            song_label(&t, a)
        };
        assert_eq!(name(0), "Dancing Queen — ABBA");
        assert_eq!(name(1), "Line 3 — Erasure");
        assert_eq!(name(2), "Line 4");
        let (title, artist) = title_and_artist(&table, None, None, 0);
        assert_eq!((title.as_ref(), artist), ("Line 2", ""));
    }
}
