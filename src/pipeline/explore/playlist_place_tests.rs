use super::*;
use crate::pipeline::input::demo::demo_csv;
use crate::pipeline::input::load::parse_csv;
use crate::pipeline::params::TrainParams;
use crate::pipeline::run::run_all;

struct Run {
    table: Table,
    prepared: Prepared,
    trained: Trained,
    analysis: Analysis,
}

/// The demo (shares on 0–100, as the public catalogues write them), trained briefly.
fn run() -> Run {
    let table = parse_csv(demo_csv(400, 3).as_bytes()).unwrap();
    let mapping = ColumnMapping::guess(&table.headers);
    let params = TrainParams { epochs: 2, k: 4, ..Default::default() }.check().unwrap();
    let (prepared, trained, analysis) = run_all(&table, &mapping, &params).unwrap();
    Run { table, prepared, trained, analysis }
}

impl Run {
    fn catalogue(&self) -> Catalogue<'_> {
        Catalogue { prepared: &self.prepared, trained: &self.trained, analysis: &self.analysis }
    }

    /// The catalogue's `row` with feature `f`.
    fn value(&self, row: usize, f: Feature) -> f32 {
        let features = &self.prepared.features;
        let j = features.features.iter().position(|x| *x == f).unwrap();
        features.values[row * features.n_features() + j]
    }

    /// Catalogue rows written as an Exportify playlist: shares on 0–1, "Valence", no variance,
    /// `true`/`false`, and the rows in `empty` without features.
    fn exportify(&self, rows: &[usize], empty: &[usize]) -> Table {
        let mut csv = String::from(
            "\u{feff}Track URI,Track Name,Artist Name(s),Popularity,Explicit,Danceability,Energy,Loudness,Speechiness,Acousticness,Instrumentalness,Liveness,Valence,Tempo\n",
        );
        for &r in rows {
            let v = |f| self.value(r, f);
            let share = |f| format!("{}", v(f) / 100.0);
            let cells = match empty.contains(&r) {
                true => vec![String::new(); 11],
                false => vec![
                    format!("{}", v(Feature::Popularity)),
                    if v(Feature::Explicit) > 0.5 { "true".into() } else { "false".into() },
                    share(Feature::Danceability),
                    share(Feature::Energy),
                    format!("{}", v(Feature::Loudness)),
                    share(Feature::Speechiness),
                    share(Feature::Acousticness),
                    share(Feature::Instrumentalness),
                    share(Feature::Liveness),
                    share(Feature::Positiveness),
                    format!("{}", v(Feature::Tempo)),
                ],
            };
            csv.push_str(&format!("spotify:track:{r:0>22},New song {r},Someone;Else,{}\n", cells.join(",")));
        }
        parse_csv(csv.as_bytes()).unwrap()
    }
}

fn placed(run: &Run, playlist: &Table) -> Placement {
    let mapping = ColumnMapping::guess(&playlist.headers);
    let rows: Vec<usize> = (0..playlist.n_rows()).collect();
    place(&run.catalogue(), playlist, &mapping, &rows)
}

#[test]
fn the_catalogues_own_rows_land_on_themselves() {
    let run = run();
    // The catalogue's own rows and columns: same units, every feature.
    let header = run.table.headers.join(",");
    let rows = [3usize, 50, 399];
    let lines: Vec<String> = rows.iter().map(|&r| run.table.row(r).collect::<Vec<_>>().join(",")).collect();
    let playlist = parse_csv(format!("{header}\n{}\n", lines.join("\n")).as_bytes()).unwrap();
    let got = placed(&run, &playlist);
    assert!(got.adjusted.is_empty(), "{:?}", got.adjusted);
    assert!(got.mismatched.is_empty(), "{:?}", got.mismatched);
    assert_eq!(got.placed.len(), 3);
    let d = run.prepared.features.n_features();
    for (p, &r) in got.placed.iter().zip(&rows) {
        assert_eq!(p.values, run.prepared.features.values[r * d..(r + 1) * d]);
        assert_eq!(p.scaled, run.prepared.scaled[r * d..(r + 1) * d]);
        assert_eq!(p.near, vec![(r as u32, 1.0)]);
        assert_eq!(p.cluster, run.analysis.clustering.labels[r]);
    }
}

