//! Stage 1 for big files: the same table as `load::parse_csv`, read a chunk at a time.
//!
//! Reading a 1M-song file whole held it three times at once (the file's bytes, their text, the
//! table). Here each chunk is scanned as it arrives (NUL bytes, quotes, line ends), and every run
//! of whole lines that ends outside quotes goes straight into the table, so only the table and
//! one chunk are ever held, and the page can show how far reading has got.
//!
//! Only UTF-8 is read this way, the encoding of nearly every export. UTF-16, Latin-1 and damaged
//! UTF-8 are judged on the whole file by `parse_csv`, so for them `finish` answers `None` (as soon
//! as `feed` sees them it says `Fed::WholeFile`) and the caller reads the file whole instead.
//! Either way the result is the one `parse_csv` gives for the same bytes (tested below).

use crate::pipeline::input::load::check_size;
use crate::pipeline::input::load::{
    count_newlines, delimiter_name, detect_delimiter, excel_separator_line, finish, first_logical_line, known_binary,
    parse_csv, read_block, utf16_without_bom, LoadError, Quotes, Table,
};

/// Bytes gathered before deciding how to read the file: its first line must be in them.
pub const HEAD_BYTES: usize = 64 * 1024;

/// What the caller should do after a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fed {
    /// Send the next chunk.
    More,
    /// Stop: this file must be read whole with `parse_csv`.
    WholeFile,
}

pub struct CsvStream {
    head_bytes: usize,
    phase: Phase,
    /// The file's first `UTF16_SAMPLE` bytes, on which `parse_csv` judges UTF-16 without a BOM.
    prefix: Vec<u8>,
}

/// As many bytes as `load::utf16_without_bom` looks at.
const UTF16_SAMPLE: usize = 2048;

/// Signatures in `load::known_binary` are at most this long.
#[cfg(any(test, fuzzing))]
const MIN_HEAD: usize = 8;

/// Whether `parse_csv` would read a file starting with `prefix` (all of its first
/// `UTF16_SAMPLE` bytes, or the whole file) as UTF-16.
fn utf16(prefix: &[u8]) -> bool {
    prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]) || utf16_without_bom(prefix).is_some()
}

enum Phase {
    /// The first bytes, until there are enough to decide how to read the rest.
    Head(Vec<u8>),
    Body(Box<Body>),
    WholeFile,
}

/// Reading the file's text after its first line has been seen.
struct Body {
    delimiter: u8,
    /// Notices for the table, handed over when its header is read.
    notices: Vec<String>,
    table: Option<Table>,
    /// Bytes scanned but not yet read into the table: the end of a line not yet complete.
    carry: Vec<u8>,
    /// Offset of `carry[0]` in the file after its byte-order mark (NUL offsets are reported so).
    offset: u64,
    quotes: Quotes,
    prev: u8,
    /// Current line (1-based, counting from the file's first line) and where the open quote began.
    line: u64,
    opened: u64,
    /// Lines before `carry[0]`.
    lines_before: u64,
    /// A byte other than a line end has been seen: the header has begun (csv skips blank lines
    /// before it, so a run of only blank lines must not be read as the header).
    content: bool,
}

impl CsvStream {
    /// A reader for a file of `total_bytes`; a file over the size limit is refused before any
    /// of it is read.
    pub fn new(total_bytes: u64) -> Result<CsvStream, LoadError> {
        check_size(total_bytes)?;
        Ok(CsvStream { head_bytes: HEAD_BYTES, phase: Phase::Head(Vec::new()), prefix: Vec::new() })
    }

    /// The same, deciding after `head_bytes` instead of `HEAD_BYTES` (tests use tiny heads to
    /// send small files down the chunked path).
    #[cfg(any(test, fuzzing))]
    pub fn with_head(total_bytes: u64, head_bytes: usize) -> Result<CsvStream, LoadError> {
        Ok(CsvStream { head_bytes: head_bytes.max(MIN_HEAD), ..CsvStream::new(total_bytes)? })
    }

