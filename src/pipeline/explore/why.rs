//! Why two songs are similar, in words: the features on which both stand out the same way
//! ("both loud, high energy") and the one on which they differ most ("Acousticness 62 vs 8").
//! Read off the z-scores, so "stands out" means against this file's own songs.

use serde::{Deserialize, Serialize};

use crate::pipeline::input::columns::Feature;

/// A feature counts as "standing out" this many standard deviations from the file's mean.
const STANDS_OUT: f32 = 0.5;
/// Two songs "differ" on a feature this many standard deviations apart.
const DIFFERS: f32 = 1.0;
/// Features named as shared, at most.
const ALIKE: usize = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Why {
    /// Where both songs stand out the same way, closest pair first: the feature's word for
    /// that side ("loud", "acoustic").
    pub alike: Vec<String>,
    /// The feature on which they are farthest apart, when that is far: its name and the two
    /// songs' values in the file's units (chosen song first).
    pub unlike: Option<(String, f32, f32)>,
}

impl Why {
    /// "both loud, high energy · Acousticness 0.62 vs 0.08"; "" when nothing stands out.
    pub fn sentence(&self) -> String {
        let mut parts = Vec::new();
        if !self.alike.is_empty() {
            parts.push(format!("both {}", self.alike.join(", ")));
        }
        if let Some((name, a, b)) = &self.unlike {
            parts.push(format!("{name} {} vs {}", short(*a), short(*b)));
        }
        parts.join(" · ")
    }
}

/// `z_a`, `z_b` are the two songs' scaled rows and `raw_a`, `raw_b` their values as the file has
/// them, all indexed like `features`.
pub fn why_similar(features: &[Feature], z_a: &[f32], z_b: &[f32], raw_a: &[f32], raw_b: &[f32]) -> Why {
    let mut alike: Vec<(f32, usize)> = (0..features.len())
        .filter_map(|j| {
            let (a, b) = (*z_a.get(j)?, *z_b.get(j)?);
            let same_side = a.signum() == b.signum() && a.abs() >= STANDS_OUT && b.abs() >= STANDS_OUT;
            same_side.then_some(((a - b).abs(), j))
        })
        .collect();
    alike.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let words = alike.iter().take(ALIKE).map(|&(_, j)| {
        let (low, high) = features[j].words();
        if z_a[j] > 0.0 { high } else { low }.to_string()
    });
    let unlike = (0..features.len())
        .filter_map(|j| Some(((z_a.get(j)? - z_b.get(j)?).abs(), j)))
        .filter(|&(gap, _)| gap >= DIFFERS)
        .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
        .and_then(|(_, j)| Some((features[j].name().to_string(), *raw_a.get(j)?, *raw_b.get(j)?)));
    Why { alike: words.collect(), unlike }
}

/// A value as a person reads it: at most three significant decimals, no trailing zeros.
fn short(v: f32) -> String {
    let text = if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.3}") };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: [Feature; 4] = [Feature::Loudness, Feature::Energy, Feature::Acousticness, Feature::Tempo];

    #[test]
    fn names_what_both_have_and_where_they_part() {
        // Both loud (+1.0, +1.1) and high energy (+2.0, +1.2); acousticness 2.1 sd apart.
        let why = why_similar(
            &F,
            &[1.0, 2.0, -0.6, 0.1],
            &[1.1, 1.2, 1.5, 0.1],
            &[-4.0, 0.9, 0.08, 120.0],
            &[-3.5, 0.8, 0.62, 121.0],
        );
        assert_eq!(why.alike, vec!["loud".to_string(), "high energy".to_string()], "closest pair first");
        assert_eq!(why.unlike, Some(("Acousticness".into(), 0.08, 0.62)));
        assert_eq!(why.sentence(), "both loud, high energy · Acousticness 0.08 vs 0.62");
    }

    #[test]
    fn average_songs_say_nothing_rather_than_something_empty() {
        let why = why_similar(&F, &[0.1, -0.2, 0.0, 0.3], &[0.2, 0.1, -0.1, 0.2], &[0.0; 4], &[0.0; 4]);
        assert_eq!(why, Why::default());
        assert_eq!(why.sentence(), "");
        // Opposite sides are not "alike", however far out.
        let why = why_similar(
            &F,
            &[-1.0, 0.0, 0.0, 0.0],
            &[1.0, 0.0, 0.0, 0.0],
            &[-20.0, 0.0, 0.0, 0.0],
            &[-3.0, 0.0, 0.0, 0.0],
        );
        assert!(why.alike.is_empty());
        assert_eq!(why.sentence(), "Loudness -20 vs -3");
        assert_eq!(short(128.4), "128");
        assert_eq!(short(0.5), "0.5");
    }
}
