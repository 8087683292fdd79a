//! Cluster names that say what a cluster is, on any file, and never the same twice.
//!
//! The genre–emotion table names few real clusters (on real files most came out "no close
//! match", and two got the same name). So a name is built from what sets the cluster apart in
//! this file: its most distinctive features in words ("very loud · high energy"), its most
//! common label and share when a label column is mapped ("rock 43%"), and the table's genre
//! only when the match is close ("(Metal-like)"). Where two names would read the same, both
//! say one more of their features, until they differ in words, not by a number; twins on
//! every feature say which of them is louder, faster…

use crate::pipeline::input::columns::Feature;

/// A feature is distinctive enough to name a cluster this far (in standard deviations of the
/// file's songs) from the file's mean.
const DISTINCTIVE: f32 = 0.15;
/// "very" from this far.
const VERY: f32 = 1.0;
/// Features a name starts with; more are added only to tell names apart.
const START: usize = 2;

/// What one cluster's name is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile<'a> {
    /// The mean z-score of each feature over the cluster's songs, indexed like `features`.
    pub zmeans: &'a [f32],
    pub features: &'a [Feature],
    pub size: usize,
    /// The most common label and its share (0–1), when a label column is mapped.
    pub top_label: Option<(&'a str, f32)>,
    /// The genre–emotion table's genre, when it is a close match.
    pub genre: Option<&'a str>,
}

impl Profile<'_> {
    /// The cluster's distinctive features, most distinctive first (ties by feature order).
    fn ranked(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.features.len().min(self.zmeans.len()))
            .filter(|&j| self.zmeans[j].is_finite() && self.zmeans[j].abs() >= DISTINCTIVE)
            .collect();
        order.sort_by(|&a, &b| self.zmeans[b].abs().total_cmp(&self.zmeans[a].abs()).then(a.cmp(&b)));
        order
    }

    fn word(&self, j: usize) -> String {
        let (low, high) = self.features[j].words();
        let z = self.zmeans[j];
        let word = if z > 0.0 { high } else { low };
        if z.abs() >= VERY {
            format!("very {word}")
        } else {
            word.to_string()
        }
    }

    /// What the name says, without numbers or "very": two names are the same when these are
    /// ("very acoustic" and "acoustic" say the same thing, only louder).
    fn says(&self, words: &[String]) -> String {
        let plain: Vec<&str> = words.iter().map(|w| w.trim_start_matches("very ")).collect();
        format!("{}|{}|{}", plain.join(","), self.top_label.map_or("", |l| l.0), self.genre.unwrap_or(""))
    }

    fn name(&self, words: &[String]) -> String {
        if self.size == 0 {
            return "empty: no songs".into();
        }
        let mut parts: Vec<String> =
            if words.is_empty() { vec!["close to the file's average".into()] } else { words.to_vec() };
        if let Some((label, share)) = self.top_label {
            parts.push(format!("{label} {:.0}%", share * 100.0));
        }
        let name = parts.join(" · ");
        match self.genre {
            Some(genre) => format!("{name} ({genre}-like)"),
            None => name,
        }
    }
}

