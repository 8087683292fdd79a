//! Any bytes as a dropped file: reading, the automatic mapping, a mapping chosen by the fuzzer,
//! the pre-training check, value extraction and scaling must never panic, every number that
//! reaches training must be finite, and reading the file in chunks must equal reading it whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use songscape::pipeline::input::check::{check_table, CheckOptions};
use songscape::pipeline::input::columns::{extract, ColumnMapping, MissingPolicy};
use songscape::pipeline::input::load::parse_csv;
use songscape::pipeline::input::load_stream::parse_in_chunks;
use songscape::pipeline::input::scale::StandardScaler;
use songscape::protocol::DatasetInfo;

fuzz_target!(|file: &[u8]| {
    // The whole input is the file, so the seeds (real corpus files) keep their first bytes;
    // the settings and a hand-made mapping follow from its length, independently of each other.
    let n = file.len();
    let k = 2 + n % 19;
    let missing = if (n / 19) % 2 == 1 { MissingPolicy::FillMedian } else { MissingPolicy::DropRows };
    let options = CheckOptions { missing, k };
    // A file read in chunks (as the worker reads files) gives what reading it whole gives.
    let whole = parse_csv(file);
    for (head, chunk) in [(16, 7), (64, 4096)] {
        assert_eq!(parse_in_chunks(file, head, chunk), whole, "head {head}, chunks of {chunk}");
    }
    let Ok((table, info)) = DatasetInfo::load("fuzz.csv", file, options) else { return };
    let _ = info.notes();
    let _ = info.check.lines();
    for mapping in [info.mapping.clone(), shifted(&info.mapping, (n / 38) % 4)] {
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
fn shifted(mapping: &ColumnMapping, by: usize) -> ColumnMapping {
    let mut m = mapping.clone();
    for slot in m.features.iter_mut() {
        *slot = slot.map(|c| c + by);
    }
    m
}
