//! Error messages quote the bad value as it was sent, shortened: a float timestamp keeps
//! its fraction, 2^64 and -0 are named for what they are, a huge string is cut.

mod common;

use common::{mx, one_error_line, run};

fn decide_error(member: &str) -> String {
    let out = run(mx(["decide", "--now", "0"]).write_stdin(member.to_owned()));
    assert_eq!(out.code, Some(65), "{out:?}");
    one_error_line(&out).to_owned()
}

#[test]
fn numbers_are_quoted_as_sent() {
    let cases = [
        (
            r#"{"connection_status": "CONNECTED", "aggregated_at": 1795521600.0}"#,
            "standard input: aggregated_at: expected RFC 3339 or Unix seconds, got 1795521600.0",
        ),
        (
            r#"{"connection_status": "CONNECTED", "aggregated_at": 18446744073709551616}"#,
            "standard input: aggregated_at: expected RFC 3339 or Unix seconds, got 18446744073709551616 (beyond 64-bit integers)",
        ),
        (
            r#"{"connection_status": "CONNECTED", "aggregated_at": 9223372036854775808}"#,
            "standard input: aggregated_at: expected RFC 3339 or Unix seconds, got 9223372036854775808 (beyond 64-bit signed integers)",
        ),
        (
            r#"{"connection_status": "CONNECTED", "successfully_aggregated_at": -0}"#,
            "standard input: successfully_aggregated_at: expected RFC 3339 or Unix seconds, got -0 (negative zero)",
        ),
        (
            r#"{"connection_status_id": -0}"#,
            "standard input: connection_status_id: expected an integer or null, got -0 (negative zero)",
        ),
    ];
    for (member, expected) in cases {
        assert_eq!(decide_error(member), expected, "{member}");
    }
}

#[test]
fn a_huge_unknown_status_is_quoted_shortened() {
    let status = "X".repeat(1 << 20);
    let message = decide_error(&format!(r#"{{"connection_status": "{status}"}}"#));
    assert_eq!(
        message,
        format!(
            "standard input: unknown connection_status \"{}\"…",
            "X".repeat(60)
        )
    );
}

#[test]
fn batch_quotes_the_same_way() {
    let input = "{\"guid\": \"MBR-1\", \"connection_status\": \"CONNECTED\", \"aggregated_at\": 1795521600.0}\n";
    let out = run(mx(["batch", "--now", "0"]).write_stdin(input));
    assert_eq!(
        out.stdout,
        "{\"line\":1,\"error\":\"aggregated_at: expected RFC 3339 or Unix seconds, got 1795521600.0\",\"guid\":\"MBR-1\"}\n"
    );
}
