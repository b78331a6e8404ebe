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
//! Besides MX's API it serves MX's Connect widget (`POST /users/{u}/widget_urls` hands out
//! a single-use page that creates members through the same flows) and a dashboard of a
//! tenant's state (`GET /emulator/ui`).
//!
//! As a test kit it adds deterministic runs (`Config::seed`, `Config::real_time = false`),
//! isolated tenants (`Config::tenants`, `POST /emulator/reset`), fault plans
//! ([`FaultPlan`], `POST /emulator/faults`), webhook faults and an outbox
//! (`GET /emulator/webhooks`), and an explanation on every answer (`X-Emulator-Rule`, and
//! `GET /emulator/members/{member}/trace`); [`Emulator`] shows a test using them.
//!
//! # Where things are
//! One folder per layer; a file imports only from its own layer and the layers before it:
//!
//! 1. `model`: the deterministic MX (clock, GUIDs, [`institutions`], [`mxbank`], users and
//!    members, their moves on the lifecycle model, the world, the webhook outbox,
//!    [`faults`], `model::requests` (what MX does when a call arrives: the change it
//!    makes or its refusal), and `model::data`: MX Bank's accounts and transactions derived from the
//!    seed and each member's successful aggregations, and the list queries that read
//!    them); no axum, tokio or reqwest.
//! 2. `wire`: MX's JSON shapes for responses and webhooks, and the control plane's views.
//! 3. `tenant`: each client id's world behind its lock.
//! 4. `http`: [`router`], the gate (401, 406, 429, fault plans), extractors, answers and
//!    one file of handlers per group of endpoints; [`version`] reads `Accept-Version`.
//! 5. `delivery`: the task that POSTs webhooks with retries.
//! 6. `handle`: [`Emulator`] and [`TenantHandle`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::use_self, unreachable_pub)]

mod delivery;
mod handle;
mod http;
mod model;
#[deprecated(note = "use `mx_emulator::{router, Emulator, TenantHandle}` at the crate root")]
pub mod server;
mod tenant;
mod wire;

pub use model::{faults, institutions, mxbank};

pub use http::{unserved, version};

pub use handle::{Emulator, TenantHandle};
pub use http::error::ApiError;
pub use http::router::router;
pub use model::config::{Config, ThrottleFrom};
pub use model::faults::{FaultPlan, FaultRule, Step, WebhookFaults};
pub use wire::webhooks::NOW_HEADER as WEBHOOK_NOW_HEADER;
