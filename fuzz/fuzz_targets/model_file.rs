//! Any bytes as a model file: reading it must never panic, and a file that is accepted must apply
//! to a real table without a panic, giving only finite codes and labels of its own clusters, or
//! a message. The seeds are a saved model and its crafted variants (tests/native/model_corpus.rs).
//!
//! Random bytes rarely stay valid JSON, so each input is also read a second way: as edits to a
//! real saved model, 10 bytes each (which number to change, and its new value as an f64 bit
//! pattern), so the numbers of an otherwise well-formed file are explored to their extremes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use songscape::pipeline::input::columns::{extract, ColumnMapping};
use songscape::pipeline::input::demo::demo_csv;
use songscape::pipeline::input::load::{parse_csv, Table};
use songscape::pipeline::model::file::ModelFile;
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{apply_model, run_all};

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse_csv(demo_csv(120, 3).as_bytes()).expect("the demo parses"))
}

/// A model trained on the table, as "Download model" saves it, parsed as JSON.
fn saved() -> &'static Value {
    static SAVED: OnceLock<Value> = OnceLock::new();
    SAVED.get_or_init(|| {
        let table = table();
        let mapping = ColumnMapping::guess(&table.headers);
        let params = TrainParams { epochs: 1, k: 3, ..TrainParams::default() }.check().expect("valid settings");
        let (prepared, trained, analysis) = run_all(table, &mapping, &params).expect("the demo trains");
        let file = ModelFile::from_run(&table.headers, &mapping, &prepared, &trained, &analysis, &params, Vec::new())
            .expect("a model file");
        serde_json::from_str(&file.to_json().expect("json")).expect("valid json")
    })
}

/// The JSON pointer of every number in `value`, in document order.
fn numbers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Number(_) => out.push(at),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| numbers(v, format!("{at}/{i}"), out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| numbers(v, format!("{at}/{k}"), out)),
        _ => {}
    }
}

fn number_pointers() -> &'static [String] {
    static POINTERS: OnceLock<Vec<String>> = OnceLock::new();
    POINTERS.get_or_init(|| {
        let mut out = Vec::new();
        numbers(saved(), String::new(), &mut out);
        out
    })
}

fn edited(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut model = saved().clone();
    let pointers = number_pointers();
    for edit in bytes.chunks_exact(10) {
        let which = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % pointers.len();
        let value = f64::from_le_bytes(edit[2..10].try_into().ok()?);
        let number = serde_json::Number::from_f64(value)?;
        *model.pointer_mut(&pointers[which])? = Value::Number(number);
    }
    Some(model.to_string().into_bytes())
}

fn check(bytes: &[u8]) {
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
}

fuzz_target!(|bytes: &[u8]| {
    check(bytes);
    if let Some(model) = edited(bytes) {
        check(&model);
    }
});
