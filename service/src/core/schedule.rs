//! The scheduler's rules, sans IO: `now` is always an argument, nothing here reads a
//! clock or a database. The storage layer's claim query states the same rules in SQL
//! ([`is_claimable`] is its reference), and the drive loop asks [`next_wakeup`] when to
//! look at a member again.

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::NextAction;

/// How long a lease lasts: 30 s of wall time, so a worker that died loses its members to
/// the others within that time. Wall time whatever clock decisions use: a lease says
/// whether its holder is alive, and a process lives in wall time; on the emulator's
/// virtual clock, which a test or a fleet harness moves by hours at once, a lease ran out
/// in the middle of a drive and another instance drove the member beside it.
pub const LEASE: TimeDelta = TimeDelta::seconds(30);

/// How often a running drive renews its lease: a third of [`LEASE`], so two renewals may
/// fail before the lease runs out.
pub const RENEW_EVERY: TimeDelta = TimeDelta::seconds(10);

/// How far a scheduled look is put off when the drive could not decide (the clock or a
/// body failed): soon, but not in a loop.
pub const RETRY_AFTER_ERROR: TimeDelta = TimeDelta::minutes(1);

/// When a member whose data was just read is looked at again if no webhook comes first:
/// a day and two hours. MX aggregates each member in the background about once a day
/// (MX: "Members are aggregated automatically every 24 hours", `background_aggregation`)
/// and sends `member_data_updated` once it completes, background aggregations included
/// (WH-A); that webhook pulls the look forward. The look is the net under an
/// aggregation MX did not run or a webhook that was lost, so it comes after the day by
/// more than an aggregation and its webhook's delivery take, instead of racing them: a
/// look at the day itself read the member minutes before the webhook said the same.
pub const NEXT_DATA: TimeDelta = TimeDelta::hours(26);

/// When a member that waits for its end user is looked at again if no webhook and no
/// end user comes first: a week. Such a member changes only through its end user, who
/// comes through the service's routes (each starts a drive), or through MX, which says
/// so: a connection-status webhook for every status the end user must resolve (WH-CS)
/// and `member_data_updated` after every completed aggregation, background ones
/// included (WH-A). The look is the net under a lost webhook, so that a member never
/// drops out of the schedule; a daily one read every waiting member each day to find it
/// unchanged.
pub const END_USER_RECHECK: TimeDelta = TimeDelta::days(7);

/// When a failed page, a failed call or a failing institution is tried again.
pub const RETRY_LATER: TimeDelta = TimeDelta::minutes(15);

/// A member's wake-up row as the claim reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wakeup {
    /// When to drive the member next; `None`: only a webhook or the end user wakes it.
    pub run_at: Option<DateTime<Utc>>,
    /// Until when a worker holds it; `None` when nobody does.
    pub lease_until: Option<DateTime<Utc>>,
    /// The fencing number: every claim raises it, and a write carries the number its
    /// claim got, so a worker whose lease was taken over cannot write.
    pub attempt: i64,
}

/// What a claim gives the worker: the attempt number its writes must carry, and when
/// its lease ends unless renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// The fencing number.
    pub attempt: i64,
    /// The end of the lease.
    pub until: DateTime<Utc>,
}

/// True when a scheduler may claim the wake-up at `now` (the service's clock) and wall
/// time `wall` ([`LEASE`]): it is due, nobody holds a lease on it that runs past `wall`
/// (an expired lease is taken over at once), and MX's global `Retry-After`
/// (`not_before`) has passed.
pub fn is_claimable(
    wakeup: &Wakeup,
    (now, wall): (DateTime<Utc>, DateTime<Utc>),
    not_before: Option<DateTime<Utc>>,
) -> bool {
    let due = wakeup.run_at.is_some_and(|at| at <= now);
    let free = wakeup.lease_until.is_none_or(|until| until <= wall);
    let allowed = not_before.is_none_or(|gate| gate <= now);
    due && free && allowed
}

/// The lease a claim at wall time `wall` takes: the next attempt number, [`LEASE`] long.
pub fn claim(wakeup: &Wakeup, wall: DateTime<Utc>) -> Lease {
    Lease {
        attempt: wakeup.attempt.saturating_add(1),
        until: wall + LEASE,
    }
}

