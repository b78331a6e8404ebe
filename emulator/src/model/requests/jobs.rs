//! Starting an aggregation-type job: `aggregate` and the premium jobs (`verify`,
//! `identify`, `check_balance`, `extend_history`, `fetch_statements`), one flow for every
//! job call of `mx_aggregation::Call`'s table.
//!
//! MX's rules (ERR, EXT-HISTORY, FETCH-STATEMENTS): the job starts; a job of the same kind
//! already running, or a standard aggregation asked for within the throttle window,
//! starts nothing (MX answers 202 and `aggregated_at` stays); a job of another kind
//! running refuses the call (409). A standard aggregation does not block the premium jobs
//! (REW: run standard aggregation first, "any aggregation process will prevent a new
//! standard aggregation" only); MX documents no window between two premium jobs, and the
//! emulator holds a premium job to the window from the last start of its own kind, so a
//! repeated premium call answers 202 without starting, as a repeated aggregation does.

use chrono::{DateTime, Utc};
use mx_aggregation_tooling::lifecycle::{LifecycleEvent as E, Node};

use crate::model::member::JobKind;
use crate::model::moves;
use crate::model::mxbank::Outcome;
use crate::model::refusal::{Refusal, Refused};
use crate::model::world::World;

/// What a job call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JobCall {
    /// A job of the same kind runs already (its GUID): nothing new starts.
    AlreadyRunning(String),
    /// An OAuth member the end user has not authorized has nothing to log in with.
    NotAuthorized,
    /// The lifecycle model has no aggregate edge from the member's node (a member that
    /// needs credentials, a closed one): nothing starts.
    NoEdge(Node),
    /// A standard aggregation inside the throttle window, or a premium job inside the
    /// window of its own kind's last start, open until then.
    Throttled(DateTime<Utc>),
    /// The job started on this lifecycle edge.
    Started(E),
}

/// A job of `kind` asked for on the member `member` of `user` at `now`; returns the
/// member's GUID and what came of it.
pub(crate) fn start(
    world: &mut World,
    user: &str,
    member: &str,
    kind: JobKind,
    callback_payload: Option<String>,
    now: DateTime<Utc>,
) -> Refused<(String, JobCall)> {
    let guid = world.member_guid(user, member)?;
    let (mut member, cx) = world.member_with_ctx(&guid)?;
    let member = &mut *member;
    if callback_payload.is_some() {
        member.callback_payload = callback_payload;
    }
    if let Some(job) = &member.job {
        if job.kind == kind {
            return Ok((guid, JobCall::AlreadyRunning(job.guid.clone())));
        }
        return Err(Refusal::Conflict(format!(
            "a job of another kind ({}) is running on this member",
            job.kind.call()
        )));
    }
    if member.is_oauth && !member.oauth_authorized {
        return Ok((guid, JobCall::NotAuthorized));
    }
    // The model's edge for the call: `aggregate`, or the aggregation after the end user
    // resolved things at the institution.
    let Some(event) = [E::Aggregate, E::ResolveAtInstitution]
        .into_iter()
        .find(|event| moves::has_edge(member, *event))
    else {
        let node = member.node;
        return Ok((guid, JobCall::NoEdge(node)));
    };
    let throttled = if kind.mx_call().is_premium_job() {
        cx.premium_throttled_until(member, kind, now)
    } else {
        cx.throttled_until(member, now)
    };
    if let Some(until) = throttled {
        return Ok((guid, JobCall::Throttled(until)));
    }
    let outcome = if member.is_oauth {
        Outcome::Connect
    } else {
        moves::outcome_of(member)
    };
    moves::start(member, cx, now, event, kind, outcome);
    Ok((guid, JobCall::Started(event)))
}
