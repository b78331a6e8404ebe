//! The deterministic MX: clock, GUIDs, institutions, MX Bank's credentials, users and
//! members, their moves along the lifecycle model, the world that holds them, the webhook
//! outbox and the fault plans.
//!
//! Nothing here speaks HTTP or runs a task: no axum, tokio or reqwest. Every layer above
//! (`wire`, `tenant`, `http`, `delivery`, the handle) reads and drives this one, never the
//! other way round, so a run is a function of its requests and the virtual clock.

pub(crate) mod automatic;
pub(crate) mod clock;
pub(crate) mod config;
pub(crate) mod ctx;
pub(crate) mod data;
pub mod faults;
pub(crate) mod ids;
pub mod institutions;
pub(crate) mod journal;
pub(crate) mod member;
pub(crate) mod moves;
pub mod mxbank;
pub(crate) mod outbox;
pub(crate) mod refusal;
pub(crate) mod requests;
pub(crate) mod roster;
pub(crate) mod schedule;
pub(crate) mod statuses;
pub(crate) mod throttle;
pub(crate) mod trace;
pub(crate) mod widget;
pub(crate) mod world;
