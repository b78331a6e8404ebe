//! Property tests over is_oauth × end user × background flag × payload kind: what each
//! combination may and may not decide, whatever the status and timestamps.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::now;
use mx_aggregation::{
    ActionKind, ConnectionStatus as S, EndUser, ErrorCode, MemberSnapshot, NextAction, PayloadKind,
    Policy, Reason, decide, decide_with,
};
use proptest::prelude::*;

fn status() -> impl Strategy<Value = Option<S>> {
    proptest::option::weighted(0.95, proptest::sample::select(S::ALL.to_vec()))
}

fn instant() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    proptest::option::of((-60 * 24 * 3i64..60).prop_map(|m| now() + TimeDelta::minutes(m)))
}

fn error_code() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        3 => Just(None),
        2 => proptest::sample::select(ErrorCode::ALL.to_vec()).prop_map(|c| Some(c.code())),
        1 => any::<u32>().prop_map(Some),
    ]
}

prop_compose! {
    fn snapshot()(
        payload in proptest::sample::select(PayloadKind::ALL.to_vec()),
        connection_status in status(),
        is_oauth in any::<Option<bool>>(),
        background_aggregation_is_disabled in any::<Option<bool>>(),
        flags in any::<[bool; 3]>(),
        aggregated_at in instant(),
        successfully_aggregated_at in instant(),
        completed_at in instant(),
        error_code in error_code(),
    ) -> MemberSnapshot {
        MemberSnapshot {
            payload, connection_status, is_oauth, background_aggregation_is_disabled,
            is_being_aggregated: flags[0], needs_updated_credentials: flags[1],
            is_manual: flags[2] && connection_status.is_none(),
            aggregated_at, successfully_aggregated_at, completed_at, error_code,
            has_challenges: false,
        }
    }
}

fn end_user() -> impl Strategy<Value = EndUser> {
    prop_oneof![Just(EndUser::Present), Just(EndUser::Absent)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(4096)))]

    /// `decide` is `decide_with` with the end user present.
    #[test]
    fn decide_is_the_present_situation(m in snapshot()) {
        prop_assert_eq!(decide(&m, now(), &Policy::default()), decide_with(&m, now(), &Policy::default(), EndUser::Present));
    }

    /// An OAuth member never gets update_credentials; one known not to be OAuth never gets
    /// authorize_oauth; one whose is_oauth is unknown gets neither.
    #[test]
    fn credentials_follow_is_oauth(m in snapshot(), who in end_user()) {
        let d = decide_with(&m, now(), &Policy::default(), who);
        match m.is_oauth {
            Some(true) => prop_assert_ne!(d.action, NextAction::UpdateCredentials),
            Some(false) => prop_assert_ne!(d.action, NextAction::AuthorizeOauth),
            None => {
                prop_assert_ne!(d.action, NextAction::UpdateCredentials);
                prop_assert_ne!(d.action, NextAction::AuthorizeOauth);
            }
        }
    }

    /// Only member payloads lead to actions on the member; webhooks without a full member
    /// never stop, aggregate or ask anything of the end user.
    #[test]
    fn payload_kinds_decide_only_on_what_they_show(m in snapshot(), who in end_user()) {
        let d = decide_with(&m, now(), &Policy::default(), who);
        match m.payload {
            PayloadKind::Member => {}
            PayloadKind::ConnectionStatusWebhook => prop_assert_eq!(d.reason, Reason::StatusWebhook),
            PayloadKind::MemberReference => prop_assert_eq!(d.action, NextAction::ReadMember),
            PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => match m.completed_at {
                Some(as_of) => prop_assert_eq!(d.action, NextAction::ReadData { as_of }),
                None => prop_assert_eq!(d.action, NextAction::ReadMember),
            },
        }
        if m.payload != PayloadKind::Member {
            prop_assert!(!matches!(d.action.kind(), ActionKind::Stop | ActionKind::Aggregate | ActionKind::Wait));
            prop_assert!(!d.requires_end_user());
        }
    }

    /// With the end user absent, a member MX aggregates in the background is never
    /// aggregated by the caller: it waits for MX (flag on) or is read (flag unknown).
    #[test]
    fn absent_users_wait_for_background_aggregation(m in snapshot()) {
        let d = decide_with(&m, now(), &Policy::default(), EndUser::Absent);
        let background_status = matches!(m.connection_status, Some(S::Connected | S::Created | S::Updated));
        let mfa_code = m.error_code.is_some_and(|c| (2001..=2003).contains(&c));
        let latest = m.aggregated_at.into_iter().chain(m.successfully_aggregated_at).max();
        let on_record = latest.is_some_and(|t| now() - t < TimeDelta::hours(72));
        if m.payload == PayloadKind::Member && background_status && !mfa_code && on_record {
            match m.background_aggregation_is_disabled {
                Some(true) => {}
                Some(false) | None => prop_assert_ne!(d.action, NextAction::Aggregate),
            }
        }
        if d.reason == Reason::BackgroundAggregation {
            prop_assert_eq!(m.background_aggregation_is_disabled, Some(false));
            let NextAction::Wait { until } = d.action else { unreachable!() };
            prop_assert!(until > now());
            prop_assert!(until <= now() + TimeDelta::hours(27), "{until}");
        }
    }

    /// The end user's absence changes a decision only where MX can do the work itself or
    /// the payload must say more: every other decision is the same present or absent.
    #[test]
    fn absence_changes_only_aggregations(m in snapshot()) {
        let present = decide_with(&m, now(), &Policy::default(), EndUser::Present);
        let absent = decide_with(&m, now(), &Policy::default(), EndUser::Absent);
        if present != absent {
            prop_assert!(
                matches!(present.action.kind(), ActionKind::Aggregate | ActionKind::Wait),
                "{present:?} / {absent:?}"
            );
            prop_assert!(
                matches!(absent.reason, Reason::BackgroundAggregation | Reason::BackgroundUnknown | Reason::Cooldown),
                "{present:?} / {absent:?}"
            );
        }
    }

    /// A policy that assumes background aggregation answers for an unknown flag.
    #[test]
    fn the_policy_assumption_stands_in_for_an_unknown_flag(m in snapshot(), on in any::<bool>()) {
        let m = MemberSnapshot { background_aggregation_is_disabled: None, ..m };
        let assumed = Policy { assume_background_aggregation: Some(on), ..Policy::default() };
        let known = MemberSnapshot { background_aggregation_is_disabled: Some(!on), ..m };
        prop_assert_eq!(
            decide_with(&m, now(), &assumed, EndUser::Absent),
            decide_with(&known, now(), &Policy::default(), EndUser::Absent)
        );
    }
}
