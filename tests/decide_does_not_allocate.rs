//! `decide` never touches the heap: a counting global allocator sees no allocation across
//! every status, flag, `is_oauth`, background flag, error code, payload kind, time bucket
//! and end user. In its own test binary so the allocator is scoped.

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{EndUser, ErrorCode, MemberSnapshot, PayloadKind, Policy, decide_with};
use mx_aggregation_tooling::matrix::{TimeBucket, reference_now, statuses_and_null};

use counting_alloc::allocations;

#[test]
fn decide_makes_no_heap_allocation() {
    let now = reference_now();
    let mut members: Vec<MemberSnapshot> = Vec::new();
    for status in statuses_and_null() {
        for bucket in TimeBucket::ALL {
            for bits in 0..32u8 {
                let mut m = bucket.snapshot(status, bits & 1 != 0, now);
                m.needs_updated_credentials = bits & 2 != 0;
                m.is_oauth = [None, Some(false), Some(true)][usize::from(bits >> 2) % 3];
                m.background_aggregation_is_disabled = [None, Some(true)][usize::from(bits >> 4)];
                m.error_code =
                    (bits & 8 != 0).then(|| ErrorCode::ALL[usize::from(bits) % 11].code());
                members.push(m);
            }
        }
    }
    for payload in PayloadKind::ALL {
        members.push(MemberSnapshot {
            payload,
            completed_at: Some(now),
            ..MemberSnapshot::default()
        });
    }
    // Extremes too: the cooldown end overflowing chrono's range must not allocate either.
    members.push(MemberSnapshot {
        connection_status: Some(mx_aggregation::ConnectionStatus::Failed),
        successfully_aggregated_at: Some(DateTime::<Utc>::MAX_UTC),
        ..MemberSnapshot::default()
    });
    let policies = [
        Policy::default(),
        Policy {
            poll_backoff_divisor: 0,
            ..Policy::default()
        },
    ];
    let instants = [
        now,
        now + TimeDelta::days(3),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
    ];

    let before = allocations();
    let mut checksum = 0u64;
    for _ in 0..5 {
        for policy in &policies {
            for &instant in &instants {
                for member in &members {
                    for end_user in [EndUser::Present, EndUser::Absent] {
                        let decision =
                            std::hint::black_box(decide_with(member, instant, policy, end_user));
                        checksum = checksum.wrapping_add(decision.reason as u64);
                    }
                }
            }
        }
    }
    let after = allocations();

    assert_eq!(
        after - before,
        0,
        "decide allocated {} times",
        after - before
    );
    let calls = 5 * policies.len() * instants.len() * members.len() * 2;
    assert!(calls > 50_000, "only {calls} calls");
    assert_ne!(checksum, 0);
}

#[test]
fn the_counter_does_count() {
    // Guards the test above against a counter that never moves.
    let before = allocations();
    let v = std::hint::black_box(vec![1u8; 64]);
    assert!(allocations() > before);
    drop(v);
}