    /// Takes the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Fed, LoadError> {
        let short = self.prefix.len() < UTF16_SAMPLE;
        let take = chunk.len().min(UTF16_SAMPLE - self.prefix.len());
        self.prefix.extend_from_slice(&chunk[..take]);
        // Until the sample is complete a NUL byte may be UTF-16's, not a sign of binary data.
        let sampled = self.prefix.len() >= UTF16_SAMPLE;
        if short && sampled && utf16(&self.prefix) {
            self.phase = Phase::WholeFile;
        }
        match &mut self.phase {
            Phase::Head(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= self.head_bytes {
                    let head = std::mem::take(head);
                    self.phase = start(head, sampled)?;
                }
            }
            Phase::Body(body) => {
                if !body.push(chunk, sampled)? {
                    self.phase = Phase::WholeFile;
                }
            }
            Phase::WholeFile => {}
        }
        Ok(match self.phase {
            Phase::WholeFile => Fed::WholeFile,
            _ => Fed::More,
        })
    }

    /// The table once every chunk has been fed; `None`: read the file whole with `parse_csv`.
    pub fn finish(self) -> Result<Option<Table>, LoadError> {
        if self.prefix.len() < UTF16_SAMPLE && utf16(&self.prefix) {
            return Ok(None);
        }
        match self.phase {
            // A file smaller than the head is in memory already.
            Phase::Head(head) => parse_csv(&head).map(Some),
            Phase::Body(body) => body.finish(),
            Phase::WholeFile => Ok(None),
        }
    }
}

/// Reads bytes already in memory the way a file is read: `head` bytes, then chunks of `chunk`,
/// falling back to `parse_csv` where the stream says to. For tests and the fuzzer, which check
/// that this always equals `parse_csv(bytes)`.
#[cfg(any(test, fuzzing))]
pub fn parse_in_chunks(bytes: &[u8], head: usize, chunk: usize) -> Result<Table, LoadError> {
    let mut stream = CsvStream::with_head(bytes.len() as u64, head)?;
    for piece in bytes.chunks(chunk.max(1)) {
        if stream.feed(piece)? == Fed::WholeFile {
            return parse_csv(bytes);
        }
    }
    match stream.finish()? {
        Some(table) => Ok(table),
        None => parse_csv(bytes),
    }
}

/// Decides from the first bytes how to read the file, and reads them.
/// `sampled`: the UTF-16 question is settled (see `CsvStream::feed`).
fn start(head: Vec<u8>, sampled: bool) -> Result<Phase, LoadError> {
    if let Some((kind, advice)) = known_binary(&head) {
        return Err(LoadError::KnownBinary { kind, advice });
    }
    let bom = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let text = String::from_utf8_lossy(&head[bom..]);
    // Blank files and headers longer than the head are rare: `parse_csv` has the exact answers.
    let first = first_logical_line(&text);
    if text.trim().is_empty() || first.len() == text.trim_start_matches(['\r', '\n']).len() {
        return Ok(Phase::WholeFile);
    }
    let mut notices = Vec::new();
    let (delimiter, skipped) = match excel_separator_line(&text) {
        // The head may end inside the separator line's line end ("\r", then "\n" in the next
        // chunk), which would be counted twice; such a file is read whole.
        Some(("", _)) => return Ok(Phase::WholeFile),
        Some((rest, d)) => (d, text.len() - rest.len()),
        None => (detect_delimiter(&text), 0),
    };
    if delimiter != b',' {
        notices.push(format!("Columns are separated by {}.", delimiter_name(delimiter)));
    }
    // The lossy text is only for deciding; from here on the bytes are read as they are. The
    // separator line ("sep=" and one byte) is ASCII, so its length is the same in both.
    if let Some(offset) = head[bom..bom + skipped].iter().position(|&b| b == 0) {
        return match sampled {
            true => Err(LoadError::Binary { offset }),
            false => Ok(Phase::WholeFile),
        };
    }
    let skipped_lines = u64::from(skipped > 0);
    let mut body = Box::new(Body {
        delimiter,
        notices,
        table: None,
        carry: Vec::with_capacity(head.len()),
        offset: skipped as u64,
        quotes: Quotes::default(),
        prev: 0,
        line: 1 + skipped_lines,
        opened: 0,
        lines_before: skipped_lines,
        content: false,
    });
    Ok(match body.push(&head[bom + skipped..], sampled)? {
        true => Phase::Body(body),
        false => Phase::WholeFile,
    })
}

