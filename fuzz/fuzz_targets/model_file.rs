//! Any bytes as a model file: reading it must never panic, and a file that is accepted must apply
//! to a real table without a panic, giving only finite codes and labels of its own clusters, or
//! a message. The seeds are a saved model and its crafted variants (tests/native/model_corpus.rs).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use songscape::pipeline::columns::extract;
use songscape::pipeline::demo::demo_csv;
use songscape::pipeline::load::{parse_csv, Table};
use songscape::pipeline::model_file::ModelFile;
use songscape::pipeline::run::apply_model;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse_csv(demo_csv(120, 3).as_bytes()).expect("the demo parses"))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(file) = ModelFile::from_bytes(bytes) else { return };
    let table = table();
    if let Ok(mapping) = file.mapping_for(&table.headers) {
        if let Ok(features) = extract(table, &mapping, file.params.missing) {
            let _ = file.unit_warning(table, &mapping, &features);
        }
    }
    let Ok(run) = apply_model(table, &file) else { return };
    let a = &run.analysis;
    assert!(a.codes.iter().all(|v| v.is_finite()), "a non-finite code");
    assert!(a.pca.iter().chain(&a.first_two).all(|v| v.is_finite()), "a non-finite map position");
    assert!(a.recon_mse.is_finite(), "a non-finite reconstruction error");
    assert!(a.clustering.labels.iter().all(|&l| l < file.k), "a label beyond the model's clusters");
    let _ = file.to_json();
});
