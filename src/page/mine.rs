//! The person's own playlist file on the catalogue's map, as the page holds it: what was found
//! and placed, the toggle that makes it stand out, songs like it, and an order of the playlist
//! for flow waiting to be applied.

use super::action::{Action, Effect};
use super::reduce::add_new;
use super::{Page, PlaylistEntry, Shared, Tab};
use crate::protocol::{Event, PlaylistFound, Request};

/// Songs "More like my playlist" asks for.
pub const MORE_LIKE_MINE: usize = 30;

/// A personal playlist file on the catalogue's map ("Add your playlist (CSV)").
#[derive(Debug, Clone, PartialEq)]
pub struct Mine {
    pub found: Shared<PlaylistFound>,
    /// The catalogue songs it holds (run rows, ascending, each once): they stand out on the map.
    pub rows: Shared<Vec<usize>>,
    /// Its songs stand out on the map (the toggle).
    pub shown: bool,
}

impl Mine {
    pub fn of(found: PlaylistFound, shown: bool) -> Mine {
        let mut rows: Vec<usize> = found.songs.iter().map(|s| s.row).collect();
        rows.sort_unstable();
        rows.dedup();
        Mine { found: Shared::new(found), rows: Shared::new(rows), shown }
    }
}

impl Page {
    pub(super) fn on_mine(&mut self, action: Action) -> Vec<Effect> {
        let send = |r: Request| vec![Effect::Send(r)];
        match action {
            Action::ShowMine(shown) => {
                if let Some(m) = &mut self.playlist.mine {
                    m.shown = shown;
                }
            }
            Action::MoreLikeMine { cluster, tempo } if self.playlist.mine.is_some() => {
                let rule = self.selection.rule;
                return send(Request::MoreLikeMine { n: MORE_LIKE_MINE, rule, cluster, tempo });
            }
            Action::ExportMoreLikeMine => {
                let Some(more) = &self.playlist.mine_more else { return vec![] };
                let table_rows = more.list.similar.iter().map(|s| s.song.table_row).collect();
                return send(Request::ExportForSpotify { table_rows, more_like: true });
            }
            Action::OrderForFlow { seed, tempo_window, mine } => {
                let table_rows = if mine { Vec::new() } else { self.playlist_rows() };
                return send(Request::FlowOrder { table_rows, seed, tempo_window, mine });
            }
            Action::ExportMineFlow => {
                let Some(flow) = &self.playlist.mine_flow else { return vec![] };
                return send(Request::ExportMineForSpotify { playlist_rows: flow.playlist_rows.clone() });
            }
            Action::ApplyFlow => self.apply_flow(),
            _ => {}
        }
        vec![]
    }

    pub(super) fn on_mine_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::PlaylistFound(found) if found.second => {
                if !found.again {
                    self.notice.status = format!("Second playlist, to compare: {}", found_sentence(&found, found.by_id + found.by_name));
                }
                self.playlist.second = Some(Mine::of(*found, false));
            }
            Event::PlaylistFound(found) if found.again => {
                let shown = self.playlist.mine.as_ref().is_none_or(|m| m.shown);
                self.playlist.mine = Some(Mine::of(*found, shown));
                // Songs like it, and its order, on the last run are not on this one's terms.
                (self.playlist.mine_more, self.playlist.mine_flow) = (None, None);
            }
            Event::PlaylistFound(found) => {
                let added = add_new(&mut self.playlist.songs, &found.songs);
                self.notice.status = found_sentence(&found, added);
                self.playlist.note = (!found.named_ambiguous.is_empty()).then(|| {
                    let named = found.named_ambiguous.join("; ");
                    format!("Found by title and artist among several catalogue songs: {named}.")
                });
                // Its songs stand out on the map (the rest greyed) until the toggle hides them.
                self.playlist.mine = Some(Mine::of(*found, true));
                (self.playlist.mine_more, self.playlist.mine_flow) = (None, None);
                self.view.tab = Tab::Playlist;
            }
            Event::MineRecommended(r) => {
                self.notice.status = format!("{} songs like your playlist.", r.list.similar.len());
                self.playlist.mine_more = Some(Shared::new(*r));
            }
            Event::FlowOrdered(f) if f.mine => {
                self.notice.status = format!(
                    "An order for flow of your playlist: the steps between songs add up to {:.1} instead of {:.1}.",
                    f.after, f.before
                );
                self.playlist.mine_flow = Some(Shared::new(*f));
            }
            Event::FlowOrdered(f) => {
                self.notice.status = format!(
                    "An order for flow: the steps between songs add up to {:.1} instead of {:.1}. Apply it to use it.",
                    f.after, f.before
                );
                self.playlist.flow = Some(Shared::new(*f));
            }
            Event::SpotifyExported { file, songs, with_uri } => {
                let missing = songs - with_uri.min(songs);
                let said = match missing {
                    0 => format!("{file} is downloading: all {songs} songs have a Spotify track URI."),
                    _ => format!(
                        "{file} is downloading: {with_uri} of {songs} songs have a Spotify track URI; the other {missing} have an empty Track URI, so an importer can only look them up by title and artist."
                    ),
                };
                self.end_task(said);
                return vec![Effect::Download(file)];
            }
            _ => {}
        }
        vec![]
    }

    /// The proposed order becomes the playlist's; songs it did not order (not in the run) keep
    /// their order after it.
    fn apply_flow(&mut self) {
        let Some(flow) = self.playlist.flow.take() else { return };
        let songs = std::mem::take(&mut self.playlist.songs);
        let (mut ordered, mut rest): (Vec<Option<PlaylistEntry>>, Vec<PlaylistEntry>) = (vec![None; flow.table_rows.len()], Vec::new());
        for song in songs {
            match flow.table_rows.iter().position(|&t| t == song.table_row) {
                Some(i) if ordered[i].is_none() => ordered[i] = Some(song),
                _ => rest.push(song),
            }
        }
        self.playlist.songs = ordered.into_iter().flatten().chain(rest).collect();
        self.notice.status = format!("The playlist is in the order for flow ({} songs).", self.playlist.songs.len());
    }
}

