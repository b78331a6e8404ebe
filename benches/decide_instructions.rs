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
    let Some((_, name, now, end_user)) = common::DECIDE_PAYLOADS.iter().find(|p| p.0 == label)
    else {
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
