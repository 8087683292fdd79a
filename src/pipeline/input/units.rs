//! Two files rarely share units: Spotify's API (and Exportify) give energy, danceability and the
//! other shares as 0–1, many Kaggle catalogues as 0–100. This says which scale a file's shares
//! are on, and which columns of one file look like other units than another's (a model's
//! training songs, a catalogue), in words the page shows.

use crate::pipeline::input::columns::{ColumnMapping, Feature, Features, Slot};
use crate::pipeline::input::load::Table;
use crate::pipeline::input::scale::StandardScaler;

/// The scale of the features that are shares of a song (energy, danceability, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareScale {
    /// 0–1, as Spotify's API gives them.
    Fraction,
    /// 0–100, as many public catalogues write them.
    Percent,
}

impl ShareScale {
    /// What a value on `self` is multiplied by to be on `to`.
    pub fn factor_to(self, to: ShareScale) -> f32 {
        match (self, to) {
            (ShareScale::Fraction, ShareScale::Percent) => 100.0,
            (ShareScale::Percent, ShareScale::Fraction) => 0.01,
            _ => 1.0,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            ShareScale::Fraction => "0–1",
            ShareScale::Percent => "0–100",
        }
    }
}

/// Features whose values are a share of the song, on 0–1 or 0–100 depending on the file.
pub fn is_share(feature: Feature) -> bool {
    matches!(
        feature,
        Feature::Energy
            | Feature::Danceability
            | Feature::Positiveness
            | Feature::Speechiness
            | Feature::Liveness
            | Feature::Acousticness
            | Feature::Instrumentalness
    )
}

/// The scale of a file's shares, by a vote of its share columns (`columns[j]` the values of
/// `features[j]`): a column with any value above 1.5 is on 0–100. A vote rather than each
/// column alone, because a 0–100 column can hold only small values (instrumentalness is 0 for
/// most songs) while a file writes all its shares one way. `None` without share columns.
pub fn share_scale(features: &[Feature], columns: &[Vec<f32>]) -> Option<ShareScale> {
    vote(features.iter().zip(columns).map(|(f, values)| (*f, (!values.is_empty()).then(|| values.iter().any(|v| *v > 1.5)))))
}

/// The scale of the share columns of row-major `values` (`features` wide), read in place (a
/// catalogue's million rows are not copied out column by column).
pub fn share_scale_of(features: &[Feature], values: &[f32]) -> Option<ShareScale> {
    let d = features.len().max(1);
    let above = |j: usize| (values.len() > j).then(|| values.iter().skip(j).step_by(d).any(|v| *v > 1.5));
    vote(features.iter().enumerate().map(|(j, f)| (*f, above(j))))
}

/// Share columns with a value above 1.5 (`Some(true)`) vote for 0–100, the others for 0–1;
/// columns without values (`None`) and other features do not vote.
fn vote(columns: impl Iterator<Item = (Feature, Option<bool>)>) -> Option<ShareScale> {
    let (mut percent, mut fraction) = (0usize, 0usize);
    for (feature, above) in columns {
        match (is_share(feature), above) {
            (true, Some(true)) => percent += 1,
            (true, Some(false)) => fraction += 1,
            _ => {}
        }
    }
    match (percent, fraction) {
        (0, 0) => None,
        (p, f) if p >= f => Some(ShareScale::Percent),
        _ => Some(ShareScale::Fraction),
    }
}

/// A file's median more than this many of the other's standard deviations from its mean means
/// other units: a 0–1 file meets 0–100 values at about 100, while a playlist of only metal or
/// only ballads stays within about 2.
const MISMATCH_Z: f64 = 5.0;

/// A file's standard deviation under this share of the other's, with its median off too, means
/// values on a smaller scale (0–1 against 0–100: a hundredth). A playlist of one genre is
/// narrower than a catalogue, but by a few times, not thirty.
const MISMATCH_SPREAD: f64 = 30.0;

