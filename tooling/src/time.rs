//! Time arithmetic the tooling shares: the library's one saturating conversion, under the
//! short name the simulation and the fuzz oracle use.

pub(crate) use mx_aggregation::saturating_delta as delta;
