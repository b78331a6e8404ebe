//! The bottom layer: time as MX writes it and as the engine computes with it. Timestamps
//! in MX's forms ([`timestamp`]), durations in words ([`duration`]) and the saturating,
//! never panicking arithmetic every other layer uses ([`arithmetic`]), in whole Unix
//! seconds converted by a table for the years that matter ([`unix`]). Imports nothing
//! from the crate.

pub(crate) mod arithmetic;
pub(crate) mod duration;
pub(crate) mod timestamp;
pub(crate) mod unix;
