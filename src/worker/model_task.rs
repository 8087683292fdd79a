//! Model files: the last run's model saved as JSON, and a saved model applied to the loaded
//! CSV instead of training (new songs land in the saved clusters).

use wasm_bindgen::JsValue;

use super::{fail, find, now_ms, post, read_file, with_run, LastRun, STATE};
use crate::pipeline::compare::Representation;
use crate::pipeline::model_file::ModelFile;
use crate::pipeline::run;
use crate::protocol::{Event, Timings};

const SAVING: &str = "Saving the model";
const APPLYING: &str = "Applying the model file";

pub(super) fn download(names: Vec<String>) {
    let json = with_run(SAVING, "Train a model first: there is nothing to save yet.", |table, last| {
        if last.analysis.representation != Representation::Autoencoder {
            return Err("The clusters shown were made on another representation than the autoencoder's codes. \
                Choose “Autoencoder codes” under “Compare representations” before saving the model."
                .into());
        }
        let file = ModelFile::from_run(
            &table.headers,
            &last.mapping,
            &last.prepared,
            &last.trained,
            &last.analysis,
            &last.params,
            names,
        )
        .map_err(|e| e.to_string())?;
        file.to_json().map_err(|e| e.to_string())
    });
    if let Some(json) = json {
        super::post_download(Event::ModelSaved { file: "songscape-model.json".into() }, &json, "application/json");
    }
}

pub(super) fn apply(name: &str, data: &JsValue) {
    post(&Event::Stage { name: APPLYING.into() });
    let t0 = now_ms();
    let outcome = read_file(name, data)
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| format!("{name} is not a text file, so it is not a Songscape model."))
        })
        .and_then(|text| ModelFile::from_json(&text).map_err(|e| format!("{name}: {e}")))
        .and_then(|file| apply_file(name, &file, t0));
    match outcome {
        Ok(results) => super::post_results(results),
        Err(message) => fail(APPLYING, message),
    }
}

/// Applies `file` to the loaded table and makes the outcome the last run.
fn apply_file(name: &str, file: &ModelFile, t0: f64) -> Result<crate::protocol::RunResults, String> {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let table = s.table.as_ref().ok_or("Load a CSV first: the model is applied to the songs in it.")?;
        let applied = run::apply_model(table, file).map_err(|e| e.to_string())?;
        let search = find::index(table, &applied.mapping, &applied.prepared);
        let timings = Timings { encode_ms: now_ms() - t0, ..Timings::default() };
        let last = LastRun {
            mapping: applied.mapping,
            params: applied.params,
            prepared: applied.prepared,
            analysis: applied.analysis,
            history: Vec::new(),
            timings,
            search,
            trained: applied.trained,
            model_file: Some(name.to_string()),
            saved_names: file.cluster_names.clone(),
            tsne: None,
        };
        let results = last.results();
        s.last = Some(last);
        Ok(results)
    })
}
