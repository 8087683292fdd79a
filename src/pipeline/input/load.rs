//! Stage 1: bytes of a CSV file → a table of text cells.
//!
//! Handles what real exports contain: a UTF-8 BOM, UTF-16 (Excel's "Unicode text"), Latin-1,
//! comma/semicolon/tab/pipe delimiters, quoted fields and CRLF line ends. Rows whose field count
//! differs from the header are set aside and reported, never silently dropped.

use csv::{ReaderBuilder, StringRecord};
use thiserror::Error;

use crate::pipeline::limits::{count, megabytes, thousands, MAX_COLUMNS, MAX_FILE_BYTES, MAX_HEADER_CHARS, MAX_ROWS};
use crate::pipeline::output::spreadsheet::unguard;

/// Why a file could not be read as a table at all.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LoadError {
    #[error("The file is empty. Expected a CSV file with a header row and at least one row of songs.")]
    Empty,
    #[error("The file looks like binary data (a NUL byte at byte {offset}), not CSV text. Expected a .csv file exported from a spreadsheet, Spotify tools or Kaggle.")]
    Binary { offset: usize },
    #[error("The file has a header row but no rows of songs. Expected at least one data row after the header.")]
    NoRows,
    #[error("Could not read the CSV at line {line}: {message}.")]
    Csv { line: u64, message: String },
    #[error("No row has the header's {} (the first bad row, line {line}, has {found}). Is the delimiter right?", count(*.expected, "field", "fields"))]
    AllRowsRagged { expected: usize, line: u64, found: usize },
    #[error("The file is {kind}, not CSV text. {advice}")]
    KnownBinary { kind: &'static str, advice: &'static str },
    #[error("The file has {} bytes ({}); Songscape reads files of at most {} bytes ({}). Split it, or keep only the columns it needs (title, artist and the audio features).", thousands(*.bytes), megabytes(*.bytes), thousands(MAX_FILE_BYTES), megabytes(MAX_FILE_BYTES))]
    TooLarge { bytes: u64 },
    #[error("The file has more than {} rows of songs; Songscape reads at most {}. Split the file or keep a sample of it.", thousands(MAX_ROWS as u64), thousands(MAX_ROWS as u64))]
    TooManyRows,
    #[error("The header has {} columns; Songscape reads at most {}. Is the delimiter right, and is this a file of songs?", thousands(*.found as u64), thousands(MAX_COLUMNS as u64))]
    TooManyColumns { found: usize },
    #[error("The name of column {column} in the first line is {} characters long (at most {MAX_HEADER_CHARS}), so the first line is not a header row. Expected column names such as energy, tempo, valence.", thousands(*.chars as u64))]
    HeaderTooLong { column: usize, chars: usize },
    #[error("A quoted field that starts on line {line} is never closed, so the rest of the file would be read as one cell. Check that line for a stray \" character.")]
    UnclosedQuote { line: u64 },
}

/// Refuses a file over the size limit before any of it is read (the page checks `File.size`).
pub fn check_size(bytes: u64) -> Result<(), LoadError> {
    if bytes > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { bytes });
    }
    Ok(())
}

/// A data row that was set aside because its field count differs from the header's.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RaggedRow {
    /// 1-based line number in the file.
    pub line: u64,
    pub found: usize,
}

/// A parsed CSV: the header and the data rows, all as text.
///
/// The cells live in one string with one end offset per cell, not as a record per row: at a
/// million songs a `csv::StringRecord` per row cost about 100 bytes on top of the text itself
/// (two allocations, positions, a bounds vector), a third of the worker's memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Every kept row's cells one after another, row by row.
    text: String,
    /// Where each cell ends in `text`; every kept row has `headers.len()` cells.
    ends: Vec<u32>,
    /// 1-based file line of each row, for messages a person can act on.
    pub lines: Vec<u64>,
    pub delimiter: u8,
    pub ragged: Vec<RaggedRow>,
    /// Things we recovered from and the user should know (encoding guesses and the like).
    pub notices: Vec<String>,
}

impl Table {
    fn new(headers: Vec<String>, delimiter: u8, notices: Vec<String>) -> Table {
        Table {
            headers,
            text: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
            delimiter,
            ragged: Vec::new(),
            notices,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// The cell at (row, column), or "" outside the table.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        if col >= self.headers.len() {
            return "";
        }
        self.cell_at(row * self.headers.len() + col)
    }

