//! Exploring a trained map: finding songs by name (`search`), songs similar to one or to a
//! playlist (`recommend`), how close they are on this file's scale (`closeness`) and why
//! (`why`).

pub mod closeness;
pub mod flow;
pub mod playlist_compare;
pub mod playlist_match;
pub mod playlist_place;
pub mod recommend;
pub mod search;
pub mod tempo;
pub mod why;
