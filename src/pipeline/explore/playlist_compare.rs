//! A person's playlist against the catalogue it was placed on: each cluster's share of the
//! playlist beside its share of the catalogue, the playlist's average of each feature beside the
//! catalogue's, and how typical of the catalogue the playlist is, as a percentile.

use serde::{Deserialize, Serialize};

use crate::pipeline::input::columns::Feature;
use crate::pipeline::input::scale::Prepared;

/// A playlist song as the comparison sees it: found in the catalogue or placed from its features.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub cluster: usize,
    /// Features in the catalogue's units.
    pub values: &'a [f32],
    /// Scaled with the catalogue's scaler.
    pub scaled: &'a [f32],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterShare {
    pub cluster: usize,
    /// Shares, 0–1.
    pub playlist: f32,
    pub catalogue: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureContrast {
    pub feature: Feature,
    /// Means in the catalogue's units.
    pub playlist: f32,
    pub catalogue: f32,
    /// The difference in the catalogue's standard deviations (positive: the playlist has more).
    pub z: f32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlaylistProfile {
    pub songs: usize,
    /// Every cluster, the playlist's largest share first.
    pub shares: Vec<ClusterShare>,
    /// Every feature, the largest difference first.
    pub features: Vec<FeatureContrast>,
    /// The share of catalogue songs (0–100) further from the catalogue's average sound than
    /// the playlist's middle song: 90 is a very typical playlist, 5 an unusual one.
    pub typical: f32,
}

/// Catalogue songs whose distance from the average is measured, at most (a strided sample).
const TYPICALITY_SAMPLE: usize = 100_000;

/// The playlist `members` against the catalogue: its songs (`prepared`), their clusters
/// (`labels`) and the clusters' sizes.
pub fn compare(prepared: &Prepared, sizes: &[usize], members: &[Member]) -> PlaylistProfile {
    let n = members.len();
    if n == 0 {
        return PlaylistProfile::default();
    }
    PlaylistProfile { songs: n, shares: shares(sizes, members), features: contrasts(prepared, members), typical: typical(prepared, members) }
}

fn shares(sizes: &[usize], members: &[Member]) -> Vec<ClusterShare> {
    let total: usize = sizes.iter().sum();
    let mut counts = vec![0usize; sizes.len()];
    for m in members {
        if let Some(c) = counts.get_mut(m.cluster) {
            *c += 1;
        }
    }
    let mut shares: Vec<ClusterShare> = sizes
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(cluster, (&size, &count))| ClusterShare {
            cluster,
            playlist: count as f32 / members.len() as f32,
            catalogue: size as f32 / total.max(1) as f32,
        })
        .collect();
    shares.sort_by(|a, b| b.playlist.total_cmp(&a.playlist).then(b.catalogue.total_cmp(&a.catalogue)));
    shares
}

fn contrasts(prepared: &Prepared, members: &[Member]) -> Vec<FeatureContrast> {
    let s = &prepared.scaler;
    let mut out: Vec<FeatureContrast> = prepared
        .features
        .features
        .iter()
        .enumerate()
        .map(|(j, &feature)| {
            let mean = |take: &dyn Fn(&Member) -> f32| members.iter().map(|m| f64::from(take(m))).sum::<f64>() / members.len() as f64;
            let playlist = mean(&|m| m.values.get(j).copied().unwrap_or(0.0));
            let z = mean(&|m| m.scaled.get(j).copied().unwrap_or(0.0));
            FeatureContrast { feature, playlist: playlist as f32, catalogue: s.mean.get(j).copied().unwrap_or(0.0) as f32, z: z as f32 }
        })
        .collect();
    out.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
    out
}

/// A song's distance from the catalogue's average sound: the length of its scaled features
/// (the catalogue's scaled mean is zero).
fn distance(scaled: &[f32]) -> f32 {
    scaled.iter().map(|v| v * v).sum::<f32>().sqrt()
}

