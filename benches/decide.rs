//! `decide()` alone against parsing the member JSON it decides on.
//!
//! For each example payload under `examples/` (folded to one line, as `batch` reads it):
//! `parse` is `MemberJson::parse(line)?.snapshot()?`, everything between the JSON text
//! and a decision; `decide` is `decide_with(&snapshot, now, &policy, end_user)`. After
//! criterion's own report, a table gives ns per call and decide / parse (target: at most 5%),
//! and a second table the best of interleaved rounds of both: on a shared, loaded machine
//! criterion's estimates move by half from run to run, the fastest round much less.
//!
//! `cargo bench --bench decide`; docs/PERFORMANCE.md records the figures.

mod common;

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Utc};
use criterion::Criterion;
use mx_aggregation::{MemberJson, Policy, decide_with, parse_mx_timestamp};

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    for (label, name, now, end_user) in common::DECIDE_PAYLOADS {
        let line = common::line(name);
        let now: DateTime<Utc> = parse_mx_timestamp(now).expect("valid now");
        let snapshot = MemberJson::parse(&line)
            .and_then(|m| m.snapshot())
            .expect("example decides");
        let mut group = c.benchmark_group(label);
        group.bench_function("parse", |b| {
            b.iter(|| {
                MemberJson::parse(black_box(&line))
                    .and_then(|m| m.snapshot())
                    .expect("example decides")
            })
        });
        group.bench_function("decide", |b| {
            b.iter(|| {
                decide_with(
                    black_box(&snapshot),
                    black_box(now),
                    black_box(&policy),
                    black_box(end_user),
                )
            })
        });
        group.finish();
    }
}

/// The table of ns per call and ratios, from criterion's saved estimates.
fn report() {
    println!();
    println!("| payload | parse + snapshot (ns) | decide (ns) | decide / parse |");
    println!("|---|---:|---:|---:|");
    for (label, ..) in common::DECIDE_PAYLOADS {
        if let (Some(parse), Some(decide)) = (
            common::estimate_ns(label, "parse"),
            common::estimate_ns(label, "decide"),
        ) {
            println!(
                "| {label} | {parse:.0} | {decide:.1} | {:.2}% |",
                100.0 * decide / parse
            );
        }
    }
}

/// Parse and decide in alternating rounds on the same payload, keeping each one's fastest
/// round: what the code costs when the machine lets it run.
fn best_of_rounds(rounds: usize) {
    const PARSES: u32 = 500;
    const DECIDES: u32 = 10_000;
    let policy = Policy::default();
    println!();
    println!("Best of {rounds} interleaved rounds ({PARSES} parses, {DECIDES} decisions each):");
    println!();
    println!("| payload | parse + snapshot (ns) | decide (ns) | decide / parse |");
    println!("|---|---:|---:|---:|");
    for (label, name, now, end_user) in common::DECIDE_PAYLOADS {
        let line = common::line(name);
        let now: DateTime<Utc> = parse_mx_timestamp(now).expect("valid now");
        let parse = || {
            MemberJson::parse(black_box(&line))
                .and_then(|m| m.snapshot())
                .expect("example decides")
        };
        let snapshot = parse();
        let (mut parse_ns, mut decide_ns) = (f64::MAX, f64::MAX);
        for _ in 0..rounds {
            let start = Instant::now();
            for _ in 0..PARSES {
                black_box(parse());
            }
            parse_ns = parse_ns.min(start.elapsed().as_secs_f64() * 1e9 / f64::from(PARSES));
            let start = Instant::now();
            for _ in 0..DECIDES {
                let _decision = black_box(decide_with(
                    black_box(&snapshot),
                    black_box(now),
                    black_box(&policy),
                    black_box(end_user),
                ));
            }
            decide_ns = decide_ns.min(start.elapsed().as_secs_f64() * 1e9 / f64::from(DECIDES));
        }
        println!(
            "| {label} | {parse_ns:.0} | {decide_ns:.1} | {:.2}% |",
            100.0 * decide_ns / parse_ns
        );
    }
}

fn main() {
    let mut criterion = common::criterion();
    bench(&mut criterion);
    criterion.final_summary();
    report();
    best_of_rounds(200);
}
