//! The error codes of MX's Connect widget change the action where the widget does: 2004,
//! 2005 and 1002 ask for credentials (the OAuth window for OAuth members), 2001–2003 are
//! an MFA failure, 3000–3002 wait instead of aggregating now; the others change nothing.

mod common;

use common::{hours_ago, minutes_ago, now};
use mx_aggregation::{
    ConnectionStatus as S, EndUser, ErrorCode, ErrorEffect, MemberSnapshot, NextAction, Policy,
    Reason, decide, decide_with,
};

fn with_code(status: S, code: u32, is_oauth: Option<bool>) -> MemberSnapshot {
    MemberSnapshot {
        connection_status: Some(status),
        aggregated_at: Some(minutes_ago(30)),
        successfully_aggregated_at: Some(hours_ago(48)),
        is_oauth,
        background_aggregation_is_disabled: Some(false),
        error_code: Some(code),
        ..MemberSnapshot::default()
    }
}

#[test]
fn the_table_is_the_widgets() {
    let codes: Vec<u32> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(
        codes,
        [
            1000, 1001, 1002, 2001, 2002, 2003, 2004, 2005, 3000, 3001, 3002
        ]
    );
    assert_eq!(ErrorCode::from_code(2000), None);
    assert_eq!(ErrorCode::InstitutionDown.name(), "INSTITUTION_DOWN");
}

#[test]
fn credential_codes_ask_for_credentials_or_the_oauth_window() {
    for code in [1002, 2004, 2005] {
        assert_eq!(
            ErrorCode::from_code(code).map(ErrorCode::effect),
            Some(ErrorEffect::Credentials)
        );
        for status in [S::Connected, S::Failed, S::Degraded] {
            let d = decide(
                &with_code(status, code, Some(false)),
                now(),
                &Policy::default(),
            );
            assert_eq!(
                (d.action, d.reason),
                (NextAction::UpdateCredentials, Reason::CredentialsError)
            );
            let d = decide(
                &with_code(status, code, Some(true)),
                now(),
                &Policy::default(),
            );
            assert_eq!(
                (d.action, d.reason),
                (NextAction::AuthorizeOauth, Reason::OauthReauthorization)
            );
            let d = decide(&with_code(status, code, None), now(), &Policy::default());
            assert_eq!(
                (d.action, d.reason),
                (NextAction::ReadMember, Reason::OauthUnknown)
            );
        }
    }
}

#[test]
fn institution_codes_wait_out_the_window_after_the_job_that_met_them() {
    for code in [3000, 3001, 3002] {
        for status in [S::Failed, S::Connected, S::Degraded] {
            let m = with_code(status, code, Some(false));
            for who in [EndUser::Present, EndUser::Absent] {
                let d = decide_with(&m, now(), &Policy::default(), who);
                let until = (now() + chrono::TimeDelta::minutes(150)).with_timezone(&chrono::Utc);
                assert_eq!(
                    (d.action, d.reason),
                    (NextAction::Wait { until }, Reason::InstitutionUnavailable),
                    "{status} {code} {who}"
                );
            }
            // Once the window is over, the status decides again.
            let later = MemberSnapshot {
                aggregated_at: Some(hours_ago(4)),
                ..m
            };
            let d = decide(&later, now(), &Policy::default());
            assert_eq!(d.action, NextAction::Aggregate, "{status} {code}");
        }
    }
}

#[test]
fn mfa_codes_never_wait_for_a_background_aggregation() {
    for code in [2001, 2002, 2003] {
        let m = MemberSnapshot {
            aggregated_at: Some(hours_ago(5)),
            ..with_code(S::Connected, code, Some(false))
        };
        for who in [EndUser::Present, EndUser::Absent] {
            let d = decide_with(&m, now(), &Policy::default(), who);
            assert_eq!(
                (d.action, d.reason),
                (NextAction::Aggregate, Reason::MfaFailed),
                "{code} {who}"
            );
        }
        // While CHALLENGED, the challenge is answered as always.
        let d = decide(
            &with_code(S::Challenged, code, None),
            now(),
            &Policy::default(),
        );
        assert_eq!(d.action, NextAction::AnswerMfa);
    }
}

#[test]
fn other_codes_change_nothing() {
    for code in [1000, 1001, 9999, 0] {
        for status in S::ALL {
            let m = with_code(status, code, Some(false));
            let without = MemberSnapshot {
                error_code: None,
                ..m
            };
            for who in [EndUser::Present, EndUser::Absent] {
                assert_eq!(
                    decide_with(&m, now(), &Policy::default(), who),
                    decide_with(&without, now(), &Policy::default(), who),
                    "{status} {code}"
                );
            }
        }
    }
}
