//! The IO around the metrics core: the in-process emulator with a tenant per
//! integrator, the service as a child process, the webhook relay between them, the
//! step loop, and what `/proc` says the processes cost.

pub mod clocks;
pub mod faults;
pub mod process;
pub mod procstat;
pub mod relay;
pub mod run;
pub mod settle;
pub mod steps;
