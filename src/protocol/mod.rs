//! Messages between the page and the worker, as JSON. Pure data: tested natively.
//!
//! The page sends a `Request` (`request`; a `File` to load travels beside it, see `worker`); the
//! worker answers with a stream of `Event`s (`event`) carrying results (`results`), their per-song
//! arrays beside the JSON (`transfer`). One `Ready` comes first, because messages sent before the
//! worker's wasm has started are lost. This file holds what every message shares: the JSON codec
//! and the run every message is about.

pub mod event;
pub mod kept;
pub mod request;
pub mod results;
pub mod transfer;

pub use event::{Event, Progress, Task, TaskProgress};
pub use kept::{fingerprint, Keeping, KeptRun, KeptSession, KeptSource, KeptTable, KEPT_FORMAT};
pub use request::{CheckOptions, MappingCheck, PickFor, Request};
pub use results::{
    DatasetInfo, Distinctive, FlowOrdered, MineRecommendation, PlacedSong, PlaylistFound, Recommendation, RunResults, SetRecommendation, SimilarSong, SongKey,
    SongRef, Timings,
};
pub use transfer::{song_name_ranges, song_names};

pub use crate::pipeline::run::RunSnapshot;

/// Every message names, beside its JSON (`run`), the run its sender holds: the page the run it
/// shows, the worker the run it answered from. A request or an answer about another run is stale:
/// the page moved on, or the worker did. Acting on it would show or export one run's songs as
/// another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// Dropped without a word: the page asks again by itself (searching, hovering, colouring).
    Quiet,
    /// Refused with `STALE` under this stage: the person pressed something and waits for it.
    Say(&'static str),
}

/// What a stale request or answer that someone waits for says.
pub const STALE: &str = "The results changed while this was being made, so it was not used. Press it again.";

/// The `Failed` stage that means the worker itself died (sent by its panic hook).
pub const CRASH_STAGE: &str = "Background worker crashed";

pub fn encode_request(r: &Request) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

pub fn decode_request(s: &str) -> Result<Request, String> {
    serde_json::from_str(s).map_err(|e| format!("The worker received a message it does not understand: {e}"))
}

/// The event as JSON, or a `Failed` when the page could not read it back. serde_json writes a
/// NaN or infinite number as `null`, which the page cannot read as a number: such an event never
/// leaves the worker (the check reads the text back, so whatever else could go wrong is caught).
pub fn encode_event(e: &Event) -> String {
    encode_checked(e).unwrap_or_else(|message| {
        let failed = Event::Failed { task: None, stage: SENDING.into(), message };
        serde_json::to_string(&failed).unwrap_or_default()
    })
}

/// The event as JSON, or why it cannot be sent (see `encode_event`), for a sender that reports
/// the failure under its own stage.
pub fn encode_checked(e: &Event) -> Result<String, String> {
    // Read back equal, so a NaN that became `null` in an optional field is caught too (the
    // colouring alone sends NaN on purpose: see `missing_as_null`).
    let same = |text: &str| decode_event(text).is_ok_and(|d| d == *e || matches!(e, Event::Coloured(_)));
    match serde_json::to_string(e) {
        Ok(text) if same(&text) => Ok(text),
        Ok(_) => Err(NOT_FINITE.to_string()),
        Err(err) => Err(err.to_string()),
    }
}

/// The stage under which an event that could not be sent is reported.
pub const SENDING: &str = "Sending results";

/// The id of the results in an event's JSON that the page could not read, if it says one, so the
/// page can tell the worker to drop exactly those.
pub fn results_id(json: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let id = value.get("Finished").and_then(|f| f.get("run_id")).or_else(|| value.get("MapReady")?.get("id"));
    id?.as_u64()
}

/// What the page says when a result held a number that is not finite.
pub const NOT_FINITE: &str = "A result held a number that is not finite (it overflowed), so it was not sent; nothing was changed. Check the file for extreme values, or train again with the default settings.";

pub fn decode_event(s: &str) -> Result<Event, String> {
    serde_json::from_str(s).map_err(|e| format!("The page received a message it does not understand: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::columns::ColumnMapping;
    use crate::pipeline::model::train::EpochLoss;
    use crate::pipeline::params::{Projection, TrainParams};

    #[test]
    fn requests_and_events_round_trip() {
        let r = Request::Train { mapping: ColumnMapping::default(), params: TrainParams::default() };
        assert_eq!(decode_request(&encode_request(&r)).unwrap(), r);
        let e = Event::Progress(TaskProgress::Training(Progress { epoch: 2, epochs: 4, batch: 5, batches: 10 }));
        assert_eq!(decode_event(&encode_event(&e)).unwrap(), e);
        assert!(decode_request("{\"Nope\":1}").unwrap_err().starts_with("The worker received"));
    }

    #[test]
    fn non_finite_numbers_never_reach_the_wire() {
        let loss = EpochLoss { epoch: 1, train_loss: f32::NAN, val_loss: None };
        let text = encode_event(&Event::Epoch(loss));
        assert_eq!(
            decode_event(&text).unwrap(),
            Event::Failed { task: None, stage: "Sending results".into(), message: NOT_FINITE.into() }
        );
        let optional = Event::Epoch(EpochLoss { epoch: 1, train_loss: 0.5, val_loss: Some(f32::INFINITY) });
        assert!(encode_event(&optional).contains(NOT_FINITE), "a NaN in an optional field is caught too");
        let fine = Event::Epoch(EpochLoss { epoch: 1, train_loss: 0.5, val_loss: Some(0.25) });
        assert_eq!(decode_event(&encode_event(&fine)).unwrap(), fine);
    }

    #[test]
    fn requests_and_answers_about_a_run_are_marked() {
        assert_eq!(Request::Search { query: "x".into() }.run_bound(), Some(Stale::Quiet));
        assert_eq!(Request::Export { projection: Projection::Pca }.run_bound(), Some(Stale::Say("Exporting")));
        assert_eq!(Request::Commit { id: 1 }.run_bound(), None, "a commit names its own results");
        assert_eq!(
            Request::Train { mapping: ColumnMapping::default(), params: TrainParams::default() }.run_bound(),
            None
        );
        assert_eq!(Event::ModelSaved { file: "m.json".into() }.run_bound(), Some(Stale::Say("Saving the model")));
        assert_eq!(Event::Ready.run_bound(), None);
        assert_eq!(results_id(r#"{"MapReady":{"id":7,"projection":"Umap","xy":[],"sample":3}}"#), Some(7));
        assert_eq!(results_id(r#"{"Finished":{"run_id":4,"recon_mse":null}}"#), Some(4));
        assert_eq!(results_id("not json"), None);
    }

    #[test]
    fn progress_fraction() {
        let p = Progress { epoch: 2, epochs: 4, batch: 5, batches: 10 };
        assert!((p.fraction() - 0.375).abs() < 1e-12);
    }
}
