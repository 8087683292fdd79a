//! Per-song data that travels beside the JSON as typed arrays, and how it is packed.

use std::ops::Range;

/// Where run row `row`'s title and artist are in the text `song_names` packs, given `end(i)`, the
/// end of its `i`-th part (`None` past the last). The page keeps the packed names as the typed
/// arrays they arrive in, so it asks through `end` rather than a slice.
pub fn song_name_ranges(end: impl Fn(usize) -> Option<u32>, row: usize) -> Option<(Range<usize>, Range<usize>)> {
    let start = match row {
        0 => 0,
        _ => end(2 * row - 1)? as usize,
    };
    let (title_end, artist_end) = (end(2 * row)? as usize, end(2 * row + 1)? as usize);
    (start <= title_end && title_end <= artist_end).then_some((start..title_end, title_end..artist_end))
}

/// Every run row's title then artist as one UTF-8 text, and where each part ends (two per row).
/// They travel beside `Event::Finished` as typed arrays (`name_text`, `name_ends`), so the map
/// can name the song under the pointer in the same task as the pointer's move.
pub fn song_names<T: AsRef<str>, A: AsRef<str>>(songs: impl ExactSizeIterator<Item = (T, A)>) -> (Vec<u8>, Vec<u32>) {
    let (mut text, mut ends) = (Vec::new(), Vec::with_capacity(2 * songs.len()));
    for (title, artist) in songs {
        for part in [title.as_ref(), artist.as_ref()] {
            text.extend_from_slice(part.as_bytes());
            // Files are at most 256 MB, so offsets fit; saturate rather than wrap if not.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
    }
    (text, ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn song_names_pack_and_unpack() {
        let songs = [("Ça plane pour moi", "Plastic Bertrand"), ("Line 7", ""), ("", "Björk"), ("Кино", "Кино")];
        let (text, ends) = song_names(songs.iter().copied());
        let end = |i: usize| ends.get(i).copied();
        let part = |r: Range<usize>| std::str::from_utf8(&text[r]).unwrap();
        for (row, song) in songs.iter().enumerate() {
            let (title, artist) = song_name_ranges(end, row).unwrap();
            assert_eq!((part(title), part(artist)), *song, "row {row}");
        }
        assert_eq!(song_name_ranges(end, songs.len()), None, "no row past the end");
    }
}
