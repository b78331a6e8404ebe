//! The command line: every flag also read from the environment, flags win.

use clap::{Parser, ValueEnum};

use crate::store::DEFAULT_DATABASE;

/// Which clock the service decides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockKind {
    /// The system clock.
    System,
    /// The emulator's virtual clock (`GET /emulator/clock`), for tests that jump MX's
    /// time; the service's waits move it.
    Emulator,
    /// The emulator's virtual clock, followed: the service's waits end once whoever runs
    /// the emulator has moved it (a fleet simulation's harness); `/metrics` says what
    /// the drives wait for.
    EmulatorFollow,
}

/// `mx-aggregation-service`: keeps a fleet of MX members fresh, durably.
#[derive(Clone, Parser)]
#[command(name = "mx-aggregation-service", version, about)]
pub struct Config {
    /// Where to listen, `HOST:PORT` (port 0: any free port; the first stdout line says
    /// which).
    #[arg(long, env = "MX_SERVICE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// `sqlite://PATH` (created with its schema when absent) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,
    /// MX's base URL, e.g. `https://int-api.mx.com`.
    #[arg(long, env = "MX_BASE_URL")]
    pub mx_base_url: Option<String>,
    /// Your MX client id.
    #[arg(long, env = "MX_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Your MX API key.
    #[arg(long, env = "MX_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// The clock decisions are made by.
    #[arg(long, env = "MX_SERVICE_CLOCK", value_enum, default_value = "system")]
    pub clock: ClockKind,
    /// At most this many drives at once.
    #[arg(long, env = "MX_SERVICE_CONCURRENCY", default_value_t = 4)]
    pub concurrency: usize,
    /// At most this many end users' drives at once (after an MFA answer, new
    /// credentials, a request for fresh data); more wait their turn.
    #[arg(long, env = "MX_SERVICE_END_USER_CONCURRENCY", default_value_t = 64)]
    pub end_user_concurrency: usize,
    /// The bearer token every route but `/webhooks/mx`, `/healthz` and `/metrics` needs.
    #[arg(long, env = "MX_SERVICE_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,
    /// `USER:PASS`: the Basic auth MX's webhooks must carry.
    #[arg(long, env = "MX_SERVICE_WEBHOOK_BASIC_AUTH", hide_env_values = true)]
    pub webhook_basic_auth: Option<String>,
    /// MX sends this service ACCOUNT webhooks (subscribed on MX's client dashboard): each
    /// account an aggregation changed comes with its balances, so a sync a data webhook
    /// announced lists no accounts. With `--emulator`, the emulator sends them.
    #[arg(long, env = "MX_SERVICE_ACCOUNT_WEBHOOKS")]
    pub account_webhooks: bool,
    /// Start an in-process MX emulator and point the service at it (a demo in one
    /// command).
    #[arg(long, env = "MX_SERVICE_EMULATOR")]
    pub emulator: bool,
}
