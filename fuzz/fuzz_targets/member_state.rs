//! Structure-aware: a sequence of observations folded into a member state, then decided.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: mx_aggregation_tooling::fuzzing::StateInput| {
    mx_aggregation_tooling::fuzzing::member_state(&input)
});
