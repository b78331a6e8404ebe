//! `mx-emulator`: serves MX's member API offline until stopped. The first line on stdout
//! is the base URL, `http://127.0.0.1:PORT`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Parser, ValueEnum};
use std::path::PathBuf;

use mx_emulator::{Config, Emulator, FaultPlan, ThrottleFrom, WebhookFaults};

/// An offline MX Platform API for testing MX integrations.
#[derive(Debug, Parser)]
#[command(name = "mx-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Client id accepted in HTTP Basic auth.
    #[arg(long)]
    client_id: String,
    /// API key accepted in HTTP Basic auth.
    #[arg(long)]
    api_key: String,
    /// Where webhooks are POSTed.
    #[arg(long)]
    webhook_url: Option<String>,
    /// Play MX's integration environment: mxbank is not throttled.
    #[arg(long)]
    integration_env: bool,
    /// Answer 429 (Retry-After) beyond this many requests per second (10 when the flag
    /// is given without a number). Off by default.
    #[arg(long, value_name = "PER_SECOND", num_args = 0..=1, default_missing_value = "10", alias = "rate-limits")]
    rate_limit: Option<u32>,
    /// How long each job step takes, in milliseconds of virtual time.
    #[arg(long, default_value_t = 1000)]
    step_ms: u64,
    /// How long an MFA challenge stays open, in seconds of virtual time.
    #[arg(long, default_value_t = 600)]
    mfa_timeout_secs: u64,
    /// Where the 3-hour throttle window starts.
    #[arg(long, value_enum, default_value_t = Throttle::AnyJob)]
    throttle_from: Throttle,
    /// Start the virtual clock at this RFC 3339 time instead of now.
    #[arg(long)]
    start_at: Option<DateTime<Utc>>,
    /// Seed of the GUIDs and of the fault plans' draws: the same seed and requests give
    /// the same answers.
    #[arg(long)]
    seed: Option<u64>,
    /// Freeze the virtual clock: jobs move only when `POST /emulator/clock` advances it.
    #[arg(long)]
    frozen: bool,
    /// Another tenant, `CLIENT_ID:API_KEY`, with its own data, clock, faults and outbox
    /// (repeatable).
    #[arg(long = "tenant", value_name = "ID:KEY", value_parser = tenant)]
    tenants: Vec<(String, String)>,
    /// A fault plan (JSON) every tenant starts with.
    #[arg(long, value_name = "FILE")]
    faults: Option<PathBuf>,
    /// The chance (0 to 1) that a webhook is dropped.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    webhook_drop: f64,
    /// The chance (0 to 1) that a delivered webhook is sent twice.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    webhook_duplicate: f64,
    /// Seconds of virtual time each webhook waits before its first attempt.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    webhook_delay_secs: u64,
    /// Send the webhooks due together newest first (each held a second at least).
    #[arg(long)]
    webhook_reorder: bool,
    /// Send MX's transaction webhooks (created, updated, deleted), as MX does to a
    /// client subscribed to them.
    #[arg(long)]
    transaction_webhooks: bool,
    /// Send MX's account webhooks (an account created, updated or deleted, with its
    /// balances), as MX does to a client subscribed to them.
    #[arg(long)]
    account_webhooks: bool,
    /// Requests each tenant's journal keeps (`GET /emulator/requests`), the newest ones.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    journal_entries: usize,
    /// Webhooks each tenant's outbox keeps (`GET /emulator/webhooks`); the oldest finished
    /// ones go first.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    webhooks_kept: usize,
    /// Webhooks in flight at once, each member's one after the other in the order queued
    /// (1: every webhook in turn).
    #[arg(long, value_name = "N", default_value_t = 1)]
    webhook_concurrency: usize,
    /// Background aggregation off for members created without
    /// `background_aggregation_is_disabled` (MX's client-wide setting).
    #[arg(long)]
    background_off_by_default: bool,
}

fn tenant(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((id, key)) if !id.is_empty() && !key.is_empty() => Ok((id.to_owned(), key.to_owned())),
        _ => Err(format!("expected CLIENT_ID:API_KEY, got {text:.60}")),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Throttle {
    /// At the last successful aggregation-type job.
    Success,
    /// At the start of the last aggregation-type job, whatever its outcome.
    AnyJob,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = Config::new(args.client_id, args.api_key);
    config.addr = args.addr;
    config.webhook_url = args.webhook_url;
    config.integration_env = args.integration_env;
    config.rate_limit = args.rate_limit;
    config.step = Duration::from_millis(args.step_ms);
    config.mfa_timeout = Duration::from_secs(args.mfa_timeout_secs);
    config.throttle_from = match args.throttle_from {
        Throttle::Success => ThrottleFrom::Success,
        Throttle::AnyJob => ThrottleFrom::AnyJob,
    };
    config.start_at = args.start_at;
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    config.real_time = !args.frozen;
    config.tenants = args.tenants;
    config.journal_entries = args.journal_entries;
    config.webhooks_kept = args.webhooks_kept;
    config.webhook_concurrency = args.webhook_concurrency;
    config.background_off_by_default = args.background_off_by_default;
    config.webhook_faults = WebhookFaults {
        drop: args.webhook_drop,
        duplicate: args.webhook_duplicate,
        delay_seconds: args.webhook_delay_secs,
        reorder: args.webhook_reorder,
        transactions: args.transaction_webhooks,
        accounts: args.account_webhooks,
    };
    if let Some(path) = &args.faults {
        let plan = std::fs::read_to_string(path)
            .map_err(|error| error.to_string())
            .and_then(|text| FaultPlan::from_json(&text).map_err(|error| error.to_string()));
        match plan {
            Ok(plan) => config.faults = plan,
            Err(error) => {
                eprintln!("mx-emulator: fault plan {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let probabilities = FaultPlan {
        rules: Vec::new(),
        webhooks: Some(config.webhook_faults.clone()),
    };
    if let Err(error) = probabilities.check() {
        eprintln!("mx-emulator: {error}");
        return ExitCode::FAILURE;
    }
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("mx-emulator: cannot listen on {}: {error}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    emulator.wait().await;
    ExitCode::SUCCESS
}
