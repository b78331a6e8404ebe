//! MX's automatic aggregation after a member is updated: "Every time a new member is
//! successfully created or an existing member is successfully updated, an aggregation
//! process will start automatically" (Seed, "Automatic Aggregation"), unless the request
//! says `skip_aggregation` ("you can easily prevent it by including the
//! `skip_aggregation` body parameter", Seed) or the throttle window is open (ERR: "a
//! standard aggregation has been attempted within the default minimum time", nothing
//! starts).
//!
//! New credentials move the member to `UPDATED` first (the lifecycle model's
//! `update_credentials` edge), then the `automatic_aggregation` edge starts the job.
//! Without new credentials the aggregation starts where the lifecycle model lets one
//! start (its `aggregate` and `resolve_at_institution` edges: the statuses the seed says
//! "aggregation can be attempted" for), and not while a job runs. These updates start
//! nothing: a member that needs new credentials (`PREVENTED`, `DENIED`, `IMPAIRED`,
//! `IMPORTED`: "you must update credentials before aggregating", Seed), a terminal one
//! ("you should not attempt aggregation", Seed), an OAuth member the end user has not
//! authorized ("OAuth members will not begin aggregation until the user completes
//! authorization", CREATE).

use chrono::{DateTime, Utc};
use mx_aggregation_tooling::lifecycle::LifecycleEvent as E;

use crate::model::ctx::Ctx;
use crate::model::member::{JobKind, Member};
use crate::model::moves;

/// What an update did about an aggregation: whether one started and the rule, in the
/// words of `X-Emulator-Rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AfterUpdate {
    /// True when a job started.
    pub(crate) started: bool,
    /// Why, for `X-Emulator-Rule`.
    pub(crate) rule: String,
}

/// Starts the aggregation MX starts after `member` was updated at `now`, if it does;
/// `new_credentials` when the update moved the member to `UPDATED` with new credentials.
pub(crate) fn after_update(
    member: &mut Member,
    cx: &mut Ctx,
    now: DateTime<Utc>,
    skip: bool,
    new_credentials: bool,
) -> AfterUpdate {
    let nothing = |rule: String| AfterUpdate {
        started: false,
        rule,
    };
    let what = if new_credentials {
        "credentials updated"
    } else {
        "updated"
    };
    if skip {
        return nothing(format!("200: {what} with skip_aggregation; nothing starts"));
    }
    if member.job.is_some() {
        return nothing(format!("200: {what} while a job runs; nothing new starts"));
    }
    if member.is_oauth && !member.oauth_authorized {
        return nothing(format!(
            "200: {what}; the end user has not authorized this OAuth member, nothing starts"
        ));
    }
    if let Some(until) = cx.throttled_until(member, now) {
        return nothing(format!(
            "200: {what} inside the throttle window until {}; nothing starts",
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    let event = if new_credentials {
        Some(E::AutomaticAggregation)
    } else {
        [E::Aggregate, E::ResolveAtInstitution]
            .into_iter()
            .find(|event| moves::has_edge(member, *event))
    };
    let Some(event) = event else {
        return nothing(format!(
            "200: {what}; the lifecycle model has no aggregate edge from {}, nothing starts",
            member.node
        ));
    };
    let outcome = moves::outcome_of(member);
    moves::start(member, cx, now, event, JobKind::Aggregation, outcome);
    AfterUpdate {
        started: true,
        rule: format!("200: {what}; MX starts an aggregation on the lifecycle edge {event}"),
    }
}
