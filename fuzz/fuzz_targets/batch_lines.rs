//! Arbitrary bytes as JSON Lines, through the code path of `mx-aggregation batch`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mx_aggregation_tooling::fuzzing::batch_lines(data));
