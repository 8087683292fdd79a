//! When two rows are the same song: the same track id where the file has them, else the same
//! normalised title and first artist. One normaliser for the whole app (folding repeats out of
//! similar songs, and matching a playlist to a catalogue), so they never disagree.

use std::collections::HashMap;

use deunicode::deunicode;

use super::columns::ColumnMapping;
use super::load::Table;
use super::track_id::{track_id_column, track_id_of};

/// Words that make a title's dash or bracket part say which recording rather than which song
/// (" - Remastered 2011", "(Live at Wembley)", "[Radio Edit]", " - 2019 Mix"), anywhere in it…
const VERSION_WORDS: &[&str] = &[
    "remaster",
    "remastered",
    "live",
    "edit",
    "mono",
    "stereo",
    "version",
    "mix",
    "remix",
    "acoustic",
    "demo",
    "instrumental",
    "extended",
    "explicit",
    "clean",
    "deluxe",
    "bonus",
    "rerecorded",
    "anniversary",
    "unplugged",
];
/// …or as its first word ("(feat. X)", "(with Y)", "- From the film Z").
const FIRST_WORDS: &[&str] = &["feat", "featuring", "ft", "with", "from"];

/// A song's identity: its folded title without version notes, and its folded first artist.
pub fn song_identity(title: &str, artist: &str) -> String {
    format!("{}\u{1f}{}", title_key(title), first_artist(artist))
}

/// One id per entry of `rows` (rows of `table`), equal exactly where two entries are the same
/// song: by track id where the file has a column of them and the cell is filled, else by title
/// and first artist. Without a title or an artist column every row is its own song (a title
/// alone would fold every "Intro" of the file into one).
pub fn identities(table: &Table, mapping: &ColumnMapping, rows: &[usize]) -> Vec<u32> {
    let ids = track_id_column(&table.headers);
    let mut known: HashMap<String, u32> = HashMap::with_capacity(rows.len());
    rows.iter()
        .enumerate()
        .map(|(i, &row)| {
            let key = track_id_of(table, ids, row).map(|id| format!("id:{id}")).or_else(|| {
                let (title, artist) = (table.cell(row, mapping.title?), table.cell(row, mapping.artist?));
                let key = song_identity(title, artist);
                (key.len() > 1).then_some(key)
            });
            let next = known.len() as u32;
            match key {
                Some(key) => *known.entry(key).or_insert(next),
                // A row that says nothing of itself is unique: an id past any interned one.
                None => u32::MAX - i as u32,
            }
        })
        .collect()
}

/// The title folded (case, accents, punctuation) with version notes cut off.
pub fn title_key(title: &str) -> String {
    let mut t = deunicode(title).to_lowercase();
    // "Song (feat. X)", "Song [Live]": a bracket whose content is a version note goes.
    while let Some(open) = t.rfind(['(', '[']) {
        let inner = t[open + 1..].trim_end_matches([')', ']']).trim();
        if !is_version_note(inner) {
            break;
        }
        t.truncate(open);
    }
    // "Song - Remastered 2011", "Song - Live": the part after the last " - " when it is one.
    if let Some(dash) = t.rfind(" - ") {
        if is_version_note(t[dash + 3..].trim()) {
            t.truncate(dash);
        }
    }
    words(&t)
}

/// The first of the artists ("A, B", "A & B", "A feat. B", "A;B", "['A', 'B']"), folded.
pub fn first_artist(artist: &str) -> String {
    let a = deunicode(artist).to_lowercase();
    let a = a.trim().trim_start_matches(['[', '\'', '"']);
    let cut = [",", ";", " & ", " feat. ", " feat ", " ft. ", " featuring ", " x ", " with ", "', '"]
        .iter()
        .filter_map(|sep| a.find(sep))
        .min()
        .unwrap_or(a.len());
    words(&a[..cut])
}

fn is_version_note(text: &str) -> bool {
    let folded = words(&text.replace('-', ""));
    let mut all = folded.split(' ');
    let first = all.next().unwrap_or("");
    FIRST_WORDS.contains(&first) || VERSION_WORDS.contains(&first) || all.any(|w| VERSION_WORDS.contains(&w))
}

fn words(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_one_song_are_one_song() {
        let id = song_identity("Here Comes the Sun", "The Beatles");
        for (title, artist) in [
            ("Here Comes The Sun - Remastered 2009", "The Beatles"),
            ("Here Comes the Sun (Remastered)", "The Beatles, George Harrison"),
            ("HERE COMES THE SUN [Live]", "the beatles"),
            ("Here Comes the Sun (feat. Someone)", "The Beatles feat. Someone"),
            ("Here Comes the Sun - 2019 Mix", "The Beatles"),
        ] {
            assert_eq!(song_identity(title, artist), id, "{title} / {artist}");
        }
    }

    #[test]
    fn different_songs_and_meaningful_brackets_stay_apart() {
        assert_ne!(
            song_identity("Here Comes the Sun", "Nina Simone"),
            song_identity("Here Comes the Sun", "The Beatles")
        );
        // A bracket that is part of the title is kept.
        assert_eq!(title_key("(I Can't Get No) Satisfaction"), "i can t get no satisfaction");
        assert_ne!(title_key("Song (Part 2)"), title_key("Song"));
        assert_eq!(title_key("Café del Mar - Energy 52 Remix"), "cafe del mar");
        assert_eq!(title_key("Beyoncé — Halo"), "beyonce halo");
    }

    #[test]
    fn rows_are_one_song_by_track_id_else_by_title_and_artist() {
        let csv = "track_id,song,artist,energy\nA1,Intro,X,1\nA1,Intro (Live),Y,1\n,Intro - Remastered,X,1\n,Outro,X,1\n,,,1\n,,,1\n";
        let table = crate::pipeline::input::load::parse_csv(csv.as_bytes()).unwrap();
        let mapping = ColumnMapping::guess(&table.headers);
        let ids = identities(&table, &mapping, &[0, 1, 2, 3, 4, 5]);
        assert_eq!(ids[0], ids[1], "one track id");
        assert_ne!(ids[2], ids[0], "no id: by title and artist, and X's Intro has its own entry");
        assert_ne!(ids[3], ids[2]);
        assert_ne!(ids[4], ids[5], "rows that name nothing are each their own song");
        let no_artist = ColumnMapping { artist: None, ..mapping };
        let ids = identities(&table, &no_artist, &[2, 3]);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn the_first_artist_of_any_list() {
        assert_eq!(first_artist("Simon & Garfunkel"), "simon");
        assert_eq!(first_artist("Daft Punk, Pharrell Williams"), "daft punk");
        assert_eq!(first_artist("['Drake', 'Rihanna']"), "drake");
        assert_eq!(first_artist("Sia feat. Sean Paul"), "sia");
        assert_eq!(first_artist("Björk"), "bjork");
        assert_eq!(first_artist(""), "");
    }
}