    fn cell_at(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied(),
            None => Some(0),
        };
        match (start, self.ends.get(i)) {
            (Some(a), Some(&b)) => self.text.get(a as usize..b as usize).unwrap_or(""),
            _ => "",
        }
    }

    /// The cells of `row`, in column order (none outside the table).
    pub fn row(&self, row: usize) -> impl Iterator<Item = &str> {
        let w = self.headers.len();
        let cells = if row < self.n_rows() { w } else { 0 };
        (0..cells).map(move |c| self.cell_at(row * w + c))
    }

    /// Keeps a row of exactly `headers.len()` cells.
    fn push_row<'a>(&mut self, cells: impl Iterator<Item = &'a str>, line: u64) -> Result<(), LoadError> {
        for cell in cells {
            // An apostrophe our exports put before a formula character comes off again.
            self.text.push_str(unguard(cell));
            let end =
                u32::try_from(self.text.len()).map_err(|_| LoadError::TooLarge { bytes: self.text.len() as u64 })?;
            self.ends.push(end);
        }
        self.lines.push(line);
        Ok(())
    }
}

/// Reads a whole CSV file. Never panics on any input.
pub fn parse_csv(bytes: &[u8]) -> Result<Table, LoadError> {
    check_size(bytes.len() as u64)?;
    if let Some((kind, advice)) = known_binary(bytes) {
        return Err(LoadError::KnownBinary { kind, advice });
    }
    let mut notices = Vec::new();
    let text = decode_text(bytes, &mut notices)?;
    if text.trim().is_empty() {
        return Err(LoadError::Empty);
    }
    let (text, delimiter, skipped_lines) = match excel_separator_line(&text) {
        Some((rest, d)) => (rest, d, 1),
        None => (text.as_str(), detect_delimiter(&text), 0),
    };
    if delimiter != b',' {
        notices.push(format!("Columns are separated by {}.", delimiter_name(delimiter)));
    }
    if let Some(line) = unclosed_quote(text.as_bytes(), delimiter) {
        return Err(LoadError::UnclosedQuote { line: line + skipped_lines });
    }
    read_records(text, delimiter, notices, skipped_lines)
}

/// Files people mistake for CSV, by their first bytes, with what to do instead.
pub(super) fn known_binary(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    const EXPORT: &str = "Export it as CSV first (in a spreadsheet: File, Save as, CSV).";
    const SIGNATURES: [(&[u8], &str, &str); 7] = [
        (b"\x89PNG", "a PNG image", "Choose the CSV file of songs instead."),
        (b"\xFF\xD8\xFF", "a JPEG image", "Choose the CSV file of songs instead."),
        (b"GIF8", "a GIF image", "Choose the CSV file of songs instead."),
        (b"%PDF", "a PDF document", EXPORT),
        (b"PK\x03\x04", "a ZIP archive (Excel .xlsx and Numbers files are ZIP archives too)", EXPORT),
        (b"\x1F\x8B", "gzip-compressed", "Decompress it first (for example with gunzip or 7-Zip)."),
        (b"\xD0\xCF\x11\xE0", "an old Excel (.xls) or Office document", EXPORT),
    ];
    SIGNATURES.iter().find(|(magic, _, _)| bytes.starts_with(magic)).map(|&(_, kind, advice)| (kind, advice))
}

/// Quote state read the way the csv crate reads it: a quote opens a field only at the field's
/// start, and inside quotes `""` is a literal quote; anywhere else a quote is a plain character.
/// One machine for the unclosed-quote check and for delimiter detection, so they cannot disagree.
#[derive(Default)]
pub(super) struct Quotes {
    pub(super) inside: bool,
    just_closed: bool,
    prev: Option<u8>,
}

impl Quotes {
    /// Feeds one byte; `ends_field(b)` says which bytes separate fields.
    pub(super) fn step(&mut self, b: u8, ends_field: impl Fn(u8) -> bool) {
        let at_field_start = self.prev.is_none_or(|p| ends_field(p) || p == b'\n' || p == b'\r');
        let just_closed = std::mem::take(&mut self.just_closed);
        self.prev = Some(b);
        if b != b'"' {
            return;
        }
        if self.inside {
            self.inside = false;
            self.just_closed = true;
        } else if at_field_start || just_closed {
            self.inside = true;
        }
    }
}

