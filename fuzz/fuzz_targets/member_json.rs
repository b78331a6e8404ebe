//! Arbitrary bytes as an MX member payload: parse, snapshot, decide.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mx_aggregation_tooling::fuzzing::member_json(data));
