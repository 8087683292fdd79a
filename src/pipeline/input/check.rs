//! Everything that can be known about a mapping before training: real columns, numeric values,
//! enough usable and distinct rows for training and for k clusters, and columns that carry no
//! information. The page shows `MappingCheck::lines()` word for word, so tests can assert them.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::pipeline::input::columns::{extract, ColumnMapping, Feature, Features, MissingPolicy, ValueReport};
use crate::pipeline::input::load::Table;
use crate::pipeline::limits::{count, thousands, verb};

/// The settings a mapping check needs: how bad cells are handled, and k (rows must be enough).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOptions {
    pub missing: MissingPolicy,
    pub k: usize,
}

/// The result of checking a mapping: which features, how many usable rows, what was wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingCheck {
    /// The mapping checked: a check that arrives after the mapping changed again is stale.
    pub mapping: ColumnMapping,
    /// `None` when the mapping can be trained on; else the full message.
    pub error: Option<String>,
    pub features: Vec<String>,
    pub missing: Vec<String>,
    pub usable_rows: usize,
    pub report: ValueReport,
    /// Things that do not stop training but that a person should know.
    pub warnings: Vec<String>,
}

/// How a line of the check is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warning,
    Error,
}

impl MappingCheck {
    fn empty(mapping: &ColumnMapping) -> Self {
        MappingCheck {
            mapping: mapping.clone(),
            error: None,
            features: mapping.present().iter().map(|(f, _)| f.name().to_string()).collect(),
            missing: mapping.missing().iter().map(|f| f.name().to_string()).collect(),
            usable_rows: 0,
            report: ValueReport::default(),
            warnings: Vec::new(),
        }
    }

    /// The check when no file is loaded.
    pub fn no_file(mapping: &ColumnMapping) -> Self {
        MappingCheck { error: Some("No file is loaded yet.".into()), ..Self::empty(mapping) }
    }

    /// What the page says about this mapping, in order.
    pub fn lines(&self) -> Vec<(Tone, String)> {
        if let Some(error) = &self.error {
            return vec![(Tone::Error, error.clone())];
        }
        let r = &self.report;
        let missing = if self.missing.is_empty() { "none".to_string() } else { self.missing.join(", ") };
        let mut out = vec![(
            Tone::Info,
            format!(
                "Training on {} features with {} of {} rows. Missing features: {missing}.",
                self.features.len(),
                self.usable_rows,
                r.rows_total
            ),
        )];
        if r.rows_with_bad_values > 0 {
            out.push((Tone::Warning, bad_values_line(r)));
        }
        if let Some(c) = &r.first_recovered {
            out.push((
                Tone::Info,
                format!(
                    "{} read after removing a unit or reading a decimal comma or thousands separators (for example line {}, column {}: \"{}\" was read as {}).",
                    count(r.cells_recovered, "value was", "values were"), c.line, c.column, c.value, c.read_as
                ),
            ));
        }
        if r.words_as_numbers > 0 {
            let n = r.words_as_numbers;
            out.push((
                Tone::Info,
                format!(
                    "{} written as words (Yes/No, True/False) {} read as 1 and 0.",
                    count(n, "Explicit value", "Explicit values"),
                    verb(n, "was", "were")
                ),
            ));
        }
        out.extend(self.warnings.iter().map(|w| (Tone::Warning, w.clone())));
        out
    }
}

fn bad_values_line(r: &ValueReport) -> String {
    let examples =
        r.examples.iter().map(|b| format!("line {}, column {}: \"{}\"", b.line, b.column, b.value)).collect::<Vec<_>>();
    let action = if r.rows_dropped > 0 {
        format!("{} left out", count(r.rows_dropped, "row is", "rows are"))
    } else {
        format!("{} filled with the column median", count(r.cells_filled, "cell is", "cells are"))
    };
    let n = r.rows_with_bad_values;
    format!(
        "{} {} empty, non-numeric or too large values ({}); {action}.",
        count(n, "row", "rows"),
        verb(n, "has", "have"),
        examples.join("; ")
    )
}

/// Checks `mapping` against `table` as training would use it.
pub fn check_table(table: &Table, mapping: &ColumnMapping, options: CheckOptions) -> MappingCheck {
    let mut out = MappingCheck::empty(mapping);
    match extract(table, mapping, options.missing) {
        Ok(f) => {
            out.usable_rows = f.n_rows();
            out.error = enough_rows(&f, options.k);
            out.warnings = constant_columns(&f, table, mapping);
            out.warnings.extend(outside_known_ranges(&f, table, mapping));
            out.report = f.report;
        }
        Err(e) => out.error = Some(e.to_string()),
    }
    out
}

/// Training needs 2 rows; k clusters need k rows and k distinct points (KMeans would fail at the
/// very end of a run otherwise). `None` when there are enough; else the message.
pub fn enough_rows(f: &Features, k: usize) -> Option<String> {
    let rows = f.n_rows();
    let needed = k.max(2);
    if rows < needed {
        return Some(format!(
            "Only {}: training needs at least 2 and k = {k} clusters need at least {k}. Load more songs or lower k in the settings.",
            count(rows, "usable row", "usable rows")
        ));
    }
    let distinct = distinct_rows(&f.values, f.n_features(), k);
    if distinct == 1 {
        return Some(format!(
            "All {} usable rows have the same feature values, so there is nothing to learn or cluster. Load a file with different songs.",
            thousands(rows as u64)
        ));
    }
    (distinct < k).then(|| {
        format!(
            "The {} usable rows have only {distinct} different combinations of feature values, fewer than k = {k} clusters. Lower k to {distinct} or less in the settings.",
            thousands(rows as u64)
        )
    })
}

