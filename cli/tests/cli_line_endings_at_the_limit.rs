//! CRLF and LF count alike at the 16 MiB limit: a line or a `decide` input of exactly
//! 16 MiB of content is read with either ending, one byte more is refused with either.

mod common;

use common::{LIMIT, TempFile, mx, padded_member, run};

#[test]
fn batch_treats_crlf_and_lf_alike_at_the_limit() {
    for ending in [&b"\n"[..], b"\r\n"] {
        for threads in ["1", "2"] {
            let mut input = padded_member(LIMIT, ending);
            input.extend_from_slice(&padded_member(LIMIT + 1, ending));
            input.extend_from_slice(&padded_member(64, ending));
            let file = TempFile::with("limit.jsonl", &input);
            let out = run(mx([
                "batch",
                "--now",
                "0",
                "--threads",
                threads,
                file.arg(),
            ]));
            let ok = r#"{"guid":"MBR-1","action":"answer_mfa","reason":"mfa_challenge","requires_end_user":true}"#;
            assert_eq!(
                out.stdout,
                format!(
                    "{ok}\n{{\"line\":2,\"error\":\"line longer than 16777216 bytes: skipped\"}}\n{ok}\n"
                ),
                "ending {ending:?}, --threads {threads}"
            );
        }
    }
}

#[test]
fn decide_treats_crlf_and_lf_alike_at_the_limit() {
    for ending in [&b"\n"[..], b"\r\n"] {
        let at_limit = TempFile::with("at-limit.json", &padded_member(LIMIT, ending));
        let out = run(mx([
            "decide",
            "--now",
            "0",
            "--format",
            "json",
            at_limit.arg(),
        ]));
        assert_eq!(out.code, Some(0), "ending {ending:?}: {}", out.stderr);

        let over = TempFile::with("over.json", &padded_member(LIMIT + 1, ending));
        let out = run(mx(["decide", "--now", "0", over.arg()]));
        assert_eq!(out.code, Some(65), "ending {ending:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("input larger than 16 MiB"),
            "{}",
            out.stderr
        );
    }
}
