//! Songs of a person's playlist that the catalogue does not hold, placed from their own audio
//! features: read in the playlist's units and converted to the catalogue's (0–1 against
//! 0–100), a feature the playlist lacks (Exportify has no `variance`) filled with the
//! catalogue's median and named, scaled with the catalogue's scaler (never refitted: a playlist
//! of metal refitted on itself would look "average"), encoded with the catalogue's model, put in
//! the cluster whose centre is nearest, and placed on every map among its nearest catalogue
//! songs. Rows whose feature cells are mostly empty (Exportify leaves them empty when Spotify has
//! no features for a track) are not placed, and counted.

use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::kd_tree::{squared_distance, KdTree, Nearest};
use crate::pipeline::analysis::Analysis;
use crate::pipeline::input::columns::{parse_value, ColumnMapping, Feature, Features, Slot, ValueReport};
use crate::pipeline::input::load::Table;
use crate::pipeline::input::scale::Prepared;
use crate::pipeline::input::units::{
    column_median, is_share, mismatched_columns, share_scale, share_scale_of, short_number,
};
use crate::pipeline::model::train::Trained;

/// Catalogue songs a placed song's map position is drawn from.
pub const NEAR: usize = 5;

/// What a trained catalogue offers to place new songs: its songs' raw and scaled features and
/// scaler, its model, and what was clustered.
pub struct Catalogue<'a> {
    pub prepared: &'a Prepared,
    pub trained: &'a Trained,
    pub analysis: &'a Analysis,
}

/// A playlist song placed from its features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    /// Row of the playlist file (0-based after the header).
    pub row: usize,
    /// Its features in the catalogue's units, in the catalogue's feature order.
    pub values: Vec<f32>,
    /// Scaled with the catalogue's scaler: the space similar songs are found in.
    pub scaled: Vec<f32>,
    pub cluster: usize,
    /// Its nearest catalogue songs (run rows) with weights summing to 1: on any map, the song
    /// sits at their weighted mean.
    pub near: Vec<(u32, f32)>,
    /// Its point in what was clustered (`Analysis::points`); `None` when that is PCA of the
    /// features, whose basis is not kept.
    pub point: Option<Vec<f32>>,
}

/// A feature the catalogue uses that the playlist's songs were given another way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Adjusted {
    /// Read on the playlist's scale and multiplied by `factor` (0–1 to 0–100: 100).
    Converted { features: Vec<Feature>, factor: f32, from: String, to: String },
    /// Not in the playlist: every placed song takes the catalogue's median.
    Filled { feature: Feature, median: f32 },
}

/// What placing a playlist's unfound songs came to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Placement {
    pub placed: Vec<Placed>,
    /// Playlist rows with too few feature values to place.
    pub without_features: Vec<usize>,
    pub adjusted: Vec<Adjusted>,
    /// Empty cells of placed songs filled with the catalogue's median.
    pub cells_filled: usize,
    /// The catalogue's features the playlist has columns for.
    pub shared: usize,
    /// Columns whose values still look like other units than the catalogue's, described.
    pub mismatched: Vec<String>,
}

/// Places the playlist's rows `rows` (those not found in the catalogue) from their features.
pub fn place(catalogue: &Catalogue, playlist: &Table, mapping: &ColumnMapping, rows: &[usize]) -> Placement {
    let features = &catalogue.prepared.features.features;
    let columns: Vec<Option<usize>> = features.iter().map(|f| mapping.get(Slot::Feature(*f))).collect();
    let shared = columns.iter().flatten().count();
    let mut placement = Placement { shared, ..Placement::default() };
    if shared == 0 {
        placement.without_features = rows.to_vec();
        return placement;
    }
    let read = read_rows(playlist, &columns, features, rows);
    let factors = conversions(catalogue, features, &columns, &read, &mut placement.adjusted);
    let medians = medians(catalogue, &columns, &mut placement.adjusted);
    let d = features.len();
    let mut values = Vec::new();
    let mut kept = Vec::new();
    for (row, cells) in rows.iter().zip(&read) {
        let present = cells.iter().flatten().count();
        // Fewer than half the shared features: too little of the song to say where it goes.
        if present * 2 < shared {
            placement.without_features.push(*row);
            continue;
        }
        for j in 0..d {
            match (cells[j], columns[j]) {
                (Some(v), _) => values.push(v * factors[j]),
                (None, Some(_)) => {
                    placement.cells_filled += 1;
                    values.push(medians[j]);
                }
                (None, None) => values.push(medians[j]),
            }
        }
        kept.push(*row);
    }
    placement.mismatched = mismatches(catalogue, playlist, mapping, &values, &kept);
    placement.placed = embed(catalogue, &values, &kept);
    placement
}

