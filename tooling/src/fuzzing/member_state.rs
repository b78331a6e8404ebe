//! Target `member_state`: arbitrary observation sequences folded into a
//! [`MemberState`](mx_aggregation::MemberState), with the state's invariants as oracles.

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};

use mx_aggregation::{
    AggregationWindow, Answer, Applied, Call, EndUser, MemberSnapshot, MemberState, NextAction,
    Observation, PayloadKind, Policy, earliest_aggregation,
};

use super::invariants::assert_timestamps_writable;
use super::snapshot::SnapshotInput;

/// One observation of the sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationInput {
    /// The payload (any kind, any field values, times anywhere chrono reaches).
    pub snapshot: MemberSnapshot,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// For an answer to a call: the call, the HTTP status and whether the payload is its
    /// body.
    pub answer: Option<(Call, u16, bool)>,
}

/// One input of the `member_state` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateInput {
    /// The observations, in arrival order (at most 16).
    pub observations: Vec<ObservationInput>,
    /// When to decide.
    pub now: DateTime<Utc>,
    /// Whether the end user is there.
    pub end_user: EndUser,
}

impl<'a> Arbitrary<'a> for StateInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u.int_in_range(0..=16)?;
        let mut observations = Vec::with_capacity(count);
        let mut now = None;
        let mut end_user = EndUser::Present;
        for _ in 0..count {
            let SnapshotInput {
                member,
                now: at,
                end_user: who,
                ..
            } = SnapshotInput::arbitrary(u)?;
            let answer = if u.ratio(1, 4)? {
                Some((
                    *u.choose(&Call::ALL)?,
                    u.int_in_range(100..=599)?,
                    u.arbitrary()?,
                ))
            } else {
                None
            };
            now = now.or(Some(at));
            end_user = who;
            observations.push(ObservationInput {
                snapshot: member,
                received_at: at,
                answer,
            });
        }
        let now = now.unwrap_or_else(crate::matrix::reference_now);
        Ok(Self {
            observations,
            now,
            end_user,
        })
    }
}

impl ObservationInput {
    /// The body an answer carries: the payload as MX would write it, or nothing.
    fn body(&self) -> String {
        match self.answer {
            Some((_, _, true)) => serde_json::to_string(&self.snapshot).unwrap_or_default(),
            Some((_, _, false)) | None => String::new(),
        }
    }

    /// The observation, named `MBR-1`.
    fn observation<'b>(&self, body: &'b str, policy: &Policy) -> Option<Observation<'b>> {
        let observation = match self.answer {
            None => Observation::from_snapshot(self.snapshot),
            Some((call, status, _)) => {
                let answer = Answer::Response {
                    status,
                    body,
                    retry_after: None,
                };
                let outcome = call.classify(&answer, 1, self.received_at, policy);
                Observation::from_answer(call, &answer, outcome).ok()?
            }
        };
        Some(observation.with_guid("MBR-1"))
    }
}

/// Folds the observations in `order`.
fn fold<'o>(
    inputs: impl Iterator<Item = &'o ObservationInput>,
    policy: &Policy,
) -> (MemberState, Vec<(MemberSnapshot, DateTime<Utc>)>) {
    let mut state = MemberState::default();
    let mut members = Vec::new();
    for input in inputs {
        let body = input.body();
        let Some(observation) = input.observation(&body, policy) else {
            continue;
        };
        let applied = state.apply(&observation, input.received_at);
        if applied != Applied::OutOfRange
            && let Some(snapshot) = observation.snapshot()
            && snapshot.payload == PayloadKind::Member
        {
            members.push((*snapshot, input.received_at));
        }
    }
    (state, members)
}

/// Target `member_state`.
///
/// Oracles: apply and decide never panic; folding the last observation again changes
/// nothing; the reversed sequence folds to the same state (webhook copies included, however
/// far apart); the state is never behind any member payload it accepted; its decision names
/// a reason of its action, writes only RFC 3339 timestamps, and is never `aggregate` inside
/// the window of a member payload it folded; the state survives a JSON round trip.
pub fn member_state(input: &StateInput) {
    let policy = Policy::default();
    let (state, members) = fold(input.observations.iter(), &policy);

    if let Some(last) = input.observations.last() {
        let body = last.body();
        if let Some(observation) = last.observation(&body, &policy) {
            let mut again = state.clone();
            let _ = again.apply(&observation, last.received_at);
            assert_eq!(again, state, "folding {last:?} again changed the state");
        }
    }
    let (reversed, _) = fold(input.observations.iter().rev(), &policy);
    assert_eq!(reversed, state, "the fold depends on the order");

    if let Some(known) = state.snapshot() {
        for (member, _) in &members {
            assert!(
                known.aggregated_at >= member.aggregated_at,
                "behind {member:?}"
            );
            assert!(
                known.successfully_aggregated_at >= member.successfully_aggregated_at,
                "behind {member:?}"
            );
        }
    }

    let decision = state.decide(input.now, &policy, input.end_user);
    assert_eq!(
        decision.reason.action(),
        decision.action.kind(),
        "{decision:?}"
    );
    let json = serde_json::to_string(&decision).expect("a decision serializes");
    assert_timestamps_writable(json.as_bytes());
    if decision.action == NextAction::Aggregate {
        for (member, _) in &members {
            if let AggregationWindow::OpensAt(opens) = earliest_aggregation(member, &policy) {
                assert!(
                    opens <= input.now,
                    "aggregate inside the window of {member:?}"
                );
            }
        }
    }

    let stored = serde_json::to_string(&state).expect("a state serializes");
    let back: MemberState =
        serde_json::from_str(&stored).unwrap_or_else(|e| panic!("cannot re-read {stored}: {e}"));
    assert_eq!(back, state, "state round trip through {stored}");
}

/// [`member_state`] on raw fuzzer bytes, decoded with `arbitrary`.
pub fn member_state_bytes(data: &[u8]) {
    if let Ok(input) = StateInput::arbitrary_take_rest(Unstructured::new(data)) {
        member_state(&input);
    }
}
