//! The sans-IO metrics core: from the emulator's request journal and what the run
//! observed (successful aggregations, prompts, the local copies against MX's truth), an
//! integrator's figures — MX calls per member-day by call, wasted calls, unneeded
//! prompts, staleness, transactions missing or doubled — and the table of both.
//! No clock, no IO: every input is passed in.

pub mod calls;
pub mod copy;
pub mod figures;
pub mod journal;
pub mod prompts;
pub mod staleness;
pub mod steps;
