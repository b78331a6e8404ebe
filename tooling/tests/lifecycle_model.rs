//! The lifecycle model is whole, consistent with itself, and consistent with the engine:
//! every event the engine's actions cause has its edge, and every service edge is one the
//! engine takes.

use std::collections::{BTreeSet, HashSet};

use mx_aggregation::{ActionKind, ConnectionStatus, MemberSnapshot, Policy, decide};
use mx_aggregation_tooling::lifecycle::{self, Basis, Cause, LifecycleEvent, Node, TRANSITIONS};
use mx_aggregation_tooling::matrix;

/// Every member the decision matrix covers, with every flag combination, OAuth or not.
fn members() -> Vec<MemberSnapshot> {
    let now = matrix::reference_now();
    let mut out = Vec::new();
    for status in matrix::statuses_and_null() {
        for bucket in matrix::TimeBucket::ALL {
            for bits in 0..8u8 {
                out.push(MemberSnapshot {
                    needs_updated_credentials: bits & 2 != 0,
                    is_oauth: Some(bits & 4 != 0),
                    ..bucket.snapshot(status, bits & 1 != 0, now)
                });
            }
        }
    }
    out
}

fn events_caused_at(member: &MemberSnapshot) -> Option<LifecycleEvent> {
    lifecycle::caused_by(
        decide(member, matrix::reference_now(), &Policy::default())
            .action
            .kind(),
    )
}

#[test]
fn every_event_the_engine_causes_has_an_edge_from_where_the_member_is() {
    for member in members() {
        let node = Node::of(member.connection_status, member.is_being_aggregated);
        if let Some(event) = events_caused_at(&member) {
            assert!(
                lifecycle::targets(node, event).next().is_some(),
                "{event} from {node}: no edge ({member:?})"
            );
        }
    }
}

#[test]
fn every_service_edge_is_one_the_engine_takes() {
    let members = members();
    for edge in TRANSITIONS
        .iter()
        .filter(|t| t.event.cause() == Cause::Service && t.from != Node::Start)
    {
        let taken = members.iter().any(|member| {
            let node = Node::of(member.connection_status, member.is_being_aggregated);
            edge.leaves(node) && events_caused_at(member) == Some(edge.event)
        });
        assert!(
            taken,
            "the engine never takes {} from {}",
            edge.event, edge.from
        );
    }
}

#[test]
fn the_actions_that_cause_an_event_are_those_that_need_the_end_user() {
    for kind in ActionKind::ALL {
        assert_eq!(
            lifecycle::caused_by(kind).is_some(),
            kind.requires_end_user(),
            "{kind}"
        );
        if let Some(event) = lifecycle::caused_by(kind) {
            assert_eq!(event.cause(), Cause::Service, "{kind}");
            assert_eq!(
                event.as_str(),
                kind.as_str(),
                "labels follow the action names"
            );
        }
    }
}

#[test]
fn terminal_statuses_and_null_have_no_outgoing_edge() {
    for status in ConnectionStatus::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
    {
        let out: Vec<_> = lifecycle::leaving(Node::Status(status)).collect();
        assert!(out.is_empty(), "{status}: {out:?}");
    }
    assert_eq!(lifecycle::leaving(Node::NoCredentials).count(), 0);
}

#[test]
fn every_status_is_reachable_from_creation() {
    let mut reached: BTreeSet<Node> = BTreeSet::from([Node::Start]);
    loop {
        let before = reached.len();
        let next: Vec<Node> = TRANSITIONS
            .iter()
            .filter(|t| reached.iter().any(|&n| t.leaves(n)))
            .map(|t| t.to)
            .collect();
        reached.extend(next);
        if reached.len() == before {
            break;
        }
    }
    for status in ConnectionStatus::ALL {
        assert!(
            reached.contains(&Node::Status(status)),
            "{status} unreachable"
        );
    }
    assert!(reached.contains(&Node::Aggregating));
}

#[test]
fn job_events_happen_during_a_job_and_say_whether_it_goes_on() {
    let shown_during_a_job = |node: Node| {
        matches!(
            node,
            Node::Status(
                ConnectionStatus::Challenged
                    | ConnectionStatus::Resumed
                    | ConnectionStatus::Delayed
            )
        )
    };
    for edge in TRANSITIONS {
        // A job runs after the edge exactly when it leads to the running job or to a status
        // MX shows during one.
        assert_eq!(
            edge.event.job_runs_after(),
            edge.to == Node::Aggregating || shown_during_a_job(edge.to),
            "{} -> {} on {}",
            edge.from,
            edge.to,
            edge.event
        );
        // MX's job events start where a job runs; nothing starts a job from inside one.
        match edge.event.cause() {
            Cause::Job => assert!(
                edge.from == Node::Aggregating || shown_during_a_job(edge.from),
                "{} from {}",
                edge.event,
                edge.from
            ),
            Cause::Service | Cause::Mx => {
                assert_ne!(edge.from, Node::Aggregating, "{}", edge.event)
            }
        }
        // Node::of agrees with where the edge leaves the member.
        if let Node::Status(status) = edge.to {
            assert_eq!(
                Node::of(Some(status), edge.event.job_runs_after()),
                edge.to,
                "{} -> {}",
                edge.event,
                status
            );
        }
    }
}

#[test]
fn every_event_labels_an_edge_and_no_edge_is_listed_twice() {
    let used: HashSet<LifecycleEvent> = TRANSITIONS.iter().map(|t| t.event).collect();
    for event in LifecycleEvent::ALL {
        assert!(used.contains(&event), "{event} labels no edge");
    }
    let mut seen = HashSet::new();
    for edge in TRANSITIONS {
        assert!(
            seen.insert((edge.from, edge.event, edge.to)),
            "{edge:?} twice"
        );
    }
}

#[test]
fn every_edge_cites_its_source() {
    // The keys of mx-api-facts.md §0 (and the seed); an inference must say what it rests on.
    let keys = [
        "seed", "NEXUS", "CW", "Atrium", "ACAD", "SPEC25", "MFA docs", "AT-", "DEMO", "engine's",
        "CREATE", "BG",
    ];
    for edge in TRANSITIONS {
        assert!(
            keys.iter().any(|key| edge.source.contains(key)),
            "{} -> {}: {:?} cites no known source",
            edge.from,
            edge.to,
            edge.source
        );
        if edge.basis == Basis::Verified {
            assert!(
                ["seed", "NEXUS", "MFA docs", "AT-", "SPEC25", "CREATE", "BG"]
                    .iter()
                    .any(|key| edge.source.contains(key)),
                "{} -> {} is marked verified without an MX document",
                edge.from,
                edge.to
            );
        }
    }
}

#[test]
fn nodes_map_from_what_mx_reports() {
    use ConnectionStatus as S;
    assert_eq!(Node::of(None, true), Node::NoCredentials);
    assert_eq!(Node::of(Some(S::Connected), true), Node::Aggregating);
    assert_eq!(
        Node::of(Some(S::Connected), false),
        Node::Status(S::Connected)
    );
    assert_eq!(
        Node::of(Some(S::Challenged), true),
        Node::Status(S::Challenged)
    );
    assert_eq!(Node::of(Some(S::Closed), true), Node::Status(S::Closed));
    assert!(Node::AnyLive.covers(Node::Status(S::Failed)));
    assert!(!Node::AnyLive.covers(Node::Status(S::Closed)));
    assert!(!Node::AnyLive.covers(Node::Aggregating));
    for node in Node::all() {
        assert!(!node.diagram_id().contains(' '), "{node}");
    }
}
