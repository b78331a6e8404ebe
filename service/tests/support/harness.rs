//! One service instance on one database against its own emulator: what a behaviour test
//! needs, on SQLite or PostgreSQL alike (`Database::all` gives both).

use std::path::Path;

use super::api::Api;
use super::db::Database;
use super::mx::Mx;
use super::process::{Instance, Launch, log_tail};

/// The emulator, an instance on `database`, and a client of it.
#[derive(Debug)]
pub struct Harness {
    /// MX.
    pub mx: Mx,
    /// The running instance.
    pub instance: Instance,
    /// How it was started (to start it again).
    pub launch: Launch,
    /// Its API.
    pub api: Api,
    /// Its database.
    pub database: Database,
}

impl Harness {
    /// Starts an emulator whose webhooks go to the instance, then the instance on
    /// `database` with `extra` flags; logs in `dir`.
    pub async fn start(name: &str, dir: &Path, database: Database, extra: &[&str]) -> Self {
        Self::start_on_clock(name, dir, database, extra, "emulator").await
    }

    /// As [`start`](Self::start), the instance on `--clock emulator-follow`: its waits
    /// end only when the test moves the emulator's clock.
    pub async fn start_following(
        name: &str,
        dir: &Path,
        database: Database,
        extra: &[&str],
    ) -> Self {
        Self::start_on_clock(name, dir, database, extra, "emulator-follow").await
    }

    async fn start_on_clock(
        name: &str,
        dir: &Path,
        database: Database,
        extra: &[&str],
        clock: &'static str,
    ) -> Self {
        let mut launch = Launch::new(name, dir, database.url(), "");
        let mx = Mx::start(&launch.webhook_url(), 11).await;
        launch.mx_base_url = mx.base_url().to_owned();
        launch.clock = clock;
        launch.extra = extra.iter().map(|flag| (*flag).to_owned()).collect();
        let instance = Instance::start_async(&launch).await;
        let api = Api::new(vec![instance.base_url.clone()]);
        Self {
            mx,
            instance,
            launch,
            api,
            database,
        }
    }

    /// The instance's log, for failure messages.
    pub fn log(&self) -> String {
        log_tail(&self.launch.log_path(), 40)
    }

    /// Stops the instance and drops a PostgreSQL database.
    pub async fn finish(mut self) {
        self.instance.kill();
        self.database.drop_database().await;
    }
}
