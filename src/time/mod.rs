//! The bottom layer: time as MX writes it and as the engine computes with it. Timestamps
//! in MX's forms ([`timestamp`]), durations in words ([`duration`]) and the saturating,
//! never panicking arithmetic every other layer uses ([`arithmetic`]). Imports nothing
//! from the crate.

pub(crate) mod arithmetic;
pub(crate) mod duration;
pub(crate) mod timestamp;
