//! `mx-fleet`: runs the durable service and the naive integrator side by side against the
//! in-process MX emulator over virtual days and prints one Markdown table of both.
//! `--check` makes it a correctness cross-check: exit status 1 when the service's copy
//! misses or doubles a transaction or holds an account whose balances are not MX's, or
//! the service asked for an aggregation MX did not start.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Parser;

use mx_fleet::harness::run::{Options, run};

/// mimalloc rather than glibc's malloc. The in-process emulator's listings (pages of
/// hundreds of rows made into JSON) and the harness's requests allocate and free many
/// short-lived buffers of every size; glibc's allocator and its free lists' consolidation
/// took about a quarter of this process's CPU at 10,000 members, and mimalloc made the
/// process's CPU 24% less at 2,000 × 2 (four pairs; docs/PERFORMANCE.md, tenth session).
/// The service has it too (its `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Fleet figures: the durable service against a naive MX integrator.
#[derive(Debug, Parser)]
#[command(name = "mx-fleet", version)]
struct Args {
    /// Members on the service's side.
    #[arg(long, default_value_t = 40)]
    members: usize,
    /// Members on the naive integrator's side (default: as many as --members).
    #[arg(long)]
    naive_members: Option<usize>,
    /// Virtual days.
    #[arg(long, default_value_t = 3)]
    days: u32,
    /// Virtual minutes per step.
    #[arg(long, default_value_t = 15)]
    step_minutes: u32,
    /// The emulator's seed.
    #[arg(long, default_value_t = 27)]
    seed: u64,
    /// The virtual start (RFC 3339).
    #[arg(long, default_value = "2026-03-02T00:00:00Z")]
    start_at: DateTime<Utc>,
    /// The `mx-aggregation-service` binary (default: beside this one).
    #[arg(long)]
    service_bin: Option<PathBuf>,
    /// Run the naive integrator alone.
    #[arg(long)]
    naive_only: bool,
    /// The service's `--database` (default: a SQLite file in --work-dir).
    #[arg(long)]
    database: Option<String>,
    /// Where the run keeps its files (default: a new directory under the temp dir).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Members the harness acts on at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Write both tenants' request journals here (`naive.jsonl`, `service.jsonl`), and
    /// each step's wall time by phase (`steps.jsonl`).
    #[arg(long)]
    journal_out: Option<PathBuf>,
    /// The service's --concurrency. A drive waiting for the clock (a poll's seconds, on
    /// the followed clock the harness moves) holds its slot, as it would in real time:
    /// the service's default of 4 would let four onboarding members through at a time.
    #[arg(long, default_value_t = 64)]
    service_concurrency: usize,
    /// Service processes on the one database (more than one needs PostgreSQL).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Wall milliseconds without a new MX call from the service after which a step ends,
    /// once the emulator owes the service no webhook and the service says it is idle
    /// (`GET /scheduler`: nothing due, no drive but those waiting for the clock). The
    /// probe is exact, so this is a margin, not a guess at when the work is done.
    #[arg(long, default_value_t = 5)]
    settle_ms: u64,
    /// The emulator's MFA timeout in virtual minutes (MX's is 10; a 15-minute step needs
    /// more for an end user to answer at the next step).
    #[arg(long, default_value_t = 60)]
    mfa_timeout_minutes: u64,
    /// Webhooks the emulator has in flight at once, each member's in turn (MX sends them
    /// without waiting for one member's before another's).
    #[arg(long, default_value_t = 8)]
    webhook_concurrency: usize,
    /// Exit 1 when the service's copy is not MX's or it wasted an aggregate call.
    #[arg(long)]
    check: bool,
    /// Without MX's ACCOUNT webhooks: the service's MX client is not subscribed to them,
    /// so each sync lists the accounts.
    #[arg(long)]
    no_account_webhooks: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let service_bin = if args.naive_only {
        None
    } else {
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("mx-aggregation-service")));
        match args.service_bin.clone().or(beside) {
            Some(path) if path.exists() => Some(path),
            Some(path) => {
                eprintln!(
                    "mx-fleet: no service binary at {}; build it (cargo build -p mx-aggregation-service) or pass --naive-only",
                    path.display()
                );
                return ExitCode::from(2);
            }
            None => None,
        }
    };
    let work_dir = args
        .work_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("mx-fleet-{}", std::process::id())));
    let options = Options {
        members: args.members,
        naive_members: args.naive_members.unwrap_or(args.members),
        days: args.days,
        step_minutes: args.step_minutes,
        seed: args.seed,
        start_at: args.start_at,
        service_bin,
        database: args.database.clone(),
        work_dir: work_dir.clone(),
        concurrency: args.concurrency,
        journal_out: args.journal_out.clone(),
        service_concurrency: Some(args.service_concurrency),
        account_webhooks: !args.no_account_webhooks,
        instances: args.instances,
        settle_ms: args.settle_ms,
        mfa_timeout_minutes: args.mfa_timeout_minutes,
        webhook_concurrency: args.webhook_concurrency,
    };
    let outcome = match run(&options) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("mx-fleet: {error}");
            return ExitCode::FAILURE;
        }
    };
    if args.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    println!(
        "mx-fleet: {} service members, {} naive members, {} virtual days in {} steps of {} min; {:.1} s wall; requests without an answer: naive {}, service {}",
        if options.service_bin.is_some() {
            options.members
        } else {
            0
        },
        options.naive_members,
        options.days,
        outcome.steps,
        options.step_minutes,
        outcome.wall_secs,
        outcome.errors.0,
        outcome.errors.1,
    );
    println!();
    print!("{}", outcome.table);
    if !args.check {
        return ExitCode::SUCCESS;
    }
    let Some(service) = &outcome.service else {
        eprintln!("mx-fleet: --check needs the service");
        return ExitCode::FAILURE;
    };
    let mut failed = false;
    if !service.copy.is_exact() {
        eprintln!(
            "mx-fleet: the service's copy differs from MX's: {} missing, {} doubled, {} gone at MX, {} accounts not MX's",
            service.copy.missing,
            service.copy.doubled,
            service.copy.gone,
            service.copy.accounts_off.unwrap_or(0)
        );
        failed = true;
    }
    if service.waste.aggregate_nothing_started > 0 {
        eprintln!(
            "mx-fleet: the service asked for {} aggregations MX did not start",
            service.waste.aggregate_nothing_started
        );
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
