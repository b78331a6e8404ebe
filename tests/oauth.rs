//! OAuth members: PENDING waits for the end user's authorization, and every rule that would
//! ask for typed credentials asks for a new OAuth window instead. A non-OAuth PENDING member
//! is sent to credential entry, as MX's widget does.

mod common;

use common::{member, now};
use mx_aggregation::{ConnectionStatus as S, MemberSnapshot, NextAction, Policy, Reason, decide};

fn oauth(status: S, is_oauth: Option<bool>) -> MemberSnapshot {
    MemberSnapshot {
        is_oauth,
        ..member(status)
    }
}

#[test]
fn pending_follows_is_oauth() {
    for (is_oauth, expected) in [
        (
            Some(true),
            (NextAction::AuthorizeOauth, Reason::OauthPending),
        ),
        (
            Some(false),
            (NextAction::UpdateCredentials, Reason::PendingCredentials),
        ),
        (None, (NextAction::ReadMember, Reason::OauthUnknown)),
    ] {
        let d = decide(&oauth(S::Pending, is_oauth), now(), &Policy::default());
        assert_eq!((d.action, d.reason), expected, "{is_oauth:?}");
    }
    // A job running on a PENDING member is polled, as on any status.
    let running = MemberSnapshot {
        is_being_aggregated: true,
        ..oauth(S::Pending, Some(true))
    };
    assert!(matches!(
        decide(&running, now(), &Policy::default()).action,
        NextAction::Poll { .. }
    ));
}

#[test]
fn oauth_members_never_get_update_credentials() {
    for status in [S::Prevented, S::Denied, S::Impaired, S::Imported] {
        let d = decide(&oauth(status, Some(true)), now(), &Policy::default());
        assert_eq!(
            (d.action, d.reason),
            (NextAction::AuthorizeOauth, Reason::OauthReauthorization)
        );
        assert!(d.requires_end_user());
    }
    for status in S::ALL
        .into_iter()
        .filter(|s| !s.is_terminal() && *s != S::Challenged)
    {
        let m = MemberSnapshot {
            needs_updated_credentials: true,
            ..oauth(status, Some(true))
        };
        let d = decide(&m, now(), &Policy::default());
        assert_eq!(d.action, NextAction::AuthorizeOauth, "{status}");
    }
}

#[test]
fn a_status_read_without_is_oauth_is_read_in_full_before_asking_for_credentials() {
    for status in [
        S::Prevented,
        S::Denied,
        S::Impaired,
        S::Imported,
        S::Pending,
    ] {
        let d = decide(&oauth(status, None), now(), &Policy::default());
        assert_eq!(
            (d.action, d.reason),
            (NextAction::ReadMember, Reason::OauthUnknown)
        );
        assert!(!d.requires_end_user());
    }
}