/// Each column of `features` (read from `table` by `mapping`) whose values sit many of
/// `scaler`'s standard deviations from its mean, described for a sentence; `whose` names what
/// the scaler was fitted on ("the model's", "the catalogue's").
pub fn mismatched_columns(
    scaler: &StandardScaler,
    table: &Table,
    mapping: &ColumnMapping,
    features: &Features,
    whose: &str,
) -> Vec<String> {
    let d = features.n_features();
    (0..d)
        .filter_map(|j| {
            let (median, spread) = column_stats(&features.values, d, j)?;
            let (mean, scale) = (*scaler.mean.get(j)?, *scaler.scale.get(j)?);
            let z = (median - mean) / scale;
            let narrower = spread > 0.0 && spread * MISMATCH_SPREAD < scale && z.abs() > 1.5;
            (z.abs() > MISMATCH_Z || narrower).then(|| {
                let column = mapping.get(Slot::Feature(features.features[j])).and_then(|c| table.headers.get(c));
                let spread_note =
                    if narrower { format!(", spread {:.0} times narrower", scale / spread) } else { String::new() };
                format!(
                    "{} (this file's median {} is {:.0} standard deviations from {whose} average {}{spread_note})",
                    column.map_or(features.features[j].name(), String::as_str),
                    short_number(median),
                    z.abs(),
                    short_number(mean)
                )
            })
        })
        .collect()
}

/// Median and standard deviation of column `j` of row-major `values` (a strided sample of at
/// most 100,001 rows, so a million-song file costs no more than a small one).
fn column_stats(values: &[f32], d: usize, j: usize) -> Option<(f64, f64)> {
    let n = values.len() / d.max(1);
    let step = (n / 100_001).max(1);
    let mut column: Vec<f32> = values.iter().skip(j).step_by(d.max(1) * step).copied().collect();
    if column.is_empty() {
        return None;
    }
    let count = column.len() as f64;
    let mean = column.iter().map(|&v| f64::from(v)).sum::<f64>() / count;
    let spread = (column.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / count).sqrt();
    let mid = column.len() / 2;
    let (_, median, _) = column.select_nth_unstable_by(mid, f32::total_cmp);
    Some((f64::from(*median), spread))
}

/// The median of column `j` of row-major `values` (`d` wide), as `column_stats` samples it.
pub fn column_median(values: &[f32], d: usize, j: usize) -> Option<f32> {
    column_stats(values, d, j).map(|(median, _)| median as f32)
}

/// A number as a person reads it in a sentence: `0.62`, `59.7`, `120`, `1.2e9`.
pub fn short_number(v: f64) -> String {
    let trimmed = |s: String| s.trim_end_matches('0').trim_end_matches('.').to_string();
    match v.abs() {
        a if a != 0.0 && !(1e-3..1e6).contains(&a) => format!("{v:.1e}"),
        a if a >= 100.0 => format!("{v:.0}"),
        a if a >= 10.0 => trimmed(format!("{v:.1}")),
        _ => trimmed(format!("{v:.3}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_voted_across_columns() {
        let f = [Feature::Energy, Feature::Instrumentalness, Feature::Tempo];
        // 0–100 energy with instrumentalness all 0: one file, on 0–100.
        let percent = [vec![78.0, 36.0], vec![0.0, 0.0], vec![128.0, 102.0]];
        assert_eq!(share_scale(&f, &percent), Some(ShareScale::Percent));
        let fraction = [vec![0.78, 0.36], vec![0.0, 0.01], vec![128.0, 102.0]];
        assert_eq!(share_scale(&f, &fraction), Some(ShareScale::Fraction));
        // Tempo alone says nothing about shares.
        assert_eq!(share_scale(&[Feature::Tempo], &[vec![128.0]]), None);
        assert_eq!(share_scale_of(&f, &[0.5, 0.0, 120.0, 0.7, 0.1, 90.0]), Some(ShareScale::Fraction));
    }

    #[test]
    fn factors_between_scales() {
        assert_eq!(ShareScale::Fraction.factor_to(ShareScale::Percent), 100.0);
        assert_eq!(ShareScale::Percent.factor_to(ShareScale::Fraction), 0.01);
        assert_eq!(ShareScale::Percent.factor_to(ShareScale::Percent), 1.0);
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(short_number(0.62), "0.62");
        assert_eq!(short_number(59.74), "59.7");
        assert_eq!(short_number(120.0), "120");
        assert_eq!(short_number(1.2e9), "1.2e9");
        assert_eq!(column_median(&[1.0, 9.0, 3.0, 8.0, 2.0, 7.0], 2, 1), Some(8.0));
    }
}
