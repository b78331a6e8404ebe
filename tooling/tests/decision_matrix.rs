//! The whole decision matrix, snapshotted: every status (and null) × member flags (idle,
//! being aggregated, needs updated credentials) × time bucket under the default policy. A change of behaviour is a reviewed diff of
//! `tests/snapshots/decision_matrix__default_policy.snap`.

use mx_aggregation::{Policy, Reason};
use mx_aggregation_tooling::matrix::{render_markdown, render_payloads_and_codes};

#[test]
fn default_policy() {
    insta::assert_snapshot!(render_markdown(&Policy::default()));
}

#[test]
fn payloads_and_error_codes() {
    insta::assert_snapshot!(render_payloads_and_codes(&Policy::default()));
}

#[test]
fn every_rule_but_the_overflow_guard_appears_in_the_tables() {
    let table =
        render_markdown(&Policy::default()) + &render_payloads_and_codes(&Policy::default());
    for reason in Reason::ALL {
        let shown = table.contains(&format!("({})", reason.code()));
        // time_out_of_range needs timestamps near chrono's limits; the property tests reach it.
        assert_eq!(shown, reason != Reason::TimeOutOfRange, "{reason}");
    }
}
