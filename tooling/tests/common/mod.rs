//! Helpers shared by the tooling's integration tests.
#![allow(dead_code, unreachable_pub)]

/// The number of proptest cases: `PROPTEST_CASES` when set (CI raises it), else `default`.
/// An explicit `ProptestConfig::with_cases` would otherwise ignore the variable.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
