use songscape::pipeline::input::columns::ColumnMapping;
use songscape::pipeline::input::demo::demo_csv;
use songscape::pipeline::input::load::{parse_csv, Table};
use songscape::pipeline::input::scale::Prepared;
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{export, recluster, run_all};

use super::util::shared_dataset;

fn params(epochs: usize) -> TrainParams {
    TrainParams { epochs, ..TrainParams::default() }
}

#[test]
fn demo_pipeline_trains_clusters_and_exports() {
    let table = parse_csv(demo_csv(2000, 1).as_bytes()).unwrap();
    let mapping = ColumnMapping::guess(&table.headers);
    let p = params(10).check().unwrap();
    let (prepared, trained, analysis) = run_all(&table, &mapping, &p).unwrap();
    let h = &trained.history;
    assert_eq!(h.len(), 10);
    assert!(h[9].train_loss < h[0].train_loss * 0.8, "training lowers the loss: {h:?}");
    assert!(analysis.recon_mse < 0.6, "sane reconstruction MSE {}", analysis.recon_mse);
    assert_eq!(analysis.clustering.sizes.iter().sum::<usize>(), 2000);
    assert_eq!(analysis.codes.len(), 2000 * 6);
    assert_eq!(analysis.pca.len(), 2000 * 2);
    assert_eq!(analysis.summaries.len(), 10);

    let csv = export(&table, &prepared, &analysis, &analysis.pca, &[]).unwrap();
    let back = parse_csv(csv.as_bytes()).unwrap();
    assert_eq!(back.n_rows(), table.n_rows());
    let n = table.headers.len();
    assert_eq!(&back.headers[..n], &table.headers[..]);
    for r in 0..table.n_rows() {
        assert_eq!(
            back.row(r).take(n).collect::<Vec<_>>(),
            table.row(r).collect::<Vec<_>>(),
            "row {r} survives the round trip"
        );
    }
    let cluster = back.headers.iter().position(|h| h == "cluster").unwrap();
    assert!((0..back.n_rows()).all(|r| back.cell(r, cluster).parse::<usize>().is_ok_and(|c| c < 10)));
}

#[test]
fn same_seed_same_result() {
    let table = parse_csv(demo_csv(600, 2).as_bytes()).unwrap();
    let mapping = ColumnMapping::guess(&table.headers);
    let p = params(3).check().unwrap();
    let (prep_a, _, a) = run_all(&table, &mapping, &p).unwrap();
    let (prep_b, _, b) = run_all(&table, &mapping, &p).unwrap();
    assert_eq!(a.codes, b.codes);
    assert_eq!(a.clustering.labels, b.clustering.labels);
    assert_eq!(export(&table, &prep_a, &a, &a.pca, &[]).unwrap(), export(&table, &prep_b, &b, &b.pca, &[]).unwrap());
    let other = TrainParams { seed: 43, ..params(3) }.check().unwrap();
    let (_, _, c) = run_all(&table, &mapping, &other).unwrap();
    assert_ne!(a.codes, c.codes, "another seed gives other weights");
}

