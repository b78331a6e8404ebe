//! `mx-aggregation-service`: a durable service that keeps a fleet of MX members fresh.
//!
//! The database is its only state ([`store`]): members with their folded
//! `MemberState`, a wake-up per member with a lease, MX's webhooks, the sync
//! checkpoints, the accounts and transactions, idempotency keys and a journal of MX
//! calls in doubt. A [`scheduler`] claims due members and drives them with
//! `mx_aggregation_client::Driver`, deciding with the end user absent; the routes the
//! end user's app calls ([`api`]) decide with the end user present.
//!
//! Layers, one way: [`core`] (pure rules) ← [`store`] (SQLite or PostgreSQL) ←
//! [`clock`], [`drive`] (one fenced drive) ← [`scheduler`], [`recovery`] ← [`api`]
//! (HTTP) ← [`app`] (start, shutdown) ← [`config`] (the command line).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod core;
pub mod drive;
pub mod recovery;
pub mod scheduler;
pub mod store;
