//! The CSV downloads: the songs with their clusters, and the playlist.

use super::{post_download, with_run, WorkerError};
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::output::export::{playlist_csv, spotify_csv, PlaylistSong};
use crate::pipeline::params::Projection;
use crate::pipeline::run;
use crate::protocol::Event;

/// Works with or without a run: without one, the songs' clusters are left empty.
pub(super) fn export_playlist(table_rows: Vec<usize>, selection: bool) {
    let csv = super::STATE.with(|s| {
        let s = s.borrow();
        let Some(table) = &s.table else { return Err(WorkerError::NoFile("No file is loaded.")) };
        let cluster = |t: usize| {
            let last = s.last.as_ref()?;
            let row = last.prepared.features.rows.binary_search(&t).ok()?;
            let id = last.analysis.clustering.labels[row];
            Some((id, last.names.get(id).cloned().unwrap_or_default()))
        };
        let songs: Vec<PlaylistSong> =
            table_rows.iter().map(|&t| PlaylistSong { table_row: t, cluster: cluster(t) }).collect();
        Ok(playlist_csv(table, &songs)?)
    });
    match csv {
        Ok(csv) => {
            let file = if selection { "songscape-selection.csv" } else { "songscape-playlist.csv" };
            super::post_download(Event::Exported { file: file.into() }, &csv, "text/csv")
        }
        Err(e) => super::fail("Exporting the playlist", e),
    }
}

/// The playlist for Spotify's playlist importers: track URIs first (`export::spotify_csv`).
pub(super) fn export_for_spotify(table_rows: Vec<usize>, more_like: bool) {
    let csv = super::STATE.with(|s| {
        let s = s.borrow();
        let Some(table) = &s.table else { return Err(WorkerError::NoFile("No file is loaded.")) };
        // The run's title and artist columns, else the guess a fresh load makes.
        let mapping = s.last.as_ref().map_or_else(|| ColumnMapping::guess(&table.headers), |l| l.mapping.clone());
        Ok(spotify_csv(table, mapping.title, mapping.artist, &table_rows)?)
    });
    let file = match more_like {
        true => "songscape-more-like-my-playlist-spotify.csv",
        false => "songscape-playlist-spotify.csv",
    };
    match csv {
        Ok((csv, with_uri)) => {
            let event = Event::SpotifyExported { file: file.into(), songs: table_rows.len(), with_uri };
            post_download(event, &csv, "text/csv")
        }
        Err(e) => super::fail("Exporting the playlist for Spotify", e),
    }
}

pub(super) fn export(projection: Projection) {
    let csv = with_run("Exporting", "Train a model first: the export adds each song's cluster.", |t, last| {
        let map = last.map(projection).ok_or(WorkerError::Invalid(
            "That map has not been computed for this run yet; choose it above the map first.".into(),
        ))?;
        Ok(run::export(t, &last.prepared, &last.analysis, map, &last.names)?)
    });
    if let Some(csv) = csv {
        post_download(Event::Exported { file: "songscape-clusters.csv".into() }, &csv, "text/csv");
    }
}

/// The person renamed a cluster of the run shown; every export and model file uses the name.
pub(super) fn name_cluster(cluster: usize, name: String) {
    let renamed = super::STATE.with(|s| {
        let mut s = s.borrow_mut();
        let slot = s.last.as_mut().and_then(|last| last.names.get_mut(cluster));
        slot.map(|slot| *slot = name).is_some()
    });
    if !renamed {
        super::fail("Renaming a cluster", WorkerError::Invalid(format!("This run has no cluster {cluster}.")));
    }
}
