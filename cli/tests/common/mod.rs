//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

/// Reads a file under `examples/`.
pub fn example(name: &str) -> String {
    let path = format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The path of a file under `examples/`.
pub fn example_path(name: &str) -> String {
    format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Every example member payload under `examples/`.
pub const EXAMPLES: [&str; 5] = [
    "member.json",
    "member_status_challenged.json",
    "member_status_connected.json",
    "member_webhook.json",
    "connection_status_webhook.json",
];

/// The `mx-aggregation` binary with these arguments, ready to run.
pub fn mx<const N: usize>(args: [&str; N]) -> assert_cmd::Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("mx-aggregation");
    command.args(args);
    command
}

/// What a finished run of the binary printed, and how it exited.
#[derive(Debug)]
pub struct Run {
    /// The exit status; `None` if killed by a signal.
    pub code: Option<i32>,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

/// Runs the command (owned or borrowed) to completion.
pub fn run(mut command: impl std::borrow::BorrowMut<assert_cmd::Command>) -> Run {
    let output = command.borrow_mut().output().expect("the binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// The one line of a failed run's standard error, checked to be a single `error: ` line
/// with nothing on standard output and no panic.
pub fn one_error_line(run: &Run) -> &str {
    assert_eq!(run.stdout, "", "nothing on stdout after an error: {run:?}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    let line = run
        .stderr
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("stderr ends with a newline: {run:?}"));
    assert!(!line.contains('\n'), "one line: {run:?}");
    line.strip_prefix("error: ")
        .unwrap_or_else(|| panic!("starts with error: {run:?}"))
}
/// The most a line of `batch` or the input of `decide` may hold, line ending and
/// byte-order mark aside: the library's limit, 16 MiB.
pub const LIMIT: usize = mx_aggregation::lines::MAX_LINE_BYTES;

/// A CHALLENGED member padded with spaces to exactly `len` bytes, then `ending`.
pub fn padded_member(len: usize, ending: &[u8]) -> Vec<u8> {
    let json = br#"{"guid": "MBR-1", "connection_status": "CHALLENGED"}"#;
    let mut bytes = json.to_vec();
    bytes.resize(len, b' ');
    bytes.extend_from_slice(ending);
    bytes
}

/// A file under the target directory's scratch space, removed when dropped; unique per
/// process and per call, so tests running in parallel do not share one.
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    /// Writes `bytes` into a new file whose name ends with `name`.
    pub fn with(name: &str, bytes: &[u8]) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let path = dir.join(format!("{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self(path)
    }

    /// Where the file is.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// The path as text, for a command line.
    pub fn arg(&self) -> &str {
        self.0
            .to_str()
            .expect("the target directory's path is UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
