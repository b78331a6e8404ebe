//! Webhooks stored while a drive ran: which of them the drive's own calls already
//! answered.
//!
//! A drive folds the member's webhooks stored before it began; one stored while it ran
//! used to bring the member back at once, whatever it said. MX sends several webhooks
//! about one job (the member's status, the aggregation's, the data's,
//! <https://docs.mx.com/resources/webhooks/>), and a drive that read the member and
//! listed its challenges meanwhile often knows all a late `CHALLENGED` says: the second
//! drive read the member and listed the same challenges again (docs/PERFORMANCE.md,
//! fifteenth session: one challenge listed by three drives within 25 ms after one
//! webhook). A late webhook is folded at the write-back, with no new drive, when it
//! carries no data news (MX's `member_data_updated`, a TRANSACTION or an ACCOUNT
//! webhook always brings the member back: the next drive reads what it announces) and
//! the crate's decision at the drive's end is the same with it folded as without. Any
//! other late webhook still brings the member back.

use chrono::{DateTime, Utc};
use mx_aggregation::{EndUser, MemberState, Observation, Policy};
use mx_aggregation_client::sync::{DataWebhook, MemberData};

/// `state` with the late webhook `body` (stored at `received_at`) folded, when that
/// changes nothing the drive would do at `now`; `None` when the webhook needs a drive
/// of its own (it announces data, changes the decision, or does not read as MX's).
pub fn folded_if_answered(
    state: &MemberState,
    body: &str,
    received_at: DateTime<Utc>,
    (now, policy, end_user): (DateTime<Utc>, &Policy, EndUser),
) -> Option<MemberState> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    match MemberData::default().fold_webhook(&value) {
        DataWebhook::Other => {}
        DataWebhook::DataUpdated { .. }
        | DataWebhook::Transaction { .. }
        | DataWebhook::Account { .. } => return None,
    }
    let observation = Observation::from_json(body).ok()?;
    let mut after = state.clone();
    let _ = after.apply(&observation, received_at);
    (after.decide(now, policy, end_user) == state.decide(now, policy, end_user)).then_some(after)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use mx_aggregation::{ActionKind, EndUser, MemberState, Observation, Policy};
    use serde_json::json;

    use super::folded_if_answered;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_default()
            + Duration::minutes(minutes)
    }

    /// A member read answered at `minutes` with this status, aggregating or not.
    fn read(state: &mut MemberState, (status, busy): (&str, bool), minutes: i64) {
        let body = json!({"member": {
            "guid": "MBR-1",
            "connection_status": status,
            "is_being_aggregated": busy,
            "aggregated_at": at(minutes - 1).to_rfc3339(),
        }})
        .to_string();
        let observation = Observation::from_json(&body).expect("a member");
        let _ = state.apply(&observation, at(minutes));
    }

    fn status_webhook(status: &str) -> String {
        // MX's CONNECTION_STATUS webhook (examples/connection_status_webhook.json).
        json!({
            "action": "CHANGED",
            "connection_status": status,
            "member_guid": "MBR-1",
            "type": "CONNECTION_STATUS",
            "user_guid": "USR-1",
        })
        .to_string()
    }

    fn late(state: &MemberState, body: &str) -> Option<MemberState> {
        folded_if_answered(
            state,
            body,
            at(2),
            (at(3), &Policy::default(), EndUser::Present),
        )
    }

    /// The webhook stored at the instant of the drive's read (the fleet's frozen clock
    /// dates both by the emulator's time): the crate does not read the member again
    /// for it, so no drive is due.
    #[test]
    fn a_late_webhook_no_newer_than_the_drives_read_is_folded() {
        let mut state = MemberState::default();
        read(&mut state, ("CHALLENGED", true), 2);
        let decided = state.decide(at(3), &Policy::default(), EndUser::Present);
        assert_eq!(decided.action.kind(), ActionKind::AnswerMfa);
        let folded = late(&state, &status_webhook("CHALLENGED")).expect("answered");
        assert_eq!(
            folded.decide(at(3), &Policy::default(), EndUser::Present),
            decided
        );
    }

    /// A status webhook newer than the drive's last read: the crate reads the member
    /// again (`Reason::StatusWebhook`), so the member comes back, whatever the status.
    #[test]
    fn a_late_webhook_newer_than_the_drives_read_brings_the_member_back() {
        for read_status in [
            ("CREATED", true),
            ("CHALLENGED", true),
            ("CONNECTED", false),
        ] {
            let mut state = MemberState::default();
            read(&mut state, read_status, 1);
            for status in ["CONNECTED", "CHALLENGED", "DENIED"] {
                assert_eq!(
                    late(&state, &status_webhook(status)),
                    None,
                    "{read_status:?} {status}"
                );
            }
        }
    }

    #[test]
    fn a_late_data_webhook_always_brings_the_member_back() {
        let mut state = MemberState::default();
        read(&mut state, ("CONNECTED", false), 2);
        let data = json!({
            "type": "AGGREGATION",
            "action": "member_data_updated",
            "member_guid": "MBR-1",
            "transactions_created_count": 3,
            "transactions_updated_count": 0,
        })
        .to_string();
        assert_eq!(late(&state, &data), None);
        let transaction = json!({
            "type": "TRANSACTION",
            "action": "created",
            "transaction": {"guid": "TRN-1", "member_guid": "MBR-1"},
        })
        .to_string();
        assert_eq!(late(&state, &transaction), None);
    }

    #[test]
    fn a_late_webhook_that_does_not_read_brings_the_member_back() {
        let mut state = MemberState::default();
        read(&mut state, ("CONNECTED", false), 2);
        assert_eq!(late(&state, "not json"), None);
    }
}
