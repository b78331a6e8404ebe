//! Decides what to do next with an MX Platform API member. The core is sans-IO: it reads
//! no clock, does no IO, keeps no global state and does not allocate while deciding; `now`
//! is an argument, so every decision is deterministic and testable. This package is the
//! engine alone; the `mx-aggregation` command-line tool, the lifecycle model, the
//! simulation and the documentation generator are separate packages of its workspace.
//!
//! A *member* is one person's connection to one institution. MX describes its state with
//! `connection_status` (21 documented values plus `PENDING`), `is_being_aggregated`,
//! `aggregated_at` and `successfully_aggregated_at`, and spreads the rules for reading them
//! over several guides that contradict each other. This crate makes them one explicit
//! state machine:
//!
//! ```text
//! MX JSON ──MemberJson / MemberSnapshot::from_json──▶ MemberSnapshot
//!         ──decide(&snapshot, now, &Policy)──▶ Decision { action: NextAction, reason: Reason }
//!         ──serde──▶ {"action": …, "reason": …, "requires_end_user": …}
//! ```
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use mx_aggregation::{decide, MemberSnapshot, NextAction, Policy};
//!
//! // MX's read member status response: an aggregation failed minutes after a success.
//! let member = MemberSnapshot::from_json(r#"{"member": {
//!     "connection_status": "FAILED", "is_being_aggregated": false,
//!     "aggregated_at": "2020-09-21T19:48:57Z",
//!     "successfully_aggregated_at": "2020-09-21T19:44:17Z"}}"#)?;
//! let now = Utc.with_ymd_and_hms(2020, 9, 21, 20, 0, 0).unwrap();
//!
//! let decision = decide(&member, now, &Policy::default());
//! // Inside MX's 3-hour window after its latest job (the failed one), no aggregation
//! // starts: wait for its end.
//! let until = Utc.with_ymd_and_hms(2020, 9, 21, 22, 48, 57).unwrap();
//! assert_eq!(decision.action, NextAction::Wait { until });
//! assert_eq!(decision.reason.code(), "cooldown");
//! # Ok::<(), mx_aggregation::SnapshotError>(())
//! ```
//!
//! # Where things are
//!
//! - [`ConnectionStatus`]: the 22 statuses, from one table holding each one's MX id, string,
//!   meaning, [`StatusGroup`] and the seed guide's lists ([`SeedList`]).
//! - [`MemberSnapshot`] and [`MemberJson`]: reading MX's payloads, recognising what
//!   arrived ([`PayloadKind`]: a member, a member reference, a connection-status or
//!   `member_data_updated` webhook) and the member's `error` ([`ErrorCode`]);
//!   [`SnapshotError`] names the field and value of every bad input, and what a payload
//!   that is not a member is instead.
//! - [`Policy`]: every timing rule as data, defaulting to MX's documented values.
//! - [`decide`] and [`decide_with`] (the end user present or absent, [`EndUser`]): the
//!   rules, in precedence order; [`Reason`] names each one and its source.
//! - [`Decision`], [`NextAction`]: what the caller must do next; each variant's doc is a
//!   duty, from the one table behind [`ActionKind::duty`].
//! - [`Decision::explain`]: the decision in words a person can act on.
//! - [`Call::classify`]: MX's answer to a call ([`Answer`]: status, body, `Retry-After`)
//!   turned into the service's [`NextStep`] (poll, retry with bounded backoff, check before
//!   repeating a call that may have taken effect, …), with the [`HttpRule`] and its source.
//! - [`MemberState`]: every [`Observation`] of a member (reads, webhooks, answers to
//!   calls) folded into the newest knowledge per field; [`MemberState::decide`] decides on
//!   the whole, so a late webhook cannot override a newer read.
//! - [`batch`]: one line of JSON Lines in, one decision or error line out, IO-free: the
//!   code path of `mx-aggregation batch`; [`lines`] cuts the input into chunks of whole
//!   lines for it, without IO.
//! - [`Source`]: the MX documentation every rule cites, by key; `docs/sources.md` lists
//!   them with their URLs.
//!
//! Sources are cited by [`Source`] key with a confidence tag: **\[V\]** verified in MX's
//! documentation, **\[V-code\]** in MX's own code, **\[3P\]** a third-party copy of MX's
//! documentation. "Seed" is MX's "Aggregation Methods" guide.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::use_self, unreachable_pub)]

// The layers, lowest first; each imports only from the ones above it in this list (and
// `decide` and `http` not from each other). `tests/layers.rs` checks it.
pub mod batch;
mod decide;
mod http;
pub mod lines;
mod model;
mod read;
mod state;
mod time;

pub use decide::explain::Explanation;
pub use decide::rules::{decide, decide_with};
pub use decide::window::{AggregationWindow, earliest_aggregation};
pub use http::call::Call;
pub use http::outcome::{Answer, HttpOutcome, NextStep};
pub use http::rule::HttpRule;
pub use model::action::{ActionKind, NextAction};
pub use model::decision::Decision;
pub use model::end_user::EndUser;
pub use model::error_code::{ErrorCode, ErrorEffect};
pub use model::payload::PayloadKind;
pub use model::policy::{MX_MIN_POLL_INTERVAL, Policy};
pub use model::reason::{Reason, UnknownReason};
pub use model::snapshot::MemberSnapshot;
pub use model::sources::Source;
pub use model::status::{ConnectionStatus, SeedList, StatusGroup, UnknownStatus};
pub use read::member_json::{MemberJson, SnapshotError};
pub use state::observation::Observation;
pub use state::{Applied, MemberState};
pub use time::arithmetic::saturating_delta;
pub use time::duration::{DurationError, HumanDuration};
pub use time::timestamp::{
    MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, Rfc3339, TimestampError, parse_mx_timestamp, to_rfc3339,
};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