/// Each row's value of each catalogue feature, on the playlist's own scale (`None`: no column
/// or not a number).
fn read_rows(playlist: &Table, columns: &[Option<usize>], features: &[Feature], rows: &[usize]) -> Vec<Vec<Option<f32>>> {
    rows.iter()
        .map(|&row| {
            columns
                .iter()
                .zip(features)
                .map(|(c, f)| c.and_then(|c| parse_value(*f, playlist.cell(row, c))).map(|(v, _)| v))
                .collect()
        })
        .collect()
}

/// What each feature's playlist value is multiplied by to be in the catalogue's units; the
/// conversion is said in `adjusted`.
fn conversions(
    catalogue: &Catalogue,
    features: &[Feature],
    columns: &[Option<usize>],
    read: &[Vec<Option<f32>>],
    adjusted: &mut Vec<Adjusted>,
) -> Vec<f32> {
    let theirs = share_scale_of(features, &catalogue.prepared.features.values);
    let ours_columns: Vec<Vec<f32>> = (0..features.len())
        .map(|j| match columns[j] {
            Some(_) => read.iter().filter_map(|cells| cells[j]).collect(),
            None => Vec::new(),
        })
        .collect();
    let ours = share_scale(features, &ours_columns);
    let (Some(from), Some(to)) = (ours, theirs) else { return vec![1.0; features.len()] };
    let factor = from.factor_to(to);
    if factor == 1.0 {
        return vec![1.0; features.len()];
    }
    let converted: Vec<Feature> =
        features.iter().zip(columns).filter(|(f, c)| is_share(**f) && c.is_some()).map(|(f, _)| *f).collect();
    adjusted.push(Adjusted::Converted {
        features: converted,
        factor,
        from: from.words().to_string(),
        to: to.words().to_string(),
    });
    features.iter().map(|f| if is_share(*f) { factor } else { 1.0 }).collect()
}

/// The catalogue's median of each feature (what an empty cell or a missing column becomes);
/// each missing column is said in `adjusted`.
fn medians(catalogue: &Catalogue, columns: &[Option<usize>], adjusted: &mut Vec<Adjusted>) -> Vec<f32> {
    let f = &catalogue.prepared.features;
    let d = f.n_features();
    (0..d)
        .map(|j| {
            let median = column_median(&f.values, d, j).unwrap_or(0.0);
            if columns[j].is_none() {
                adjusted.push(Adjusted::Filled { feature: f.features[j], median });
            }
            median
        })
        .collect()
}

/// The trust check a model file's songs get, on the converted values: columns still far from
/// the catalogue's.
fn mismatches(catalogue: &Catalogue, playlist: &Table, mapping: &ColumnMapping, values: &[f32], rows: &[usize]) -> Vec<String> {
    if rows.is_empty() {
        return Vec::new();
    }
    let features = Features {
        features: catalogue.prepared.features.features.clone(),
        values: values.to_vec(),
        rows: rows.to_vec(),
        report: ValueReport::default(),
    };
    mismatched_columns(&catalogue.prepared.scaler, playlist, mapping, &features, "the catalogue's")
}

/// Each song of `values` (catalogue units) scaled, encoded, clustered and placed.
fn embed(catalogue: &Catalogue, values: &[f32], rows: &[usize]) -> Vec<Placed> {
    if rows.is_empty() {
        return Vec::new();
    }
    let d = catalogue.prepared.features.n_features();
    let scaled = catalogue.prepared.scaler.transform(values);
    let a = catalogue.analysis;
    // The songs in the space that was clustered; PCA's basis is not kept, so with that
    // representation the songs are placed among their nearest in the scaled features and take
    // their nearest song's cluster.
    let (points, dim, centres) = match a.representation {
        Representation::Autoencoder => (catalogue.trained.encode(&scaled), a.point_dim, true),
        Representation::Scaled => (scaled.clone(), d, true),
        Representation::Pca => (scaled.clone(), d, false),
    };
    let (space, space_dim) = match centres {
        true => (&a.points[..], a.point_dim),
        false => (&catalogue.prepared.scaled[..], d),
    };
    let tree = KdTree::new(space, space_dim);
    let mut best = Nearest::new(NEAR);
    let mut gaps = vec![0.0; space_dim];
    rows.iter()
        .enumerate()
        .map(|(i, &row)| {
            let point = &points[i * dim..(i + 1) * dim];
            tree.nearest(point, &mut best, &mut gaps, None);
            let near = weights(best.found());
            let cluster = match centres {
                true => nearest_centre(&a.clustering.centroids, dim, point),
                false => best.found().first().map_or(0, |&(_, id)| a.clustering.labels[id as usize]),
            };
            Placed {
                row,
                values: values[i * d..(i + 1) * d].to_vec(),
                scaled: scaled[i * d..(i + 1) * d].to_vec(),
                cluster,
                near,
                point: centres.then(|| point.to_vec()),
            }
        })
        .collect()
}

