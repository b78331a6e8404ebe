//! A UTF-8 byte-order mark at the start of the input, as Windows editors write it, is
//! accepted by `decide` and `batch`; anywhere else it is not JSON.

mod common;

use common::{mx, run};

const BOM: &str = "\u{feff}";
const MEMBER: &str = r#"{"guid": "MBR-1", "connection_status": "CHALLENGED"}"#;
const DECIDED: &str =
    r#"{"guid":"MBR-1","action":"answer_mfa","reason":"mfa_challenge","requires_end_user":true}"#;

#[test]
fn decide_accepts_a_leading_byte_order_mark() {
    let out =
        run(mx(["decide", "--now", "0", "--format", "json"])
            .write_stdin(format!("{BOM}{MEMBER}\r\n")));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.stdout, format!("{DECIDED}\n"));
}

#[test]
fn batch_accepts_it_on_the_first_line_only() {
    for threads in ["1", "2"] {
        let input = format!("{BOM}{MEMBER}\n{BOM}{MEMBER}\n");
        let out = run(mx(["batch", "--now", "0", "--threads", threads]).write_stdin(input));
        assert_eq!(out.code, Some(65), "{out:?}");
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines[0], DECIDED);
        assert!(
            lines[1].starts_with(r#"{"line":2,"error":"invalid JSON: expected value"#),
            "{}",
            lines[1]
        );
    }
}