fn typical(prepared: &Prepared, members: &[Member]) -> f32 {
    let d = prepared.features.n_features().max(1);
    let rows = prepared.scaled.len() / d;
    let step = (rows / TYPICALITY_SAMPLE).max(1);
    let catalogue: Vec<f32> = prepared.scaled.chunks_exact(d).step_by(step).map(distance).collect();
    let mut ours: Vec<f32> = members.iter().map(|m| distance(m.scaled)).collect();
    let mid = ours.len() / 2;
    let (_, middle, _) = ours.select_nth_unstable_by(mid, f32::total_cmp);
    let further = catalogue.iter().filter(|&&c| c > *middle).count();
    100.0 * further as f32 / catalogue.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::columns::Features;
    use crate::pipeline::input::columns::ValueReport;
    use crate::pipeline::input::scale::StandardScaler;

    /// A catalogue of `n` songs with energy 0..n and tempo 100 + i.
    fn catalogue(n: usize) -> Prepared {
        let values: Vec<f32> = (0..n).flat_map(|i| [i as f32, 100.0 + i as f32]).collect();
        let scaler = StandardScaler::fit(&values, 2);
        let scaled = scaler.transform(&values);
        let features = Features {
            features: vec![Feature::Energy, Feature::Tempo],
            values,
            rows: (0..n).collect(),
            report: ValueReport::default(),
        };
        Prepared { features, scaler, scaled }
    }

    #[test]
    fn shares_beside_the_catalogues() {
        let p = catalogue(100);
        let v = [0.0, 0.0];
        let m = |cluster| Member { cluster, values: &v, scaled: &v };
        let got = compare(&p, &[90, 10], &[m(1), m(1), m(1), m(0)]);
        assert_eq!(got.songs, 4);
        assert_eq!(got.shares[0], ClusterShare { cluster: 1, playlist: 0.75, catalogue: 0.1 });
        assert_eq!(got.shares[1], ClusterShare { cluster: 0, playlist: 0.25, catalogue: 0.9 });
    }

    #[test]
    fn features_against_the_catalogues_average() {
        let p = catalogue(101);
        // Two loud songs: energy 90 and 100, tempo 190 and 200.
        let values = [[90.0, 190.0], [100.0, 200.0]];
        let scaled: Vec<Vec<f32>> = values.iter().map(|v| p.scaler.transform(v)).collect();
        let members: Vec<Member> =
            (0..2).map(|i| Member { cluster: 0, values: &values[i], scaled: &scaled[i] }).collect();
        let got = compare(&p, &[101], &members);
        let energy = got.features.iter().find(|f| f.feature == Feature::Energy).unwrap();
        assert!((energy.playlist - 95.0).abs() < 1e-4);
        assert!((energy.catalogue - 50.0).abs() < 1e-4);
        // 45 above a mean of 50 with a population sd of 29.15.
        assert!((energy.z - 45.0 / 29.155).abs() < 0.01, "{}", energy.z);
    }

    #[test]
    fn typical_playlists_rank_high_and_unusual_ones_low() {
        let p = catalogue(101);
        let at = |i: f32| p.scaler.transform(&[i, 100.0 + i]);
        let middle = [at(49.0), at(50.0), at(51.0)];
        let edge = [at(0.0), at(1.0), at(100.0)];
        let v = [0.0, 0.0];
        let members = |s: &'_ [Vec<f32>; 3]| -> Vec<f32> {
            let m: Vec<Member> = s.iter().map(|z| Member { cluster: 0, values: &v, scaled: z }).collect();
            vec![compare(&p, &[101], &m).typical]
        };
        let typical = members(&middle)[0];
        let unusual = members(&edge)[0];
        assert!(typical > 95.0, "{typical}");
        assert!(unusual < 5.0, "{unusual}");
    }

    #[test]
    fn an_empty_playlist_has_no_profile() {
        assert_eq!(compare(&catalogue(10), &[10], &[]), PlaylistProfile::default());
    }
}
