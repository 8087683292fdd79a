//! The view in the page's address (its `#` part), so a view can be bookmarked or sent: the file
//! it was made on, the projection, what colours the dots, k, the chosen song and the map's zoom
//! and centre. Opening such an address and loading (or resuming) the same file returns to it.

use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

use super::action::Effect;
use super::{Page, Tab};
use crate::pipeline::params::Projection;
pub use crate::protocol::SongKey;
use crate::protocol::{fingerprint, DatasetInfo, Request, SongRef};

/// The map's zoom (1 = the whole map) and the data point at its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapZoom {
    pub zoom: f32,
    pub centre: (f32, f32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ViewLink {
    /// The fingerprint of the file (`protocol::fingerprint`).
    pub file: String,
    pub projection: Projection,
    /// The column of the file that colours the dots, by name; `None`: by cluster.
    pub colour: Option<String>,
    pub k: Option<usize>,
    pub song: Option<SongKey>,
    pub zoom: Option<MapZoom>,
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

impl ViewLink {
    /// The address's `#` part, without the `#`.
    pub fn to_hash(&self) -> String {
        let mut parts = vec![format!("file={}", self.file), format!("map={}", self.projection.key())];
        if let Some(c) = &self.colour {
            parts.push(format!("colour={}", encode(c)));
        }
        if let Some(k) = self.k {
            parts.push(format!("k={k}"));
        }
        match &self.song {
            Some(SongKey::Id(id)) => parts.push(format!("song=id:{}", encode(id))),
            // Songs counted from 1, as a person counts them.
            Some(SongKey::Row(r)) => parts.push(format!("song=row:{}", r + 1)),
            None => {}
        }
        if let Some(z) = self.zoom {
            parts.push(format!("zoom={:.3}", z.zoom));
            parts.push(format!("at={:.5},{:.5}", z.centre.0, z.centre.1));
        }
        parts.join("&")
    }

    /// The view a `#` part describes (with or without its `#`); `None` when it names no file
    /// (an address without a view, or one this app did not write). Parts it does not know or
    /// cannot read are left out rather than refusing the whole view.
    pub fn from_hash(hash: &str) -> Option<ViewLink> {
        let mut link = ViewLink {
            file: String::new(),
            projection: Projection::Pca,
            colour: None,
            k: None,
            song: None,
            zoom: None,
        };
        let (mut zoom, mut at) = (None, None);
        for part in hash.trim_start_matches('#').split('&') {
            let Some((key, value)) = part.split_once('=') else { continue };
            let value = percent_decode_str(value).decode_utf8_lossy().into_owned();
            match key {
                "file" => link.file = value,
                "map" => link.projection = Projection::from_key(&value).unwrap_or(Projection::Pca),
                "colour" if !value.is_empty() => link.colour = Some(value),
                "k" => link.k = value.parse().ok().filter(|&k| k >= 2),
                "song" => link.song = song_of(&value),
                "zoom" => zoom = value.parse::<f32>().ok().filter(|z| z.is_finite() && *z >= 1.0),
                "at" => at = point_of(&value),
                _ => {}
            }
        }
        link.zoom = zoom.zip(at).map(|(zoom, centre)| MapZoom { zoom, centre });
        (!link.file.is_empty()).then_some(link)
    }
}

fn song_of(value: &str) -> Option<SongKey> {
    if let Some(id) = value.strip_prefix("id:") {
        return (!id.is_empty()).then(|| SongKey::Id(id.to_string()));
    }
    let row: usize = value.strip_prefix("row:")?.parse().ok()?;
    row.checked_sub(1).map(SongKey::Row)
}

fn point_of(value: &str) -> Option<(f32, f32)> {
    let (x, y) = value.split_once(',')?;
    let (x, y) = (x.parse::<f32>().ok()?, y.parse::<f32>().ok()?);
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

/// A link's zoom, waiting for its map: applied when the map of `projection` is drawn, or, when
/// the link names a song, once that song is chosen (choosing a song centres the map on it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkedZoom {
    pub projection: Projection,
    pub zoom: MapZoom,
    pub after_song: bool,
}

/// What the page says when the address's view was made on another file.
pub const OTHER_FILE: &str =
    "The view in this page's address was made on another file, so it was not applied; the map shows this file as it comes.";
/// What the page says when the address's song is not in the file.
pub const NO_SUCH_SONG: &str = "The song named in this page's address is not among this file's songs.";

fn file_of(info: &DatasetInfo) -> String {
    fingerprint(&info.name, info.rows, &info.columns)
}

impl Page {
    /// The view on screen as a link; `None` before there are results, and while a link being
    /// applied has not fully arrived (writing then would replace it with half of it).
    pub fn link(&self, zoom: Option<MapZoom>) -> Option<ViewLink> {
        let (info, results) = (self.dataset.info.as_ref()?, self.run.results.as_ref()?);
        if self.view.link.is_some() || self.view.zoom_to.is_some() {
            return None;
        }
        let colour = self.view.colour_column.and_then(|c| info.columns.get(c).cloned());
        let song = self.selection.recommendation.as_ref().map(|r| song_key(&r.song));
        Some(ViewLink { file: file_of(info), projection: self.view.projection, colour, k: Some(results.k), song, zoom })
    }

    /// A file was loaded: a link made on another file is dropped, with a note.
    pub(super) fn link_loaded(&mut self, info: &DatasetInfo) {
        if self.view.link.as_ref().is_some_and(|l| l.file != file_of(info)) {
            self.view.link = None;
            self.view.link_note = Some(OTHER_FILE.to_string());
        }
    }

    /// Results are shown: the link waiting for them is applied (its k first: the rest follows
    /// on the re-clustered results).
    pub(super) fn apply_link(&mut self) -> Vec<Effect> {
        let Some(mut link) = self.view.link.take() else { return vec![] };
        let Some(results) = &self.run.results else { return vec![] };
        if let Some(k) = link.k.take().filter(|&k| k != results.k) {
            self.settings.params.k = k;
            self.view.link = Some(link);
            return vec![Effect::Send(Request::Recluster { k })];
        }
        let mut effects = Vec::new();
        self.view.projection = link.projection;
        if self.run.lacks(link.projection) {
            effects.extend(self.view.map_request(link.projection).map(Effect::Send));
        }
        let column = link.colour.as_ref().and_then(|c| self.dataset.info.as_ref()?.columns.iter().position(|n| n == c));
        if let Some(column) = column {
            self.view.colour_column = Some(column);
            effects.push(Effect::Send(Request::ColourBy { column }));
        }
        if let Some(song) = link.song.clone() {
            effects.push(Effect::Send(Request::Locate { song }));
        }
        self.view.zoom_to =
            link.zoom.map(|zoom| LinkedZoom { projection: link.projection, zoom, after_song: link.song.is_some() });
        effects
    }

    /// The worker found the link's song (or not).
    pub(super) fn located(&mut self, song: Option<SongRef>) -> Vec<Effect> {
        let Some(song) = song else {
            self.view.link_note = Some(NO_SUCH_SONG.to_string());
            // Its zoom waited for the song: it is applied without it.
            if let Some(z) = &mut self.view.zoom_to {
                z.after_song = false;
            }
            return vec![];
        };
        (self.selection.song, self.view.tab) = (Some(song.row), Tab::Song);
        let (n, rule) = (self.selection.neighbours, self.selection.rule);
        vec![Effect::Send(Request::Recommend { row: song.row, n, rule })]
    }
}

/// How a link names `song`.
pub fn song_key(song: &SongRef) -> SongKey {
    match &song.track_id {
        Some(id) => SongKey::Id(id.clone()),
        None => SongKey::Row(song.table_row),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ViewLink {
        ViewLink {
            file: "0123456789abcdef".into(),
            projection: Projection::Tsne,
            colour: Some("Energy & Mood/€".into()),
            k: Some(7),
            song: Some(SongKey::Id("4uLU6hMCjMI75M1A2tKUQC".into())),
            zoom: Some(MapZoom { zoom: 2.5, centre: (0.125, -3.5) }),
        }
    }

    #[test]
    fn a_view_survives_the_address_unchanged() {
        let link = full();
        assert_eq!(ViewLink::from_hash(&format!("#{}", link.to_hash())), Some(link.clone()));
        let by_line = ViewLink { song: Some(SongKey::Row(0)), colour: None, zoom: None, ..link };
        let hash = by_line.to_hash();
        assert!(hash.contains("song=row:1"), "{hash}");
        assert_eq!(ViewLink::from_hash(&hash), Some(by_line.clone()));
        for projection in [Projection::Pca, Projection::FirstTwo, Projection::Umap] {
            let other = ViewLink { projection, ..by_line.clone() };
            assert_eq!(ViewLink::from_hash(&other.to_hash()), Some(other));
        }
    }

    #[test]
    fn column_names_are_escaped_so_they_cannot_break_the_address() {
        let hash = full().to_hash();
        assert!(!hash.contains(' ') && !hash.contains("&M") && !hash.contains('/'), "{hash}");
    }

    #[test]
    fn an_address_without_a_file_is_no_view_and_bad_parts_are_left_out() {
        assert_eq!(ViewLink::from_hash(""), None);
        assert_eq!(ViewLink::from_hash("#section-2"), None);
        let link = ViewLink::from_hash("#file=ab&map=cubist&k=1&song=row:0&zoom=0.5&at=1,x&extra=3").unwrap();
        assert_eq!(link.projection, Projection::Pca);
        assert_eq!((link.k, link.song, link.zoom), (None, None, None));
        // A zoom without its centre (or a centre without a zoom) is no zoom.
        assert_eq!(ViewLink::from_hash("#file=ab&zoom=2").unwrap().zoom, None);
    }
}
