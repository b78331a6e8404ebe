//! `batch --threads N` writes, byte for byte, what `batch --threads 1` writes, with the
//! same summary and exit status, over generated input with every kind of bad line: the
//! order of the output is the order of the input however the threads progress.

mod common;

use common::{TempFile, mx, run};
use mx_aggregation::ConnectionStatus;

/// A small deterministic generator (64-bit LCG); the test needs no `rand`.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// About 25 MiB of JSON Lines: members of every status in both shapes, padded to uneven
/// lengths, with bad lines of each kind among them and one line over the 16 MiB limit.
fn generated_input() -> Vec<u8> {
    let mut rng = Lcg(12);
    let mut input = Vec::new();
    for i in 0..24_000_u64 {
        let line: Vec<u8> = match rng.below(20) {
            0 => b"{\"guid\": \"MBR-bad\", \"connection_status\": \"TELEPORTED\"}".to_vec(),
            1 => b"{not json".to_vec(),
            2 => b"".to_vec(),
            3 => b"   \t ".to_vec(),
            4 => b"{\"guid\": \"MBR-\xff\", \"connection_status\": \"CONNECTED\"}".to_vec(),
            5 => format!("{{\"guid\": \"MBR-{i}\", \"aggregated_at\": 1795521600.5}}").into_bytes(),
            6 => b"[1, 2, 3]".to_vec(),
            _ => {
                let status =
                    ConnectionStatus::ALL[rng.below(ConnectionStatus::ALL.len() as u64) as usize];
                let hours = rng.below(96);
                let pad = "x".repeat(rng.below(2_000) as usize);
                let member = format!(
                    "{{\"guid\": \"MBR-{i}\", \"connection_status\": \"{}\", \"is_being_aggregated\": {}, \"aggregated_at\": \"2026-11-{:02}T{:02}:00:00Z\", \"successfully_aggregated_at\": {}, \"name\": \"{pad}\"}}",
                    status.as_str(),
                    rng.below(4) == 0,
                    20 + hours / 24,
                    hours % 24,
                    1_795_500_000 + rng.below(100_000),
                );
                if rng.below(2) == 0 {
                    format!("{{\"member\": {member}}}").into_bytes()
                } else {
                    member.into_bytes()
                }
            }
        };
        input.extend_from_slice(&line);
        input.extend_from_slice(if rng.below(5) == 0 { b"\r\n" } else { b"\n" });
        if i == 9_000 {
            input.extend(std::iter::repeat_n(b' ', common::LIMIT + 1));
            input.push(b'\n');
        }
    }
    input
}

#[test]
fn every_thread_count_writes_what_one_thread_writes() {
    let input = generated_input();
    let file = TempFile::with("generated.jsonl", &input);
    let one = run(mx([
        "batch",
        "--now",
        "2026-11-24T12:00:00Z",
        "--threads",
        "1",
        file.arg(),
    ]));
    assert_eq!(one.code, Some(65), "bad lines give 65: {}", one.stderr);
    assert!(one.stdout.lines().count() > 20_000, "{}", one.stderr);
    assert!(one.stdout.contains("line longer than 16777216 bytes"));
    for threads in ["2", "3", "8"] {
        let many = run(mx([
            "batch",
            "--now",
            "2026-11-24T12:00:00Z",
            "--threads",
            threads,
            file.arg(),
        ]));
        assert_eq!(many.code, one.code, "--threads {threads}");
        assert!(
            many.stdout == one.stdout,
            "--threads {threads}: output differs"
        );
        assert_eq!(many.stderr, one.stderr, "--threads {threads}");
    }
    // Through a pipe the reads are shorter, so the chunks are cut elsewhere.
    let piped =
        run(mx(["batch", "--now", "2026-11-24T12:00:00Z", "--threads", "2"]).write_stdin(input));
    assert!(piped.stdout == one.stdout, "piped: output differs");
    assert_eq!(piped.stderr, one.stderr);
}
