//! What the page shows about a freshly loaded file: its size and delimiter, what was recovered or
//! set aside while reading, the guessed mapping and its check, and the sentences it says of them.

use serde::{Deserialize, Serialize};

use crate::pipeline::input::check::{check_table, CheckOptions, MappingCheck, Tone};
use crate::pipeline::input::columns::ColumnMapping;
use crate::pipeline::input::load::{delimiter_name, parse_csv, RaggedRow, Table};
use crate::pipeline::limits::count;

/// What the page shows about a freshly loaded file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    pub rows: usize,
    pub columns: Vec<String>,
    pub delimiter: String,
    /// Rows set aside for having the wrong number of fields.
    pub ragged_rows: usize,
    pub ragged_examples: Vec<RaggedRow>,
    pub notices: Vec<String>,
    /// The automatic guess; the page lets the user change it.
    pub mapping: ColumnMapping,
    pub check: MappingCheck,
    pub parse_ms: f64,
}

impl DatasetInfo {
    /// Reads `bytes` as the file `name`: the table and what the page shows about it, or the
    /// message the page shows instead. Never panics.
    pub fn load(name: &str, bytes: &[u8], options: CheckOptions) -> Result<(Table, DatasetInfo), String> {
        let table = parse_csv(bytes).map_err(|e| format!("{name}: {e}"))?;
        let info = DatasetInfo::describe(name, &table, options);
        Ok((table, info))
    }

    /// What the page shows about a parsed file: the guessed mapping and its check.
    /// `parse_ms` is left at 0 for the caller, who has a clock, to fill in.
    pub fn describe(name: &str, table: &Table, options: CheckOptions) -> DatasetInfo {
        let mapping = ColumnMapping::guess(&table.headers);
        let check = check_table(table, &mapping, options);
        DatasetInfo {
            name: name.to_string(),
            rows: table.n_rows(),
            columns: table.headers.clone(),
            delimiter: delimiter_name(table.delimiter).to_string(),
            ragged_rows: table.ragged.len(),
            ragged_examples: table.ragged.iter().take(5).cloned().collect(),
            notices: table.notices.clone(),
            mapping,
            check,
            parse_ms: 0.0,
        }
    }

    /// The first line of the summary, as the page shows it.
    pub fn headline(&self) -> String {
        format!(
            "{}: {} rows, {} columns, separated by {}; read in {:.0} ms.",
            self.name,
            self.rows,
            self.columns.len(),
            self.delimiter,
            self.parse_ms
        )
    }

    /// What was recovered from or set aside while reading, as the page lists it.
    pub fn notes(&self) -> Vec<(Tone, String)> {
        let mut out: Vec<(Tone, String)> = self.notices.iter().map(|n| (Tone::Info, n.clone())).collect();
        if self.ragged_rows > 0 {
            let first = self
                .ragged_examples
                .first()
                .map(|r| {
                    format!(
                        " (first: line {} has {}, the header has {})",
                        r.line,
                        count(r.found, "field", "fields"),
                        self.columns.len()
                    )
                })
                .unwrap_or_default();
            out.push((
                Tone::Warning,
                format!(
                    "{} set aside because their number of fields differs from the header{first}.",
                    count(self.ragged_rows, "row was", "rows were")
                ),
            ));
        }
        out
    }
}
