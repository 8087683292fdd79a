//! A person's own playlist found in a trained catalogue: each playlist row matched to a catalogue
//! song by Spotify track id (or URI) when both files have them, else by normalised title and
//! first artist (`song_identity`, the normaliser that folds repeats out of similar songs).
//! Matching is never silent about ambiguity: when two catalogue songs share a title and artist,
//! the match says how many there were and which one was taken (the first in the catalogue).

use std::collections::HashMap;

use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::load::Table;
use crate::pipeline::input::song_identity::song_identity;
use crate::pipeline::input::track_id::{track_id, track_id_column};

/// How one playlist row was found in the catalogue. Positions are into the catalogue's usable
/// rows (the run's songs: the index of their codes), not its file lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The same Spotify track id.
    ById { song: usize },
    /// The same title and first artist; `among` catalogue songs had them, the first was taken.
    ByName { song: usize, among: usize },
    /// Not in the catalogue.
    Missing,
}

impl Found {
    pub fn song(self) -> Option<usize> {
        match self {
            Found::ById { song } | Found::ByName { song, .. } => Some(song),
            Found::Missing => None,
        }
    }
}

/// The catalogue's songs by track id and by title and first artist, built once per run.
#[derive(Debug, Clone, Default)]
pub struct CatalogueIndex {
    by_id: HashMap<String, usize>,
    /// Every song with the identity, in catalogue order.
    by_name: HashMap<String, Vec<usize>>,
}

impl CatalogueIndex {
    /// `rows` are the catalogue's usable rows (file rows, in the run's order).
    pub fn of(table: &Table, mapping: &ColumnMapping, rows: &[usize]) -> CatalogueIndex {
        let ids = track_id_column(&table.headers);
        let mut index = CatalogueIndex::default();
        for (song, &row) in rows.iter().enumerate() {
            if let Some(id) = ids.and_then(|c| track_id(table.cell(row, c))) {
                index.by_id.entry(id).or_insert(song);
            }
            if let Some(key) = name_key(table, mapping, row) {
                index.by_name.entry(key).or_default().push(song);
            }
        }
        index
    }

    /// Where the playlist's row `row` is in the catalogue. An id the catalogue does not hold
    /// falls back to the name: the same recording re-released has another id.
    pub fn find(&self, playlist: &Table, mapping: &ColumnMapping, ids: Option<usize>, row: usize) -> Found {
        let by_id = ids.and_then(|c| track_id(playlist.cell(row, c))).and_then(|id| self.by_id.get(&id));
        if let Some(&song) = by_id {
            return Found::ById { song };
        }
        match name_key(playlist, mapping, row).and_then(|key| self.by_name.get(&key)) {
            Some(songs) if !songs.is_empty() => Found::ByName { song: songs[0], among: songs.len() },
            _ => Found::Missing,
        }
    }
}

/// The identity of a row with a title and an artist; `None` without either (a title alone would
/// match every "Intro").
fn name_key(table: &Table, mapping: &ColumnMapping, row: usize) -> Option<String> {
    let (title, artist) = (table.cell(row, mapping.title?), table.cell(row, mapping.artist?));
    let key = song_identity(title, artist);
    let (t, a) = key.split_once('\u{1f}')?;
    (!t.is_empty() && !a.is_empty()).then_some(key)
}

/// Every row of `playlist` matched against `catalogue`.
pub fn match_playlist(catalogue: &CatalogueIndex, playlist: &Table, mapping: &ColumnMapping) -> Vec<Found> {
    let ids = track_id_column(&playlist.headers);
    (0..playlist.n_rows()).map(|row| catalogue.find(playlist, mapping, ids, row)).collect()
}

/// How many rows were found which way, for the page's sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MatchCounts {
    pub by_id: usize,
    pub by_name: usize,
    /// Found by name among more than one catalogue song with that title and artist.
    pub ambiguous: usize,
    pub missing: usize,
}

