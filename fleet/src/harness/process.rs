//! The durable service as a child process: started with `--clock emulator-follow` (its
//! waits end when the harness moves the emulator's clock; it never moves it) on its
//! database, its logs in a file, its base URL read from its first stdout line, stopped with SIGTERM (through
//! `kill(1)`: the package forbids unsafe code, so no `libc` call).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running service process.
#[derive(Debug)]
pub struct ServiceProcess {
    child: Child,
    /// Its base URL.
    pub base_url: String,
}

/// What the service is started with.
#[derive(Debug, Clone)]
pub struct ServiceArgs<'a> {
    /// The `mx-aggregation-service` binary.
    pub binary: &'a Path,
    /// `--database`.
    pub database: &'a str,
    /// The emulator's base URL.
    pub mx_base_url: &'a str,
    /// The tenant's client id.
    pub client_id: &'a str,
    /// The tenant's API key.
    pub api_key: &'a str,
    /// `--concurrency`, when given.
    pub concurrency: Option<usize>,
    /// `--account-webhooks`: MX sends the service ACCOUNT webhooks.
    pub account_webhooks: bool,
    /// The working directory (where a default database would go).
    pub dir: &'a Path,
    /// Where its standard error goes (its logs).
    pub log: &'a Path,
}

impl ServiceProcess {
    /// Starts the service and waits (up to 30 s) for its base URL.
    ///
    /// # Errors
    ///
    /// A message when it cannot start or prints no URL.
    pub fn start(args: &ServiceArgs<'_>) -> Result<Self, String> {
        let log = std::fs::File::create(args.log)
            .map_err(|error| format!("{}: {error}", args.log.display()))?;
        let mut command = Command::new(args.binary);
        command
            .args(["--listen", "127.0.0.1:0", "--database", args.database])
            .args(["--mx-base-url", args.mx_base_url])
            .args(["--client-id", args.client_id, "--api-key", args.api_key])
            .args(["--clock", "emulator-follow"])
            .current_dir(args.dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(concurrency) = args.concurrency {
            command.args(["--concurrency", &concurrency.to_string()]);
        }
        if args.account_webhooks {
            command.arg("--account-webhooks");
        }
        let mut child = command
            .spawn()
            .map_err(|error| format!("starting {}: {error}", args.binary.display()))?;
        let stdout = child.stdout.take().ok_or("the service has no stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            let _ = sender.send(first);
            // Keep draining so the service never blocks on a full pipe.
            for _ in lines {}
        });
        match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(line)) if line.starts_with("http") => Ok(Self {
                child,
                base_url: line.trim().to_owned(),
            }),
            Ok(line) => {
                let _ = child.kill();
                Err(format!(
                    "the service's first stdout line is not its URL: {line:?}"
                ))
            }
            Err(_) => {
                let _ = child.kill();
                Err("the service printed no URL within 30 s".to_owned())
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits up to 15 s for the exit, then kills it.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..150 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
