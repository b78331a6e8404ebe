//! The status table: MX's 22 statuses in id order, their strings and ids, and the
//! classification the engine and the docs read from it.

use std::collections::HashSet;
use std::fmt::Write as _;

use mx_aggregation::{ConnectionStatus, SeedList, StatusGroup, UnknownStatus};

#[test]
fn all_lists_the_22_statuses_in_mx_id_order() {
    assert_eq!(ConnectionStatus::ALL.len(), 22);
    assert_eq!(ConnectionStatus::COUNT, 22);
    for (index, status) in ConnectionStatus::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(status.id()), index, "{status}");
    }
    assert_eq!(ConnectionStatus::ALL[0], ConnectionStatus::Created);
    assert_eq!(ConnectionStatus::ALL[20], ConnectionStatus::Impaired);
    assert_eq!(ConnectionStatus::ALL[21], ConnectionStatus::Pending);
}

#[test]
fn strings_and_ids_round_trip() {
    let mut names = HashSet::new();
    for status in ConnectionStatus::ALL {
        let name = status.to_string();
        assert!(names.insert(name.clone()), "duplicate {name}");
        assert_eq!(name, name.to_ascii_uppercase());
        assert_eq!(name.parse::<ConnectionStatus>(), Ok(status));
        assert_eq!(ConnectionStatus::from_id(status.id()), Some(status));
        assert_eq!(
            ConnectionStatus::try_from(i64::from(status.id())),
            Ok(status)
        );
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(
            serde_json::from_str::<ConnectionStatus>(&json).unwrap(),
            status
        );
    }
    assert_eq!(ConnectionStatus::from_id(22), None);
    assert_eq!(ConnectionStatus::try_from(300), Err(UnknownStatus::Id(300)));
}

#[test]
fn an_unknown_string_is_an_error_that_names_it() {
    let err = "TELEPORTED".parse::<ConnectionStatus>().unwrap_err();
    assert_eq!(err.to_string(), r#"unknown connection_status "TELEPORTED""#);
    let err = serde_json::from_str::<ConnectionStatus>(r#""Connected""#).unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"unknown connection_status "Connected""#),
        "{err}"
    );
}

#[test]
fn the_seed_lists_agree_with_the_engine_groups() {
    for status in ConnectionStatus::ALL {
        let lists = status.seed_lists();
        // Seed "should not attempt aggregation" is exactly the terminal group.
        assert_eq!(
            lists.contains(&SeedList::DoNotAggregate),
            status.group() == StatusGroup::Terminal,
            "{status}"
        );
        // Seed "must update credentials" is exactly the credentials group.
        assert_eq!(
            lists.contains(&SeedList::UpdateCredentials),
            status.group() == StatusGroup::NeedsCredentials,
            "{status}"
        );
    }
}

#[test]
fn the_double_listed_statuses_are_rejected_expired_and_impeded() {
    let double: Vec<_> = ConnectionStatus::ALL
        .into_iter()
        .filter(|s| s.is_double_listed())
        .collect();
    assert_eq!(
        double,
        [
            ConnectionStatus::Rejected,
            ConnectionStatus::Impeded,
            ConnectionStatus::Expired
        ]
    );
}

#[test]
fn every_group_has_a_status() {
    for group in StatusGroup::ALL {
        assert!(
            ConnectionStatus::ALL.iter().any(|s| s.group() == group),
            "{group}"
        );
    }
}

/// The table itself, as the docs show it: a reviewed diff whenever a row changes.
#[test]
fn table() {
    let mut out = String::new();
    for s in ConnectionStatus::ALL {
        let lists: Vec<_> = s.seed_lists().iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "{:>2} {:<13} {:<18} terminal={:<5} actionable={:<5} seed=[{}] source={}\n   {}",
            s.id(),
            s.as_str(),
            s.group().as_str(),
            s.is_terminal(),
            s.is_end_user_actionable(),
            lists.join(", "),
            s.source(),
            s.meaning(),
        );
    }
    insta::assert_snapshot!(out);
}

/// Rule summaries name statuses in prose; each must name exactly the statuses of its group,
/// so the prose cannot drift from the table.
#[test]
fn rule_summaries_name_exactly_their_groups_statuses() {
    use mx_aggregation::Reason;
    let named = |text: &str| -> Vec<ConnectionStatus> {
        let mut found: Vec<_> = text
            .split(|c: char| !c.is_ascii_uppercase())
            .filter_map(ConnectionStatus::from_mx_str)
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let members = |groups: &[StatusGroup]| -> Vec<ConnectionStatus> {
        ConnectionStatus::ALL
            .into_iter()
            .filter(|s| groups.contains(&s.group()))
            .collect()
    };
    let cases = [
        (Reason::TerminalStatus, members(&[StatusGroup::Terminal])),
        (Reason::MfaChallenge, members(&[StatusGroup::Challenged])),
        (
            Reason::CredentialsRequired,
            members(&[StatusGroup::NeedsCredentials]),
        ),
        (
            Reason::InstitutionActionRequired,
            members(&[StatusGroup::NeedsInstitution]),
        ),
        (Reason::FreshData, members(&[StatusGroup::Connected])),
        (Reason::StaleData, members(&[StatusGroup::Connected])),
        (Reason::AggregationFailed, members(&[StatusGroup::Failed])),
        (Reason::MfaFailed, members(&[StatusGroup::MfaFailed])),
        (
            Reason::ForegroundRequired,
            members(&[StatusGroup::Reconnected]),
        ),
        (
            Reason::AggregationStarting,
            members(&[StatusGroup::Transient]),
        ),
        (Reason::AggregationDelayed, members(&[StatusGroup::Delayed])),
        (Reason::AggregationStalled, members(&[StatusGroup::Delayed])),
    ];
    for (reason, expected) in cases {
        assert_eq!(
            named(reason.summary()),
            expected,
            "{reason}: {}",
            reason.summary()
        );
    }
}
