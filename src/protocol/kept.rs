//! The session kept in this browser between visits: the worker writes the loaded file, the run
//! and its map to IndexedDB (see `worker::keep`), and tells the page what is kept. Pure data.

use serde::{Deserialize, Serialize};

use super::request::CheckOptions;
use crate::pipeline::run::RunSnapshot;

/// The layout of what is kept. Data kept under another number is refused and removed: reading
/// it as this layout could show one file's clusters on another's songs.
pub const KEPT_FORMAT: u32 = 1;

/// What the page shows about a kept session ("Resume songs.csv · 39,280 songs · 10 clusters").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptSession {
    pub format: u32,
    pub name: String,
    pub rows: usize,
    /// The file's header: with its name and rows, what its playlist is stored under.
    pub columns: Vec<String>,
    /// The file's fingerprint (`fingerprint`): the file a view link was made on.
    pub file: String,
    /// When it was written, in milliseconds since 1970 (the browser's `Date.now()`).
    pub saved_at: f64,
    /// The kept run's number of clusters; `None` when only the file is kept (not trained yet).
    pub k: Option<usize>,
}

/// What happened to the kept session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Keeping {
    /// At start: the session an earlier visit kept, if any.
    Found(Option<KeptSession>),
    /// Data kept by another format was found and removed.
    Refused { message: String },
    /// The session on screen is kept as `KeptSession` says.
    Saved(KeptSession),
    /// It could not be written (the storage is full or turned off); nothing stale is left kept.
    Failed { message: String },
    /// Another tab kept its own session in place of this one's; this tab no longer writes until
    /// the person says so (`Request::KeepHere`).
    Elsewhere(KeptSession),
    /// Nothing is kept any more ("Forget this data").
    Forgotten,
}

/// Where the kept table came from: what resuming reads again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KeptSource {
    /// The built-in demo, made again from its seed (no file is stored).
    Demo { rows: usize, seed: u64 },
    /// A file the person chose, stored beside this record as the browser's `File`.
    File { name: String },
}

/// The kept table's record: its source and the options it was checked with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptTable {
    pub source: KeptSource,
    pub options: CheckOptions,
}

/// The kept run's record; its labels (and any t-SNE map) are stored beside it as typed arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptRun {
    pub snapshot: RunSnapshot,
    /// Songs t-SNE itself laid out, when a t-SNE map is kept.
    pub tsne_sample: Option<usize>,
    /// Songs UMAP itself laid out, when a UMAP map is kept.
    #[serde(default)]
    pub umap_sample: Option<usize>,
}

/// What a stored meta record says, or why it cannot be used.
pub fn read_meta(json: &str) -> Result<KeptSession, String> {
    #[derive(Deserialize)]
    struct Format {
        format: Option<u32>,
    }
    let format = serde_json::from_str::<Format>(json).ok().and_then(|f| f.format);
    match format {
        Some(KEPT_FORMAT) => serde_json::from_str(json).map_err(|e| refused(&format!("it could not be read ({e})"))),
        Some(other) => {
            Err(refused(&format!("it was saved in format {other}; this version reads format {KEPT_FORMAT}")))
        }
        None => Err(refused("it does not say its format")),
    }
}

fn refused(why: &str) -> String {
    format!(
        "This browser held a Songscape session from another version, and {why}. It was removed; \
        load your file again to start."
    )
}

/// A file's fingerprint: its name, its number of rows and its columns. Two different files rarely
/// agree on all three, and the same file always does, across reloads and versions of the app.
///
/// FNV-1a by hand: std's hasher may change between Rust releases, and a link made today must
/// still name the same file after an upgrade; this is eight lines, not a dependency.
pub fn fingerprint(name: &str, rows: usize, columns: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let text = format!("{name}\u{1f}{rows}\u{1f}{}", columns.join("\u{1f}"));
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> KeptSession {
        KeptSession {
            format: KEPT_FORMAT,
            name: "a.csv".into(),
            rows: 3,
            columns: vec!["x".into()],
            file: "f".into(),
            saved_at: 1.0,
            k: Some(2),
        }
    }

    #[test]
    fn meta_of_this_format_reads_back() {
        let json = serde_json::to_string(&meta()).unwrap();
        assert_eq!(read_meta(&json), Ok(meta()));
    }

    #[test]
    fn meta_of_another_format_is_refused_with_both_numbers() {
        let json = serde_json::to_string(&KeptSession { format: 0, ..meta() }).unwrap();
        let message = read_meta(&json).unwrap_err();
        assert!(message.contains("format 0") && message.contains("format 1"), "{message}");
        assert!(read_meta("{\"name\":\"x\"}").unwrap_err().contains("does not say its format"));
        assert!(read_meta("not json").is_err());
    }

    #[test]
    fn fingerprints_tell_files_apart_and_stay_the_same() {
        let cols = vec!["a".to_string(), "b".to_string()];
        assert_eq!(fingerprint("x.csv", 10, &cols), fingerprint("x.csv", 10, &cols));
        assert_ne!(fingerprint("x.csv", 10, &cols), fingerprint("x.csv", 11, &cols));
        assert_ne!(fingerprint("x.csv", 10, &cols), fingerprint("y.csv", 10, &cols));
        // Pinned (FNV-1a of "x.csv␟10␟a␟b", worked out apart): a link made by this version names
        // the file the same way in later ones.
        assert_eq!(fingerprint("x.csv", 10, &cols), "1d10282354d5c89a");
        assert_eq!(fingerprint("", 0, &[]).len(), 16);
    }
}
