//! Readable cluster names from the reference project's genre–emotion table.
//!
//! The table says "High energy", not "energy above 0.7": its levels are relative, and files
//! differ in scale (0–1 fractions, 0–100 percentages). So each feature is cut at the dataset's
//! own tertiles, a cluster gets the level its typical song has, and the genre row with the
//! fewest level steps away names it. The name is a hint, never a claim: the score is shown next
//! to it, and a poor best match says "no close match" instead of borrowing a genre.

use serde::{Deserialize, Serialize};

use crate::pipeline::analysis::summary::ClusterSummary;
use crate::pipeline::analysis::unique_names::{unique_names, Profile};
use crate::pipeline::input::columns::{Feature, Features};

/// Where a value sits among the dataset's songs: lower, middle or upper third.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    /// The word the reference table uses, so the page reads like the table.
    pub fn label(self) -> &'static str {
        match self {
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
        }
    }

    /// Levels are ordered, so Low against High is two steps and counts twice Low against Medium.
    pub fn rank(self) -> u32 {
        match self {
            Level::Low => 0,
            Level::Medium => 1,
            Level::High => 2,
        }
    }
}

/// One row of the genre–emotion table; `levels` is indexed like `TABLE_FEATURES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenreRow {
    pub genre: &'static str,
    pub emotions: &'static [&'static str],
    pub levels: [Level; 7],
}

/// The table's feature columns, in its order; the other five features have no levels there.
pub const TABLE_FEATURES: [Feature; 7] = [
    Feature::Energy,
    Feature::Danceability,
    Feature::Positiveness,
    Feature::Speechiness,
    Feature::Liveness,
    Feature::Acousticness,
    Feature::Instrumentalness,
];

const L: Level = Level::Low;
const M: Level = Level::Medium;
const H: Level = Level::High;

const fn row(genre: &'static str, emotions: &'static [&'static str], levels: [Level; 7]) -> GenreRow {
    GenreRow { genre, emotions, levels }
}

/// Transcribed from /work/shared/seed/reference-project.md, section "Genre-Emotion to Features
/// Mapping", in its row order (which breaks ties: Soul and Folk have identical levels, so Soul,
/// listed first, is the name such a cluster gets).
pub const GENRES: [GenreRow; 15] = [
    row("Pop", &["joy", "love", "sadness"], [H, H, H, M, L, M, L]),
    row("Rock", &["joy", "anger", "love"], [H, M, M, L, M, M, L]),
    row("Hip Hop", &["anger", "joy", "love"], [H, M, M, H, L, L, L]),
    row("Indie", &["sadness", "love", "joy"], [M, H, M, L, M, H, L]),
    row("Dance", &["joy", "love", "excitement"], [H, H, H, L, L, L, L]),
    row("Rap", &["anger", "pride", "confidence"], [H, M, L, H, L, L, L]),
    row("R&B", &["love", "sadness", "desire"], [M, M, M, H, L, L, L]),
    row("Electronic", &["joy", "energy", "excitement"], [H, H, H, M, L, L, L]),
    row("Soul", &["love", "nostalgia"], [L, L, M, L, H, H, L]),
    row("Alternative", &["sadness", "melancholy"], [M, M, M, M, L, H, M]),
    row("Metal", &["anger", "despair"], [H, L, L, L, L, L, H]),
    row("Classical", &["awe", "peace", "sadness"], [L, L, L, L, H, H, L]),
    row("Jazz", &["calm", "contentment"], [L, L, M, L, H, H, M]),
    row("Country", &["heartbreak", "reflection"], [M, M, M, L, L, H, L]),
    row("Folk", &["thoughtfulness", "nostalgia"], [L, L, M, L, H, H, L]),
];

/// Lowest score still called a match. A score is 1 − steps / (2 × compared); with all 7 table
/// features, one step off gives 0.93, two steps (two features one level off, or one at the
/// opposite level) 0.86, three steps 0.79. Two steps is as far as a name stays honest: the
/// table's own neighbours are that close (Dance and Electronic differ by one step, Dance and
/// Pop by two), while three steps already lets the sign of a feature flip and something else
/// disagree. For comparison, random levels average 8/9 of a step per feature, a score of 0.56.
pub const CLOSE: f32 = 0.8;

/// With one or two features, 15 genres share at most 9 level combinations, so the best "match"
/// would be a tie decided by table order and would name the cluster from almost nothing.
pub const MIN_COMPARED: usize = 3;

/// A cluster's name and how it was reached, for the cluster table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterName {
    pub cluster: usize,
    pub name: String,
    /// The best-matching genre, kept even when it is not close so the page can say what the
    /// nearest candidate was.
    pub genre: Option<String>,
    pub emotions: Vec<String>,
    /// 1 − mean level steps / 2 against `genre`; 0 when nothing was compared.
    pub score: f32,
    pub close: bool,
    /// The cluster's level for each mapped table feature, by `Feature::name()`, in table order.
    pub levels: Vec<(String, Level)>,
    /// How many table features the score is over (0 when no genre was compared).
    pub compared: usize,
}

