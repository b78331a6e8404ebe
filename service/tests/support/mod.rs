//! What the service's end-to-end tests share: the databases (SQLite, and PostgreSQL when
//! `MX_TEST_POSTGRES_URL` is set), the service binary as a child process (started, killed
//! with SIGKILL, started again), the emulator with its request journal, a client of the
//! service over several instances, a webhook balancer, the store's write-back as a drive
//! leaves it, and a fleet of members driven to
//! where MX says with the checks of what MX saw.

#![allow(dead_code, unreachable_pub)]

pub mod api;
pub mod balancer;
pub mod checks;
pub mod db;
pub mod fleet;
pub mod harness;
pub mod metrics;
pub mod mx;
pub mod process;
pub mod rng;
pub mod store;

use std::path::PathBuf;

/// A fresh directory under the system's temporary directory, removed when dropped unless
/// the test failed (then its logs stay for reading).
#[derive(Debug)]
pub struct Scratch {
    /// The directory.
    pub path: PathBuf,
}

impl Scratch {
    /// Creates `mx-service-TEST-<unique>`.
    pub fn new(test: &str) -> Self {
        let unique = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos())
        );
        let path = std::env::temp_dir().join(format!("mx-service-{test}-{unique}"));
        std::fs::create_dir_all(&path).expect("a scratch directory");
        Self { path }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("logs kept in {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
