//! `MemberState::apply` + `MemberState::decide` against parsing the observation they fold.
//!
//! For each payload (MX's examples under `examples/`, folded to one line): `parse` is
//! `Observation::from_json(line)`, everything between the JSON text and an observation;
//! `apply` folds it into a state that already knows the member (a steady-state service:
//! the guid is stored, the state holds a read and a webhook); `decide` is
//! `state.decide(now, &policy, EndUser::Present)`. After criterion's report, a table gives
//! ns per call and (apply + decide) / parse.
//!
//! `cargo bench --bench member_state`; docs/PERFORMANCE.md records the figures.

mod common;

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion};
use mx_aggregation::{EndUser, MemberState, Observation, Policy, parse_mx_timestamp};

/// Each payload, and the `now` it is received and decided at.
const PAYLOADS: [(&str, &str); 5] = [
    ("member", "2016-10-13T19:00:00Z"),
    ("member_status_challenged", "2020-09-21T19:50:00Z"),
    ("member_webhook", "2018-07-18T20:00:00Z"),
    ("connection_status_webhook", "2026-11-24T12:00:00Z"),
    ("aggregation_webhook", "2026-11-24T12:00:00Z"),
];

fn group(name: &str) -> String {
    format!("state_{name}")
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    for (name, now) in PAYLOADS {
        let line = common::line(name);
        let now: DateTime<Utc> = parse_mx_timestamp(now).expect("valid now");
        let observation = Observation::from_json(&line).expect("example folds");
        // A state that knows the member: the example itself, as if read a minute earlier.
        let mut known = MemberState::default();
        let earlier = now - chrono::TimeDelta::minutes(1);
        let _ = known.apply(&observation, earlier);
        let mut group = c.benchmark_group(group(name));
        group.bench_function("parse", |b| {
            b.iter(|| Observation::from_json(black_box(&line)).expect("example folds"))
        });
        group.bench_function("apply", |b| {
            b.iter_batched_ref(
                || known.clone(),
                |state| state.apply(black_box(&observation), black_box(now)),
                BatchSize::SmallInput,
            )
        });
        let _ = known.apply(&observation, now);
        group.bench_function("decide", |b| {
            b.iter(|| black_box(&known).decide(black_box(now), &policy, EndUser::Present))
        });
        group.finish();
    }
}

/// The table of ns per call and the ratio, from criterion's saved estimates.
fn report() {
    println!();
    println!("| payload | parse (ns) | apply (ns) | decide (ns) | (apply + decide) / parse |");
    println!("|---|---:|---:|---:|---:|");
    for (name, _) in PAYLOADS {
        let group = group(name);
        let parse = common::estimate_ns(&group, "parse");
        let apply = common::estimate_ns(&group, "apply");
        let decide = common::estimate_ns(&group, "decide");
        if let (Some(parse), Some(apply), Some(decide)) = (parse, apply, decide) {
            println!(
                "| {name} | {parse:.0} | {apply:.1} | {decide:.1} | {:.1}% |",
                100.0 * (apply + decide) / parse
            );
        }
    }
}

fn main() {
    let mut criterion = common::criterion();
    bench(&mut criterion);
    criterion.final_summary();
    report();
}