/// One name per profile, no two alike in what they say.
pub fn unique_names(profiles: &[Profile]) -> Vec<String> {
    let ranked: Vec<Vec<usize>> = profiles.iter().map(Profile::ranked).collect();
    let mut used: Vec<usize> = ranked.iter().map(|r| r.len().min(START)).collect();
    let words = |c: usize, used: &[usize]| -> Vec<String> {
        ranked[c].iter().take(used[c]).map(|&j| profiles[c].word(j)).collect()
    };
    loop {
        let says: Vec<String> = (0..profiles.len()).map(|c| profiles[c].says(&words(c, &used))).collect();
        let mut grew = false;
        for c in 0..profiles.len() {
            let shared = (0..profiles.len()).any(|o| o != c && says[o] == says[c]);
            if shared && used[c] < ranked[c].len() {
                used[c] += 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let mut named: Vec<Vec<String>> = (0..profiles.len()).map(|c| words(c, &used)).collect();
    set_apart(profiles, &mut named);
    profiles.iter().zip(&named).map(|(p, w)| p.name(w)).collect()
}

/// Clusters still alike after every distinctive feature (rare: the same sides of the mean on
/// every feature that stands out): each says where it sits against the others that read like
/// it, on the feature where they are farthest apart ("louder" against "quieter").
fn set_apart(profiles: &[Profile], named: &mut [Vec<String>]) {
    let says: Vec<String> = profiles.iter().zip(named.iter()).map(|(p, w)| p.says(w)).collect();
    for c in 0..profiles.len() {
        let twins: Vec<usize> = (0..profiles.len()).filter(|&o| says[o] == says[c]).collect();
        if twins.len() < 2 || profiles[c].size == 0 {
            continue;
        }
        let gap = |j: usize| {
            let mean = twins.iter().map(|&o| profiles[o].zmeans[j]).sum::<f32>() / twins.len() as f32;
            profiles[c].zmeans[j] - mean
        };
        let features = profiles[c].features.len().min(profiles[c].zmeans.len());
        if let Some(j) = (0..features).max_by(|&a, &b| gap(a).abs().total_cmp(&gap(b).abs()).then(b.cmp(&a))) {
            let (lower, higher) = profiles[c].features[j].comparatives();
            named[c].push(if gap(j) > 0.0 { higher } else { lower }.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: [Feature; 4] = [Feature::Loudness, Feature::Energy, Feature::Acousticness, Feature::Tempo];

    fn profile<'a>(zmeans: &'a [f32], label: Option<(&'a str, f32)>, genre: Option<&'a str>) -> Profile<'a> {
        Profile { zmeans, features: &F, size: 10, top_label: label, genre }
    }

    #[test]
    fn a_name_says_the_most_distinctive_features_the_label_and_a_close_genre() {
        let z = [1.2, 0.6, -0.3, 0.05];
        let names = unique_names(&[profile(&z, Some(("rock", 0.434)), Some("Metal"))]);
        assert_eq!(names, vec!["very loud · high energy · rock 43% (Metal-like)".to_string()]);
        let plain = [0.01, -0.02, 0.1, 0.0];
        assert_eq!(unique_names(&[profile(&plain, None, None)]), vec!["close to the file's average".to_string()]);
    }

    #[test]
    fn names_that_would_read_alike_say_more_until_they_differ() {
        // Both loud and high energy first; they part on acousticness.
        let a = [1.2, 0.8, 0.5, 0.0];
        let b = [1.1, 0.9, -0.4, 0.2];
        let c = [-0.9, -0.5, 0.3, 0.0];
        let names = unique_names(&[profile(&a, None, None), profile(&b, None, None), profile(&c, None, None)]);
        assert_eq!(names[0], "very loud · high energy · acoustic");
        assert_eq!(names[1], "very loud · high energy · electric");
        assert_eq!(names[2], "quiet · low energy", "a name that was unique keeps two features");
        // "very loud" against "loud" is not a difference: they say one feature more.
        let d = [1.5, 0.5, 0.3, 0.0];
        let e = [0.6, 0.5, -0.2, 0.0];
        let names = unique_names(&[profile(&d, None, None), profile(&e, None, None)]);
        assert_eq!(
            names,
            vec!["very loud · high energy · acoustic".to_string(), "loud · high energy · electric".to_string()]
        );
    }

    #[test]
    fn twins_on_every_feature_are_told_apart_in_words() {
        // Both "loud · high energy · pop"; they are farthest apart on loudness (mean 0.7).
        let a = [0.5, 0.3, 0.0, 0.0];
        let b = [0.9, 0.2, 0.0, 0.0];
        let names = unique_names(&[profile(&a, Some(("pop", 0.3)), None), profile(&b, Some(("pop", 0.31)), None)]);
        assert_eq!(names[0], "loud · high energy · quieter · pop 30%");
        assert_eq!(names[1], "loud · high energy · louder · pop 31%");
    }

    #[test]
    fn an_empty_cluster_is_named_as_empty() {
        let z = [f32::NAN; 4];
        let empty = Profile { size: 0, ..profile(&z, None, None) };
        assert_eq!(unique_names(&[empty]), vec!["empty: no songs".to_string()]);
    }
}