impl MatchCounts {
    pub fn of(found: &[Found]) -> MatchCounts {
        found.iter().fold(MatchCounts::default(), |mut c, f| {
            match *f {
                Found::ById { .. } => c.by_id += 1,
                Found::ByName { among, .. } => {
                    c.by_name += 1;
                    c.ambiguous += usize::from(among > 1);
                }
                Found::Missing => c.missing += 1,
            }
            c
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::load::parse_csv;

    fn table(csv: &str) -> Table {
        parse_csv(csv.as_bytes()).unwrap()
    }

    fn catalogue() -> (Table, CatalogueIndex) {
        let t = table(
            "track_id,track_name,track_artist,energy\n\
             4uLU6hMCjMI75M1A2tKUQC,Never Gonna Give You Up,Rick Astley,0.9\n\
             7ouMYWpwJ422jRcDASZB7P,Knights of Cydonia,Muse,0.95\n\
             ,Héroes,Mónica Naranjo,0.5\n\
             1aaaaaaaaaaaaaaaaaaaaa,Intro,The xx,0.2\n\
             2bbbbbbbbbbbbbbbbbbbbb,Intro,The xx,0.3\n",
        );
        let mapping = ColumnMapping::guess(&t.headers);
        let rows: Vec<usize> = (0..t.n_rows()).collect();
        let index = CatalogueIndex::of(&t, &mapping, &rows);
        (t, index)
    }

    fn found(playlist: &str) -> Vec<Found> {
        let p = table(playlist);
        let mapping = ColumnMapping::guess(&p.headers);
        match_playlist(&catalogue().1, &p, &mapping)
    }

    #[test]
    fn by_track_id_uri_or_link() {
        // Exportify's headers: "Track URI", "Track Name", "Artist Name(s)".
        let got = found(
            "Track URI,Track Name,Artist Name(s)\n\
             spotify:track:7ouMYWpwJ422jRcDASZB7P,Knights Of Cydonia (Live),Muse\n\
             https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x,Other title,Someone\n",
        );
        assert_eq!(got, vec![Found::ById { song: 1 }, Found::ById { song: 0 }]);
    }

    #[test]
    fn by_title_and_first_artist_through_the_usual_variants() {
        let got = found(
            "Track Name,Artist Name(s)\n\
             Never Gonna Give You Up - Remastered 2011,\"Rick Astley, Someone Else\"\n\
             knights of cydonia (feat. Nobody),MUSE\n\
             Heroes,Monica Naranjo\n\
             Never Gonna Give You Up,Another Artist\n",
        );
        assert_eq!(
            got[..3],
            [
                Found::ByName { song: 0, among: 1 },
                Found::ByName { song: 1, among: 1 },
                Found::ByName { song: 2, among: 1 }
            ]
        );
        assert_eq!(got[3], Found::Missing, "the title alone is not the song");
    }

    #[test]
    fn an_unknown_id_falls_back_to_the_name_and_ambiguity_is_counted() {
        let got = found(
            "Track URI,Track Name,Artist Name(s)\n\
             spotify:track:0zzzzzzzzzzzzzzzzzzzzz,Knights of Cydonia,Muse\n\
             spotify:track:0yyyyyyyyyyyyyyyyyyyyy,Intro,The xx\n\
             spotify:track:0xxxxxxxxxxxxxxxxxxxxx,Nothing Like It,Nobody\n\
             ,,\n",
        );
        assert_eq!(
            got,
            vec![
                Found::ByName { song: 1, among: 1 },
                Found::ByName { song: 3, among: 2 },
                Found::Missing,
                Found::Missing
            ]
        );
        let counts = MatchCounts::of(&got);
        assert_eq!(counts, MatchCounts { by_id: 0, by_name: 2, ambiguous: 1, missing: 2 });
        assert_eq!(got[1].song(), Some(3), "the first of the two in the catalogue is taken");
    }

    #[test]
    fn a_playlist_without_titles_or_artists_matches_only_by_id() {
        assert_eq!(
            found("Track URI,energy\nspotify:track:7ouMYWpwJ422jRcDASZB7P,0.5\n,0.4\n"),
            vec![Found::ById { song: 1 }, Found::Missing]
        );
        assert_eq!(found("Track Name,energy\nKnights of Cydonia,0.5\n"), vec![Found::Missing]);
    }
}
