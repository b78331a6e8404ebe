//! `decide --format text` prints values taken from the input with their control
//! characters escaped: a GUID holding ESC, BEL or C1 bytes cannot drive the terminal.

mod common;

use common::{mx, run};

#[test]
fn control_characters_in_the_guid_are_escaped_in_text_output() {
    // ESC ] 0 ; … BEL retitles a terminal window; U+009B is the C1 form of ESC [.
    let member = r#"{"guid": "MBR-\u001b]0;pwned\u0007-\u009b31m-\u007f", "connection_status": "CHALLENGED"}"#;
    let out = run(mx(["decide", "--now", "0"]).write_stdin(member));
    assert_eq!(out.code, Some(0), "{out:?}");
    let first = out.stdout.lines().next().expect("a member line");
    assert_eq!(
        first,
        r"member      MBR-\u{1b}]0;pwned\u{7}-\u{9b}31m-\u{7f}"
    );
    assert!(
        !out.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "no raw control character reaches the terminal: {:?}",
        out.stdout
    );
}

#[test]
fn json_output_keeps_the_guid_as_json_escapes() {
    let member = r#"{"guid": "MBR-\u001b", "connection_status": "CHALLENGED"}"#;
    let out = run(mx(["decide", "--now", "0", "--format", "json"]).write_stdin(member));
    assert!(
        out.stdout.starts_with(r#"{"guid":"MBR-\u001b","#),
        "{out:?}"
    );
}
