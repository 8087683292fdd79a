//! Stage 2: which CSV column is which of the 12 audio features, and their values as numbers.
//!
//! Header names are compared after folding case and dropping everything but letters and digits,
//! so `Loudness (db)`, `energy_%` and `Artist(s)` match `loudness`, `energy` and `artists`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::pipeline::input::load::Table;
use crate::pipeline::limits::MAX_FEATURE_MAGNITUDE;

/// The reference project's 12 features, in its column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    Variance,
    Tempo,
    Loudness,
    Explicit,
    Popularity,
    Energy,
    Danceability,
    Positiveness,
    Speechiness,
    Liveness,
    Acousticness,
    Instrumentalness,
}

impl Feature {
    pub const ALL: [Feature; 12] = [
        Feature::Variance,
        Feature::Tempo,
        Feature::Loudness,
        Feature::Explicit,
        Feature::Popularity,
        Feature::Energy,
        Feature::Danceability,
        Feature::Positiveness,
        Feature::Speechiness,
        Feature::Liveness,
        Feature::Acousticness,
        Feature::Instrumentalness,
    ];

    /// The reference's column name.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Variance => "variance",
            Feature::Tempo => "Tempo",
            Feature::Loudness => "Loudness",
            Feature::Explicit => "Explicit",
            Feature::Popularity => "Popularity",
            Feature::Energy => "Energy",
            Feature::Danceability => "Danceability",
            Feature::Positiveness => "Positiveness",
            Feature::Speechiness => "Speechiness",
            Feature::Liveness => "Liveness",
            Feature::Acousticness => "Acousticness",
            Feature::Instrumentalness => "Instrumentalness",
        }
    }

    /// What a song low and high on this feature is called, in that order: the words cluster
    /// names and "why similar" use ("quiet" / "loud").
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Feature::Variance => ("steady", "varied"),
            Feature::Tempo => ("slow", "fast"),
            Feature::Loudness => ("quiet", "loud"),
            Feature::Explicit => ("clean", "explicit"),
            Feature::Popularity => ("little known", "popular"),
            Feature::Energy => ("low energy", "high energy"),
            Feature::Danceability => ("not for dancing", "danceable"),
            Feature::Positiveness => ("sad-sounding", "happy-sounding"),
            Feature::Speechiness => ("sung", "spoken"),
            Feature::Liveness => ("studio", "live"),
            Feature::Acousticness => ("electric", "acoustic"),
            Feature::Instrumentalness => ("with vocals", "instrumental"),
        }
    }

    /// The comparatives of `words`, lower then higher ("quieter" / "louder"): what tells apart
    /// two clusters that are both loud.
    pub fn comparatives(self) -> (&'static str, &'static str) {
        match self {
            Feature::Variance => ("steadier", "more varied"),
            Feature::Tempo => ("slower", "faster"),
            Feature::Loudness => ("quieter", "louder"),
            Feature::Explicit => ("cleaner", "more explicit"),
            Feature::Popularity => ("less known", "more popular"),
            Feature::Energy => ("calmer", "more energetic"),
            Feature::Danceability => ("less danceable", "more danceable"),
            Feature::Positiveness => ("sadder", "happier"),
            Feature::Speechiness => ("more sung", "more spoken"),
            Feature::Liveness => ("more studio", "more live"),
            Feature::Acousticness => ("more electric", "more acoustic"),
            Feature::Instrumentalness => ("more vocal", "more instrumental"),
        }
    }

    /// Folded header names that mean this feature in the schemas people have.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Feature::Variance => &["variance"],
            Feature::Tempo => &["tempo", "bpm"],
            Feature::Loudness => &["loudness", "loudnessdb"],
            Feature::Explicit => &["explicit", "isexplicit", "explicitcontent"],
            Feature::Popularity => &["popularity", "trackpopularity", "songpopularity"],
            Feature::Energy => &["energy"],
            Feature::Danceability => &["danceability"],
            Feature::Positiveness => &["positiveness", "valence"],
            Feature::Speechiness => &["speechiness"],
            Feature::Liveness => &["liveness"],
            Feature::Acousticness => &["acousticness"],
            Feature::Instrumentalness => &["instrumentalness"],
        }
    }
}

const TITLE_ALIASES: &[&str] = &["song", "trackname", "name", "title", "songname", "track", "tracktitle", "songtitle"];
const ARTIST_ALIASES: &[&str] =
    &["artist", "artists", "trackartist", "artistname", "artistsname", "artistnames", "performer"];
