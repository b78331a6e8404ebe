//! `decide` reads at most 16 MiB and refuses more with a message naming the limit, without
//! reading the rest: `decide < /dev/zero` ends at once, in bounded memory.

mod common;

use common::{TempFile, mx, one_error_line, run};

const LIMIT: usize = 16 << 20;

/// A CHALLENGED member padded with spaces to exactly `len` bytes.
fn member_of_len(len: usize) -> Vec<u8> {
    let json = br#"{"guid": "MBR-1", "connection_status": "CHALLENGED"}"#;
    let mut bytes = json.to_vec();
    bytes.resize(len, b' ');
    bytes
}

#[test]
fn an_endless_input_is_refused_naming_the_limit() {
    let out = run(mx(["decide", "--now", "0", "/dev/zero"]));
    assert_eq!(out.code, Some(65), "{out:?}");
    assert_eq!(
        one_error_line(&out),
        "/dev/zero: input larger than 16 MiB (16777216 bytes, not counting a byte-order mark and a final line ending): refused"
    );
}

#[test]
fn exactly_the_limit_is_decided_and_one_byte_more_refused() {
    let at_limit = TempFile::with("at-limit.json", &member_of_len(LIMIT));
    let out = run(mx([
        "decide",
        "--now",
        "0",
        "--format",
        "json",
        at_limit.arg(),
    ]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains(r#""action":"answer_mfa""#), "{out:?}");

    let over = TempFile::with("over-limit.json", &member_of_len(LIMIT + 1));
    let out = run(mx(["decide", "--now", "0", over.arg()]));
    assert_eq!(out.code, Some(65));
    assert!(
        one_error_line(&out).contains("input larger than 16 MiB"),
        "{}",
        out.stderr
    );
}
