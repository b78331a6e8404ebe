//! Instructions per call of `decide_with` and of the parse it follows, for callgrind:
//! unlike time on a shared machine, instruction counts do not move between runs.
//!
//! `decide_instructions PAYLOAD decide|parse N` calls one of them N times through an
//! `#[inline(never)]` wrapper; callgrind counts inside the wrapper only, and the count over
//! N is the cost per call (docs/PERFORMANCE.md gives the loop over the payloads):
//!
//! ```sh
//! cargo bench --bench decide_instructions --no-run   # prints the executable's path
//! valgrind --tool=callgrind --toggle-collect='decide_instructions::run_decide' \
//!     EXECUTABLE member_status_connected decide 2000
//! ```
//!
//! Run by `cargo bench` without those arguments, it does nothing.

mod common;

use std::hint::black_box;

use chrono::{DateTime, Utc};
use mx_aggregation::{
    Decision, EndUser, MemberJson, MemberSnapshot, Policy, decide_with, parse_mx_timestamp,
};

/// The payloads and `now`s of `benches/decide.rs`.
const PAYLOADS: [(&str, &str, &str, EndUser); 9] = [
    ("member", "member", "2016-10-13T19:00:00Z", EndUser::Present),
    (
        "member_absent",
        "member",
        "2016-10-15T12:00:00Z",
        EndUser::Absent,
    ),
    (
        "member_status_challenged",
        "member_status_challenged",
        "2020-09-21T19:50:00Z",
        EndUser::Present,
    ),
    (
        "member_status_connected",
        "member_status_connected",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
    (
        "member_webhook",
        "member_webhook",
        "2018-07-18T20:00:00Z",
        EndUser::Present,
    ),
    (
        "connection_status_webhook",
        "connection_status_webhook",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
    (
        "aggregation_webhook",
        "aggregation_webhook",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
    (
        "member_error_object",
        "member_error_object",
        "2025-02-13T19:00:00Z",
        EndUser::Present,
    ),
    (
        "member_error_string",
        "member_error_string",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
];

#[inline(never)]
fn run_decide(
    member: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
) -> Decision {
    decide_with(member, now, policy, end_user)
}

#[inline(never)]
fn run_parse(line: &str) -> MemberSnapshot {
    MemberJson::parse(line)
        .and_then(|m| m.snapshot())
        .expect("example decides")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [label, what, n] = args.as_slice() else {
        return;
    };
    let Some((_, name, now, end_user)) = PAYLOADS.iter().find(|p| p.0 == label) else {
        eprintln!("unknown payload {label}");
        std::process::exit(2);
    };
    let n: u32 = n.parse().expect("N is a count");
    let line = common::line(name);
    let now = parse_mx_timestamp(now).expect("valid now");
    let policy = Policy::default();
    let snapshot = run_parse(&line);
    for _ in 0..n {
        if what == "decide" {
            let _decision = black_box(run_decide(
                black_box(&snapshot),
                black_box(now),
                black_box(&policy),
                black_box(*end_user),
            ));
        } else {
            black_box(run_parse(black_box(&line)));
        }
    }
}