/// The lease renewed at wall time `wall` by the worker holding `attempt`; `None` when
/// the wake-up was claimed since (a higher attempt): that worker must stop writing.
pub fn renew(wakeup: &Wakeup, attempt: i64, wall: DateTime<Utc>) -> Option<Lease> {
    (wakeup.attempt == attempt).then_some(Lease {
        attempt,
        until: wall + LEASE,
    })
}

/// A webhook arrived at `now`: the member is looked at now, unless it already was due.
pub fn pull_forward(run_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    run_at.map_or(now, |at| at.min(now))
}

/// MX answered `Retry-After: seconds` at `now`: no scheduled drive starts before the
/// later of the gate held and `now + seconds` (one gate for every member: MX's rate
/// limit is per client, not per member).
pub fn retry_after(held: Option<DateTime<Utc>>, now: DateTime<Utc>, seconds: u64) -> DateTime<Utc> {
    let secs = i64::try_from(seconds).unwrap_or(i64::MAX);
    let until = now
        .checked_add_signed(TimeDelta::try_seconds(secs).unwrap_or(TimeDelta::MAX))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    held.map_or(until, |held| held.max(until))
}

/// How a drive ended, as the scheduler needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The data was read as of `as_of` (MX's `successfully_aggregated_at`).
    Synced {
        /// When MX last aggregated the member successfully.
        as_of: DateTime<Utc>,
    },
    /// The crate said to decide again at `until` (MX's window, a background
    /// aggregation to wait for, a delayed member).
    WaitUntil {
        /// When.
        until: DateTime<Utc>,
    },
    /// The end user must act (answer MFA, new credentials, OAuth, at the institution,
    /// or be present for an aggregation).
    EndUser,
    /// A page, a call or the institution failed; try later.
    Failed,
    /// Nothing more can be done with the member: only a webhook wakes it.
    Stopped,
    /// The drive could not decide (clock, body): soon again.
    Error,
}

/// What a drive with the end user absent that ended in a wait comes to, when the
/// decision at the wait's end — on what is known now, the end user still absent — is
/// `then`: a wait whose end hands the member to the end user (an MFA answer, new
/// credentials, OAuth, an action at the institution, or an aggregation, which a drive
/// without the end user never starts) is a wait for the end user ([`Ended::EndUser`]).
/// Looking at the member when the wait ends would read it only to hand it back; what
/// changes it before then comes through the end user or an MX webhook (see
/// [`END_USER_RECHECK`]). Any other decision (a poll, another wait, data to read, a read
/// of the member, stop) leaves the wait as it is, and so does any other ending.
pub const fn unattended_wait(ended: Ended, then: NextAction) -> Ended {
    let Ended::WaitUntil { .. } = ended else {
        return ended;
    };
    match then {
        NextAction::AnswerMfa
        | NextAction::UpdateCredentials
        | NextAction::AuthorizeOauth
        | NextAction::ResolveAtInstitution
        | NextAction::Aggregate => Ended::EndUser,
        NextAction::Poll { .. }
        | NextAction::Wait { .. }
        | NextAction::ReadData { .. }
        | NextAction::ReadMember
        | NextAction::Stop => ended,
    }
}