/// Inverse-distance weights summing to 1 (all on a song it equals), as t-SNE and UMAP place the
/// songs they did not lay out.
fn weights(found: &[(f32, u32)]) -> Vec<(u32, f32)> {
    match found.first() {
        None => Vec::new(),
        Some(&(d2, id)) if d2 <= 0.0 => vec![(id, 1.0)],
        Some(_) => {
            let raw: Vec<f64> = found.iter().map(|&(d2, _)| 1.0 / f64::from(d2).sqrt()).collect();
            let sum: f64 = raw.iter().sum();
            found.iter().zip(raw).map(|(&(_, id), w)| (id, (w / sum) as f32)).collect()
        }
    }
}

/// The centre (of `k × dim` `centres`) nearest `point`, the lower index on a tie.
pub fn nearest_centre(centres: &[f32], dim: usize, point: &[f32]) -> usize {
    let mut best = (0, f32::INFINITY);
    for (j, centre) in centres.chunks_exact(dim.max(1)).enumerate() {
        let d = squared_distance(point, centre);
        if d < best.1 {
            best = (j, d);
        }
    }
    best.0
}

/// Where a placed song sits on a map of the catalogue (`xy`: `[x, y]` per run row).
pub fn position(near: &[(u32, f32)], xy: &[f32]) -> Option<(f32, f32)> {
    let (mut x, mut y, mut w) = (0.0f32, 0.0f32, 0.0f32);
    for &(id, weight) in near {
        let p = xy.get(2 * id as usize..2 * id as usize + 2)?;
        x += weight * p[0];
        y += weight * p[1];
        w += weight;
    }
    (w > 0.0).then(|| (x / w, y / w))
}

impl Adjusted {
    /// The adjustment in a sentence, as the page says it.
    pub fn sentence(&self) -> String {
        match self {
            Adjusted::Converted { features, factor, from, to } => {
                let names: Vec<&str> = features.iter().map(|f| f.name()).collect();
                let how = if *factor > 1.0 { format!("multiplied by {factor}") } else { format!("divided by {}", 1.0 / factor) };
                format!("{} were on {from} in the playlist and {to} in the catalogue: {how}.", names.join(", "))
            }
            Adjusted::Filled { feature, median } => format!(
                "The playlist has no {} column: its songs were given the catalogue's median, {}.",
                feature.name(),
                short_number(f64::from(*median))
            ),
        }
    }
}

/// Why a playlist could not be used at all: it shares no song (by id or by title and artist)
/// and no audio feature with the catalogue. Names what the catalogue uses and what the
/// playlist has, so the person can see which columns to rename.
pub fn nothing_shared(name: &str, catalogue: &[Feature], mapping: &ColumnMapping, headers: &[String], ids: bool) -> String {
    let uses: Vec<&str> = catalogue.iter().map(|f| f.name()).collect();
    let songs = match (ids, mapping.title.is_some() && mapping.artist.is_some()) {
        (true, _) => "none of its Spotify track ids or titles and artists is in the catalogue",
        (false, true) => "it has no Spotify track ids and none of its titles and artists is in the catalogue",
        (false, false) => "it has no Spotify track ids and no title and artist columns were recognised",
    };
    let columns: Vec<&str> = headers.iter().take(12).map(String::as_str).collect();
    format!(
        "{name} shares nothing with the catalogue: {songs}, and it has none of the catalogue's audio features ({}). Its columns: {}{}.",
        uses.join(", "),
        columns.join(", "),
        if headers.len() > 12 { ", …" } else { "" }
    )
}

#[cfg(test)]
#[path = "playlist_place_tests.rs"]
mod tests;
