//! `mx-emulator`: MX's Platform API member endpoints, offline, on the lifecycle model of
//! `mx-aggregation`.
//!
//! A service under test talks to the emulator exactly as it talks to MX: HTTP Basic auth
//! with a client id and API key, `Accept-Version: v20250224`, MX's JSON envelopes. Members
//! move along the crate's lifecycle table (`mx_aggregation_tooling::lifecycle`), so the docs, the
//! simulation and the emulator share one model; what MX leaves unsaid is the emulator's
//! documented choice. MX's production rules hold by default (the 3-hour throttle, 202 and
//! 409 for concurrent jobs), on a virtual clock that `POST /emulator/clock` moves forward.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use mx_emulator::{Config, Emulator};
//!
//! let emulator = Emulator::start(Config::new("client", "key")).await?;
//! println!("MX at {}", emulator.base_url());
//! emulator.advance_clock(std::time::Duration::from_secs(3 * 3600));
//! # Ok(()) }
//! ```
//!
//! As a test kit it adds deterministic runs (`Config::seed`, `Config::real_time = false`),
//! isolated tenants (`Config::tenants`, `POST /emulator/reset`), fault plans
//! ([`FaultPlan`], `POST /emulator/faults`), webhook faults and an outbox
//! (`GET /emulator/webhooks`), and an explanation on every answer (`X-Emulator-Rule`, and
//! `GET /emulator/members/{member}/trace`); [`Emulator`] shows a test using them.
//!
//! # Where things are
//! - [`server`]: the gate (401, 406, 429), the routes, [`Emulator`] and [`router`].
//! - `routes`: one file per group of MX endpoints; `world` and `jobs`: the state and the
//!   member's moves on the lifecycle model; `clock`: the virtual clock; `webhooks`: the
//!   payloads and their delivery with retries.
//! - [`mxbank`] and [`institutions`]: MX Bank's test credentials and the test institutions.
//! - [`faults`]: fault plans; `explain`: the `X-Emulator-Rule` header and member traces.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::use_self, unreachable_pub)]

mod auth;
mod clock;
mod config;
mod error;
mod explain;
pub mod faults;
mod ids;
pub mod institutions;
mod jobs;
mod member;
pub mod mxbank;
mod respond;
mod routes;
pub mod server;
pub mod version;
mod views;
mod webhooks;
mod world;

/// The lifecycle model the emulator moves members along: one table shared with the
/// simulation and the generated documentation (`mx_aggregation_tooling::lifecycle`).
pub(crate) use mx_aggregation_tooling::lifecycle;

pub use config::{Config, ThrottleFrom};
pub use error::ApiError;
pub use faults::{FaultPlan, FaultRule, Step, WebhookFaults};
pub use server::{Emulator, TenantHandle, router};