/// The 1-based line where a quoted field opens and never closes. The csv crate itself would
/// silently take the rest of the file as one cell.
fn unclosed_quote(text: &[u8], delimiter: u8) -> Option<u64> {
    let mut quotes = Quotes::default();
    let mut line = 1u64;
    let mut opened = 0u64;
    for (i, &b) in text.iter().enumerate() {
        let was_inside = quotes.inside;
        quotes.step(b, |p| p == delimiter);
        if quotes.inside && !was_inside {
            opened = line;
        }
        let newline = b == b'\r' || (b == b'\n' && (i == 0 || text[i - 1] != b'\r'));
        line += u64::from(newline);
    }
    quotes.inside.then_some(opened)
}

/// Excel writes `sep=;` as a first line to name the delimiter: honour it and skip the line.
pub(super) fn excel_separator_line(text: &str) -> Option<(&str, u8)> {
    let first = text.lines().next()?;
    let d = first.trim_end().strip_prefix("sep=")?;
    let &[b] = d.as_bytes() else { return None };
    let rest = &text[first.len()..];
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n')).unwrap_or(rest);
    Some((rest, b))
}

fn read_records(text: &str, delimiter: u8, mut notices: Vec<String>, skipped_lines: u64) -> Result<Table, LoadError> {
    let mut table = None;
    read_block(&mut table, text, delimiter, skipped_lines, &mut notices)?;
    finish(table)
}

/// Reads the records in `text`, a run of whole lines that follows `lines_before` lines of the
/// file, into `table`; when there is no table yet, `text` starts with the header.
pub(super) fn read_block(
    table: &mut Option<Table>,
    text: &str,
    delimiter: u8,
    lines_before: u64,
    notices: &mut Vec<String>,
) -> Result<(), LoadError> {
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(table.is_none())
        .flexible(true)
        .from_reader(text.as_bytes());
    let table = match table {
        Some(t) => t,
        None => {
            let raw_headers = reader.headers().map_err(|e| csv_error(&e, 1))?;
            let headers = check_headers(raw_headers, notices)?;
            table.insert(Table::new(headers, delimiter, std::mem::take(notices)))
        }
    };
    let mut record = StringRecord::new();
    let mut lines = LineCounter { byte: 0, newlines: lines_before };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                if table.n_rows() + table.ragged.len() >= MAX_ROWS {
                    return Err(LoadError::TooManyRows);
                }
                let line = record.position().map_or(0, |p| lines.line_at(text.as_bytes(), p.byte()));
                push_record(table, &record, line)?;
            }
            Err(e) => return Err(csv_error(&e, table.n_rows() as u64 + 2)),
        }
    }
}

/// Enforces the column limits, names unnamed columns and says where names repeat.
fn check_headers(raw: &StringRecord, notices: &mut Vec<String>) -> Result<Vec<String>, LoadError> {
    if raw.len() > MAX_COLUMNS {
        return Err(LoadError::TooManyColumns { found: raw.len() });
    }
    let mut headers = Vec::with_capacity(raw.len());
    let mut unnamed = Vec::new();
    for (i, h) in raw.iter().enumerate() {
        let chars = h.chars().count();
        if chars > MAX_HEADER_CHARS {
            return Err(LoadError::HeaderTooLong { column: i + 1, chars });
        }
        let name = unguard(h.trim());
        if name.is_empty() {
            unnamed.push((i + 1).to_string());
            headers.push(format!("(column {})", i + 1));
        } else {
            headers.push(name.to_string());
        }
    }
    if !unnamed.is_empty() {
        notices
            .push(format!("Columns without a name in the header are called \"(column N)\": {}.", unnamed.join(", ")));
    }
    notices.extend(repeated_names(&headers));
    Ok(headers)
}

/// One notice per header name that appears more than once.
fn repeated_names(headers: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        if headers[..i].contains(name) {
            continue;
        }
        let at: Vec<String> =
            headers.iter().enumerate().filter(|(_, h)| *h == name).map(|(j, _)| (j + 1).to_string()).collect();
        if at.len() > 1 {
            out.push(format!(
                "The column name \"{name}\" appears {} times (columns {}); automatic matching uses the first. Choose another under Columns if that is wrong.",
                at.len(),
                and_list(&at)
            ));
        }
    }
    out
}

/// `["2", "5", "9"]` → `"2, 5 and 9"`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// File line numbers of record starts. The csv crate's own line count points at the previous
/// record's terminator, so count newlines up to the record's first byte, incrementally.
struct LineCounter {
    byte: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], byte: u64) -> u64 {
        let target = (byte as usize).min(text.len());
        // Skip the terminator(s) the record position still points at.
        let start = text[target..].iter().position(|&b| b != b'\n' && b != b'\r').map_or(text.len(), |o| target + o);
        if start >= self.byte {
            self.newlines += count_newlines(&text[self.byte..start]);
            self.byte = start;
        }
        self.newlines + 1
    }
}

