//! MX's JSON shapes for what the model holds: response bodies, webhook bodies, and the
//! control plane's views of the outbox and of a member's trace.
//!
//! Pure functions from model values to `serde_json::Value`; no HTTP here.

pub(crate) mod data;
pub(crate) mod holdings;
pub(crate) mod journal;
pub(crate) mod outbox;
pub(crate) mod premium;
pub(crate) mod trace;
pub(crate) mod views;
pub(crate) mod webhooks;
pub(crate) mod widget;
