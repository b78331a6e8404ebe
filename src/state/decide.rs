//! Deciding on the folded state: what arrived after the newest member payload comes first,
//! then the engine's rules on the newest knowledge.

use chrono::{DateTime, Utc};

use crate::decide::rules::decide_with;
use crate::model::action::NextAction;
use crate::model::decision::Decision;
use crate::model::end_user::EndUser;
use crate::model::policy::Policy;
use crate::model::reason::Reason;

use super::{MemberState, Note};

impl MemberState {
    /// Decides what to do next with the member, as [`decide_with`] does with one payload,
    /// in this order:
    ///
    /// 1. a `404` newer than the newest member payload → `stop` ([`Reason::MemberGone`]);
    ///    one of the client's own errors (`401`, `403`, `406`, …) → `stop`
    ///    ([`Reason::ClientConfiguration`]);
    /// 2. a connection-status webhook received after the newest member payload →
    ///    `read_member` ([`Reason::StatusWebhook`]): it has no timestamp and may be a late
    ///    retry;
    /// 3. a `409` or an accepted MFA answer newer than the member payload → `poll`
    ///    ([`Reason::OtherJobRunning`]); an answer that did not show the state →
    ///    `read_member` ([`Reason::AnswerNeedsRead`]);
    /// 4. a `member_data_updated` webhook newer than the member's own timestamps →
    ///    `read_data` as of its `completed_at` ([`Reason::DataWebhook`]);
    /// 5. no member payload yet → `read_member` ([`Reason::MemberReference`]);
    /// 6. otherwise [`decide_with`] on [`snapshot`](Self::snapshot); an `aggregate` before
    ///    the end of a window MX announced by answering `aggregate` with a `202` that
    ///    started nothing becomes `wait` ([`Reason::MxThrottled`]).
    ///
    /// Like [`decide_with`], pure, total and allocation-free. Every timestamp in the state
    /// is at least the newest full read's, so the state never allows an aggregation that
    /// read's window forbids.
    pub fn decide(&self, now: DateTime<Utc>, policy: &Policy, end_user: EndUser) -> Decision {
        let read_at = self.member.map(|facts| facts.stamp.received_at);
        let after_read = |at: DateTime<Utc>| read_at.is_none_or(|read| at > read);
        let note = self
            .answer
            .filter(|answer| after_read(answer.at))
            .map(|a| a.note);
        match note {
            Some(Note::MemberGone) => return decision(NextAction::Stop, Reason::MemberGone),
            Some(Note::ClientConfiguration) => {
                return decision(NextAction::Stop, Reason::ClientConfiguration);
            }
            Some(Note::Poll { .. } | Note::ReadMember) | None => {}
        }
        if self
            .status_webhooks
            .newest()
            .is_some_and(|(_, at)| after_read(at))
        {
            return decision(NextAction::ReadMember, Reason::StatusWebhook);
        }
        match note {
            Some(Note::Poll { after_secs }) => {
                return decision(NextAction::Poll { after_secs }, Reason::OtherJobRunning);
            }
            Some(Note::ReadMember) => {
                return decision(NextAction::ReadMember, Reason::AnswerNeedsRead);
            }
            Some(Note::MemberGone | Note::ClientConfiguration) | None => {}
        }
        let snapshot = self.snapshot();
        if let Some(as_of) = self.data_ready_at {
            let known = snapshot.and_then(|s| s.aggregated_at.max(s.successfully_aggregated_at));
            if known.is_none_or(|known| as_of > known) {
                return decision(NextAction::ReadData { as_of }, Reason::DataWebhook);
            }
        }
        let Some(snapshot) = snapshot else {
            return decision(NextAction::ReadMember, Reason::MemberReference);
        };
        let decided = decide_with(&snapshot, now, policy, end_user);
        if let (NextAction::Aggregate, Some(until)) = (decided.action, self.throttled_until)
            && until > now
        {
            return decision(NextAction::Wait { until }, Reason::MxThrottled);
        }
        decided
    }
}

const fn decision(action: NextAction, reason: Reason) -> Decision {
    Decision { action, reason }
}