/// A CRLF, a lone LF and a lone CR each end one line.
pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

fn push_record(table: &mut Table, record: &StringRecord, line: u64) -> Result<(), LoadError> {
    if record.len() == table.headers.len() {
        table.push_row(record.iter(), line)?;
    } else if !(record.len() == 1 && record.get(0).is_some_and(|c| c.trim().is_empty())) {
        table.ragged.push(RaggedRow { line, found: record.len() });
    }
    Ok(())
}

/// The table, or why there is none to work with. `None`: the text had no header row at all.
pub(super) fn finish(table: Option<Table>) -> Result<Table, LoadError> {
    let table = table.ok_or(LoadError::Empty)?;
    if table.n_rows() == 0 {
        return Err(match table.ragged.first() {
            Some(r) => LoadError::AllRowsRagged { expected: table.headers.len(), line: r.line, found: r.found },
            None => LoadError::NoRows,
        });
    }
    Ok(table)
}

fn csv_error(e: &csv::Error, fallback_line: u64) -> LoadError {
    let line = e.position().map_or(fallback_line, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    LoadError::Csv { line, message }
}

/// Bytes → text. UTF-8 (with or without BOM) is the norm; UTF-16 with a BOM and Latin-1 are
/// decoded and reported, since spreadsheets still write them.
fn decode_text(bytes: &[u8], notices: &mut Vec<String>) -> Result<String, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    if let Some(text) = decode_utf16(bytes) {
        notices.push("The file is UTF-16 text; it was converted.".to_string());
        return Ok(text);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        return Err(LoadError::Binary { offset });
    }
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok(text.to_string());
    }
    let (valid_non_ascii, invalid) = utf8_census(body);
    if valid_non_ascii > invalid {
        notices.push(format!("{invalid} bytes of the file are not valid UTF-8; they are shown as \u{FFFD}."));
        return Ok(String::from_utf8_lossy(body).into_owned());
    }
    notices.push("The file is not UTF-8; it was read as Windows-1252 (Western European) text.".to_string());
    Ok(body.iter().map(|&b| windows_1252(b)).collect())
}

/// Non-ASCII characters that are valid UTF-8, and bytes that are not: a file with a few bad bytes
/// among many accented letters is UTF-8 with damage, not another encoding.
fn utf8_census(bytes: &[u8]) -> (usize, usize) {
    let mut valid_non_ascii = 0;
    let mut invalid = 0;
    for chunk in bytes.utf8_chunks() {
        valid_non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    (valid_non_ascii, invalid)
}

/// Windows-1252 differs from Latin-1 only in 0x80–0x9F; a 32-entry table beats a crate with
/// every encoding's tables in the worker's wasm.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// UTF-16 with a BOM, or without one when NUL bytes sit at every other position (ASCII text).
pub(crate) fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (little, skip) = match bytes {
        [0xFF, 0xFE, ..] => (true, 2),
        [0xFE, 0xFF, ..] => (false, 2),
        _ => (utf16_without_bom(bytes)?, 0),
    };
    let units: Vec<u16> = bytes[skip..]
        .chunks_exact(2)
        .map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
        .collect();
    Some(String::from_utf16_lossy(&units))
}

/// `Some(true)` for little-endian, `Some(false)` for big-endian: judged on the first 2 KB.
pub(super) fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(2048) & !1];
    if sample.len() < 4 {
        return None;
    }
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let half = sample.len() / 2;
    match (even, odd) {
        (0, o) if o * 10 >= half * 9 => Some(true),
        (e, 0) if e * 10 >= half * 9 => Some(false),
        _ => None,
    }
}

/// Picks the delimiter that splits the header line into the most fields, ignoring quoted text.
pub fn detect_delimiter(text: &str) -> u8 {
    let header = first_logical_line(text);
    let mut best = (b',', 0usize);
    for &d in &DELIMITERS {
        let count = count_unquoted(header, d);
        if count > best.1 {
            best = (d, count);
        }
    }
    best.0
}

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The first line that is not blank, up to a line end outside quotes (any candidate delimiter
/// may end a field here: the delimiter is not known yet).
pub(super) fn first_logical_line(text: &str) -> &str {
    let text = text.trim_start_matches(['\r', '\n']);
    let mut quotes = Quotes::default();
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if (b == b'\n' || b == b'\r') && !quotes.inside {
            return &text[..i];
        }
        quotes.step(b, |p| DELIMITERS.contains(&p));
    }
    text
}

