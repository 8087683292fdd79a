//! Exploring a trained map: finding songs by name and songs similar to one or to a playlist.

pub mod recommend;
pub mod search;