/// The 1/3 and 2/3 quantiles of one column, by numpy's default "linear" method (Hyndman & Fan
/// type 7), so the cuts agree with `np.quantile` on the same data. Non-finite cells are skipped
/// rather than sorted in; with no finite cell the cuts are (0, 0), so callers get numbers, never NaN.
pub fn tertiles(values: &[f32], d: usize, column: usize) -> (f32, f32) {
    let mut col = finite_column(values, d, column);
    col.sort_by(f32::total_cmp);
    (quantile(&col, 1.0 / 3.0).unwrap_or(0.0), quantile(&col, 2.0 / 3.0).unwrap_or(0.0))
}

/// Values at a cut belong below it, so a column that is mostly zeros (instrumentalness often is)
/// has zero as Low rather than Medium. NaN says nothing either way and is put in the middle,
/// where it moves a score least.
pub fn level_of(value: f32, cuts: (f32, f32)) -> Level {
    if value.is_nan() {
        Level::Medium
    } else if value <= cuts.0 {
        Level::Low
    } else if value <= cuts.1 {
        Level::Medium
    } else {
        Level::High
    }
}

fn finite_column(values: &[f32], d: usize, column: usize) -> Vec<f32> {
    if d == 0 {
        return Vec::new();
    }
    values.chunks_exact(d).filter_map(|row| row.get(column)).copied().filter(|v| v.is_finite()).collect()
}

/// `sorted` must be ascending. Interpolated in f64 so integer positions give exact cells.
fn quantile(sorted: &[f32], p: f64) -> Option<f32> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let below = h.floor() as usize;
    let a = f64::from(*sorted.get(below)?);
    let b = f64::from(*sorted.get((below + 1).min(last))?);
    Some((a + (h - below as f64) * (b - a)) as f32)
}

/// A mapped table feature: its row in the table, its column in `Features`, and its cuts.
struct TableColumn {
    table: usize,
    column: usize,
    cuts: (f32, f32),
}

/// The names the page shows: each cluster's table match (`name_clusters`), named by what sets it
/// apart (`unique_names`: its distinctive features, its top label, the table's genre only when
/// close), no two alike. `summaries` are the clusters' (`summary::summarise`), indexed alike.
pub fn cluster_names(features: &Features, labels: &[usize], summaries: &[ClusterSummary]) -> Vec<ClusterName> {
    let mut names = name_clusters(features, labels, summaries.len());
    let profiles: Vec<Profile> = summaries
        .iter()
        .zip(&names)
        .map(|(s, n)| Profile {
            zmeans: &s.zmeans,
            features: &features.features,
            size: s.size,
            top_label: s.top_label.as_ref().map(|(label, share)| (label.as_str(), *share)),
            genre: n.genre.as_deref().filter(|_| n.close),
        })
        .collect();
    let unique = unique_names(&profiles);
    for (name, text) in names.iter_mut().zip(unique) {
        name.name = text;
    }
    names
}

