//! What is built around the `mx-aggregation` engine, kept out of the library so that an
//! embedder compiles the engine and nothing else:
//!
//! - [`lifecycle`]: what MX can do to a member next, as one table of edges between
//!   statuses, each with its event, guard and source; [`lifecycle::caused_by`] names the
//!   event an engine action causes.
//! - [`job_rules`]: MX's rules for jobs that the emulator and the simulation share: the
//!   failure and denial streak, the guards, background eligibility and their timings.
//! - [`simulation`]: the engine followed against a seeded simulated MX and end user; the
//!   tests check its promises there, and the generated documentation reports its figures.
//! - [`matrix`]: the decision matrix (every status × member flags × time buckets).
//! - [`docs`]: `docs/transitions.md`, `docs/sources.md` and `docs/lifecycle.dot`, rendered
//!   from the library's tables and this package's model.
//! - [`layers`]: the import-graph checker every package's architecture test runs: import
//!   circles, imports up a declared layer order, files over the line limit.
//! - `fuzzing` (feature `fuzzing`): the fuzz targets' bodies and their shared oracle,
//!   `fuzzing::check_invariants`, which the property tests use too.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::use_self, unreachable_pub)]

pub mod docs;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod job_rules;
pub mod layers;
pub mod lifecycle;
pub mod matrix;
pub mod simulation;
mod time;
