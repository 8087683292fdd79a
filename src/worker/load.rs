//! Reading a chosen file in chunks (`pipeline::input::load_stream`): the page sees how far reading has
//! got and can cancel between chunks, and the worker holds one chunk besides the table instead of
//! the whole file twice. Files the stream leaves to `parse_csv` (UTF-16, Latin-1, damaged) are
//! then read whole, as before.

use js_sys::Uint8Array;
use web_sys::{File, FileReaderSync};

use super::{cancelled, fail_task, install_table, now_ms, post, read_whole, run_busy, yield_now, Outcome, WorkerError};
use crate::pipeline::input::load::{parse_csv, Table};
use crate::pipeline::input::load_stream::{CsvStream, Fed};
use crate::protocol::{CheckOptions, Event, KeptSource, Task, TaskProgress};

/// Bytes per read: big enough that a read's fixed cost is nothing, small next to the table.
const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;
/// Progress reaches the page, and Cancel the worker, about this often.
const SLICE_MS: f64 = 50.0;

const STAGE: &str = "Reading the file";

pub(super) fn spawn(name: String, file: File, options: CheckOptions) {
    run_busy(async move {
        post(&Event::Stage { task: Task::Reading, step: STAGE.into() });
        let t0 = now_ms();
        match read(&name, &file).await {
            Ok(Some(table)) => {
                let kept = (KeptSource::File { name: name.clone() }, Some(file));
                install_table(&name, table, now_ms() - t0, options, Some(kept))
            }
            Ok(None) => post(&Event::Cancelled { task: Task::Reading }),
            Err(message) => fail_task(Task::Reading, STAGE, message),
        }
    });
}

/// The file's table; `None` when cancelled.
pub(super) async fn read(name: &str, file: &File) -> Outcome<Option<Table>> {
    let total = file.size();
    let in_file = |e| WorkerError::in_file(name, e);
    let mut stream = CsvStream::new(total as u64).map_err(in_file)?;
    let reader = FileReaderSync::new().map_err(|e| unreadable(name, format!("{e:?}")))?;
    let mut buffer = Vec::new();
    let (mut at, mut slice_start) = (0.0, now_ms());
    while at < total {
        if cancelled() {
            return Ok(None);
        }
        let end = (at + CHUNK).min(total);
        read_slice(&reader, file, (at, end), &mut buffer)?;
        at = end;
        if stream.feed(&buffer).map_err(in_file)? == Fed::WholeFile {
            return whole(name, file).map(Some);
        }
        if now_ms() - slice_start > SLICE_MS {
            post(&Event::Progress(TaskProgress::Reading { bytes: at as u64, total: total as u64 }));
            yield_now().await;
            slice_start = now_ms();
        }
    }
    match stream.finish().map_err(in_file)? {
        Some(table) => Ok(Some(table)),
        None => whole(name, file).map(Some),
    }
}

/// Bytes `start..end` of `file` into `buffer` (resized; reused across chunks).
fn read_slice(reader: &FileReaderSync, file: &File, (start, end): (f64, f64), buffer: &mut Vec<u8>) -> Outcome<()> {
    let refused = |e: wasm_bindgen::JsValue| unreadable(&file.name(), format!("{e:?}"));
    let blob = file.slice_with_f64_and_f64(start, end).map_err(refused)?;
    let array = Uint8Array::new(&reader.read_as_array_buffer(&blob).map_err(refused)?.into());
    buffer.resize(array.length() as usize, 0);
    array.copy_to(buffer);
    Ok(())
}

/// The browser's refusal to read `name`, with its own words for why.
fn unreadable(name: &str, why: String) -> WorkerError {
    WorkerError::Browser(format!("The browser could not read {name}: {why}"))
}

/// The file read whole and parsed, for what the stream leaves to `parse_csv`.
fn whole(name: &str, file: &File) -> Outcome<Table> {
    let bytes = read_whole(name, file)?;
    parse_csv(&bytes).map_err(|e| WorkerError::in_file(name, e))
}
