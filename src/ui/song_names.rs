//! The song names of the run shown, as the worker sent them beside `Finished`.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::protocol::song_name_ranges;

/// The songs' names the worker sent beside `Finished`, kept as the typed arrays they came in:
/// copying them into wasm memory took most of a 180 ms task at a million songs, and a hover
/// reads one name.
pub struct SongNames {
    text: js_sys::Uint8Array,
    ends: js_sys::Uint32Array,
}

impl SongNames {
    pub fn from_message(data: &JsValue) -> Option<SongNames> {
        let get = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
        Some(SongNames { text: get("name_text")?.dyn_into().ok()?, ends: get("name_ends")?.dyn_into().ok()? })
    }

    /// Title and artist of run row `row`.
    pub fn name(&self, row: usize) -> Option<(String, String)> {
        let n = self.ends.length() as usize;
        let end = |i: usize| (i < n).then(|| self.ends.get_index(i as u32));
        let (title, artist) = song_name_ranges(end, row)?;
        let text = |r: std::ops::Range<usize>| {
            String::from_utf8(self.text.subarray(r.start as u32, r.end as u32).to_vec()).ok()
        };
        Some((text(title)?, text(artist)?))
    }
}
