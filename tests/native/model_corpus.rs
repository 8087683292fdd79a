//! The model-file corpus: a saved model and the crafted files a hostile test made of it, each with
//! the exact words the page shows (after the file's name and ": "), or the run it gives. Every case
//! is also applied to a CSV: nothing panics, and what is accepted gives finite codes.
//!
//! `SONGSCAPE_MODEL_CORPUS_OUT=dir cargo test model_corpus` writes each file there (fuzz seeds).

use std::sync::OnceLock;

use serde_json::Value;
use songscape::pipeline::input::columns::ColumnMapping;
use songscape::pipeline::input::demo::demo_csv;
use songscape::pipeline::input::load::{parse_csv, Table};
use songscape::pipeline::model::file::ModelFile;
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{apply_model, run_all};

fn csv() -> &'static str {
    static CSV: OnceLock<String> = OnceLock::new();
    CSV.get_or_init(|| demo_csv(300, 11))
}

/// A model trained on the demo file, as "Download model" saves it.
fn saved() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let table = parse_csv(csv().as_bytes()).unwrap();
        let mapping = ColumnMapping::guess(&table.headers);
        let params = TrainParams { epochs: 2, k: 4, ..TrainParams::default() }.check().unwrap();
        let (prepared, trained, analysis) = run_all(&table, &mapping, &params).unwrap();
        let names = (0..4).map(|i| format!("Cluster {i}")).collect();
        ModelFile::from_run(&table.headers, &mapping, &prepared, &trained, &analysis, &params, names)
            .unwrap()
            .to_json()
            .unwrap()
    })
}

fn edited(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_str(saved()).unwrap();
    edit(&mut v);
    v.to_string().into_bytes()
}

const DAMAGED: &str = "Save the model again from the run that trained it, or train a new one.";

/// (name, bytes, the page's message, or `None` when the file is accepted).
fn cases() -> Vec<(&'static str, Vec<u8>, Option<String>)> {
    let damaged = |what: &str| Some(format!("This model file is damaged: {what}. {DAMAGED}"));
    vec![
        ("saved", saved().as_bytes().to_vec(), None),
        ("version-float", edited(|v| v["version"] = 1.0.into()), None),
        ("bom", [b"\xEF\xBB\xBF".as_slice(), saved().as_bytes()].concat(), None),
        ("utf16", [0xFF, 0xFE].into_iter().chain(saved().encode_utf16().flat_map(u16::to_le_bytes)).collect(), None),
        (
            "latent-0",
            edited(|v| {
                v["latent"] = 0.into();
                v["params"]["latent_size"] = 0.into();
                v["centroids"] = Value::Array(Vec::new());
                for (layer, field) in [(1, "outputs"), (2, "inputs")] {
                    v["layers"][layer][field] = 0.into();
                    v["layers"][layer]["weight"] = Value::Array(Vec::new());
                }
                v["layers"][1]["bias"] = Value::Array(Vec::new());
            }),
            damaged("its settings are invalid: Latent size must be between 2 and 64 (got 0): the map needs at least 2 dimensions"),
        ),
        (
            "latent-1",
            edited(|v| v["params"]["latent_size"] = 1.into()),
            damaged("its settings are invalid: Latent size must be between 2 and 64 (got 1): the map needs at least 2 dimensions"),
        ),
        (
            "extreme-scaler",
            edited(|v| {
                v["scaler"]["mean"][1] = 1e308.into();
                v["scaler"]["scale"][1] = 1e-300.into();
            }),
            damaged("the scaler's means include the value 1e308, beyond the largest allowed, ±1e9"),
        ),
        (
            "tiny-scale",
            edited(|v| v["scaler"]["scale"][1] = 1e-300.into()),
            damaged("the scaler has the standard deviation 1e-300, outside the allowed 1e-12 to 1e9"),
        ),
        (
            "array-field",
            edited(|v| v["extra"] = Value::Array(vec![Value::from(0); 2_200_000])),
            Some("This file is 4.2 MB; a Songscape model file is at most 4 MB (the models Songscape saves are well under 1 MB), so it is not one. Choose the .json file that \"Download model\" saved.".into()),
        ),
        (
            "long-name",
            edited(|v| v["cluster_names"][0] = "x".repeat(3_000_000).into()),
            damaged("the name of cluster 0 is 3,000,000 characters long; at most 120 are allowed"),
        ),
        ("weights-huge", edited(|v| v["layers"][2]["bias"][0] = 1e20.into()), damaged("layer dec1's biases include the value 1e20, beyond the largest allowed, ±1e4")),
        ("version-1.5", edited(|v| v["version"] = 1.5.into()), damaged("its \"version\" is missing or not a whole number (it should be 2)")),
        ("not-text", b"\x89PNG\r\n\x1a\n\xff\xfe\xfd\x00".to_vec(), Some("This file is not text, so it is not a Songscape model. A model file is the .json file that \"Download model\" saves.".into())),
    ]
}

fn read(bytes: &[u8]) -> Result<ModelFile, String> {
    ModelFile::from_bytes(bytes).map_err(|e| e.to_string())
}

#[test]
fn every_model_case_gets_its_exact_message_and_nothing_panics() {
    let table: Table = parse_csv(csv().as_bytes()).unwrap();
    let out_dir = std::env::var_os("SONGSCAPE_MODEL_CORPUS_OUT").map(std::path::PathBuf::from);
    let mut failures = Vec::new();
    for (name, bytes, expected) in cases() {
        if let Some(dir) = &out_dir {
            if bytes.len() <= 1 << 20 {
                std::fs::write(dir.join(format!("{name}.json")), &bytes).expect("corpus directory is writable");
            }
        }
        match (read(&bytes), &expected) {
            (Ok(file), None) => {
                let run = apply_model(&table, &file).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(run.analysis.codes.iter().all(|v| v.is_finite()), "{name}");
                assert_eq!(run.analysis.clustering.labels.len(), 300, "{name}");
            }
            (Err(got), Some(want)) if got == *want => {}
            (got, _) => failures.push(format!("{name}: got {:?}", got.map(|_| "accepted"))),
        }
    }
    assert!(failures.is_empty(), "{} cases differ:\n{}", failures.len(), failures.join("\n"));
}

/// The hostile test's first case: a file with finite f32 extremes, and a valid model applied to
/// it. The extremes are bad cells (their row is left out), so the model applies to the rest.
#[test]
fn a_valid_model_on_a_file_with_f32_extremes_applies_to_the_other_rows() {
    let mut lines: Vec<String> = csv().lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let (tempo, energy) =
        (header.iter().position(|h| *h == "Tempo").unwrap(), header.iter().position(|h| *h == "Energy").unwrap());
    for (line, column, value) in [(5, tempo, "3.4e38"), (9, energy, "-3.4e38")] {
        let mut cells: Vec<String> = lines[line].split(',').map(str::to_string).collect();
        cells[column] = value.to_string();
        lines[line] = cells.join(",");
    }
    let table = parse_csv(lines.join("\n").as_bytes()).unwrap();
    let file = read(saved().as_bytes()).unwrap();
    let run = apply_model(&table, &file).unwrap();
    assert_eq!(run.analysis.clustering.labels.len(), 298);
    assert!(run.analysis.codes.iter().all(|v| v.is_finite() && v.abs() < 1e6));
    assert_eq!(run.prepared.features.report.examples.len(), 2);
    assert_eq!(run.prepared.features.report.examples[0].value, "3.4e38");
}
