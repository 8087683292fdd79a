//! The map coloured by a column of the file.

use super::songs::NO_RUN;
use super::{post, with_run, WorkerError};
use crate::mapview::colours::{colouring_of_column, colouring_of_values};
use crate::protocol::Event;

pub(super) fn colour_by(column: usize) {
    let colouring = with_run("Colouring the map", NO_RUN, |table, last| {
        if column >= table.headers.len() {
            let columns = table.headers.len();
            return Err(WorkerError::Invalid(format!(
                "There is no column number {} in this file; it has {columns}.",
                column + 1
            )));
        }
        let features = &last.prepared.features;
        let mapped = last.mapping.present().into_iter().find(|&(_, c)| c == column);
        let position = mapped.and_then(|(f, _)| features.features.iter().position(|&g| g == f));
        Ok(match position {
            // A mapped feature was read already, with units and separators recovered.
            Some(j) => {
                let d = features.n_features();
                let values = features.values.iter().skip(j).step_by(d).copied().collect();
                colouring_of_values(&table.headers[column], values)
            }
            None => colouring_of_column(table, &features.rows, column),
        })
    });
    if let Some(c) = colouring {
        post(&Event::Coloured(Box::new(c)));
    }
}
