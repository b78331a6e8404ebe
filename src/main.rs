//! The `mx-aggregation` command-line tool.
fn main() {}
