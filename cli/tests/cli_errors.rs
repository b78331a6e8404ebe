//! Every way the command fails: one `error:` line naming the problem, nothing on standard
//! output, no panic, and the documented exit status (65 bad data, 1 IO, 2 usage).

mod common;

use common::{example_path, mx, one_error_line, run};

const NOW: &str = "2026-11-24T12:00:00Z";

#[test]
fn decide_on_bad_data_exits_65_naming_the_field_and_value() {
    let cases: [(&[u8], &str); 12] = [
        (
            br#"{"member": {"guid": "MBR-1", "connection_status": "TELEPORTED"}}"#,
            r#"unknown connection_status "TELEPORTED""#,
        ),
        (
            br#"{"connection_status": "CONNECTED", "successfully_aggregated_at": "last tuesday"}"#,
            r#"successfully_aggregated_at: expected RFC 3339 or Unix seconds, got "last tuesday""#,
        ),
        (
            br#"{"connection_status": "CONNECTED", "aggregated_at": 99999999999999}"#,
            "aggregated_at: 99999999999999 is outside the years 0000-9999",
        ),
        (
            br#"{"connection_status": "CONNECTED", "aggregated_at": "9999-12-31T23:59:59-23:59"}"#,
            r#"aggregated_at: "9999-12-31T23:59:59-23:59" is outside the years 0000-9999"#,
        ),
        (b"{}", "not a member payload: an empty object"),
        (
            br#"{"members": [], "pagination": {}}"#,
            r#"not a member payload: a page of members ("members"): give each member on its own"#,
        ),
        (
            br#"{"connection_status": "FAILED", "is_being_aggregated": "no"}"#,
            r#"is_being_aggregated: expected a boolean or null, got "no""#,
        ),
        (
            br#"{"connection_status_id": 99}"#,
            "unknown connection_status_id 99",
        ),
        (
            br#"{"connection_status": "CLOSED", "connection_status_id": 3}"#,
            "connection_status CLOSED disagrees with connection_status_id 3",
        ),
        (
            b"{\"connection_status\": \"CLOSED\",\n  \"name\": \"\xff\"}",
            "invalid UTF-8 at byte offset 43",
        ),
        (
            b"{\"connection_status\": \"CLOSED\",\n",
            "invalid JSON: EOF while parsing a value at line 2 column 0",
        ),
        (
            b"",
            "invalid JSON: EOF while parsing a value at line 1 column 0",
        ),
    ];
    for (input, message) in cases {
        let out = run(mx(["decide", "--now", NOW]).write_stdin(input));
        assert_eq!(out.code, Some(65), "{out:?}");
        assert_eq!(
            one_error_line(&out),
            format!("standard input: {message}"),
            "{out:?}"
        );
    }
}

#[test]
fn decide_names_the_file_it_could_not_decide() {
    let dir = std::env::temp_dir().join(format!("mx-aggregation-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("teleported.json");
    std::fs::write(&file, r#"{"connection_status": "TELEPORTED"}"#).unwrap();
    let path = file.to_str().unwrap();
    for format in ["text", "json"] {
        let out = run(mx(["decide", path, "--format", format, "--now", NOW]));
        assert_eq!(out.code, Some(65));
        assert_eq!(
            one_error_line(&out),
            format!(r#"{path}: unknown connection_status "TELEPORTED""#)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_or_unreadable_input_exits_1() {
    for command in ["decide", "batch"] {
        let out = run(mx([command, "no/such/file.json", "--now", NOW]));
        assert_eq!(out.code, Some(1), "{out:?}");
        assert_eq!(
            one_error_line(&out),
            "cannot read no/such/file.json: No such file or directory (os error 2)"
        );

        let dir = example_path("");
        let out = run(mx([command, &dir, "--now", NOW]));
        assert_eq!(out.code, Some(1), "{out:?}");
        assert_eq!(
            one_error_line(&out),
            format!("cannot read {dir}: Is a directory (os error 21)")
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_exits_1() {
    for command in ["decide", "batch"] {
        let full = std::fs::File::create("/dev/full").expect("/dev/full on Linux");
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin!("mx-aggregation"))
            .args([command, &example_path("member.json"), "--now", NOW])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with(
                "error: cannot write standard output: No space left on device (os error 28)\n"
            ),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn usage_errors_exit_2_and_print_nothing_on_standard_output() {
    let cases: [&[&str]; 9] = [
        &[],
        &["teleport"],
        &["decide", "--frobnicate"],
        &["decide", "--format", "yaml"],
        &["decide", "--now", "last tuesday"],
        &["batch", "--now", "1531947410.5"],
        &["batch", "--cooldown", "90"],
        &["decide", "--fresh-for", "1d1d"],
        &["docs"],
    ];
    for args in cases {
        let out = run(mx([]).args(args));
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.contains("panicked"), "{out:?}");
    }
}

#[test]
fn usage_errors_name_the_flag_and_what_it_takes() {
    let out = run(mx(["decide", "--now", "last tuesday"]));
    assert!(
        out.stderr.starts_with(
            "error: invalid value 'last tuesday' for '--now <TIME>': expected RFC 3339 or Unix seconds\n"
        ),
        "{}",
        out.stderr
    );
    let out = run(mx(["batch", "--cooldown", "90"]));
    assert!(
        out.stderr.starts_with(
            "error: invalid value '90' for '--cooldown <DURATION>': \"90\" has no unit: write s, m, h or d after the number (e.g. 90m)\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn policy_windows_longer_than_a_year_are_refused() {
    for flag in ["--cooldown", "--fresh-for", "--min-poll"] {
        let out = run(mx(["decide", flag, "366d", "--now", NOW]));
        assert_eq!(out.code, Some(2), "{flag}");
        assert!(
            out.stderr.starts_with(&format!(
                "error: invalid value '366d' for '{flag} <DURATION>': must be at most 365d\n"
            )),
            "{}",
            out.stderr
        );
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn min_poll_below_mx_minimum_is_refused() {
    for command in ["decide", "batch"] {
        for below in ["2s", "0s"] {
            let out = run(mx([command, "--min-poll", below, "--now", NOW]));
            assert_eq!(out.code, Some(2));
            assert!(
                out.stderr.starts_with(&format!(
                    "error: invalid value '{below}' for '--min-poll <DURATION>': must be at least 3s, MX's minimum polling interval\n"
                )),
                "{}",
                out.stderr
            );
        }
    }
}

#[test]
fn docs_into_a_path_that_is_a_file_exits_1() {
    let file = example_path("member.json");
    let out = run(mx(["docs", "--out", &file]));
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        one_error_line(&out).starts_with(&format!("cannot write {file}: ")),
        "{out:?}"
    );
}

#[test]
fn a_now_outside_the_writable_years_is_a_usage_error() {
    for now in ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+05:00"] {
        let out =
            run(mx(["decide", "--now", now]).write_stdin(r#"{"connection_status": "CLOSED"}"#));
        assert_eq!(out.code, Some(2), "{out:?}");
        assert!(out.stderr.contains("--now"), "{}", out.stderr);
        assert!(
            out.stderr.contains("outside the years 0000-9999"),
            "{}",
            out.stderr
        );
    }
}
