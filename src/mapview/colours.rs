//! The colour of each dot: by cluster, by a text column (its most common values, the rest as
//! "other"), or by a number column on a continuous scale. Palettes are colour-blind-safe.

use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::summary::ranked_values;
use crate::pipeline::input::load::Table;

/// Okabe–Ito's hues, with its yellow and sky blue darkened so every dot keeps about 3:1
/// contrast on the white map, then four more distinct hues.
const OKABE_ITO: [[u8; 3]; 12] = [
    [0, 114, 178],
    [230, 159, 0],
    [0, 158, 115],
    [204, 121, 167],
    [51, 146, 204],
    [213, 94, 0],
    [150, 138, 0],
    [0, 0, 0],
    [148, 103, 189],
    [140, 86, 75],
    [127, 127, 127],
    [23, 190, 207],
];

/// Categories shown by name before the rest become "other": more hues than this are not
/// told apart reliably, least of all by colour-blind readers.
pub const MAX_CATEGORIES: usize = 9;

/// Grey for songs with no value (an empty or unreadable cell).
pub const MISSING: [u8; 3] = [200, 200, 200];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Palette {
    /// Okabe–Ito: designed to stay distinct for the common colour-vision deficiencies.
    #[default]
    OkabeIto,
    /// Tableau 10: brighter, and also chosen for colour-blind readers.
    Tableau,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Scale {
    /// Viridis: perceptually even and readable in grey and by colour-blind readers.
    #[default]
    Viridis,
    /// Cividis: optimised for deuteranopia and protanopia.
    Cividis,
}

/// The colour of category `i`; beyond the palette, hues spaced by the golden angle.
pub fn categorical(i: usize, palette: Palette) -> [u8; 3] {
    let listed = match palette {
        Palette::OkabeIto => OKABE_ITO.get(i).copied(),
        Palette::Tableau => colorous::TABLEAU10.get(i).map(|c| [c.r, c.g, c.b]),
    };
    listed.unwrap_or_else(|| golden_hue(i))
}

fn golden_hue(i: usize) -> [u8; 3] {
    let hue = (i as f64 * 137.508) % 360.0;
    let c = colorous::SINEBOW.eval_continuous(hue / 360.0);
    // Sinebow is bright; darken it so the dot stands out on white.
    [c.r, c.g, c.b].map(|v| (f64::from(v) * 0.75) as u8)
}

/// The colour of `t` in 0–1 on `scale`; grey for a missing value.
pub fn continuous(t: f32, scale: Scale) -> [u8; 3] {
    if !t.is_finite() {
        return MISSING;
    }
    let t = f64::from(t.clamp(0.0, 1.0));
    let c = match scale {
        Scale::Viridis => colorous::VIRIDIS.eval_continuous(t),
        Scale::Cividis => colorous::CIVIDIS.eval_continuous(t),
    };
    [c.r, c.g, c.b]
}

/// CSS for a colour.
pub fn css([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

/// What the dots are coloured by, other than clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Colouring {
    /// The column's name, for the legend.
    pub column: String,
    pub kind: ColourKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColourKind {
    /// `codes[i]` indexes `names`; `names` ends with "other" when values were folded into it;
    /// `u16::MAX` is an empty cell.
    Categories { names: Vec<String>, codes: Vec<u16> },
    /// One value per song (NaN when unreadable) and their range.
    Values {
        #[serde(with = "missing_as_null")]
        values: Vec<f32>,
        min: f32,
        max: f32,
    },
}

/// An unreadable cell's NaN travels as JSON `null` and comes back as NaN: serde_json writes
/// NaN as `null` but will not read `null` as a number, so without this one empty cell made the
/// whole colouring unreadable on the page.
mod missing_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
        let options: Vec<Option<f32>> = values.iter().map(|v| v.is_finite().then_some(*v)).collect();
        options.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
        let options = Vec::<Option<f32>>::deserialize(d)?;
        Ok(options.into_iter().map(|v| v.unwrap_or(f32::NAN)).collect())
    }
}

impl Colouring {
    /// One colour per song.
    pub fn colours(&self, palette: Palette, scale: Scale) -> Vec<[u8; 3]> {
        match &self.kind {
            ColourKind::Categories { codes, .. } => codes
                .iter()
                .map(|&c| if c == u16::MAX { MISSING } else { categorical(usize::from(c), palette) })
                .collect(),
            ColourKind::Values { values, min, max } => {
                let span = (max - min).max(f32::MIN_POSITIVE);
                values.iter().map(|v| continuous((v - min) / span, scale)).collect()
            }
        }
    }
}

/// Column `column` of the table rows `rows`, as colours: numbers when at least 90% of the
/// non-empty cells read as numbers (a few stray words should not turn a scale into
/// categories), otherwise its most common values.
pub fn colouring_of_column(table: &Table, rows: &[usize], column: usize) -> Colouring {
    let name = table.headers.get(column).cloned().unwrap_or_default();
    let cells: Vec<&str> = rows.iter().map(|&r| table.cell(r, column).trim()).collect();
    let filled = cells.iter().filter(|c| !c.is_empty()).count();
    let numbers: Vec<f32> =
        cells.iter().map(|c| c.parse::<f32>().ok().filter(|v| v.is_finite()).unwrap_or(f32::NAN)).collect();
    let readable = numbers.iter().filter(|v| v.is_finite()).count();
    let kind = if filled > 0 && readable * 10 >= filled * 9 { values_kind(numbers) } else { categories_kind(&cells) };
    Colouring { column: name, kind }
}

/// A number column already read (a mapped feature), as colours.
pub fn colouring_of_values(name: &str, values: Vec<f32>) -> Colouring {
    Colouring { column: name.to_string(), kind: values_kind(values) }
}

fn values_kind(values: Vec<f32>) -> ColourKind {
    let (min, max) = super::finite_range(values.iter().copied());
    let (min, max) = if min > max { (0.0, 1.0) } else { (min, max) };
    ColourKind::Values { values, min, max }
}

fn categories_kind(cells: &[&str]) -> ColourKind {
    let ranked = ranked_values(cells.iter().copied().filter(|c| !c.is_empty()));
    let folded = ranked.len() > MAX_CATEGORIES;
    let shown = if folded { MAX_CATEGORIES - 1 } else { ranked.len() };
    let mut names: Vec<String> = ranked[..shown].iter().map(|(n, _)| n.to_string()).collect();
    let other = shown as u16;
    if folded {
        names.push("other".into());
    }
    let code_of: std::collections::HashMap<&str, u16> =
        ranked[..shown].iter().enumerate().map(|(i, (n, _))| (*n, i as u16)).collect();
    let codes =
        cells.iter().map(|c| if c.is_empty() { u16::MAX } else { code_of.get(c).copied().unwrap_or(other) }).collect();
    ColourKind::Categories { names, codes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::load::parse_csv;

    #[test]
    fn text_columns_keep_their_most_common_values_and_fold_the_rest() {
        let mut csv = String::from("genre,n\n");
        for (g, times) in [("pop", 5), ("rock", 4), ("jazz", 3)] {
            for _ in 0..times {
                csv.push_str(&format!("{g},1\n"));
            }
        }
        for i in 0..10 {
            csv.push_str(&format!("rare{i},1\n"));
        }
        csv.push_str(",1\n");
        let t = parse_csv(csv.as_bytes()).unwrap();
        let rows: Vec<usize> = (0..t.n_rows()).collect();
        let c = colouring_of_column(&t, &rows, 0);
        let ColourKind::Categories { names, codes } = &c.kind else { panic!("expected categories") };
        assert_eq!(names.len(), MAX_CATEGORIES);
        assert_eq!(&names[..3], ["pop", "rock", "jazz"]);
        assert_eq!(names.last().map(String::as_str), Some("other"));
        assert_eq!(codes[0], 0);
        assert_eq!(codes[5], 1);
        assert_eq!(codes[t.n_rows() - 2], (MAX_CATEGORIES - 1) as u16, "a rare value is other");
        assert_eq!(codes[t.n_rows() - 1], u16::MAX, "an empty cell has no category");
        let colours = c.colours(Palette::OkabeIto, Scale::Viridis);
        assert_eq!(colours[0], OKABE_ITO[0]);
        assert_eq!(colours[t.n_rows() - 1], MISSING);
    }

    #[test]
    fn number_columns_get_a_scale_even_with_a_stray_word() {
        let mut csv = String::from("tempo\n");
        for i in 0..19 {
            csv.push_str(&format!("{}\n", 100 + i));
        }
        csv.push_str("fast\n");
        let t = parse_csv(csv.as_bytes()).unwrap();
        let rows: Vec<usize> = (0..t.n_rows()).collect();
        let c = colouring_of_column(&t, &rows, 0);
        let ColourKind::Values { values, min, max } = &c.kind else { panic!("expected values") };
        assert_eq!((*min, *max), (100.0, 118.0));
        assert!(values[19].is_nan());
        let colours = c.colours(Palette::OkabeIto, Scale::Viridis);
        assert_ne!(colours[0], colours[18], "the ends of the scale differ");
        assert_eq!(colours[19], MISSING);
    }

    #[test]
    fn palettes_give_distinct_colours() {
        for palette in [Palette::OkabeIto, Palette::Tableau] {
            let colours: std::collections::HashSet<[u8; 3]> = (0..20).map(|i| categorical(i, palette)).collect();
            assert_eq!(colours.len(), 20, "{palette:?}");
        }
        assert_eq!(continuous(f32::NAN, Scale::Cividis), MISSING);
        assert_eq!(continuous(-3.0, Scale::Viridis), continuous(0.0, Scale::Viridis));
    }
}
