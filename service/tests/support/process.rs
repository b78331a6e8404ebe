//! The service as a child process: started with the pinned flags, its first stdout line
//! read as its base URL, killed with SIGKILL (`Child::kill`) or stopped with SIGTERM, and
//! started again on the same database. Its stderr goes to a log file beside the database,
//! printed when a test fails.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The binary under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_mx-aggregation-service");

/// The client id and API key the service and the emulator share.
pub const CLIENT_ID: &str = "service-test-client";
/// See [`CLIENT_ID`].
pub const API_KEY: &str = "service-test-key";

/// How one instance is started.
#[derive(Debug, Clone)]
pub struct Launch {
    /// `--database`.
    pub database_url: String,
    /// `--listen`; a fixed port keeps the webhook URL stable across restarts.
    pub listen: SocketAddr,
    /// `--mx-base-url`: the emulator.
    pub mx_base_url: String,
    /// Where the log file goes and the process runs.
    pub dir: PathBuf,
    /// A name for the log file (`NAME.log`) and messages.
    pub name: String,
    /// More flags (`--concurrency 8`…).
    pub extra: Vec<String>,
    /// `--clock`: `emulator` (the service's waits move it) unless a test follows it.
    pub clock: &'static str,
}

impl Launch {
    /// An instance on `database_url` against the emulator at `mx_base_url`, on a free port,
    /// on the emulator's clock.
    pub fn new(name: &str, dir: &Path, database_url: &str, mx_base_url: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            listen: free_addr(),
            mx_base_url: mx_base_url.to_owned(),
            dir: dir.to_owned(),
            name: name.to_owned(),
            extra: Vec::new(),
            clock: "emulator",
        }
    }

    /// `http://127.0.0.1:PORT`, the base URL the instance prints.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.listen)
    }

    /// The URL MX's webhooks go to.
    pub fn webhook_url(&self) -> String {
        format!("{}/webhooks/mx", self.base_url())
    }

    /// The instance's stderr, collected over every start.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join(format!("{}.log", self.name))
    }
}

/// A free port on 127.0.0.1 (bound, read, released).
pub fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
    listener.local_addr().expect("its address")
}

/// A running instance.
#[derive(Debug)]
pub struct Instance {
    child: Child,
    /// The base URL from its first stdout line.
    pub base_url: String,
    /// From spawning to the first stdout line.
    pub started_in: Duration,
    /// The launch it came from.
    pub launch: Launch,
}

impl Instance {
    /// Starts the binary and waits (up to 20 s) for its first stdout line. Retries a few
    /// times when the process exits before printing it (its port was still taken).
    pub fn start(launch: &Launch) -> Self {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(launch) {
                Ok(instance) => return instance,
                Err(error) => {
                    last = error;
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
        panic!(
            "{}: the service did not start: {last}\n{}",
            launch.name,
            log_tail(&launch.log_path(), 60)
        );
    }

    /// Starts without blocking the async runtime's worker.
    pub async fn start_async(launch: &Launch) -> Self {
        let launch = launch.clone();
        tokio::task::spawn_blocking(move || Self::start(&launch))
            .await
            .expect("the start task")
    }

    fn try_start(launch: &Launch) -> Result<Self, String> {
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(launch.log_path())
            .map_err(|error| format!("log file: {error}"))?;
        let _ = writeln!(log, "==== start {} ====", launch.name);
        let began = Instant::now();
        let mut child = Command::new(BINARY)
            .current_dir(&launch.dir)
            .env_remove("DATABASE_URL")
            .env_remove("MX_BASE_URL")
            .env_remove("MX_CLIENT_ID")
            .env_remove("MX_API_KEY")
            .args(["--listen", &launch.listen.to_string()])
            .args(["--database", &launch.database_url])
            .args(["--mx-base-url", &launch.mx_base_url])
            .args(["--client-id", CLIENT_ID, "--api-key", API_KEY])
            .args(["--clock", launch.clock])
            .args(&launch.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|error| format!("spawn {BINARY}: {error}"))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (first_line, line) = mpsc::channel();
        // Reads the first line, then drains the rest so the service never blocks on a pipe.
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            let _ = first_line.send(read);
            let mut sink = String::new();
            while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        let failed = |child: &mut Child, why: String| {
            let _ = child.kill();
            let _ = child.wait();
            Err(why)
        };
        match line.recv_timeout(Duration::from_secs(20)) {
            Ok(Ok(line)) if !line.trim().is_empty() => {
                let base_url = line.trim().to_owned();
                if !base_url.starts_with("http://") {
                    return failed(&mut child, format!("first stdout line {line:?}"));
                }
                Ok(Self {
                    child,
                    base_url,
                    started_in: began.elapsed(),
                    launch: launch.clone(),
                })
            }
            Ok(Ok(_)) => failed(&mut child, "stdout closed before the first line".into()),
            Ok(Err(error)) => failed(&mut child, format!("reading stdout: {error}")),
            Err(_) => failed(&mut child, "no stdout line within 20 s".into()),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, then reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits up to `within` for the exit; `None` (and SIGKILL) when it did
    /// not exit in time.
    pub fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        None
    }

    /// Whether the process still runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The last `lines` lines of a log file, for failure messages.
pub fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(file) = File::open(path) else {
        return format!("(no log at {})", path.display());
    };
    let all: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
    let from = all.len().saturating_sub(lines);
    format!(
        "--- {} (last {lines} lines)\n{}",
        path.display(),
        all[from..].join("\n")
    )
}