/// One table match per cluster `0..k`, named after it ("Dance-like · joy, love, excitement",
/// "Cluster 2 · no close match"). The cuts come from every row, including rows whose label is not
/// in `0..k`, because a level is relative to the whole dataset, not to the clusters named.
pub fn name_clusters(features: &Features, labels: &[usize], k: usize) -> Vec<ClusterName> {
    let d = features.n_features();
    let columns: Vec<TableColumn> = TABLE_FEATURES
        .iter()
        .enumerate()
        .filter_map(|(table, f)| features.features.iter().position(|g| g == f).map(|column| (table, column)))
        .map(|(table, column)| TableColumn { table, column, cuts: tertiles(&features.values, d, column) })
        .collect();
    (0..k).map(|c| name_one(features, labels, c, &columns)).collect()
}

fn name_one(features: &Features, labels: &[usize], c: usize, columns: &[TableColumn]) -> ClusterName {
    let members: Vec<usize> = (0..features.n_rows()).filter(|&i| labels.get(i) == Some(&c)).collect();
    if members.is_empty() {
        return unnamed(c, format!("Cluster {c} · empty"), &[]);
    }
    let levels: Vec<(usize, Level)> =
        columns.iter().filter_map(|col| cluster_level(features, &members, col).map(|l| (col.table, l))).collect();
    if levels.len() < MIN_COMPARED {
        return unnamed(c, format!("Cluster {c}"), &levels);
    }
    matched(c, &levels)
}

/// The level of the members' median. Median, not mean: speechiness, liveness and
/// instrumentalness are heavily skewed (most songs near 0, a few near 1), so a handful of live
/// or spoken tracks would drag a mean across a cut while most of the cluster sits below it; and
/// a median against tertile cuts asks one rank question, "where does the typical member sit".
/// `None` when no member has a finite value, so the feature is left out rather than guessed.
fn cluster_level(features: &Features, members: &[usize], col: &TableColumn) -> Option<Level> {
    let d = features.n_features();
    let mut values: Vec<f32> = members
        .iter()
        .filter_map(|&i| features.values.get(i * d + col.column))
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    values.sort_by(f32::total_cmp);
    quantile(&values, 0.5).map(|median| level_of(median, col.cuts))
}

fn unnamed(c: usize, name: String, levels: &[(usize, Level)]) -> ClusterName {
    ClusterName {
        cluster: c,
        name,
        genre: None,
        emotions: Vec::new(),
        score: 0.0,
        close: false,
        levels: named_levels(levels),
        compared: 0,
    }
}

fn matched(c: usize, levels: &[(usize, Level)]) -> ClusterName {
    // `min_by_key` keeps the first of equal minima, which is the table-order tie-break.
    let Some(best) = GENRES.iter().min_by_key(|g| steps(g, levels)) else {
        return unnamed(c, format!("Cluster {c}"), levels);
    };
    let score = score_of(steps(best, levels), levels.len());
    let close = is_close(score);
    let name = if close {
        format!("{}-like · {}", best.genre, best.emotions.join(", "))
    } else {
        format!("Cluster {c} · no close match")
    };
    ClusterName {
        cluster: c,
        name,
        genre: Some(best.genre.to_string()),
        emotions: best.emotions.iter().map(|e| e.to_string()).collect(),
        score,
        close,
        levels: named_levels(levels),
        compared: levels.len(),
    }
}

/// Total level steps between a cluster and a genre row; an integer, so ties are exact.
fn steps(genre: &GenreRow, levels: &[(usize, Level)]) -> u32 {
    levels.iter().filter_map(|&(t, l)| genre.levels.get(t).map(|g| g.rank().abs_diff(l.rank()))).sum()
}

fn score_of(steps: u32, compared: usize) -> f32 {
    if compared == 0 {
        return 0.0;
    }
    1.0 - steps as f32 / (2.0 * compared as f32)
}

/// With a small tolerance, because a score exactly at `CLOSE` (2 steps over 5 features is 0.8)
/// may round a hair below it in f32.
fn is_close(score: f32) -> bool {
    score >= CLOSE - 1e-6
}

fn named_levels(levels: &[(usize, Level)]) -> Vec<(String, Level)> {
    levels.iter().filter_map(|&(t, l)| TABLE_FEATURES.get(t).map(|f| (f.name().to_string(), l))).collect()
}

