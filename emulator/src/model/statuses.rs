//! Every status on demand: how a member looks when the control plane sets its
//! `connection_status` (`POST /emulator/members/{member}/connection_status`).
//!
//! The emulator leaves the member as MX leaves one at the end of a job that ended in the
//! status: `is_being_aggregated` false, except `CHALLENGED`, which MX shows with an open
//! challenge while the job waits for the answer (`is_being_aggregated` true: MFA \[V\]
//! example). Statuses MX sets outside a job (a new or updated member, an OAuth member
//! waiting, an imported, migrated, closed, disabled or discontinued one: the lifecycle
//! model's `member_created`, `update_credentials`, `member_imported`, `source_migrated`,
//! `member_closed`, `aggregation_disabled`, `institution_discontinued` edges) start and
//! end no job. `mx_aggregation::ConnectionStatus` is the one list of the 22 values.
//!
//! MX Bank documents test credentials for `CONNECTED`, `CHALLENGED`, `FAILED`, `DENIED`
//! and `LOCKED` only ("Testing with MX Bank",
//! <https://docs.mx.com/resources/test-platform/mxbank/>); the emulator plays those as MX
//! Bank does (`mxbank`), and every other status through this control.

use chrono::{DateTime, Utc};
use mx_aggregation::ConnectionStatus;
use mx_aggregation_tooling::lifecycle::Node;

use crate::model::clock::later;
use crate::model::ctx::Ctx;
use crate::model::member::{Job, JobKind, JobResults, Member, Stage};
use crate::model::moves;
use crate::model::mxbank::{ChallengeKind, Outcome};
use crate::model::outbox::WebhookEvent;
use crate::model::trace::TraceEntry;

/// What setting a status does to the member's job and timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forced {
    /// A job started and ended now in the status: `aggregated_at` and
    /// `most_recent_job_guid` move, the throttle window opens, and `CONNECTED` also moves
    /// `successfully_aggregated_at`.
    JobEnded {
        /// True for `CONNECTED`: the job succeeded.
        succeeded: bool,
    },
    /// A job started now and waits for the end user's MFA answer (`CHALLENGED`): an open
    /// challenge, `is_being_aggregated` true, expiring as MX Bank's challenges do.
    AwaitsMfa,
    /// MX set the status outside any job: nothing else changes.
    NoJob,
}

/// What setting `status` does (MX's statuses as the seed's lists and the lifecycle
/// model's edges place them).
pub(crate) const fn forced(status: ConnectionStatus) -> Forced {
    use ConnectionStatus as S;
    match status {
        S::Connected => Forced::JobEnded { succeeded: true },
        S::Challenged => Forced::AwaitsMfa,
        S::Prevented
        | S::Denied
        | S::Rejected
        | S::Locked
        | S::Impeded
        | S::Degraded
        | S::Disconnected
        | S::Delayed
        | S::Failed
        | S::Resumed
        | S::Expired
        | S::Impaired => Forced::JobEnded { succeeded: false },
        S::Created
        | S::Updated
        | S::Pending
        | S::Imported
        | S::Reconnected
        | S::Closed
        | S::Disabled
        | S::Discontinued => Forced::NoJob,
    }
}

/// True when MX sends a CONNECTION_STATUS webhook as a member enters `status`: the
/// end-user-actionable statuses (WH-CS: "CHALLENGED DENIED EXPIRED IMPAIRED IMPEDED
/// LOCKED PREVENTED REJECTED").
pub(crate) const fn sends_webhook(status: ConnectionStatus) -> bool {
    status.is_end_user_actionable()
}

/// Sets `member`'s status to `status` from the control plane, leaving it as MX leaves a
/// member at the end of a job that ended there ([`forced`]), records the move in its
/// trace, and queues the CONNECTION_STATUS webhook where MX sends one.
pub(crate) fn force(
    member: &mut Member,
    cx: &mut Ctx,
    now: DateTime<Utc>,
    status: ConnectionStatus,
) {
    member.challenges.clear();
    member.job = None;
    let job_now = |member: &mut Member, cx: &mut Ctx| {
        let guid = cx.ids.next("JOB");
        member.most_recent_job_guid = Some(guid.clone());
        member.aggregated_at = Some(now);
        member.results = JobResults::default();
        member.next_background_at = cx.next_background(&member.guid, now);
        guid
    };
    match forced(status) {
        Forced::JobEnded { succeeded } => {
            job_now(member, cx);
            if succeeded {
                member.results = JobResults::succeeded(JobKind::Aggregation);
                member.successfully_aggregated_at = Some(now);
                member.streak.job_succeeded();
                member.needs_updated_credentials = false;
            }
            cx.record_throttle(member);
        }
        Forced::AwaitsMfa => {
            let guid = job_now(member, cx);
            let kind = ChallengeKind::Text;
            member.challenges = vec![moves::new_challenge(cx, kind)];
            member.job = Some(Job {
                guid,
                kind: JobKind::Aggregation,
                is_background: false,
                stage: Stage::AwaitingMfa,
                next_at: later(now, cx.rules.mfa_timeout),
                outcome: Outcome::Challenge(kind),
            });
            cx.record_throttle(member);
        }
        Forced::NoJob => {}
    }
    let to = Node::Status(status);
    member.trace.push(TraceEntry {
        at: now,
        from: member.node,
        event: None,
        to,
        edge: None,
    });
    member.node = to;
    member.status = Some(status);
    if sends_webhook(status) && cx.rules.webhooks {
        let event = WebhookEvent::ConnectionStatus {
            member_guid: member.guid.clone(),
            user_guid: member.user_guid.clone(),
            status,
        };
        cx.queue_webhook(event, None, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_challenged_keeps_a_job_running_and_only_connected_succeeds() {
        for status in ConnectionStatus::ALL {
            let forced = forced(status);
            assert_eq!(
                forced == Forced::AwaitsMfa,
                status == ConnectionStatus::Challenged,
                "{status}"
            );
            assert_eq!(
                forced == (Forced::JobEnded { succeeded: true }),
                status == ConnectionStatus::Connected,
                "{status}"
            );
        }
    }

    #[test]
    fn terminal_statuses_start_no_job() {
        for status in ConnectionStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
        {
            assert_eq!(forced(status), Forced::NoJob, "{status}");
        }
    }

    #[test]
    fn the_eight_webhook_statuses() {
        let sent: Vec<&str> = ConnectionStatus::ALL
            .into_iter()
            .filter(|s| sends_webhook(*s))
            .map(ConnectionStatus::as_str)
            .collect();
        assert_eq!(
            sent,
            [
                "PREVENTED",
                "DENIED",
                "CHALLENGED",
                "REJECTED",
                "LOCKED",
                "IMPEDED",
                "EXPIRED",
                "IMPAIRED"
            ]
        );
    }
}
