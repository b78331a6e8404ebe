//! Structure-aware: an MX-shaped payload (member, envelope, webhook, or not a member)
//! through the recogniser, the snapshot and the engine.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: mx_aggregation_tooling::fuzzing::PayloadInput| {
    mx_aggregation_tooling::fuzzing::payload(&input)
});
