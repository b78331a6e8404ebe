//! A reference MX Platform API client and driver around `mx_aggregation`: the crate used
//! the way a service uses it.
//!
//! `mx_aggregation` stays sans-IO; this package does the IO around it, the way quinn sits
//! beside quinn-proto:
//!
//! - [`MxClient`]: typed async calls to MX's member endpoints (reqwest with rustls),
//!   Basic auth, API version v20250224, timeouts; [`Reply`] keeps MX's answer as it came
//!   for the crate's HTTP-outcome classification.
//! - [`types`]: MX's request and response bodies, MFA challenges of every type.
//! - [`Clock`]: the system clock, or the emulator's virtual clock ([`EmulatorClock`]).
//! - [`Driver`]: reads a member and does what `mx_aggregation` decides, until the data
//!   can be read or the end user must act ([`Outcome`]); every HTTP answer goes through
//!   the crate's `Call::classify`.
//! - [`service`]: the reference service's axum routes (webhooks in, decisions out).
//!
//! The library `mx-aggregation` never depends on this package.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::use_self, unreachable_pub)]

mod client;
mod clock;
mod config;
mod data;
mod driver;
mod endpoint;
mod error;
mod query;
mod reply;
mod request_log;
pub mod service;
pub mod sync;
pub mod types;

pub use client::MxClient;
pub use clock::{Clock, EmulatorClock, SystemClock};
pub use config::{API_VERSION, MxConfig};
pub use data::{ListPage, Pages};
pub use driver::{AccountCounts, DriveError, Driver, Limits, Outcome, SyncReport, UserAction};
pub use endpoint::{DataList, Endpoint, MemberRef};
pub use error::MxError;
pub use query::{MAX_RECORDS_PER_PAGE, MIN_RECORDS_PER_PAGE, PageQuery, TransactionFilter};
pub use reply::Reply;
pub use request_log::{LoggedRequest, RequestLog};
