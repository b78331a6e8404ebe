//! Structure-aware: a member, a time and a policy, decided and checked against the invariants.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: mx_aggregation_tooling::fuzzing::SnapshotInput| {
    mx_aggregation_tooling::fuzzing::snapshot(&input)
});