/// The score in words, e.g. "matches Dance on 6 of 7 features (score 0.93)". Exact matches are
/// counted because "6 of 7" is easier to trust than a fraction of level steps.
pub fn describe_score(n: &ClusterName) -> String {
    let Some(row) = n.genre.as_deref().and_then(|g| GENRES.iter().find(|r| r.genre == g)) else {
        return "not compared with the genre table".to_string();
    };
    let same = n.levels.iter().filter(|(name, level)| table_level(row, name) == Some(*level)).count();
    format!("matches {} on {same} of {} features (score {:.2})", row.genre, n.compared, n.score)
}

fn table_level(row: &GenreRow, feature_name: &str) -> Option<Level> {
    TABLE_FEATURES.iter().position(|f| f.name() == feature_name).and_then(|t| row.levels.get(t)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::columns::ValueReport;

    const DANCE: [Level; 7] = [H, H, H, L, L, L, L];
    const METAL: [Level; 7] = [H, L, L, L, L, L, H];
    /// Steps to each row (by hand, L=0 M=1 H=2): Pop 10, Rock 10, Hip Hop 8, Indie 9, Dance 10,
    /// Rap 7, R&B 7, Electronic 9, Soul 9, Alternative 9, Metal 8, Classical 8, Jazz 8,
    /// Country 11, Folk 9. Best is Rap (first of the two 7s): score 1 − 7/14 = 0.5.
    const MIX: [Level; 7] = [L, H, L, H, H, L, H];
    const BACKGROUND: usize = 90;

    fn value(level: Level) -> f32 {
        match level {
            Level::Low => 0.1,
            Level::Medium => 0.5,
            Level::High => 0.9,
        }
    }

    fn features(list: &[Feature], rows: &[[f32; 7]]) -> Features {
        let values = rows
            .iter()
            .enumerate()
            .flat_map(|(i, table)| {
                list.iter().map(move |f| TABLE_FEATURES.iter().position(|t| t == f).map_or(i as f32, |t| table[t]))
            })
            .collect();
        Features { features: list.to_vec(), values, rows: (0..rows.len()).collect(), report: ValueReport::default() }
    }

    /// `size` songs per cluster with every table feature at `value(level)`, then 90 background
    /// songs spread evenly over [0, 1] and labelled `clusters.len()`. With at most a few dozen
    /// cluster songs the background keeps the cuts near 0.33 and 0.67 (worst cases, all cluster
    /// songs at one end: lower cut 0.27–0.37, upper 0.63–0.73), so 0.1, 0.5 and 0.9 fall in
    /// Low, Medium and High whatever levels the clusters have.
    fn dataset(list: &[Feature], clusters: &[[Level; 7]], size: usize) -> (Features, Vec<usize>) {
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for (c, levels) in clusters.iter().enumerate() {
            for _ in 0..size {
                rows.push(levels.map(value));
                labels.push(c);
            }
        }
        for i in 0..BACKGROUND {
            rows.push([(i as f32 + 0.5) / BACKGROUND as f32; 7]);
            labels.push(clusters.len());
        }
        (features(list, &rows), labels)
    }

    fn levels_of(n: &ClusterName) -> Vec<Level> {
        n.levels.iter().map(|(_, l)| *l).collect()
    }

    #[test]
    fn tertiles_interpolate_like_numpy() {
        // Sorted 1..=7: positions (7−1)/3 = 2 and 4 are cells, values 3 and 5.
        assert_eq!(tertiles(&[7.0, 1.0, 3.0, 5.0, 2.0, 6.0, 4.0], 1, 0), (3.0, 5.0));
        // 0..=4: positions 4/3 and 8/3, between 1 and 2 and between 2 and 3.
        let (lo, hi) = tertiles(&[0.0, 1.0, 2.0, 3.0, 4.0], 1, 0);
        assert!((lo - 4.0 / 3.0).abs() < 1e-6 && (hi - 8.0 / 3.0).abs() < 1e-6, "{lo} {hi}");
        // Two columns, row-major: column 1 is 10, 20, 30, 40; positions 1 and 2.
        assert_eq!(tertiles(&[1.0, 40.0, 2.0, 10.0, 3.0, 30.0, 4.0, 20.0], 2, 1), (20.0, 30.0));
    }

    #[test]
    fn tertiles_skip_nan_and_survive_empty_input() {
        // Finite cells 1, 2, 3, 4: positions 1 and 2.
        assert_eq!(tertiles(&[f32::NAN, 4.0, 1.0, f32::INFINITY, 3.0, 2.0], 1, 0), (2.0, 3.0));
        assert_eq!(tertiles(&[], 3, 0), (0.0, 0.0));
        assert_eq!(tertiles(&[1.0, 2.0], 0, 0), (0.0, 0.0));
        assert_eq!(tertiles(&[1.0, 2.0], 2, 5), (0.0, 0.0));
        assert_eq!(tertiles(&[f32::NAN, f32::NAN], 1, 0), (0.0, 0.0));
        assert_eq!(tertiles(&[5.0], 1, 0), (5.0, 5.0));
    }

    #[test]
    fn levels_put_values_at_a_cut_below_it() {
        let cuts = (1.0, 2.0);
        assert_eq!(level_of(0.5, cuts), Level::Low);
        assert_eq!(level_of(1.0, cuts), Level::Low);
        assert_eq!(level_of(1.5, cuts), Level::Medium);
        assert_eq!(level_of(2.0, cuts), Level::Medium);
        assert_eq!(level_of(2.5, cuts), Level::High);
        assert_eq!(level_of(f32::NAN, cuts), Level::Medium);
        assert_eq!(level_of(0.0, (0.0, 0.0)), Level::Low);
        assert_eq!([Level::Low, Level::Medium, Level::High].map(Level::label), ["Low", "Medium", "High"]);
    }

    #[test]
    fn genre_table_has_unique_genres_with_emotions() {
        for (i, g) in GENRES.iter().enumerate() {
            assert!(!g.emotions.is_empty(), "{}", g.genre);
            assert!(GENRES[..i].iter().all(|h| h.genre != g.genre), "{}", g.genre);
        }
    }

    fn check_table_rows_named(list: &[Feature]) {
        let (f, labels) = dataset(list, &[DANCE, METAL, MIX], 3);
        let names = name_clusters(&f, &labels, 3);
        assert_eq!(names.len(), 3);
        assert_eq!(levels_of(&names[0]), DANCE);
        assert_eq!(names[0].name, "Dance-like · joy, love, excitement");
        assert_eq!((names[0].score, names[0].close, names[0].compared), (1.0, true, 7));
        assert_eq!(names[0].genre.as_deref(), Some("Dance"));
        assert_eq!(levels_of(&names[1]), METAL);
        assert_eq!(names[1].name, "Metal-like · anger, despair");
        assert_eq!((names[1].score, names[1].close), (1.0, true));
        let feature_names: Vec<&str> = names[0].levels.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(feature_names, TABLE_FEATURES.map(Feature::name));
    }

    #[test]
    fn clusters_at_table_rows_are_named_after_them_with_all_features() {
        check_table_rows_named(&Feature::ALL);
    }

    #[test]
    fn clusters_at_table_rows_are_named_after_them_with_only_table_features() {
        check_table_rows_named(&TABLE_FEATURES);
    }

    #[test]
    fn a_mix_matching_nothing_well_has_no_close_match() {
        let (f, labels) = dataset(&Feature::ALL, &[DANCE, METAL, MIX], 3);
        let mix = &name_clusters(&f, &labels, 3)[2];
        assert_eq!(levels_of(mix), MIX);
        assert_eq!(mix.name, "Cluster 2 · no close match");
        assert!(!mix.close);
        // See MIX: Rap is the nearest candidate, 7 steps over 7 features.
        assert_eq!((mix.genre.as_deref(), mix.score), (Some("Rap"), 0.5));
        assert_eq!(mix.emotions, ["anger", "pride", "confidence"]);
    }

    #[test]
    fn two_steps_off_is_close_and_three_is_not() {
        assert!(is_close(score_of(1, 7)));
        assert!(is_close(score_of(2, 7)));
        assert!(!is_close(score_of(3, 7)));
        assert!(is_close(score_of(2, 5)), "exactly 0.8 counts as close");
        // All-Medium background: Alternative (M M M M L H M) is 2 steps away, every earlier row
        // at least 3 (Rock: Energy, Speechiness, Instrumentalness), so it is named, at 12/14.
        let (f, labels) = dataset(&Feature::ALL, &[DANCE], 3);
        let background = &name_clusters(&f, &labels, 2)[1];
        assert_eq!(levels_of(background), [M; 7]);
        assert_eq!(background.name, "Alternative-like · sadness, melancholy");
        assert!((background.score - 12.0 / 14.0).abs() < 1e-6);
    }

    #[test]
    fn fewer_than_three_table_features_give_plain_names() {
        let list = [Feature::Tempo, Feature::Loudness, Feature::Energy, Feature::Danceability];
        let (f, labels) = dataset(&list, &[DANCE, METAL], 3);
        let names = name_clusters(&f, &labels, 2);
        for (c, n) in names.iter().enumerate() {
            assert_eq!(n.name, format!("Cluster {c}"));
            assert_eq!((n.genre.clone(), n.score, n.close, n.compared), (None, 0.0, false, 0));
            assert_eq!(n.levels.len(), 2);
        }
        assert_eq!(levels_of(&names[1]), [H, L]);
        assert_eq!(describe_score(&names[0]), "not compared with the genre table");
    }

    #[test]
    fn an_empty_cluster_is_named_empty() {
        let (f, mut labels) = dataset(&Feature::ALL, &[DANCE, METAL], 3);
        labels.iter_mut().filter(|l| **l == 1).for_each(|l| *l = 0);
        let names = name_clusters(&f, &labels, 3);
        assert_eq!(names[1].name, "Cluster 1 · empty");
        assert_eq!((names[1].genre.clone(), names[1].score, names[1].compared), (None, 0.0, 0));
        assert!(names[1].levels.is_empty());
        // Cluster 2 is the background; labels shorter than the rows leave the rest unlabelled.
        let short = name_clusters(&f, &labels[..2], 3);
        assert_eq!(short[0].name, "Dance-like · joy, love, excitement");
        assert_eq!(short[2].name, "Cluster 2 · empty");
        assert!(name_clusters(&f, &labels, 0).is_empty());
    }

    #[test]
    fn one_outlier_does_not_move_a_cluster_level() {
        let (mut f, labels) = dataset(&TABLE_FEATURES, &[DANCE], 5);
        // Song 0 goes to the opposite end on every table feature; the median of 5 ignores it.
        let opposite = DANCE.map(|l| if l == H { value(L) } else { value(H) });
        f.values[..7].copy_from_slice(&opposite);
        let dance = &name_clusters(&f, &labels, 1)[0];
        assert_eq!(levels_of(dance), DANCE);
        assert_eq!(dance.score, 1.0);
    }

    #[test]
    fn describe_score_counts_exact_matches() {
        let (f, labels) = dataset(&Feature::ALL, &[DANCE, METAL, MIX], 3);
        let names = name_clusters(&f, &labels, 3);
        assert_eq!(describe_score(&names[0]), "matches Dance on 7 of 7 features (score 1.00)");
        // MIX against Rap (H M L H L L L): Positiveness, Speechiness and Acousticness agree.
        assert_eq!(describe_score(&names[2]), "matches Rap on 3 of 7 features (score 0.50)");
    }

    #[test]
    fn output_is_finite_and_survives_json() {
        let (f, labels) = dataset(&Feature::ALL, &[DANCE, METAL, MIX], 3);
        let names = name_clusters(&f, &labels, 5);
        assert!(names.iter().all(|n| n.score.is_finite() && (0.0..=1.0).contains(&n.score)));
        let json = serde_json::to_string(&names).unwrap();
        assert!(!json.contains("NaN"));
        assert!(names.iter().all(|n| n.genre.is_some() || n.emotions.is_empty()));
        assert_eq!(names[4].name, "Cluster 4 · empty");
        let back: Vec<ClusterName> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, names);
    }
}