#[test]
fn exportify_shares_are_converted_and_variance_filled() {
    let run = run();
    let playlist = run.exportify(&[10, 20, 30], &[]);
    let got = placed(&run, &playlist);
    assert_eq!(got.shared, 11);
    assert_eq!(got.placed.len(), 3);
    let Some(Adjusted::Converted { features, factor, from, to }) = got.adjusted.first() else {
        panic!("no conversion: {:?}", got.adjusted)
    };
    assert_eq!((*factor, from.as_str(), to.as_str()), (100.0, "0–1", "0–100"));
    assert_eq!(features.len(), 7);
    let median = column_median(&run.prepared.features.values, 12, 0).unwrap();
    assert!(got.adjusted.contains(&Adjusted::Filled { feature: Feature::Variance, median }));
    assert!(got.mismatched.is_empty(), "{:?}", got.mismatched);
    let energy = run.prepared.features.features.iter().position(|f| *f == Feature::Energy).unwrap();
    for (p, r) in got.placed.iter().zip([10, 20, 30]) {
        assert!((p.values[energy] - run.value(r, Feature::Energy)).abs() < 1e-3);
        assert_eq!(p.values[0], median);
        // Weights of its nearest catalogue songs.
        assert_eq!(p.near.len(), NEAR);
        assert!((p.near.iter().map(|(_, w)| w).sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(p.cluster < 4);
    }
}

#[test]
fn rows_without_features_are_not_placed_and_gaps_are_filled() {
    let run = run();
    let mut playlist = run.exportify(&[1, 2, 3], &[2]);
    let got = placed(&run, &playlist);
    assert_eq!(got.without_features, vec![1]);
    assert_eq!(got.placed.iter().map(|p| p.row).collect::<Vec<_>>(), vec![0, 2]);
    assert_eq!(got.cells_filled, 0);
    // One empty cell among eleven: filled with the catalogue's median, the song placed.
    let csv = "Track Name,Artist Name(s),Energy,Danceability,Tempo,Loudness\nA,B,0.5,,120,-6\n";
    playlist = parse_csv(csv.as_bytes()).unwrap();
    let got = placed(&run, &playlist);
    assert_eq!((got.placed.len(), got.cells_filled), (1, 1));
}

#[test]
fn a_playlist_sharing_no_feature_places_nothing() {
    let run = run();
    let playlist = parse_csv(b"Track Name,Artist Name(s)\nA,B\nC,D\n").unwrap();
    let got = placed(&run, &playlist);
    assert_eq!(got.shared, 0);
    assert_eq!(got.without_features, vec![0, 1]);
    assert!(got.placed.is_empty());
}

#[test]
fn values_still_in_other_units_are_said() {
    let run = run();
    // Popularity on 0–1 against the catalogue's 0–100: no vote converts it.
    let csv = "Track Name,Artist Name(s),Popularity,Energy,Tempo\nA,B,0.5,60,120\nC,D,0.52,70,100\nE,F,0.4,65,110\n";
    let got = placed(&run, &parse_csv(csv.as_bytes()).unwrap());
    assert_eq!(got.mismatched.len(), 1, "{:?}", got.mismatched);
    assert!(got.mismatched[0].starts_with("Popularity (this file's median 0.5 is"), "{}", got.mismatched[0]);
    assert!(got.mismatched[0].contains("the catalogue's average"));
}

#[test]
fn a_placed_song_sits_at_its_neighbours_weighted_mean() {
    let xy = [0.0, 0.0, 10.0, 0.0, 0.0, 10.0];
    assert_eq!(position(&[(1, 0.5), (2, 0.5)], &xy), Some((5.0, 5.0)));
    assert_eq!(position(&[(0, 1.0)], &xy), Some((0.0, 0.0)));
    assert_eq!(position(&[(7, 1.0)], &xy), None);
    assert_eq!(position(&[], &xy), None);
}

#[test]
fn adjustments_and_refusals_in_words() {
    let converted = Adjusted::Converted {
        features: vec![Feature::Energy, Feature::Danceability],
        factor: 100.0,
        from: "0–1".into(),
        to: "0–100".into(),
    };
    assert_eq!(
        converted.sentence(),
        "Energy, Danceability were on 0–1 in the playlist and 0–100 in the catalogue: multiplied by 100."
    );
    let filled = Adjusted::Filled { feature: Feature::Variance, median: 0.3125 };
    assert_eq!(filled.sentence(), "The playlist has no variance column: its songs were given the catalogue's median, 0.312.");
    let t = parse_csv(b"Name,Singer\nA,B\n").unwrap();
    let mapping = ColumnMapping::guess(&t.headers);
    let said = nothing_shared("mine.csv", &[Feature::Energy, Feature::Tempo], &mapping, &t.headers, false);
    assert!(said.starts_with("mine.csv shares nothing with the catalogue: it has no Spotify track ids"), "{said}");
    assert!(said.contains("(Energy, Tempo). Its columns: Name, Singer."), "{said}");
}