const LABEL_ALIASES: &[&str] = &["genre", "playlistgenre", "trackgenre", "genres", "emotion", "mood"];

/// A label cell as one label: a comma-joined list of tags ("rap,southern hip hop", as Spotify's
/// artist genres are exported) counts as its first tag, so a cluster's make-up reads "rap 40%"
/// rather than forty different tag lists.
pub fn label_value(cell: &str) -> &str {
    cell.split(',').next().unwrap_or("").trim()
}

/// Lower-case letters and digits only: the form header names are compared in.
pub fn fold(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn find(headers: &[String], aliases: &[&str]) -> Option<usize> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    aliases.iter().find_map(|a| folded.iter().position(|h| h == a))
}

/// Which column (0-based index into the header) feeds each feature, and which hold text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ColumnMapping {
    /// Indexed like `Feature::ALL`.
    pub features: [Option<usize>; 12],
    pub title: Option<usize>,
    pub artist: Option<usize>,
    /// A categorical column such as genre, shown in summaries.
    pub label: Option<usize>,
    /// More label columns (a file with both genre and emotion): each gets its own make-up in
    /// the cluster inspector and its own scores when representations are compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_labels: Vec<usize>,
}

/// At most this many label columns beyond the first.
pub const MORE_LABELS: usize = 2;

impl ColumnMapping {
    /// The automatic guess from header names.
    pub fn guess(headers: &[String]) -> Self {
        let mut features = [None; 12];
        for (slot, f) in features.iter_mut().zip(Feature::ALL) {
            *slot = find(headers, f.aliases());
        }
        let label = find(headers, LABEL_ALIASES);
        // Every other column named like a label: Genre and emotion side by side.
        let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
        let more_labels = LABEL_ALIASES
            .iter()
            .filter_map(|a| folded.iter().position(|h| h == a))
            .filter(|&c| Some(c) != label)
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) && v.len() < MORE_LABELS {
                    v.push(c);
                }
                v
            });
        ColumnMapping {
            features,
            title: find(headers, TITLE_ALIASES),
            artist: find(headers, ARTIST_ALIASES),
            label,
            more_labels,
        }
    }

    /// The label columns beyond the first, without repeats or the first itself.
    pub fn other_labels(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &c in &self.more_labels {
            if Some(c) != self.label && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// The features that have a column, with that column, in reference order.
    pub fn present(&self) -> Vec<(Feature, usize)> {
        Feature::ALL.iter().zip(self.features.iter()).filter_map(|(f, c)| c.map(|c| (*f, c))).collect()
    }

    /// The column chosen for one slot.
    pub fn get(&self, slot: Slot) -> Option<usize> {
        match slot {
            Slot::Feature(f) => self.features[f as usize],
            Slot::Title => self.title,
            Slot::Artist => self.artist,
            Slot::Label => self.label,
            Slot::MoreLabel(i) => self.more_labels.get(i).copied(),
        }
    }

    /// Chooses the column for one slot (`None`: not used).
    pub fn set(&mut self, slot: Slot, column: Option<usize>) {
        match slot {
            Slot::Feature(f) => self.features[f as usize] = column,
            Slot::Title => self.title = column,
            Slot::Artist => self.artist = column,
            Slot::Label => self.label = column,
            Slot::MoreLabel(i) => match column {
                Some(c) if i < self.more_labels.len() => self.more_labels[i] = c,
                Some(c) if i < MORE_LABELS => self.more_labels.push(c),
                Some(_) => {}
                None if i < self.more_labels.len() => _ = self.more_labels.remove(i),
                None => {}
            },
        }
    }

    pub fn missing(&self) -> Vec<Feature> {
        Feature::ALL.iter().zip(self.features.iter()).filter(|(_, c)| c.is_none()).map(|(f, _)| *f).collect()
    }
}

/// One place in a mapping that a column can be chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Indexes `ColumnMapping::features` by the feature's position in `Feature::ALL`.
    Feature(Feature),
    Title,
    Artist,
    Label,
    /// The `i`th label column beyond the first.
    MoreLabel(usize),
}

/// What to do with rows whose feature cells are empty or not numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum MissingPolicy {
    #[default]
    DropRows,
    FillMedian,
}