/// The message of a 3-epoch run on the page's demo data at learning rate `lr` ("" if it succeeds).
fn demo_error_at_learning_rate(lr: f64) -> String {
    let table = parse_csv(demo_csv(3000, 7).as_bytes()).unwrap();
    let mapping = ColumnMapping::guess(&table.headers);
    let p = TrainParams { learning_rate: lr, epochs: 3, ..TrainParams::default() }.check().unwrap();
    run_all(&table, &mapping, &p).err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn diverging_training_stops_with_a_message() {
    // lr = 10 blows the loss up to ~10^8 in the first epoch, then settles on a useless model.
    let e = demo_error_at_learning_rate(10.0);
    assert!(e.starts_with("Training diverged in epoch 1: the mean loss became "), "{e}");
    assert!(e.ends_with(", over 100 times that of always predicting the average song. Lower the learning rate (the default is 0.001) and train again."), "{e}");
}

#[test]
fn collapsed_training_is_named_as_such() {
    // lr = 1 kills every ReLU: all songs get the same code, so there is nothing to cluster.
    assert_eq!(demo_error_at_learning_rate(1.0), "The trained model maps the songs to only 1 distinct point, fewer than k = 10 clusters: training collapsed (a learning rate far above the default 0.001 does this). Lower the learning rate and train again.");
}

#[test]
fn real_dataset_matches_the_reference_quality() {
    let Some(path) = shared_dataset() else { return };
    let bytes = std::fs::read(path).unwrap();
    let table = parse_csv(&bytes).unwrap();
    assert_eq!(table.n_rows(), 39_280);
    let mapping = ColumnMapping::guess(&table.headers);
    assert!(mapping.missing().is_empty());
    let p = TrainParams::default().check().unwrap();
    let (prepared, trained, analysis) = run_all(&table, &mapping, &p).unwrap();
    let last = trained.history.last().unwrap();
    println!(
        "light_spotify_subset native: train {:.4} val {:?} recon {:.4} inertia {:.1}",
        last.train_loss, last.val_loss, analysis.recon_mse, analysis.clustering.inertia
    );
    // The reference (Keras) reaches 0.1183 / 0.1236 / 0.1179 on this file.
    assert!(analysis.recon_mse < 0.2, "reconstruction MSE {}", analysis.recon_mse);
    assert_eq!(analysis.clustering.sizes.iter().sum::<usize>(), 39_280);
    names_are_unique_and_say_something(&analysis.names);
    similar_songs_are_distinct_and_readable(&table, &mapping, &prepared);
}

/// The real file's clusters: ten names, no two saying the same words, none a bare number, each
/// with the cluster's top genre and share.
fn names_are_unique_and_say_something(names: &[songscape::pipeline::analysis::naming::ClusterName]) {
    let shown: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
    println!("light_spotify_subset names: {shown:#?}");
    let said: std::collections::HashSet<String> =
        shown.iter().map(|n| n.chars().filter(|c| !c.is_ascii_digit()).collect()).collect();
    assert_eq!(said.len(), shown.len(), "names differ in words: {shown:?}");
    assert!(shown.iter().all(|n| !n.contains("Cluster") && !n.contains("no close match")), "{shown:?}");
    assert!(shown.iter().all(|n| n.contains('%')), "each says its top genre's share: {shown:?}");
}

/// Similar songs by the default rule on the real file: never the song itself or a song twice,
/// and closeness that tells the first from the tenth.
fn similar_songs_are_distinct_and_readable(table: &Table, mapping: &ColumnMapping, prepared: &Prepared) {
    use songscape::pipeline::explore::closeness::ClosenessScale;
    use songscape::pipeline::explore::recommend::{similar, Rule};
    use songscape::pipeline::input::song_identity::identities;

    let rule = Rule::DEFAULT;
    let d = prepared.features.n_features();
    let ids = identities(table, mapping, &prepared.features.rows);
    let scale = ClosenessScale::measure(&prepared.scaled, d, rule.metric, &ids, 1);
    let (mut spread, mut folded) = (0.0, 0);
    for row in (0..ids.len()).step_by(ids.len() / 50) {
        let found = similar(&prepared.scaled, d, row, 10, rule.metric, &ids);
        let mut seen = std::collections::HashSet::from([ids[row]]);
        assert!(found.neighbours.iter().all(|nb| seen.insert(ids[nb.row])), "row {row}: a song twice");
        let closeness: Vec<f32> = found.neighbours.iter().filter_map(|nb| scale.closeness(nb.score)).collect();
        assert_eq!(closeness.len(), 10);
        assert!(closeness.windows(2).all(|w| w[0] >= w[1]), "closeness descends: {closeness:?}");
        spread += f64::from(closeness[0] - closeness[9]) / 50.0;
        folded += found.folded;
    }
    println!("light_spotify_subset similar songs: mean closeness spread 1st–10th {spread:.1}, {folded} folded");
    assert!(spread > 10.0, "the first and the tenth are told apart: {spread}");
}

#[test]
fn reclustering_keeps_the_model_and_changes_only_the_clusters() {
    let table = parse_csv(demo_csv(600, 5).as_bytes()).unwrap();
    let mapping = ColumnMapping::guess(&table.headers);
    let (prepared, _, before) = run_all(&table, &mapping, &params(2).check().unwrap()).unwrap();
    let four = TrainParams { k: 4, ..params(2) }.check().unwrap();
    let after = recluster(&table, &mapping, &prepared, &before, &four).unwrap();
    assert_eq!((after.clustering.sizes.len(), after.summaries.len()), (4, 4));
    assert_eq!(after.clustering.sizes.iter().sum::<usize>(), 600);
    assert_eq!((&after.codes, &after.pca, after.recon_mse), (&before.codes, &before.pca, before.recon_mse));
    let csv = export(&table, &prepared, &after, &after.pca, &[]).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let cluster = rows.headers().unwrap().iter().position(|h| h == "cluster").unwrap();
    let labels: std::collections::BTreeSet<String> =
        rows.records().map(|r| r.unwrap().get(cluster).unwrap().to_string()).collect();
    assert_eq!(labels.into_iter().collect::<Vec<_>>(), ["0", "1", "2", "3"]);
}

/// A restarted worker gets the run back from what the page kept (snapshot + labels): the
/// export is byte for byte the one before, for a trained run, after re-clustering, on another
/// representation and with "fill with the median" (rows the mapping reads differently).
#[test]
fn a_run_restored_from_its_snapshot_exports_byte_for_byte() {
    use songscape::pipeline::analysis::compare::Representation;
    use songscape::pipeline::input::columns::MissingPolicy;
    use songscape::pipeline::run::{restore, use_representation, RunSnapshot};

    let table = parse_csv(demo_csv(500, 9).as_bytes()).unwrap();
    let mapping = ColumnMapping::guess(&table.headers);
    for missing in [MissingPolicy::DropRows, MissingPolicy::FillMedian] {
        let p = TrainParams { epochs: 2, k: 5, missing, ..TrainParams::default() }.check().unwrap();
        let (prepared, trained, trained_run) = run_all(&table, &mapping, &p).unwrap();
        let six = TrainParams { k: 6, ..(*p).clone() }.check().unwrap();
        let reclustered = recluster(&table, &mapping, &prepared, &trained_run, &six).unwrap();
        let scaled = use_representation(&table, &mapping, &prepared, &trained_run, Representation::Scaled, &p).unwrap();
        for (analysis, params) in [(&trained_run, &p), (&reclustered, &six), (&scaled, &p)] {
            let names: Vec<String> = (0..params.k).map(|i| format!("=name {i}")).collect();
            let before = export(&table, &prepared, analysis, &analysis.pca, &names).unwrap();
            let snapshot =
                RunSnapshot::of(&mapping, params, &prepared, &trained, analysis, &trained.history, None, &[]).unwrap();
            // The snapshot travels to the page and back as JSON.
            let snapshot: RunSnapshot = serde_json::from_str(&serde_json::to_string(&snapshot).unwrap()).unwrap();
            let labels: Vec<u16> = analysis.clustering.labels.iter().map(|&l| l as u16).collect();
            let back = restore(&table, &snapshot, &labels).unwrap();
            assert_eq!(back.analysis.codes, analysis.codes);
            assert_eq!(back.analysis.points, analysis.points);
            assert_eq!(back.analysis.pca, analysis.pca);
            assert_eq!(back.analysis.summaries, analysis.summaries);
            let after = export(&table, &back.prepared, &back.analysis, &back.analysis.pca, &names).unwrap();
            assert!(before == after, "{:?} {missing:?}: the restored export differs", analysis.representation);
        }
        // Labels that do not fit are refused with a message, never a panic.
        let snapshot = RunSnapshot::of(&mapping, &p, &prepared, &trained, &trained_run, &[], None, &[]).unwrap();
        let err = restore(&table, &snapshot, &[9; 3]).err().unwrap().to_string();
        assert!(err.contains("the saved labels do not fit the 500 songs and 5 clusters"), "{err}");
    }
}

/// A second label column gets its own make-up and scores: with artist first and genre second,
/// genre's scores are exactly those of a run with genre as the only label.
#[test]
fn a_second_label_column_has_its_make_up_and_scores() {
    use songscape::pipeline::analysis::compare::Representation;
    use songscape::pipeline::run::score_one;
    let table = parse_csv(demo_csv(1200, 3).as_bytes()).unwrap();
    let guessed = ColumnMapping::guess(&table.headers);
    let (genre, artist) = (guessed.label.unwrap(), guessed.artist.unwrap());
    let both = ColumnMapping { label: Some(artist), more_labels: vec![genre], ..guessed.clone() };
    let p = params(3).check().unwrap();
    let (prepared, _, analysis) = run_all(&table, &both, &p).unwrap();
    for s in &analysis.summaries {
        assert_eq!(s.more_label_mixes.len(), 1, "cluster {}: one more make-up", s.id);
        let total: f32 = s.more_label_mixes[0].iter().map(|(_, share)| share).sum();
        assert!((total - 1.0).abs() < 1e-4, "cluster {}: the genre shares add up to {total}", s.id);
    }
    let (_, _, genre_only) = run_all(&table, &guessed, &p).unwrap();
    for (a, b) in analysis.summaries.iter().zip(&genre_only.summaries) {
        assert_eq!(a.more_label_mixes[0], b.label_mix, "the same genre make-up either way");
    }
    let scored = score_one(&table, &both, &prepared, &analysis, &p, Representation::Scaled).unwrap();
    let alone = score_one(&table, &guessed, &prepared, &analysis, &p, Representation::Scaled).unwrap();
    assert_eq!(scored.more_labels.len(), 1);
    let second = &scored.more_labels[0];
    assert_eq!((Some(second.ari), Some(second.nmi), Some(second.knn_share)), (alone.ari, alone.nmi, alone.knn_share));
    assert!(alone.more_labels.is_empty());
}
