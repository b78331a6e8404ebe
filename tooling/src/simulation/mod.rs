//! A deterministic simulation of the engine against a simulated MX and end user.
//!
//! [`simulate`] plays a service that follows [`decide`](mx_aggregation::decide) to the letter
//! against a simulated MX member that moves along the
//! [lifecycle model](crate::lifecycle) — a seeded generator picks among the edges MX may
//! take — and a simulated end user who does what the engine asks
//! ([`EndUser::Cooperative`]) or is never there ([`EndUser::Absent`]). Time advances only by
//! what the decisions say: a poll's `after_secs`, a wait's `until`. Everything is a pure
//! function of its arguments and the seed: no clock, no IO, the same run every time.
//!
//! The tests check the engine's promises over every starting status, flag and timestamp
//! bucket and many seeds (`tests/simulation.rs`); [`figures`] gives the numbers the
//! generated documentation reports.
//!
//! What the simulated service does with each action:
//!
//! | action | cooperative end user | absent end user |
//! |---|---|---|
//! | `poll` | read the member after `after_secs` | same |
//! | `wait` | read the member at `until` | same |
//! | `answer_mfa`, `update_credentials`, `aggregate` | make the call, read after 3 s | cannot: read again after [`ABSENT_USER_RECHECK`] |
//! | `resolve_at_institution` | the user fixes things, then `POST …/aggregate`, read after 3 s (outside the cooldown: see [`Response::DeferredByCooldown`]) | as above |
//! | `read_data` | done | read the data; read the member again after [`ABSENT_USER_RECHECK`] |
//! | `stop` | done | done |
//!
//! An aggregation needs the end user as much as an MFA answer does: it may raise MFA or a
//! credential request that only they can meet (seed, "Foreground Aggregation"). So with an
//! absent end user the service cannot aggregate either; it waits for MX's own background
//! aggregation or for the user to come back.

mod figures;
mod mx;
mod rng;
mod run;
mod service;

pub use figures::{
    AbsentUserFigures, AlwaysFailingFigures, CooperativeFigures, Figures, ImplausibleStartFigures,
    SEEDS_PER_START, Summary, figures, mx_could_report, starts,
};
pub use mx::MX_COOLDOWN;
pub use run::{
    CallKind, CallOutcome, End, EndUser, MAX_CALLS_PER_DAY, MxBehaviour, MxCall, Response, Run,
    Scenario, Step,
};
pub use service::{ABSENT_USER_RECHECK, STEP_LIMIT, simulate};