/// One cell that could not be read as a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadCell {
    pub line: u64,
    pub column: String,
    pub value: String,
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum MappingError {
    #[error("Only {found} of the 12 audio features were recognised ({names}); at least 3 are needed. Map more columns by hand, or use a file with columns such as energy, danceability, valence, tempo, loudness.")]
    TooFewFeatures { found: usize, names: String },
    #[error("The header has only one column (\"{header}\"), so the file's delimiter was not recognised. Songscape reads columns separated by commas, semicolons, tabs or pipes; save the file as CSV with one of these.")]
    OneColumn { header: String },
    #[error("Column {column} is set for both {first} and {second}; each column can feed only one feature.")]
    ColumnUsedTwice { column: String, first: &'static str, second: &'static str },
    #[error("Column number {index} does not exist; the file has {count} columns.")]
    NoSuchColumn { index: usize, count: usize },
    #[error("Every row has an empty, non-numeric or too large value in a feature column (for example line {line}, column {column}: \"{value}\"), so no rows are left to train on. Choose \"fill with the column median\" or fix the mapping.")]
    NoUsableRows { line: u64, column: String, value: String },
    #[error("Column {column} has no numeric values at all (for example line {line}: \"{value}\"). Expected numbers; unmap this column or pick another.")]
    ColumnNotNumeric { column: String, line: u64, value: String },
}

/// The numeric features of the usable rows, row-major, in the original units.
#[derive(Debug, Clone)]
pub struct Features {
    pub features: Vec<Feature>,
    /// `rows.len() × features.len()`, row-major.
    pub values: Vec<f32>,
    /// Index into the table's rows for each feature row.
    pub rows: Vec<usize>,
    pub report: ValueReport,
}

impl Features {
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }
    pub fn n_features(&self) -> usize {
        self.features.len()
    }
}

/// What was wrong with the values, for the page to show. Never silent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueReport {
    pub rows_total: usize,
    pub rows_with_bad_values: usize,
    pub rows_dropped: usize,
    pub cells_filled: usize,
    /// The first few bad cells, with line number, column and value.
    pub examples: Vec<BadCell>,
    /// Values read after a fix-up (such as `-6.5db` or a decimal comma), as a count.
    pub cells_recovered: usize,
    /// The first of those, with what it was read as, so the page can show the fix-up.
    pub first_recovered: Option<Recovered>,
    /// Yes/No/True/False cells of Explicit, read as 1 and 0.
    pub words_as_numbers: usize,
}

/// A cell that was read after a fix-up: where, what it said, and the number taken from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recovered {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub read_as: f32,
}

/// How a cell's text became a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A plain number.
    Plain,
    /// A word such as `Yes` (Explicit only).
    Word,
    /// After removing a unit or reading a decimal comma or thousands separators.
    FixedUp,
}

const MAX_EXAMPLES: usize = 5;

/// Parses one cell of a feature: the value and how it was read. `None` means "not a usable
/// number" (empty, text, NaN, infinite, or beyond `MAX_FEATURE_MAGNITUDE`).
pub fn parse_value(feature: Feature, raw: &str) -> Option<(f32, Reading)> {
    let s = raw.trim();
    if feature == Feature::Explicit {
        if let Some(v) = parse_bool(s) {
            return Some((v, Reading::Word));
        }
    }
    if let Ok(v) = s.parse::<f64>() {
        return finite(v).map(|v| (v, Reading::Plain));
    }
    recover_number(s).and_then(finite).map(|v| (v, Reading::FixedUp))
}

/// Finite and within `MAX_FEATURE_MAGNITUDE` (1e308 and 3.4e38 are not), with -0 made 0.
fn finite(v: f64) -> Option<f32> {
    let v32 = v as f32;
    (v.abs() <= MAX_FEATURE_MAGNITUDE).then_some(if v32 == 0.0 { 0.0 } else { v32 })
}

fn parse_bool(s: &str) -> Option<f32> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" => Some(1.0),
        "no" | "n" | "false" | "f" => Some(0.0),
        _ => None,
    }
}

/// Units and formats seen in real exports: `-6.85db`, `75%`, `0,55` (decimal comma),
/// `1,234.5` / `1.234,5` / `1,234,567` (thousands separators). A single comma is a decimal
/// comma and a single dot a decimal point, as in the file's other cells; spaces are not
/// taken as separators, since `120 128` is as likely two numbers as one.
fn recover_number(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let stripped = lower.trim_end_matches("db").trim_end_matches('%').trim();
    if let Ok(v) = stripped.parse::<f64>() {
        return Some(v);
    }
    let is_decimal_comma = stripped.matches(',').count() == 1 && !stripped.contains('.');
    if is_decimal_comma {
        return stripped.replace(',', ".").parse::<f64>().ok();
    }
    without_thousands(stripped)?.parse::<f64>().ok()
}

