//! Fleet figures: the durable service (`mx-aggregation-service`) and a naive integrator
//! driven side by side against the MX emulator over virtual days, with the same end
//! users, on the same virtual clock, and measured from the emulator's request journal.
//!
//! # Where things are
//! One folder or file per layer; a file imports only from its own layer and the layers
//! before it:
//!
//! 1. [`metrics`]: the sans-IO core — MX calls per member-day by call, wasted calls,
//!    unneeded prompts, staleness, the local copies against MX's truth, the table.
//! 2. [`persona`], [`schedule`]: the end users and when they act (pure).
//! 3. [`concurrent`], [`mx`]: running a step per member; plain HTTP to the emulator.
//! 4. [`naive`]: the baseline integrator, written without the crate.
//! 5. [`service_side`]: the end users' app in front of the service's HTTP API.
//! 6. [`harness`]: the emulator, the service process, the webhook relay, the step loop.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod concurrent;
pub mod harness;
pub mod metrics;
pub mod mx;
pub mod naive;
pub mod persona;
pub mod schedule;
pub mod service_side;
