//! `MemberState::apply` touches the heap only to store a new string (the first guid, a
//! re-link, a new callback payload); statuses, timestamps and flags are plain values. In its
//! own test binary so the counting allocator is scoped.

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;
#[path = "common/observations.rs"]
mod observations;

use counting_alloc::allocations;

use mx_aggregation::{EndUser, MemberState, Policy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn apply_and_decide_make_no_heap_allocation_once_the_guid_is_known() {
    let mut runner = TestRunner::deterministic();
    let strategy = proptest::collection::vec(observations::line(), 1..40);
    for _ in 0..50 {
        let lines = strategy.new_tree(&mut runner).unwrap().current();
        let observations: Vec<_> = lines
            .iter()
            .map(|l| (l.observation(), l.received_at))
            .collect();
        let mut state = MemberState::default();
        // The first observation stores the guid: that one may allocate.
        let _ = state.apply(&observations[0].0, observations[0].1);
        let before = allocations();
        for (observation, received_at) in &observations {
            let _ = state.apply(observation, *received_at);
            let _ = state.decide(*received_at, &Policy::default(), EndUser::Absent);
        }
        assert_eq!(allocations() - before, 0, "{lines:?}");
    }
}

#[test]
fn the_counter_counts() {
    let before = allocations();
    let mut state = MemberState::default();
    let json = r#"{"guid": "MBR-1", "connection_status": "CONNECTED"}"#;
    let _ = state.apply(
        &mx_aggregation::Observation::from_json(json).unwrap(),
        common::now(),
    );
    assert!(allocations() > before, "storing the first guid allocates");
}
