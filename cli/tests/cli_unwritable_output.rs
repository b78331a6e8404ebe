//! Output that cannot be written is an error: `--help > /dev/full` and
//! `decide > /dev/full` exit non-zero and say why on standard error.
#![cfg(target_os = "linux")]

use std::fs::OpenOptions;
use std::process::{Command, Stdio};

/// Runs the binary with standard output on `/dev/full`, where every write fails with
/// "No space left on device".
fn into_dev_full(args: &[&str], stdin: &[u8]) -> (Option<i32>, String) {
    let full = OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mx-aggregation"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        use std::io::Write as _;
        let mut input = child.stdin.take().expect("piped");
        let _ = input.write_all(stdin);
    }
    let output = child.wait_with_output().expect("it ends");
    (
        output.status.code(),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn help_and_version_into_a_full_device_fail_with_a_message() {
    for args in [&["--help"][..], &["batch", "--help"], &["--version"]] {
        let (code, stderr) = into_dev_full(args, b"");
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr, "error: cannot write standard output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

#[test]
fn decide_and_batch_into_a_full_device_fail_with_a_message() {
    let member = br#"{"guid": "MBR-1", "connection_status": "CHALLENGED"}"#;
    for args in [
        &["decide", "--now", "0"][..],
        &["decide", "--now", "0", "--format", "json"],
        &["batch", "--now", "0", "--threads", "1"],
        &["batch", "--now", "0", "--threads", "2"],
    ] {
        let (code, stderr) = into_dev_full(args, member);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr, "error: cannot write standard output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}
