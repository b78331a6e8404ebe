//! `tail -f members.jsonl | mx-aggregation batch`: each line is answered as soon as it
//! arrives when no more input is ready, on one thread or several; the input stays open.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Far longer than answering a line takes; only there so a broken build fails instead of
/// hanging. Nothing is timed.
const GIVE_UP: Duration = Duration::from_secs(120);

#[test]
fn each_line_is_answered_before_the_next_is_written() {
    for threads in ["1", "2"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mx-aggregation"))
            .args(["batch", "--now", "0", "--threads", threads])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in stdout.lines() {
                if tx.send(line.expect("UTF-8")).is_err() {
                    return;
                }
            }
        });
        for i in 0..3 {
            writeln!(
                stdin,
                r#"{{"guid": "MBR-{i}", "connection_status": "CHALLENGED"}}"#
            )
            .expect("batch reads");
            stdin.flush().expect("flushed");
            let answer = rx.recv_timeout(GIVE_UP).unwrap_or_else(|_| {
                panic!("--threads {threads}: line {i} was not answered while the input stayed open")
            });
            assert!(
                answer.starts_with(&format!(r#"{{"guid":"MBR-{i}","#)),
                "{answer}"
            );
        }
        drop(stdin);
        assert!(child.wait().expect("batch ends").success());
        reader.join().expect("reader");
    }
}
