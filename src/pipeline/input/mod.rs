//! From bytes to scaled features: reading the file, mapping its columns, checking them, scaling.

pub mod check;
pub mod columns;
pub mod demo;
pub mod describe;
pub mod load;
pub mod load_stream;
pub mod scale;
pub mod song_identity;
pub mod song_name;
pub mod track_id;
pub mod units;
