//! `decide` with no file and standard input on a terminal says on standard error that it
//! is waiting for standard input; with a pipe or a file it says nothing.
#![cfg(target_os = "linux")]

use std::process::Command;

mod common;

use common::{mx, run};

const NOTE: &str = "mx-aggregation decide: waiting for one member's JSON on standard input; end it with Ctrl-D (or give a FILE)";

#[test]
fn on_a_terminal_decide_says_it_waits_for_standard_input() {
    // util-linux `script` runs the command on a pseudo-terminal; its own standard input is
    // empty, so the terminal sends end-of-file and decide then reports empty input.
    let command = format!("'{}' decide --now 0", env!("CARGO_BIN_EXE_mx-aggregation"));
    let output = match Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
    {
        Ok(output) => output,
        Err(error) => panic!("util-linux `script` is needed for a terminal: {error}"),
    };
    // On a terminal stdout and stderr are the same stream.
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains(NOTE), "{shown:?}");
}

#[test]
fn on_a_pipe_decide_says_nothing_more() {
    let out = run(mx(["decide", "--now", "0"]).write_stdin(""));
    assert!(!out.stderr.contains("waiting"), "{out:?}");
}