/// What adding a playlist file found, in one sentence.
pub fn found_sentence(f: &PlaylistFound, added: usize) -> String {
    let found = f.by_id + f.by_name;
    let how = match (f.by_id, f.by_name) {
        (0, 0) => String::new(),
        (i, 0) => format!(" (all {i} by Spotify track id)"),
        (0, n) => format!(" (all {n} by title and artist)"),
        (i, n) => format!(" ({i} by Spotify track id, {n} by title and artist)"),
    };
    let kept = match added == found {
        true => String::new(),
        false => format!(" {added} of those found were added to the playlist (the others were in it already)."),
    };
    format!(
        "{}: {found} of {} songs found in the catalogue{how}, {} placed from their features, {} without audio features.{kept}",
        f.name,
        f.rows,
        f.placed.len(),
        f.without_features
    )
}

/// Two personal playlists side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoPlaylists {
    /// Songs in both, and in one only (each song once, by catalogue row, else track id, else
    /// title and artist).
    pub both: usize,
    pub first_only: usize,
    pub second_only: usize,
    /// (cluster, share of the first, share of the second), the largest difference first.
    pub shares: Vec<(usize, f32, f32)>,
    /// Between the two playlists' average songs, in the catalogue's standard deviations over
    /// all its features.
    pub distance: f32,
}

pub fn two_playlists(a: &PlaylistFound, b: &PlaylistFound) -> TwoPlaylists {
    let (ka, kb) = (song_keys(a), song_keys(b));
    let both = ka.intersection(&kb).count();
    let share = |p: &PlaylistFound, c: usize| p.profile.shares.iter().find(|s| s.cluster == c).map_or(0.0, |s| s.playlist);
    let clusters: std::collections::BTreeSet<usize> =
        a.profile.shares.iter().chain(&b.profile.shares).map(|s| s.cluster).collect();
    let mut shares: Vec<(usize, f32, f32)> = clusters.into_iter().map(|c| (c, share(a, c), share(b, c))).collect();
    shares.sort_by(|x, y| (y.1 - y.2).abs().total_cmp(&(x.1 - x.2).abs()));
    let z = |p: &PlaylistFound, f| p.profile.features.iter().find(|c| c.feature == f).map(|c| c.z);
    let distance = a
        .profile
        .features
        .iter()
        .filter_map(|c| Some((c.z - z(b, c.feature)?).powi(2)))
        .sum::<f32>()
        .sqrt();
    TwoPlaylists { both, first_only: ka.len() - both, second_only: kb.len() - both, shares, distance }
}

/// Each song of a playlist once: catalogue songs by their row, placed ones by track id or by
/// title and artist as written.
fn song_keys(p: &PlaylistFound) -> std::collections::HashSet<String> {
    let found = p.songs.iter().map(|s| format!("row {}", s.table_row));
    let placed = p.placed.iter().map(|s| match &s.track_id {
        Some(id) => format!("id {id}"),
        None => format!("name {}\u{1f}{}", s.title.to_lowercase(), s.artist.to_lowercase()),
    });
    found.chain(placed).collect()
}