/// `1,234,567.5` → `1234567.5` and `1.234.567,5` → `1234567.5`, only when every group after the
/// first has exactly three digits: anything else is not a number written with separators.
fn without_thousands(s: &str) -> Option<String> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => ("-", &s[1..]),
        Some(b'+') => ("", &s[1..]),
        _ => ("", s),
    };
    let last_comma = body.rfind(',');
    let last_dot = body.rfind('.');
    let (group_sep, decimal_sep) = match (last_comma, last_dot) {
        (Some(c), Some(d)) if c < d => (',', Some('.')),
        (Some(_), Some(_)) => ('.', Some(',')),
        (Some(_), None) => (',', None),
        (None, Some(_)) => ('.', None),
        (None, None) => return None,
    };
    let (int_part, frac) = match decimal_sep.and_then(|d| body.rsplit_once(d)) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let groups: Vec<&str> = int_part.split(group_sep).collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let well_grouped = groups.len() > 1
        && groups[0].len() <= 3
        && digits(groups[0])
        && groups[1..].iter().all(|g| g.len() == 3 && digits(g))
        && frac.is_none_or(digits);
    well_grouped.then(|| format!("{sign}{}{}", groups.concat(), frac.map(|f| format!(".{f}")).unwrap_or_default()))
}

/// Checks a mapping against the table: real columns, no column used twice, at least 3 features.
pub fn validate(mapping: &ColumnMapping, headers: &[String]) -> Result<Vec<(Feature, usize)>, MappingError> {
    let present = mapping.present();
    for (i, (f, c)) in present.iter().enumerate() {
        if *c >= headers.len() {
            return Err(MappingError::NoSuchColumn { index: c + 1, count: headers.len() });
        }
        if let Some((g, _)) = present[..i].iter().find(|(_, d)| d == c) {
            return Err(MappingError::ColumnUsedTwice {
                column: headers[*c].clone(),
                first: g.name(),
                second: f.name(),
            });
        }
    }
    if present.len() < 3 && headers.len() == 1 {
        return Err(MappingError::OneColumn { header: shortened(&headers[0], 60) });
    }
    if present.len() < 3 {
        let names = present.iter().map(|(f, _)| f.name()).collect::<Vec<_>>().join(", ");
        let names = if names.is_empty() { "none".to_string() } else { names };
        return Err(MappingError::TooFewFeatures { found: present.len(), names });
    }
    Ok(present)
}