fn count_unquoted(line: &str, delimiter: u8) -> usize {
    let mut quotes = Quotes::default();
    let mut count = 0;
    for &b in line.as_bytes() {
        quotes.step(b, |p| p == delimiter);
        count += usize::from(b == delimiter && !quotes.inside);
    }
    count
}

pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "commas",
        b';' => "semicolons",
        b'\t' => "tabs",
        b'|' => "pipes",
        _ => "an unusual character",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bom_crlf_and_quotes() {
        let t = parse_csv(b"\xEF\xBB\xBFsong,energy\r\n\"Hello, World\",5\r\nB,6\r\n").unwrap();
        assert_eq!(t.headers, vec!["song", "energy"]);
        assert_eq!(t.cell(0, 0), "Hello, World");
        assert_eq!(t.cell(1, 1), "6");
        assert_eq!(t.lines, vec![2, 3]);
    }

    #[test]
    fn detects_semicolon_and_tab() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(detect_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(detect_delimiter("\"a;b\",c\n"), b',');
        // A quote inside a field is a plain character: it opens nothing.
        assert_eq!(detect_delimiter("title;12\" mix;energy\nA;B;1\n"), b';');
        assert_eq!(detect_delimiter("a,\"say \"\"hi\"\"; now\",c\n1,2,3"), b',');
    }

    #[test]
    fn ragged_rows_are_reported_not_kept() {
        let t = parse_csv(b"a,b,c\n1,2,3\n1,2\n4,5,6\n").unwrap();
        assert_eq!(t.n_rows(), 2);
        assert_eq!(t.ragged, vec![RaggedRow { line: 3, found: 2 }]);
    }

    #[test]
    fn empty_header_only_and_binary() {
        assert_eq!(parse_csv(b"").unwrap_err(), LoadError::Empty);
        assert_eq!(parse_csv(b"a,b,c\n").unwrap_err(), LoadError::NoRows);
        assert!(matches!(parse_csv(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err(), LoadError::KnownBinary { .. }));
        assert_eq!(parse_csv(b"a,b\0c").unwrap_err(), LoadError::Binary { offset: 3 });
    }

    #[test]
    fn utf16_and_latin1_are_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "song,energy\nCafé,5\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = parse_csv(&bytes).unwrap();
        assert_eq!(t.cell(0, 0), "Café");
        let t = parse_csv(b"song,energy\nCaf\xE9 \x80,5\n").unwrap();
        assert_eq!(t.cell(0, 0), "Café €");
        assert_eq!(t.notices.len(), 1);
        let no_bom: Vec<u8> = "song,energy\nA,5\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(parse_csv(&no_bom).unwrap().cell(0, 1), "5");
        // Mostly UTF-8 with one stray byte: UTF-8 with a replacement, not Windows-1252.
        let mut damaged = "song,energy\nCafé Déjà,5\nBad ".as_bytes().to_vec();
        damaged.extend_from_slice(b"\xFFx,6\n");
        let t = parse_csv(&damaged).unwrap();
        assert_eq!((t.cell(0, 0), t.cell(1, 0)), ("Café Déjà", "Bad \u{FFFD}x"));
    }

    #[test]
    fn column_names_up_to_the_limit() {
        let at_limit = format!("{},b,c\n1,2,3\n", "a".repeat(MAX_HEADER_CHARS));
        assert_eq!(parse_csv(at_limit.as_bytes()).map(|t| t.headers[0].len()), Ok(MAX_HEADER_CHARS));
        let over = format!("b,{},c\n1,2,3\n", "é".repeat(MAX_HEADER_CHARS + 1));
        assert_eq!(parse_csv(over.as_bytes()).unwrap_err(), LoadError::HeaderTooLong { column: 2, chars: 501 });
    }

    #[test]
    fn excel_sep_line_and_leading_blank_lines() {
        let t = parse_csv(b"sep=;\r\nsong;energy\r\nA;0,5\r\n").unwrap();
        assert_eq!((t.delimiter, t.headers.len(), t.cell(0, 1)), (b';', 2, "0,5"));
        assert_eq!(t.lines, vec![3]);
        assert_eq!(detect_delimiter("\n\na;b;c\n1;2;3"), b';');
    }
}
