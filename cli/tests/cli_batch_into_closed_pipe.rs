//! `mx-aggregation batch … | head -1`: when the reader of standard output goes away,
//! `batch` stops quietly, with status 0 and nothing on standard error, on one thread or
//! several.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

mod common;

use common::TempFile;

/// Enough members that `batch` is still writing long after the first line was read.
fn many_members() -> TempFile {
    let mut text = String::new();
    for i in 0..200_000 {
        text.push_str(&format!(
            "{{\"guid\": \"MBR-{i}\", \"connection_status\": \"CHALLENGED\"}}\n"
        ));
    }
    TempFile::with("members.jsonl", text.as_bytes())
}

#[test]
fn batch_into_a_pipe_closed_after_one_line_exits_quietly() {
    let input = many_members();
    for threads in ["1", "2"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mx-aggregation"))
            .args(["batch", "--now", "0", "--threads", threads])
            .arg(input.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("one line");
        assert!(first.starts_with(r#"{"guid":"MBR-0","#), "{first}");
        drop(stdout); // what `head -1` does after its line
        let output = child.wait_with_output().expect("batch ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(0),
            "--threads {threads}: {stderr}"
        );
        assert_eq!(stderr, "", "--threads {threads}: nothing on stderr");
    }
}

#[test]
fn the_same_through_a_shell_pipeline_into_head() {
    let input = many_members();
    let script = format!(
        "'{}' batch --now 0 '{}'; echo \"status $?\" >&2",
        env!("CARGO_BIN_EXE_mx-aggregation"),
        input.path().display()
    );
    let output = Command::new("sh")
        .args(["-c", &format!("({script}) | head -1")])
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(stderr, "status 0\n", "no error line, status 0");
}