impl Body {
    /// Scans `chunk` and reads every complete line into the table. `false`: read the file whole
    /// (not UTF-8, or a NUL byte before `sampled` says the file is not UTF-16).
    fn push(&mut self, chunk: &[u8], sampled: bool) -> Result<bool, LoadError> {
        let scanned = self.carry.len();
        self.carry.extend_from_slice(chunk);
        let mut boundary = 0;
        for (i, &b) in self.carry.iter().enumerate().skip(scanned) {
            if b == 0 && !sampled {
                return Ok(false);
            }
            if b == 0 {
                return Err(LoadError::Binary { offset: (self.offset + i as u64) as usize });
            }
            let was_inside = self.quotes.inside;
            self.quotes.step(b, |p| p == self.delimiter);
            if self.quotes.inside && !was_inside {
                self.opened = self.line;
            }
            // A CRLF, a lone LF and a lone CR each end one line (as `count_newlines` counts).
            self.line += u64::from(b == b'\r' || (b == b'\n' && self.prev != b'\r'));
            self.prev = b;
            self.content |= b != b'\r' && b != b'\n';
            if b == b'\n' && !self.quotes.inside && self.content {
                boundary = i + 1;
            }
        }
        if boundary == 0 {
            return Ok(true);
        }
        if !self.read(boundary) {
            return Ok(false);
        }
        self.carry.drain(..boundary);
        self.offset += boundary as u64;
        Ok(true)
    }

    /// Reads `carry[..end]`, whole lines, into the table. `false`: read the file whole, because
    /// these bytes are not UTF-8, or start with a byte-order mark (a new csv reader would drop it,
    /// `parse_csv` keeps it in the cell), or are not a good table: `parse_csv` checks the whole
    /// file for NUL bytes before it reads any row, so where a later NUL byte would be reported
    /// instead, only it knows (the fuzzer found such a file).
    fn read(&mut self, end: usize) -> bool {
        let Ok(text) = std::str::from_utf8(&self.carry[..end]) else { return false };
        if self.table.is_some() && text.starts_with('\u{FEFF}') {
            return false;
        }
        if read_block(&mut self.table, text, self.delimiter, self.lines_before, &mut self.notices).is_err() {
            return false;
        }
        self.lines_before += count_newlines(text.as_bytes());
        true
    }