/// Distinct rows, counting only up to `limit`: enough to know whether `limit` clusters can exist.
pub fn distinct_rows(values: &[f32], d: usize, limit: usize) -> usize {
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    for row in values.chunks_exact(d.max(1)) {
        // `+ 0.0` turns -0.0 into 0.0 so equal values compare equal bit for bit.
        seen.insert(row.iter().map(|v| (v + 0.0).to_bits()).collect());
        if seen.len() >= limit {
            break;
        }
    }
    seen.len()
}

/// A feature column with one value in every usable row scales to 0 and tells the model nothing.
fn constant_columns(f: &Features, table: &Table, mapping: &ColumnMapping) -> Vec<String> {
    let d = f.n_features();
    let present = mapping.present();
    let Some(first) = f.values.get(..d) else { return Vec::new() };
    (0..d)
        .filter(|&j| f.n_rows() > 1 && f.values.chunks_exact(d).all(|row| row[j] == first[j]))
        .map(|j| {
            let column = present.get(j).and_then(|(_, c)| table.headers.get(*c)).map_or("?", String::as_str);
            format!(
                "Column {column} ({}) has the same value, {}, in every usable row; it carries no information and is scaled to 0.",
                f.features[j].name(),
                first[j]
            )
        })
        .collect()
}

/// The values `feature` can take on the scales public exports use, and how to say it; `None`
/// for variance, whose scale is not documented anywhere we know of.
pub fn known_range(feature: Feature) -> Option<(f32, f32, &'static str)> {
    match feature {
        Feature::Variance => None,
        Feature::Tempo => Some((0.0, 300.0, "0–300 BPM")),
        Feature::Loudness => Some((-70.0, 10.0, "−70 to 10 dB")),
        Feature::Explicit => Some((0.0, 1.0, "0 or 1")),
        Feature::Popularity => Some((0.0, 100.0, "0–100")),
        // 0–1 in Spotify's API, 0–100 in many Kaggle exports (`energy_%`): either is fine.
        _ => Some((0.0, 100.0, "0–100 (its 0–1 and 0–100 scales)")),
    }
}

/// Values no real song has (energy 250 %, a tempo of −120): trained on as they are, but said.
fn outside_known_ranges(f: &Features, table: &Table, mapping: &ColumnMapping) -> Vec<String> {
    let d = f.n_features();
    let present = mapping.present();
    let mut out = Vec::new();
    for (j, &feature) in f.features.iter().enumerate() {
        let Some((low, high, range)) = known_range(feature) else { continue };
        let outside = |v: &f32| *v < low || *v > high;
        let column_values = f.values.iter().skip(j).step_by(d.max(1));
        let n = column_values.clone().filter(|v| outside(v)).count();
        let Some(first) = column_values.clone().position(outside) else { continue };
        let column = present.get(j).and_then(|(_, c)| table.headers.get(*c)).map_or("?", String::as_str);
        let line = f.rows.get(first).and_then(|&r| table.lines.get(r)).copied().unwrap_or(0);
        out.push(format!(
            "Column {column} ({}) has {} outside {range}, the range of real songs (first: line {line}, {}). {} used as {}; check the file if that is a mistake.",
            feature.name(),
            count(n, "value", "values"),
            f.values[first * d + j],
            verb(n, "It is", "They are"),
            verb(n, "it is", "they are"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::load::parse_csv;

    fn check(csv: &str, k: usize) -> MappingCheck {
        let t = parse_csv(csv.as_bytes()).unwrap();
        let m = ColumnMapping::guess(&t.headers);
        check_table(&t, &m, CheckOptions { missing: MissingPolicy::DropRows, k })
    }

    #[test]
    fn impossible_values_are_named_with_their_line() {
        let c = check("energy_%,bpm,valence\n50,120,0.5\n250,-120,0.4\n40,-90,0.3\n", 2);
        assert_eq!(c.error, None);
        assert_eq!(
            c.warnings,
            [
                "Column bpm (Tempo) has 2 values outside 0–300 BPM, the range of real songs (first: line 3, -120). They are used as they are; check the file if that is a mistake.",
                "Column energy_% (Energy) has 1 value outside 0–100 (its 0–1 and 0–100 scales), the range of real songs (first: line 3, 250). It is used as it is; check the file if that is a mistake.",
            ]
        );
        assert!(check("energy,tempo,valence\n0.5,120,0.5\n0.9,180,0.4\n", 2).warnings.is_empty());
    }

    #[test]
    fn distinct_rows_stop_at_the_limit() {
        assert_eq!(distinct_rows(&[1.0, 2.0, 1.0, 2.0, -0.0, 0.0, 0.0, 0.0], 2, 10), 2);
        assert_eq!(distinct_rows(&[1.0, 2.0, 3.0, 4.0], 1, 2), 2);
    }

    #[test]
    fn fewer_distinct_rows_than_k_is_an_error() {
        let c = check("energy,tempo,valence\n1,2,3\n1,2,3\n4,5,6\n4,5,6\n", 3);
        assert_eq!(
            c.error.as_deref(),
            Some("The 4 usable rows have only 2 different combinations of feature values, fewer than k = 3 clusters. Lower k to 2 or less in the settings.")
        );
        assert!(check("energy,tempo,valence\n1,2,3\n1,2,3\n4,5,6\n4,5,6\n", 2).error.is_none());
    }
}
