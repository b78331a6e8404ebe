//! The webhook delivery task: POSTs the outbox's due webhooks to `--webhook-url`, one
//! task per tenant, retrying with backoff on the virtual clock. What is due, the faults a
//! delivery meets and what becomes of it are the model's (`model::outbox`); this layer
//! only sends.

pub(crate) mod send;
pub(crate) mod task;

pub(crate) use task::deliver;
