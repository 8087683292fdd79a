//! What leaves the app: CSV exports, safe to open in a spreadsheet.

pub mod export;
pub mod spreadsheet;
