//! The bad-input corpus: every kind of file people drop on the page, each with the exact words the
//! page shows for it. Files are generated here, so the corpus needs nothing beside the repository.
//! A case that loads and passes the mapping check is also trained and clustered: a check that
//! says "fine" must never be followed by a failure or a panic later in the run.
//!
//! `SONGSCAPE_CORPUS_OUT=dir cargo test corpus` also writes each file there (the fuzz seeds).

use songscape::pipeline::input::check::{CheckOptions, Tone};
use songscape::pipeline::input::columns::MissingPolicy;
use songscape::pipeline::input::load::{check_size, parse_csv};
use songscape::pipeline::limits::{MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS};
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{export, run_all};
use songscape::protocol::DatasetInfo;

/// The reference project's columns, in its order.
const HEADER: &str = "artist,song,emotion,variance,Genre,Tempo,Loudness,Explicit,Popularity,Energy,Danceability,Positiveness,Speechiness,Liveness,Acousticness,Instrumentalness";

/// One song row, different for each `i`; `cells` overrides columns by header name.
fn row(i: usize, cells: &[(&str, &str)]) -> String {
    let f = |a: usize, m: usize| ((i * a + 7) % m).to_string();
    let defaults = [
        ("artist", format!("Artist {}", i % 7)),
        ("song", format!("Song {i}")),
        ("emotion", ["joy", "sadness", "anger"][i % 3].to_string()),
        ("variance", format!("0.{}", f(37, 97))),
        ("Genre", ["pop", "rock", "jazz", "hip hop"][i % 4].to_string()),
        ("Tempo", (80 + (i * 13) % 90).to_string()),
        ("Loudness", format!("-{}.{}", 3 + i % 12, f(3, 10))),
        ("Explicit", ["0", "1"][i % 2].to_string()),
        ("Popularity", f(11, 100)),
        ("Energy", f(23, 100)),
        ("Danceability", f(29, 100)),
        ("Positiveness", f(31, 100)),
        ("Speechiness", f(5, 30)),
        ("Liveness", f(17, 60)),
        ("Acousticness", f(41, 100)),
        ("Instrumentalness", f(43, 20)),
    ];
    defaults
        .iter()
        .map(|(name, v)| cells.iter().find(|(n, _)| n == name).map_or(v.clone(), |(_, c)| c.to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

/// A good file of `n` songs, each line passed through `edit(line index, line)`.
fn songs_with(n: usize, edit: impl Fn(usize, String) -> String) -> Vec<u8> {
    let mut out = format!("{HEADER}\n");
    for i in 0..n {
        out.push_str(&edit(i, row(i, &[])));
        out.push('\n');
    }
    out.into_bytes()
}

fn songs(n: usize) -> Vec<u8> {
    songs_with(n, |_, l| l)
}

/// A good file of 30 songs where row `at` (0-based) has `cells` instead.
fn songs_where(at: &[usize], cells: &[(&str, &str)]) -> Vec<u8> {
    songs_with(30, |i, l| if at.contains(&i) { row(i, cells) } else { l })
}

enum Expect {
    /// Reading fails; the page shows this message (after the file's name and ": ").
    Refused(&'static str),
    /// The file loads; the page lists exactly these notes and mapping-check lines.
    Loaded { notes: Vec<&'static str>, check: Vec<String> },
}

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    options: CheckOptions,
    expect: Expect,
}

const DEFAULTS: CheckOptions = CheckOptions { missing: MissingPolicy::DropRows, k: 10 };
const FILL: CheckOptions = CheckOptions { missing: MissingPolicy::FillMedian, k: 10 };

fn refused(name: &'static str, bytes: Vec<u8>, message: &'static str) -> Case {
    Case { name, bytes, options: DEFAULTS, expect: Expect::Refused(message) }
}

fn loaded(name: &'static str, bytes: Vec<u8>, notes: &[&'static str], check: &[&str]) -> Case {
    loaded_with(name, bytes, DEFAULTS, notes, check)
}

fn loaded_with(
    name: &'static str,
    bytes: Vec<u8>,
    options: CheckOptions,
    notes: &[&'static str],
    check: &[&str],
) -> Case {
    let check = check.iter().map(|s| s.to_string()).collect();
    Case { name, bytes, options, expect: Expect::Loaded { notes: notes.to_vec(), check } }
}

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if little { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

const ALL_FEATURES_30: &str = "info: Training on 12 features with 30 of 30 rows. Missing features: none.";

fn cases() -> Vec<Case> {
    let good = String::from_utf8(songs(30)).unwrap_or_default();
    vec![
        refused("empty", vec![], "The file is empty. Expected a CSV file with a header row and at least one row of songs."),
        refused("blank-lines-only", b"\n\r\n  \n".to_vec(), "The file is empty. Expected a CSV file with a header row and at least one row of songs."),
        refused("header-only", format!("{HEADER}\n").into_bytes(), "The file has a header row but no rows of songs. Expected at least one data row after the header."),
        refused("header-only-bom-crlf", format!("\u{feff}{HEADER}\r\n").into_bytes(), "The file has a header row but no rows of songs. Expected at least one data row after the header."),
        loaded("one-data-row", songs(1), &[], &["error: Only 1 usable row: training needs at least 2 and k = 10 clusters need at least 10. Load more songs or lower k in the settings."]),
        loaded("no-feature-columns", b"name,colour,size\nA,red,3\nB,blue,4\n".to_vec(), &[], &["error: Only 0 of the 12 audio features were recognised (none); at least 3 are needed. Map more columns by hand, or use a file with columns such as energy, danceability, valence, tempo, loudness."]),
        loaded("two-features", b"track_name,energy,tempo\nA,0.5,120\nB,0.6,100\n".to_vec(), &[], &["error: Only 2 of the 12 audio features were recognised (Tempo, Energy); at least 3 are needed. Map more columns by hand, or use a file with columns such as energy, danceability, valence, tempo, loudness."]),
        loaded("duplicate-header", songs(30).pipe_header(|h| h.replace("Speechiness", "Energy")),
            &["info: The column name \"Energy\" appears 2 times (columns 10 and 13); automatic matching uses the first. Choose another under Columns if that is wrong."],
            &["info: Training on 11 features with 30 of 30 rows. Missing features: Speechiness."]),
        loaded("ragged-short-rows", songs_with(30, |i, l| if i == 3 || i == 9 { l.rsplitn(4, ',').nth(3).unwrap_or("").to_string() } else { l }),
            &["warn: 2 rows were set aside because their number of fields differs from the header (first: line 5 has 13 fields, the header has 16)."],
            &["info: Training on 12 features with 28 of 28 rows. Missing features: none."]),
        loaded("ragged-long-rows", songs_with(30, |i, l| if i == 0 { format!("{l},extra,cells") } else { l }),
            &["warn: 1 row was set aside because their number of fields differs from the header (first: line 2 has 18 fields, the header has 16)."],
            &["info: Training on 12 features with 29 of 29 rows. Missing features: none."]),
        refused("all-rows-ragged", format!("{HEADER}\na,b,c\nd,e\n").into_bytes(), "No row has the header's 16 fields (the first bad row, line 2, has 3). Is the delimiter right?"),
        loaded("wrong-delimiter-colon", good.replace(',', ":").into_bytes(), &[], &["error: The header has only one column (\"artist:song:emotion:variance:Genre:Tempo:Loudness:Explicit:P…\"), so the file's delimiter was not recognised. Songscape reads columns separated by commas, semicolons, tabs or pipes; save the file as CSV with one of these."]),
        loaded("semicolons-and-decimal-commas", good.replace(',', ";").replace('.', ",").into_bytes(),
            &["info: Columns are separated by semicolons."],
            &[ALL_FEATURES_30, "info: 60 values were read after removing a unit or reading a decimal comma or thousands separators (for example line 2, column variance: \"0,7\" was read as 0.7)."]),
        refused("quote-left-open", format!("{HEADER}\n{}\n\"Unfinished,{}\n{}\n", row(0, &[]), row(1, &[]), row(2, &[])).into_bytes(), "A quoted field that starts on line 3 is never closed, so the rest of the file would be read as one cell. Check that line for a stray \" character."),
        loaded("quotes-newlines-and-doubled-quotes", songs_where(&[4], &[("song", "\"She said \"\"hi\"\"\nand left, again\"")]), &[], &[ALL_FEATURES_30]),
        loaded("cr-only-line-ends", good.replace('\n', "\r").into_bytes(), &[], &[ALL_FEATURES_30]),
        loaded("utf16-le-bom", utf16(&good, true), &["info: The file is UTF-16 text; it was converted."], &[ALL_FEATURES_30]),
        loaded("utf16-be-bom", utf16(&good, false), &["info: The file is UTF-16 text; it was converted."], &[ALL_FEATURES_30]),
        loaded("latin1", songs_where(&[0], &[("song", "Caf\u{e9}")]).latin1(), &["info: The file is not UTF-8; it was read as Windows-1252 (Western European) text."], &[ALL_FEATURES_30]),
        loaded("utf8-bom", [b"\xEF\xBB\xBF".to_vec(), songs(30)].concat(), &[], &[ALL_FEATURES_30]),
        loaded("non-numeric-values", songs_where(&[2, 5], &[("Energy", "loud")]), &[],
            &["info: Training on 12 features with 28 of 30 rows. Missing features: none.", "warn: 2 rows have empty, non-numeric or too large values (line 4, column Energy: \"loud\"; line 7, column Energy: \"loud\"); 2 rows are left out."]),
        loaded_with("non-numeric-filled-with-median", songs_where(&[2], &[("Tempo", "fast")]), FILL, &[],
            &[ALL_FEATURES_30, "warn: 1 row has empty, non-numeric or too large values (line 4, column Tempo: \"fast\"); 1 cell is filled with the column median."]),
        loaded("empty-cells", songs_where(&[0], &[("Danceability", ""), ("Liveness", "  ")]), &[],
            &["info: Training on 12 features with 29 of 30 rows. Missing features: none.", "warn: 1 row has empty, non-numeric or too large values (line 2, column Danceability: \"\"; line 2, column Liveness: \"  \"); 1 row is left out."]),
        loaded("nan", songs_where(&[1], &[("Energy", "NaN")]), &[],
            &["info: Training on 12 features with 29 of 30 rows. Missing features: none.", "warn: 1 row has empty, non-numeric or too large values (line 3, column Energy: \"NaN\"); 1 row is left out."]),
        loaded("infinity", songs_where(&[1], &[("Energy", "inf"), ("Tempo", "-Infinity")]), &[],
            &["info: Training on 12 features with 29 of 30 rows. Missing features: none.", "warn: 1 row has empty, non-numeric or too large values (line 3, column Tempo: \"-Infinity\"; line 3, column Energy: \"inf\"); 1 row is left out."]),
        loaded("1e308", songs_where(&[1], &[("Loudness", "1e308")]), &[],
            &["info: Training on 12 features with 29 of 30 rows. Missing features: none.", "warn: 1 row has empty, non-numeric or too large values (line 3, column Loudness: \"1e308\"); 1 row is left out."]),
        // Finite in f32, but far beyond any audio feature: a bad cell, like an empty one (left in,
        // 3.4e38 overflowed a model's scaling to codes of 6.7e35 and a `null` on the wire).
        loaded("huge-but-finite", songs_where(&[1], &[("Loudness", "1e30")]), &[],
            &["info: Training on 12 features with 29 of 30 rows. Missing features: none.", "warn: 1 row has empty, non-numeric or too large values (line 3, column Loudness: \"1e30\"); 1 row is left out."]),
        loaded("f32-extremes", songs_where(&[4], &[("Tempo", "3.4e38"), ("Energy", "-3.4e38")]), &[],
            &["info: Training on 12 features with 29 of 30 rows. Missing features: none.", "warn: 1 row has empty, non-numeric or too large values (line 6, column Tempo: \"3.4e38\"; line 6, column Energy: \"-3.4e38\"); 1 row is left out."]),
        loaded("impossible-values", songs_where(&[2], &[("Energy", "250"), ("Tempo", "-120")]), &[],
            &[ALL_FEATURES_30,
              "warn: Column Tempo (Tempo) has 1 value outside 0–300 BPM, the range of real songs (first: line 4, -120). It is used as it is; check the file if that is a mistake.",
              "warn: Column Energy (Energy) has 1 value outside 0–100 (its 0–1 and 0–100 scales), the range of real songs (first: line 4, 250). It is used as it is; check the file if that is a mistake."]),
        loaded("negative-zero", songs_where(&[0, 1, 2], &[("Instrumentalness", "-0")]), &[], &[ALL_FEATURES_30]),
        loaded("thousands-separators", songs_where(&[0], &[("Popularity", "\"1,234.5\""), ("Tempo", "\"1.234,5\"")]), &[],
            &[ALL_FEATURES_30, "info: 2 values were read after removing a unit or reading a decimal comma or thousands separators (for example line 2, column Tempo: \"1.234,5\" was read as 1234.5).",
              "warn: Column Tempo (Tempo) has 1 value outside 0–300 BPM, the range of real songs (first: line 2, 1234.5). It is used as it is; check the file if that is a mistake.",
              "warn: Column Popularity (Popularity) has 1 value outside 0–100, the range of real songs (first: line 2, 1234.5). It is used as it is; check the file if that is a mistake."]),
        loaded("decimal-comma-in-quotes", songs_where(&[3], &[("Energy", "\"0,55\"")]), &[],
            &[ALL_FEATURES_30, "info: 1 value was read after removing a unit or reading a decimal comma or thousands separators (for example line 5, column Energy: \"0,55\" was read as 0.55)."]),
        loaded("loudness-with-db", songs_where(&[0], &[("Loudness", "-6.5db")]), &[],
            &[ALL_FEATURES_30, "info: 1 value was read after removing a unit or reading a decimal comma or thousands separators (for example line 2, column Loudness: \"-6.5db\" was read as -6.5)."]),
        loaded("explicit-as-words", songs_with(30, |i, _| row(i, &[("Explicit", ["No", "Yes"][i % 2])])), &[],
            &[ALL_FEATURES_30, "info: 30 Explicit values written as words (Yes/No, True/False) were read as 1 and 0."]),
        loaded("constant-column", songs_with(30, |i, _| row(i, &[("Liveness", "0.1")])), &[],
            &[ALL_FEATURES_30, "warn: Column Liveness (Liveness) has the same value, 0.1, in every usable row; it carries no information and is scaled to 0."]),
        loaded("all-rows-identical", songs_with(30, |_, _| row(3, &[])), &[],
            &["error: All 30 usable rows have the same feature values, so there is nothing to learn or cluster. Load a file with different songs."]),
        loaded("fewer-rows-than-k", songs(6), &[], &["error: Only 6 usable rows: training needs at least 2 and k = 10 clusters need at least 10. Load more songs or lower k in the settings."]),
        loaded("k-larger-than-distinct-points", songs_with(30, |i, _| row(i % 4, &[("song", &format!("Song {i}"))])), &[],
            &["error: The 30 usable rows have only 4 different combinations of feature values, fewer than k = 10 clusters. Lower k to 4 or less in the settings."]),
        loaded_with("few-distinct-points-small-k", songs_with(30, |i, _| row(i % 4, &[])), CheckOptions { k: 4, ..DEFAULTS }, &[], &[ALL_FEATURES_30]),
        refused("more-than-1000-columns", format!("{}\n{}\n", (0..1500).map(|i| format!("c{i}")).collect::<Vec<_>>().join(","), vec!["1"; 1500].join(",")).into_bytes(), "The header has 1,500 columns; Songscape reads at most 1,000. Is the delimiter right, and is this a file of songs?"),
        loaded("exactly-1000-columns", wide(MAX_COLUMNS), &[], &["info: Training on 12 features with 30 of 30 rows. Missing features: none."]),
        refused("10mb-single-line-with-commas", "0.5,".repeat(10 * 1024 * 1024 / 4).into_bytes(), "The header has 2,621,441 columns; Songscape reads at most 1,000. Is the delimiter right, and is this a file of songs?"),
        refused("10mb-single-line-no-delimiter", "x".repeat(10 * 1024 * 1024).into_bytes(), "The name of column 1 in the first line is 10,485,760 characters long (at most 500), so the first line is not a header row. Expected column names such as energy, tempo, valence."),
        refused("png-renamed-csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec(), "The file is a PNG image, not CSV text. Choose the CSV file of songs instead."),
        refused("zip-renamed-csv", b"PK\x03\x04\x14\0\0\0\x08\0songs.csv".to_vec(), "The file is a ZIP archive (Excel .xlsx and Numbers files are ZIP archives too), not CSV text. Export it as CSV first (in a spreadsheet: File, Save as, CSV)."),
        refused("gzip-renamed-csv", b"\x1F\x8B\x08\0\0\0\0\0".to_vec(), "The file is gzip-compressed, not CSV text. Decompress it first (for example with gunzip or 7-Zip)."),
        refused("pdf-renamed-csv", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(), "The file is a PDF document, not CSV text. Export it as CSV first (in a spreadsheet: File, Save as, CSV)."),
        refused("other-binary", b"song,energy\x00\x01\x02".to_vec(), "The file looks like binary data (a NUL byte at byte 11), not CSV text. Expected a .csv file exported from a spreadsheet, Spotify tools or Kaggle."),
        loaded("html-and-script-in-titles", songs_where(&[0, 1], &[("song", "<img src=x onerror=alert(1)>"), ("artist", "<script>alert('x')</script>")]), &[], &[ALL_FEATURES_30]),
        loaded("excel-sep-line", [b"sep=;\r\n".to_vec(), good.replace(',', ";").into_bytes()].concat(), &["info: Columns are separated by semicolons."], &[ALL_FEATURES_30]),
        loaded("unnamed-column", songs(30).pipe_header(|h| format!("{h},")).pipe_rows(|l| format!("{l},x")),
            &["info: Columns without a name in the header are called \"(column N)\": 17."], &[ALL_FEATURES_30]),
        loaded("blank-lines-between-rows", good.replace('\n', "\n\n").into_bytes(), &[], &[ALL_FEATURES_30]),
        loaded("spaces-around-values", songs_where(&[0], &[("Energy", " 0.5 ")]), &[], &[ALL_FEATURES_30]),
        loaded("text-in-a-feature-column", songs_with(30, |i, _| row(i, &[("Tempo", "allegro")])), &[],
            &["error: Column Tempo has no numeric values at all (for example line 2: \"allegro\"). Expected numbers; unmap this column or pick another."]),
        loaded("every-row-has-a-bad-cell", songs_with(30, |i, _| row(i, &[(["Energy", "Tempo"][i % 2], "?")])), &[],
            &["error: Every row has an empty, non-numeric or too large value in a feature column (for example line 2, column Energy: \"?\"), so no rows are left to train on. Choose \"fill with the column median\" or fix the mapping."]),
        loaded("spotify-api-schema", b"track_name,artists,track_genre,popularity,explicit,danceability,energy,loudness,speechiness,acousticness,instrumentalness,liveness,valence,tempo\nA,X,pop,50,False,0.5,0.6,-5.1,0.05,0.1,0,0.1,0.4,120\nB,Y,rock,60,True,0.4,0.9,-4.0,0.07,0.01,0.2,0.3,0.5,140\nC,Z,jazz,30,False,0.6,0.3,-12.5,0.04,0.8,0.6,0.1,0.3,90\n".to_vec(),
            &[], &["error: Only 3 usable rows: training needs at least 2 and k = 10 clusters need at least 10. Load more songs or lower k in the settings."]),
    ]
}

/// A file of `n` columns: the 16 of the reference, then unnamed-looking extras.
fn wide(n: usize) -> Vec<u8> {
    let extra = n - HEADER.split(',').count();
    let header = format!("{HEADER},{}", (0..extra).map(|i| format!("x{i}")).collect::<Vec<_>>().join(","));
    let mut out = format!("{header}\n");
    for i in 0..30 {
        out.push_str(&format!("{},{}\n", row(i, &[]), vec!["1"; extra].join(",")));
    }
    out.into_bytes()
}

/// Small edits of generated files, to keep the table above readable.
trait Edit {
    fn pipe_header(self, f: impl Fn(&str) -> String) -> Vec<u8>;
    fn pipe_rows(self, f: impl Fn(&str) -> String) -> Vec<u8>;
    fn latin1(self) -> Vec<u8>;
}

impl Edit for Vec<u8> {
    fn pipe_header(self, f: impl Fn(&str) -> String) -> Vec<u8> {
        let text = String::from_utf8(self).unwrap_or_default();
        let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
        format!("{}\n{rest}", f(head)).into_bytes()
    }
    fn pipe_rows(self, f: impl Fn(&str) -> String) -> Vec<u8> {
        let text = String::from_utf8(self).unwrap_or_default();
        let mut lines = text.lines();
        let head = lines.next().unwrap_or("").to_string();
        let rows: Vec<String> = lines.map(&f).collect();
        format!("{head}\n{}\n", rows.join("\n")).into_bytes()
    }
    /// UTF-8 → Latin-1 bytes (every character used here is below U+0100).
    fn latin1(self) -> Vec<u8> {
        String::from_utf8(self).unwrap_or_default().chars().map(|c| c as u32 as u8).collect()
    }
}

/// What the page shows for a file: the refusal, or its notes and mapping-check lines.
fn shown(case: &Case) -> Result<(Vec<String>, Vec<String>), String> {
    let (_, info) = DatasetInfo::load(case.name, &case.bytes, case.options)?;
    Ok((tagged(info.notes()), tagged(info.check.lines())))
}

/// Each line with its tone in front, as the page styles it: `"warn: 2 rows have …"`.
fn tagged(lines: Vec<(Tone, String)>) -> Vec<String> {
    let name = |tone| match tone {
        Tone::Info => "info",
        Tone::Warning => "warn",
        Tone::Error => "error",
    };
    lines.into_iter().map(|(tone, text)| format!("{}: {text}", name(tone))).collect()
}

/// A file that passed the check trains, clusters and exports every row.
fn run_through(case: &Case) {
    let Ok(table) = parse_csv(&case.bytes) else { return };
    let (_, info) = DatasetInfo::load(case.name, &case.bytes, case.options).unwrap_or_else(|e| panic!("{e}"));
    if info.check.error.is_some() {
        return;
    }
    let params = TrainParams { epochs: 2, k: case.options.k, missing: case.options.missing, ..TrainParams::default() };
    let params = params.check().unwrap_or_else(|e| panic!("{e}"));
    let result = run_all(&table, &info.mapping, &params);
    let (prepared, _, analysis) =
        result.unwrap_or_else(|e| panic!("{}: the check passed but the run failed: {e}", case.name));
    assert_eq!(
        analysis.clustering.labels.len(),
        info.check.usable_rows,
        "{}: a cluster for every usable row",
        case.name
    );
    let csv = export(&table, &prepared, &analysis, &analysis.pca, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(csv.lines().next().map(|h| h.ends_with("map_x,map_y")), Some(true), "{}", case.name);
}

#[test]
fn every_corpus_case_gets_its_exact_message_and_nothing_panics() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let out_dir = std::env::var_os("SONGSCAPE_CORPUS_OUT").map(std::path::PathBuf::from);
    let mut failures = Vec::new();
    for case in &cases {
        if let Some(dir) = &out_dir {
            if case.bytes.len() <= 1 << 20 {
                std::fs::write(dir.join(format!("{}.csv", case.name)), &case.bytes)
                    .expect("corpus directory is writable");
            }
        }
        let got = shown(case);
        let ok = match (&case.expect, &got) {
            (Expect::Refused(m), Err(g)) => g == &format!("{}: {m}", case.name),
            (Expect::Loaded { notes, check }, Ok((n, c))) => n == notes && c == check,
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: got {got:#?}", case.name));
        }
        run_through(case);
    }
    assert!(failures.is_empty(), "{} cases differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn size_limit_is_checked_before_reading() {
    assert_eq!(check_size(MAX_FILE_BYTES), Ok(()));
    assert_eq!(
        check_size(MAX_FILE_BYTES + 1).map_err(|e| e.to_string()),
        Err("The file has 268,435,457 bytes (256 MB); Songscape reads files of at most 268,435,456 bytes (256 MB). Split it, or keep only the columns it needs (title, artist and the audio features).".into())
    );
}

#[test]
fn row_limit_is_exact() {
    let at_limit = format!("energy,tempo,valence\n{}", "1,2,3\n".repeat(MAX_ROWS));
    assert_eq!(parse_csv(at_limit.as_bytes()).map(|t| t.n_rows()).ok(), Some(MAX_ROWS));
    let over = format!("{at_limit}4,5,6\n");
    assert_eq!(
        parse_csv(over.as_bytes()).map(|t| t.n_rows()).map_err(|e| e.to_string()),
        Err("The file has more than 2,000,000 rows of songs; Songscape reads at most 2,000,000. Split the file or keep a sample of it.".into())
    );
}