/// The first `max` characters of `text`, with "…" when there was more.
fn shortened(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Reads the mapped feature columns as numbers, handling bad cells by `policy`.
pub fn extract(table: &Table, mapping: &ColumnMapping, policy: MissingPolicy) -> Result<Features, MappingError> {
    let present = validate(mapping, &table.headers)?;
    let d = present.len();
    let n = table.n_rows();
    let mut values = vec![f32::NAN; n * d];
    let mut bad_row = vec![false; n];
    let mut report = ValueReport { rows_total: n, ..ValueReport::default() };
    for (j, &(feature, col)) in present.iter().enumerate() {
        read_column(table, feature, col, j, d, &mut values, &mut bad_row, &mut report)?;
    }
    report.rows_with_bad_values = bad_row.iter().filter(|b| **b).count();
    // Each column kept its first few; the first few of the file, by line, are among them.
    report.examples.sort_by_key(|b| b.line);
    report.examples.truncate(MAX_EXAMPLES);
    let features: Vec<Feature> = present.iter().map(|(f, _)| *f).collect();
    match policy {
        MissingPolicy::DropRows => drop_bad_rows(features, values, &bad_row, report),
        MissingPolicy::FillMedian => Ok(fill_medians(features, values, n, report)),
    }
}

#[allow(clippy::too_many_arguments)]
fn read_column(
    table: &Table,
    feature: Feature,
    col: usize,
    j: usize,
    d: usize,
    values: &mut [f32],
    bad_row: &mut [bool],
    report: &mut ValueReport,
) -> Result<(), MappingError> {
    let mut good = 0usize;
    let mut examples_here = 0usize;
    let mut first_bad: Option<BadCell> = None;
    for i in 0..table.n_rows() {
        let raw = table.cell(i, col);
        match parse_value(feature, raw) {
            Some((v, reading)) => {
                values[i * d + j] = v;
                good += 1;
                note_reading(report, reading, || Recovered {
                    line: table.lines[i],
                    column: table.headers[col].clone(),
                    value: raw.to_string(),
                    read_as: v,
                });
            }
            None => {
                bad_row[i] = true;
                let cell = BadCell { line: table.lines[i], column: table.headers[col].clone(), value: raw.to_string() };
                if examples_here < MAX_EXAMPLES {
                    examples_here += 1;
                    report.examples.push(cell.clone());
                }
                first_bad.get_or_insert(cell);
            }
        }
    }
    match (good, first_bad) {
        (0, Some(cell)) => {
            Err(MappingError::ColumnNotNumeric { column: cell.column, line: cell.line, value: cell.value })
        }
        _ => Ok(()),
    }
}

fn note_reading(report: &mut ValueReport, reading: Reading, cell: impl FnOnce() -> Recovered) {
    match reading {
        Reading::Plain => {}
        Reading::Word => report.words_as_numbers += 1,
        Reading::FixedUp => {
            report.cells_recovered += 1;
            if report.first_recovered.is_none() {
                report.first_recovered = Some(cell());
            }
        }
    }
}

fn drop_bad_rows(
    features: Vec<Feature>,
    values: Vec<f32>,
    bad_row: &[bool],
    mut report: ValueReport,
) -> Result<Features, MappingError> {
    let d = features.len();
    let rows: Vec<usize> = (0..bad_row.len()).filter(|&i| !bad_row[i]).collect();
    if rows.is_empty() {
        let ex = report.examples.first().cloned().unwrap_or(BadCell {
            line: 0,
            column: String::new(),
            value: String::new(),
        });
        return Err(MappingError::NoUsableRows { line: ex.line, column: ex.column, value: ex.value });
    }
    let kept: Vec<f32> = rows.iter().flat_map(|&i| values[i * d..(i + 1) * d].iter().copied()).collect();
    report.rows_dropped = bad_row.len() - rows.len();
    Ok(Features { features, values: kept, rows, report })
}

fn fill_medians(features: Vec<Feature>, mut values: Vec<f32>, n: usize, mut report: ValueReport) -> Features {
    let d = features.len();
    for j in 0..d {
        let median = column_median(&values, n, d, j);
        for i in 0..n {
            if values[i * d + j].is_nan() {
                values[i * d + j] = median;
                report.cells_filled += 1;
            }
        }
    }
    Features { features, values, rows: (0..n).collect(), report }
}

/// Median of the finite values of column `j`; `read_column` guarantees at least one exists.
fn column_median(values: &[f32], n: usize, d: usize, j: usize) -> f32 {
    let mut col: Vec<f32> = (0..n).map(|i| values[i * d + j]).filter(|v| !v.is_nan()).collect();
    if col.is_empty() {
        return 0.0;
    }
    col.sort_by(f32::total_cmp);
    let mid = col.len() / 2;
    if col.len() % 2 == 0 {
        (col[mid - 1] + col[mid]) / 2.0
    } else {
        col[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn slots_address_the_right_fields() {
        let mut m = ColumnMapping::default();
        m.set(Slot::Feature(Feature::Energy), Some(4));
        m.set(Slot::Artist, Some(1));
        assert_eq!(m.features[5], Some(4));
        assert_eq!((m.get(Slot::Feature(Feature::Energy)), m.artist, m.get(Slot::Title)), (Some(4), Some(1), None));
    }

    #[test]
    fn more_than_one_label_column_is_guessed_and_set() {
        // The light subset's header: Genre first, emotion as the second label.
        let light = headers(&["artist", "song", "emotion", "variance", "Genre", "Release Date", "Key", "Tempo"]);
        let m = ColumnMapping::guess(&light);
        assert_eq!((m.label, m.more_labels.clone(), m.other_labels()), (Some(4), vec![2], vec![2]));
        assert_eq!(ColumnMapping::guess(&headers(&["name", "energy", "genre"])).more_labels, Vec::<usize>::new());
        let mut m = ColumnMapping { label: Some(1), ..ColumnMapping::default() };
        m.set(Slot::MoreLabel(0), Some(3));
        m.set(Slot::MoreLabel(5), Some(4)); // past the end: appended
        m.set(Slot::MoreLabel(1), Some(5)); // replaces
        m.set(Slot::MoreLabel(2), Some(6)); // beyond MORE_LABELS: ignored
        assert_eq!(
            (m.get(Slot::MoreLabel(0)), m.get(Slot::MoreLabel(1)), m.get(Slot::MoreLabel(2))),
            (Some(3), Some(5), None)
        );
        m.more_labels.push(1); // the first label again, and a repeat, are not counted twice
        m.more_labels.push(3);
        assert_eq!(m.other_labels(), vec![3, 5]);
        m.set(Slot::MoreLabel(0), None);
        assert_eq!(m.more_labels, vec![5, 1, 3]);
        // Not written at all when unused, so files and snapshots without them read as before.
        let plain = serde_json::to_string(&ColumnMapping::default()).unwrap();
        assert!(!plain.contains("more_labels"), "{plain}");
        let back: ColumnMapping = serde_json::from_str(&plain).unwrap();
        assert!(back.more_labels.is_empty());
    }

    #[test]
    fn folding_ignores_case_space_and_punctuation() {
        assert_eq!(fold("Loudness (db)"), "loudnessdb");
        assert_eq!(fold("energy_%"), "energy");
        assert_eq!(fold("Artist(s)"), "artists");
    }

    #[test]
    fn parses_units_booleans_and_decimal_commas() {
        assert_eq!(parse_value(Feature::Loudness, "-6.85db"), Some((-6.85, Reading::FixedUp)));
        assert_eq!(parse_value(Feature::Explicit, "Yes"), Some((1.0, Reading::Word)));
        assert_eq!(parse_value(Feature::Explicit, "False"), Some((0.0, Reading::Word)));
        assert_eq!(parse_value(Feature::Energy, "0,55"), Some((0.55, Reading::FixedUp)));
        assert_eq!(parse_value(Feature::Energy, "75%"), Some((75.0, Reading::FixedUp)));
        assert_eq!(parse_value(Feature::Energy, "-0"), Some((0.0, Reading::Plain)));
        assert_eq!(parse_value(Feature::Energy, ""), None);
        assert_eq!(parse_value(Feature::Energy, "NaN"), None);
        assert_eq!(parse_value(Feature::Energy, "1e308"), None);
    }

    #[test]
    fn thousands_separators_only_when_grouped_by_three() {
        let read = |s| parse_value(Feature::Popularity, s).map(|(v, _)| v);
        assert_eq!(read("1,234.5"), Some(1234.5));
        assert_eq!(read("1.234,5"), Some(1234.5));
        assert_eq!(read("-1,234,567"), Some(-1_234_567.0));
        assert_eq!(read("+1,234,567"), Some(1_234_567.0));
        // One separator is a decimal mark, as everywhere else in the file.
        assert_eq!(read("1,234"), Some(1.234));
        assert_eq!(read("1.234"), Some(1.234));
        assert_eq!(read("120 128"), None);
        assert_eq!(read("03:47"), None);
        assert_eq!(read("1.234.567"), Some(1_234_567.0));
        assert_eq!(read("1,23,4"), None);
        assert_eq!(read("12,34.5"), None);
        assert_eq!(read("1,2345.5"), None);
    }

    #[test]
    fn too_few_features_is_an_error_that_names_them() {
        let m = ColumnMapping::guess(&headers(&["song", "energy", "tempo"]));
        let err = validate(&m, &headers(&["song", "energy", "tempo"])).unwrap_err();
        assert_eq!(
            err.to_string().split(';').next().unwrap(),
            "Only 2 of the 12 audio features were recognised (Tempo, Energy)"
        );
    }

    #[test]
    fn median_fill_and_drop() {
        let t =
            crate::pipeline::input::load::parse_csv(b"energy,tempo,valence\n1,100,0.5\n,120,0.6\n3,x,0.7\n5,140,0.8\n")
                .unwrap();
        let m = ColumnMapping::guess(&t.headers);
        let dropped = extract(&t, &m, MissingPolicy::DropRows).unwrap();
        assert_eq!(dropped.rows, vec![0, 3]);
        assert_eq!(dropped.report.rows_dropped, 2);
        assert_eq!(dropped.report.examples[0], BadCell { line: 3, column: "energy".into(), value: "".into() });
        let filled = extract(&t, &m, MissingPolicy::FillMedian).unwrap();
        assert_eq!(filled.values[3..6], [120.0, 3.0, 0.6]);
        assert_eq!(filled.values[6..9], [120.0, 3.0, 0.7]);
        assert_eq!(filled.report.cells_filled, 2);
    }

    #[test]
    fn a_list_of_tags_is_labelled_by_its_first() {
        assert_eq!(label_value("rap,southern hip hop"), "rap");
        assert_eq!(label_value(" pop "), "pop");
        assert_eq!(label_value("Unknown,Unknown,Unknown"), "Unknown");
        assert_eq!(label_value(""), "");
    }
}
