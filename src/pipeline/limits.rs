//! The largest input Songscape accepts, in one place: the README states these numbers and the
//! tests check both sides of each one.
//!
//! They follow from memory: the worker holds the file's bytes, its text and its cells at once,
//! in a wasm32 heap that cannot grow past 4 GiB, so a 256 MiB file stays well inside it.

/// Largest file, in bytes (256 MiB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Most data rows read from one file.
pub const MAX_ROWS: usize = 2_000_000;
/// Most columns in the header.
pub const MAX_COLUMNS: usize = 1_000;
/// Longest column name, in characters: a longer "name" means the first line is not a header.
pub const MAX_HEADER_CHARS: usize = 500;
/// Largest magnitude a feature value may have. No audio feature comes near it (tempo, dB,
/// 0–1 and 0–100 scales); a larger number is a damaged cell, and left in it would overflow the
/// f32 arithmetic of scaling and encoding (3.4e38 is a finite f32 whose z-score is not).
pub const MAX_FEATURE_MAGNITUDE: f64 = 1e9;
/// Largest model file, in bytes (4 MiB). The largest model the settings allow (hidden 256,
/// latent 64, k 100, every name at its longest) is under 1 MiB as JSON.
pub const MAX_MODEL_BYTES: u64 = 4 * 1024 * 1024;
/// Longest cluster name, in characters (a model file's names and the page's renames).
pub const MAX_NAME_CHARS: usize = 120;

/// `1234567` → `"1,234,567"`: limits and sizes in messages are read by people.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun, singular for 1: `"1 row"`, `"2 rows"`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "is" for 1, "are" otherwise; "has"/"have" and the like through `one`/`many`.
pub fn verb(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A byte count as people say it: `"1.5 MB"`, `"256 MB"` (MiB, as file managers show them).
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 10.0 || mb.fract() == 0.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_000_000), "2,000,000");
        assert_eq!(megabytes(MAX_FILE_BYTES), "256 MB");
        assert_eq!(megabytes(1_572_864), "1.5 MB");
    }
}
