//! Any bytes as a dropped file: reading, the automatic mapping, a mapping chosen by the fuzzer,
//! the pre-training check, value extraction and scaling must never panic, and every number that
//! reaches training must be finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use songscape::pipeline::check::{check_table, CheckOptions};
use songscape::pipeline::columns::{extract, ColumnMapping, MissingPolicy};
use songscape::pipeline::scale::StandardScaler;
use songscape::protocol::DatasetInfo;

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the settings and a hand-made mapping; the rest is the file.
    let (settings, file) = data.split_at(data.len().min(2));
    let k = 2 + usize::from(settings.first().copied().unwrap_or(8) % 20);
    let missing = if settings.get(1).is_some_and(|b| b & 1 == 1) { MissingPolicy::FillMedian } else { MissingPolicy::DropRows };
    let options = CheckOptions { missing, k };
    let Ok((table, info)) = DatasetInfo::load("fuzz.csv", file, options) else { return };
    let _ = info.notes();
    let _ = info.check.lines();
    for mapping in [info.mapping.clone(), shifted(&info.mapping, settings.get(1).copied().unwrap_or(0))] {
        let check = check_table(&table, &mapping, options);
        let _ = check.lines();
        if let Ok(features) = extract(&table, &mapping, missing) {
            assert!(features.values.iter().all(|v| v.is_finite()), "a non-finite value reached training");
            let scaler = StandardScaler::fit(&features.values, features.n_features());
            let scaled = scaler.transform(&features.values);
            assert!(scaled.iter().all(|v| v.is_finite()), "scaling produced a non-finite value");
        }
    }
});

/// The guessed mapping with every feature moved `by` columns: a mapping a person might choose by
/// hand, including columns that do not exist.
fn shifted(mapping: &ColumnMapping, by: u8) -> ColumnMapping {
    let mut m = mapping.clone();
    for slot in m.features.iter_mut() {
        *slot = slot.map(|c| c + usize::from(by % 4));
    }
    m
}