/// When to look at the member next after a drive that ended at `now` as `ended`;
/// `None`: only a webhook or the end user wakes it.
pub fn next_wakeup(ended: Ended, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match ended {
        Ended::Synced { as_of } => Some((as_of + NEXT_DATA).max(now + RETRY_LATER)),
        Ended::WaitUntil { until } => Some(until.max(now)),
        Ended::EndUser => Some(now + END_USER_RECHECK),
        Ended::Failed => Some(now + RETRY_LATER),
        Ended::Stopped => None,
        Ended::Error => Some(now + RETRY_AFTER_ERROR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    fn time() -> impl Strategy<Value = DateTime<Utc>> {
        (1_600_000_000_000_i64..1_900_000_000_000).prop_map(at)
    }

    fn wakeup() -> impl Strategy<Value = Wakeup> {
        (
            proptest::option::of(time()),
            proptest::option::of(time()),
            0_i64..1_000,
        )
            .prop_map(|(run_at, lease_until, attempt)| Wakeup {
                run_at,
                lease_until,
                attempt,
            })
    }

    proptest! {
        #[test]
        fn a_held_lease_is_never_claimed(w in wakeup(), now in time(), wall in time()) {
            if w.lease_until.is_some_and(|until| until > wall) {
                prop_assert!(!is_claimable(&w, (now, wall), None));
            }
        }

        #[test]
        fn a_due_free_wakeup_is_claimed_and_fences_the_old_holder(w in wakeup(), now in time(), wall in time()) {
            let freed = Wakeup { lease_until: None, run_at: Some(now), ..w };
            prop_assert!(is_claimable(&freed, (now, wall), None));
            let lease = claim(&freed, wall);
            prop_assert!(lease.attempt > w.attempt);
            prop_assert!(lease.until - wall <= LEASE);
            let taken = Wakeup { attempt: lease.attempt, lease_until: Some(lease.until), ..freed };
            prop_assert_eq!(renew(&taken, w.attempt, wall), None);
            prop_assert!(renew(&taken, lease.attempt, wall).is_some());
        }

        #[test]
        fn an_expired_lease_is_taken_over_at_once(w in wakeup(), now in time(), wall in time()) {
            let expired = Wakeup { lease_until: Some(wall), run_at: Some(now), ..w };
            prop_assert!(is_claimable(&expired, (now, wall), None));
        }

        /// The service's clock jumping (the emulator's, moved by hours) frees no lease:
        /// only wall time does.
        #[test]
        fn a_jump_of_the_service_clock_frees_no_lease(w in wakeup(), now in time(), wall in time(), hours in 0_i64..10_000) {
            let held = Wakeup { lease_until: Some(claim(&w, wall).until), run_at: Some(now), ..w };
            prop_assert!(!is_claimable(&held, (now + TimeDelta::hours(hours), wall), None));
            prop_assert!(is_claimable(&held, (now, wall + LEASE), None));
        }

        #[test]
        fn nothing_is_claimed_before_the_retry_after_gate(w in wakeup(), now in time(), secs in 1_u64..10_000) {
            let gate = retry_after(None, now, secs);
            prop_assert!(!is_claimable(&w, (now, now), Some(gate)));
            prop_assert!(retry_after(Some(gate), now, 0) >= gate);
        }

        #[test]
        fn a_webhook_never_puts_a_look_off(run_at in proptest::option::of(time()), now in time()) {
            let pulled = pull_forward(run_at, now);
            prop_assert!(pulled <= now);
            if let Some(at) = run_at { prop_assert!(pulled <= at); }
        }

        #[test]
        fn the_next_look_is_never_in_the_past(as_of in time(), until in time(), now in time()) {
            for ended in [Ended::Synced { as_of }, Ended::WaitUntil { until }, Ended::EndUser,
                          Ended::Failed, Ended::Error] {
                let next = next_wakeup(ended, now);
                prop_assert!(next.is_some_and(|next| next >= now), "{ended:?}");
            }
            prop_assert_eq!(next_wakeup(Ended::Stopped, now), None);
        }
    }

    #[test]
    fn a_wait_wakes_at_its_end_and_a_sync_a_day_after_the_data() {
        let now = at(1_800_000_000_000);
        let until = now + TimeDelta::hours(3);
        assert_eq!(next_wakeup(Ended::WaitUntil { until }, now), Some(until));
        assert_eq!(
            next_wakeup(Ended::Synced { as_of: now }, now),
            Some(now + NEXT_DATA)
        );
    }

    #[test]
    fn a_wait_that_ends_with_the_end_user_is_a_wait_for_the_end_user() {
        let now = at(1_800_000_000_000);
        let wait = Ended::WaitUntil {
            until: now + TimeDelta::hours(2),
        };
        for then in [
            NextAction::AnswerMfa,
            NextAction::UpdateCredentials,
            NextAction::AuthorizeOauth,
            NextAction::ResolveAtInstitution,
            NextAction::Aggregate,
        ] {
            assert_eq!(unattended_wait(wait, then), Ended::EndUser, "{then:?}");
        }
        for then in [
            NextAction::Poll { after_secs: 5 },
            NextAction::Wait { until: now },
            NextAction::ReadData { as_of: now },
            NextAction::ReadMember,
            NextAction::Stop,
        ] {
            assert_eq!(unattended_wait(wait, then), wait, "{then:?}");
        }
        // Only a wait is changed.
        for ended in [Ended::Synced { as_of: now }, Ended::Failed, Ended::Stopped] {
            assert_eq!(unattended_wait(ended, NextAction::AnswerMfa), ended);
        }
    }
}