    fn finish(mut self) -> Result<Option<Table>, LoadError> {
        if self.quotes.inside {
            return Err(LoadError::UnclosedQuote { line: self.opened });
        }
        if !self.read(self.carry.len()) {
            return Ok(None);
        }
        match self.table {
            Some(table) => finish(Some(table)).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(bytes: &[u8], head: usize, chunk: usize) -> Result<Table, LoadError> {
        parse_in_chunks(bytes, head, chunk)
    }

    /// `parse_in_chunks`, and whether the chunks were read as chunks (not left to `parse_csv`).
    fn streamed_how(bytes: &[u8], head: usize, chunk: usize) -> (Result<Table, LoadError>, bool) {
        let mut stream = match CsvStream::with_head(bytes.len() as u64, head) {
            Ok(s) => s,
            Err(e) => return (Err(e), false),
        };
        for piece in bytes.chunks(chunk.max(1)) {
            match stream.feed(piece) {
                Ok(Fed::More) => {}
                Ok(Fed::WholeFile) => return (parse_csv(bytes), false),
                Err(e) => return (Err(e), true),
            }
        }
        let small = bytes.len() < head;
        match stream.finish() {
            Ok(Some(table)) => (Ok(table), !small),
            Ok(None) => (parse_csv(bytes), false),
            Err(e) => (Err(e), !small),
        }
    }

    fn files() -> Vec<Vec<u8>> {
        let mut files: Vec<Vec<u8>> = [
            &b"song,energy\nA,1\nB,2\n"[..],
            b"\xEF\xBB\xBFsong,energy\r\n\"Hello, World\",5\r\nB,6\r\n",
            b"a;b;c\n1;2;3\n4;5;6\n",
            b"sep=;\na;b\n1;2\n3;4\n",
            b"a,b,c\n1,2,3\n1,2\n4,5,6\n\n\n7,8,9\n",
            b"title,notes,energy\n\"multi\nline\",\"say \"\"hi\"\"\",3\nB,\"x\r\ny\",4\n",
            b"a,b\r1,2\r3,4\r",
            b"a,b\n1,2\n\"open,3\n4,5\n",
            b"a,b\n1,2\n3,\xff\n",
            b"a,b\n1,2\n3,\xe9t\xe9\n",
            b"a,b\n1,2\n3,4\0\n",
            b"",
            b"a,b,c\n",
            b"\n\n\na,b\n1,2\n",
            b"x,\"a\"b,c\n1,2,3\n",
            b"title,energy\n12\" mix,3\n\"Caf\xc3\xa9\",4\n",
            b"\xFF\xFEa\0,\0b\0\n\x001\0,\x002\0\n\0",
            b"a\tb\n1\t2\n",
            b"%PDF-1.4 not csv",
            b"a,b\n\"1\",\"2\"\"\n3,4\n",
            // Found by the fuzzer: blank lines, then a header ended by a lone CR.
            b"\r\n\n8\rA,SEA,1,1,,0,1,1,\x01\x01p[\x01\x01\n",
        ]
        .iter()
        .map(|f| f.to_vec())
        .collect();
        // Found in review: a byte-order mark at the start of a later block (two exports joined).
        files.push(b"a,b\n1,2\n3,4\n5,6\n7,89\n\xEF\xBB\xBFx,y\n".to_vec());
        // Found in review: a head that ends between a separator line's CR and LF.
        files.push([b"sep=;".as_slice(), &[b' '; 15], b"\r\nA;B\n1;2\n"].concat());
        // Found by the fuzzer: UTF-16 without a BOM, which only the first 2 KB can tell.
        files.push(b"a\0,\0b\0\n\x001\0,\x002\0\n\0".repeat(150));
        // Found by the fuzzer: too many columns, and a NUL byte after the first chunk.
        files.push([b"a,".repeat(1100).as_slice(), b"b\n1,2\n3,4\0\n"].concat());
        // Many rows with quoted line ends, CRLF and ragged rows mixed in.
        let mut big = b"title,artist,energy\r\n".to_vec();
        for i in 0..400 {
            match i % 7 {
                0 => big.extend(format!("\"Song {i}\nPart 2\",Artist,{i}\r\n").bytes()),
                3 => big.extend(format!("Song {i},Artist\r\n").bytes()),
                5 => big.extend(format!("\"S, {i}\",\"A \"\"q\"\"\",{i}\n").bytes()),
                _ => big.extend(format!("Song {i},Artist {i},{i}\r\n").bytes()),
            }
        }
        files.push(big);
        files
    }

    #[test]
    fn streaming_gives_what_reading_whole_gives() {
        let (mut chunked, mut runs) = (0, 0);
        for (n, file) in files().iter().enumerate() {
            let whole = parse_csv(file);
            for head in [1, 2, 5, 16, 64, HEAD_BYTES] {
                for chunk in [1, 2, 3, 7, 64, 1000] {
                    let (table, in_chunks) = streamed_how(file, head, chunk);
                    assert_eq!(table, whole, "file {n}, head {head}, chunk {chunk}");
                    (chunked, runs) = (chunked + usize::from(in_chunks), runs + 1);
                }
            }
        }
        // Heads of 16 and 64 bytes hold the first line of most of these files, which are UTF-8,
        // so those runs take the chunked path (12 of every 36 runs of a file); shorter heads end
        // inside the first line and the largest holds the whole file, so theirs fall back.
        assert!(chunked * 4 > runs, "only {chunked} of {runs} runs were read in chunks");
    }

    #[test]
    fn utf8_files_are_read_in_chunks_and_others_whole() {
        let chunked = |bytes: &[u8]| {
            let mut s = CsvStream::with_head(bytes.len() as u64, 16).unwrap();
            let fed: Vec<Fed> = bytes.chunks(8).map(|c| s.feed(c).unwrap()).collect();
            (fed.contains(&Fed::WholeFile), s.finish().unwrap().is_some())
        };
        assert_eq!(chunked(b"song,energy\nA,1\nB,2\nC,3\n"), (false, true));
        assert_eq!(chunked(b"song,energy\nA,1\nB,\xe92\nC,3\n"), (true, false), "Latin-1");
        assert_eq!(chunked(b"\xFF\xFEs\0,\0e\0\n\0A\0,\x001\0\n\0"), (true, false), "UTF-16");
    }

    #[test]
    fn errors_name_the_place() {
        assert_eq!(streamed(b"a,b\n1,2\n3,4\0\n", 4, 3), Err(LoadError::Binary { offset: 11 }));
        assert_eq!(streamed(b"a,b\n1,2\n\"open,3\n4,5\n", 4, 3), Err(LoadError::UnclosedQuote { line: 3 }));
        assert!(CsvStream::new(u64::MAX).is_err(), "a file over the limit is refused before reading");
    }
}
