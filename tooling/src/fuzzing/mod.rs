//! Fuzz bodies and the engine's invariants, for `fuzz/` and the tests; compiled with the
//! feature `fuzzing` only, so that packages using the tooling for something else (the
//! emulator, the command-line tool) build neither them nor `arbitrary`.
//!
//! The crate reads untrusted JSON from webhooks and exports, so every entry point is fuzzed.
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` are one-line shims around the functions
//! here, which ordinary stable builds compile: `cargo test` replays the committed corpus
//! (`fuzz/corpus/<target>/`) through them, and the property tests share
//! [`check_invariants`] as their oracle. Each body panics when an invariant breaks; that is
//! what a fuzzer reports.
//!
//! One file per target (`member_json`, `batch_lines`, `snapshot`, `payload`,
//! `member_state`), each importing only the oracle (`invariants`) and the inputs of the
//! targets it builds on.

mod batch_lines;
mod invariants;
mod member_json;
mod member_state;
mod payload;
mod snapshot;

pub use batch_lines::batch_lines;
pub use invariants::{
    InvariantViolation, assert_timestamp_reads_as_chrono, assert_timestamps_writable,
    check_invariants, chrono_reading, plain_and_serde,
};
pub use member_json::member_json;
pub use member_state::{ObservationInput, StateInput, member_state, member_state_bytes};
pub use payload::{PayloadInput, payload, payload_bytes};
pub use snapshot::{SnapshotInput, snapshot, snapshot_bytes};
