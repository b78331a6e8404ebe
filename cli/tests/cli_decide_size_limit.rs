//! `decide` reads at most 16 MiB and refuses more with a message naming the limit, without
//! reading the rest: `decide < /dev/zero` ends at once, in bounded memory.

mod common;

use common::{LIMIT, TempFile, mx, one_error_line, padded_member, run};

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
    let at_limit = TempFile::with("at-limit.json", &padded_member(LIMIT, b""));
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

    let over = TempFile::with("over-limit.json", &padded_member(LIMIT + 1, b""));
    let out = run(mx(["decide", "--now", "0", over.arg()]));
    assert_eq!(out.code, Some(65));
    assert!(
        one_error_line(&out).contains("input larger than 16 MiB"),
        "{}",
        out.stderr
    );
}
