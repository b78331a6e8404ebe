//! Reading member lines in one process, against the floor's own serde parse of them.
//!
//! `benches/batch.sh` times whole programs, which on a shared machine moves by half from
//! run to run; here the readers run in interleaved rounds on the same lines in memory,
//! and the best round of each is kept, so their ratio holds steady. (criterion measures one
//! function after the other, and on this machine its ratios moved by a third.) The lines are the shape `../shared/bench/gen_members.py` writes
//! (half in `{"member": …}`, all 22 statuses, four timestamp styles), generated here.
//!
//! - `floor`: what `../shared/bench/floor` does per line: serde derive of the five fields
//!   a decision needs, borrowed strings, the envelope picked by a prefix test;
//! - `serde_json`: `serde_json::from_str::<MemberJson>`, serde_json alone;
//! - `member_json`: `MemberJson::parse`, the plain-JSON reader with serde_json behind it;
//! - `triage_line`: everything `batch` does to a line: UTF-8 check, parse, snapshot,
//!   decide, write the decision line.
//!
//! `cargo bench --bench parse` (40 rounds; `-- 100` for more); docs/PERFORMANCE.md records
//! the figures.

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mx_aggregation::batch::{LineOutcome, triage_line};
use mx_aggregation::{ConnectionStatus, EndUser, MemberJson, Policy};
use serde::Deserialize;

/// How many lines each reader reads per round: 16 MB, more than the caches hold, as in
/// `batch`.
const LINES: usize = 20_000;

/// The floor's member (`../shared/bench/floor/src/main.rs`).
#[derive(Deserialize)]
#[allow(dead_code)]
struct Member<'a> {
    #[serde(borrow)]
    guid: Option<Cow<'a, str>>,
    #[serde(borrow)]
    connection_status: Option<Cow<'a, str>>,
    is_being_aggregated: Option<bool>,
    #[serde(borrow)]
    aggregated_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    successfully_aggregated_at: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Wrapped<'a> {
    #[serde(borrow)]
    member: Member<'a>,
}

fn floor(line: &str) -> Option<Member<'_>> {
    if line.starts_with("{\"member\"") {
        serde_json::from_str::<Wrapped<'_>>(line)
            .ok()
            .map(|w| w.member)
    } else {
        serde_json::from_str(line).ok()
    }
}

/// A small deterministic generator (64-bit LCG), so the bench needs no data file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One line as `gen_members.py` writes it.
fn member_line(rng: &mut Lcg, i: usize, now: DateTime<Utc>) -> String {
    let status = ConnectionStatus::ALL[rng.below(ConnectionStatus::ALL.len() as u64) as usize];
    let ago = |rng: &mut Lcg, days: u64| now - TimeDelta::seconds(rng.below(days * 86_400) as i64);
    let success = (!rng.chance(15)).then(|| ago(rng, 7));
    let aggregated = (success.is_some() || !rng.chance(50)).then(|| ago(rng, 3));
    let style = rng.below(4);
    let ts = |t: Option<DateTime<Utc>>| match t {
        None => "null".to_owned(),
        Some(t) => match style {
            0 => format!("\"{}\"", t.format("%Y-%m-%dT%H:%M:%S.000Z")),
            1 => format!("\"{}\"", t.format("%Y-%m-%dT%H:%M:%SZ")),
            2 => format!("\"{}\"", t.format("%Y-%m-%dT%H:%M:%S-06:00")),
            _ => format!("\"{}\"", t.format("%Y-%m-%dT%H:%M:%S+00:00")),
        },
    };
    let member = format!(
        concat!(
            r#"{{"aggregated_at":{},"background_aggregation_is_disabled":{},"connection_status":"{}","#,
            r#""connection_status_message":"Connected to MX Bank","guid":"MBR-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}","#,
            r#""id":"member-{}","institution_code":"mxbank","institution_guid":"INST-12345678-90ab-cdef-1234-567890abcdef","#,
            r#""is_being_aggregated":{},"is_managed_by_user":false,"is_manual":false,"is_oauth":{},"metadata":null,"#,
            r#""most_recent_job_detail_code":null,"most_recent_job_detail_text":null,"#,
            r#""most_recent_job_guid":"JOB-12345678-90ab-cdef-1234-567890abcdef","name":"MX Bank","#,
            r#""needs_updated_credentials":false,"oauth_window_uri":null,"successfully_aggregated_at":{},"#,
            r#""use_cases":["PFM"],"user_guid":"USR-fa7537f3-48aa-a683-a02a-b18940482f54","user_id":"u-{}"}}"#
        ),
        ts(aggregated),
        rng.chance(10),
        status.as_str(),
        i,
        rng.below(1 << 16),
        rng.below(1 << 16),
        rng.below(1 << 16),
        rng.below(1 << 48),
        i,
        rng.chance(30),
        rng.chance(40),
        ts(success),
        i % 1000,
    );
    if rng.chance(50) {
        format!(r#"{{"member":{member}}}"#)
    } else {
        member
    }
}

/// The four readers, each over every line: the number of lines it read or decided.
fn run(reader: usize, lines: &[&str], now: DateTime<Utc>, out: &mut Vec<u8>) -> usize {
    let policy = Policy::default();
    match reader {
        0 => lines
            .iter()
            .filter_map(|l| floor(black_box(l)))
            .filter(|m| black_box(&m.guid).is_some())
            .count(),
        1 => lines
            .iter()
            .filter_map(|l| serde_json::from_str::<MemberJson<'_>>(black_box(l)).ok())
            .count(),
        2 => lines
            .iter()
            .filter_map(|l| MemberJson::parse(black_box(l)).ok())
            .count(),
        _ => {
            out.clear();
            let mut decided = 0;
            for (n, line) in lines.iter().enumerate() {
                let outcome = triage_line(
                    black_box(line.as_bytes()),
                    n as u64 + 1,
                    now,
                    &policy,
                    EndUser::Present,
                    out,
                );
                decided += usize::from(matches!(outcome, LineOutcome::Decided(_)));
            }
            decided
        }
    }
}

const READERS: [&str; 4] = ["floor", "serde_json", "member_json", "triage_line"];

fn main() {
    // `cargo bench --bench parse -- 60`: the number of rounds (cargo's own `--bench` flag
    // is skipped).
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(40);
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let mut rng = Lcg(7);
    // One buffer, as `batch` reads them, not 20,000 allocations.
    let text: String = (0..LINES)
        .map(|i| member_line(&mut rng, i, now) + "\n")
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(LINES * 160);
    for (reader, name) in READERS.iter().enumerate() {
        assert_eq!(run(reader, &lines, now, &mut out), LINES, "{name}");
    }
    // Interleaved rounds, the best of each reader: a slow moment of the machine hits one
    // round of all four, and the best rounds are the ones it left alone.
    let mut best = [f64::INFINITY; READERS.len()];
    for _ in 0..rounds {
        for (reader, best) in best.iter_mut().enumerate() {
            let started = Instant::now();
            black_box(run(reader, &lines, now, &mut out));
            let ns = started.elapsed().as_secs_f64() * 1e9 / LINES as f64;
            *best = best.min(ns);
        }
    }
    println!("{LINES} generated member lines, best of {rounds} interleaved rounds");
    println!();
    println!("| reader | ns per line | ratio to the floor's parse |");
    println!("|---|---:|---:|");
    for (name, ns) in READERS.iter().zip(best) {
        println!("| {name} | {ns:.0} | {:.2} |", ns / best[0]);
    }
}
