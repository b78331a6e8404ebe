//! One fleet run: an in-process emulator on a frozen virtual clock with a tenant per
//! integrator, the durable service as a child process on its database, the naive
//! integrator in this process, both fleets of the same personas, the clock advanced step
//! by step for the given days, then the figures from both journals against the
//! emulator's truth.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration as WallDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use mx_emulator::{Config, Emulator, FaultPlan};

use crate::concurrent::map_concurrent;
use crate::harness::clocks::Clocks;
use crate::harness::faults::load_institution_faults;
use crate::harness::process::{ServiceArgs, ServiceProcess};
use crate::harness::procstat::{database_bytes, max_rss_kib, process_cpu_secs, threads_cpu_secs};
use crate::harness::relay::{self, Routes};
use crate::harness::settle::Journal;
use crate::harness::steps::{Phase, StepTimes};
use crate::metrics::copy::{CopyCheck, compare, compare_accounts};
use crate::metrics::figures::{Figures, Resources, RunInput, figures, table};
use crate::metrics::journal::JournalEntry;
use crate::metrics::prompts::Prompt;
use crate::metrics::steps::by_hour;
use crate::mx::Mx;
use crate::naive::{self, NaiveMember};
use crate::persona::Persona;
use crate::schedule::Tick;
use crate::service_side::{self, Service, ServiceMember};

/// The naive integrator's tenant.
const NAIVE_TENANT: (&str, &str) = ("fleet-naive", "naive-key");
/// The service's tenant.
const SERVICE_TENANT: (&str, &str) = ("fleet-service", "service-key");
/// The name prefix of the emulator's threads (for its CPU time).
const EMULATOR_THREADS: &str = "mx-emulator";

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Members on the service's side.
    pub members: usize,
    /// Members on the naive integrator's side.
    pub naive_members: usize,
    /// Virtual days.
    pub days: u32,
    /// Virtual minutes per step.
    pub step_minutes: u32,
    /// The emulator's seed.
    pub seed: u64,
    /// The virtual start.
    pub start_at: DateTime<Utc>,
    /// The `mx-aggregation-service` binary; `None` runs the naive side alone.
    pub service_bin: Option<PathBuf>,
    /// The service's `--database` (default: a SQLite file in `work_dir`).
    pub database: Option<String>,
    /// Where the run keeps its files.
    pub work_dir: PathBuf,
    /// Members the harness acts on at once.
    pub concurrency: usize,
    /// Write both journals here as JSON Lines (`naive.jsonl`, `service.jsonl`), and the
    /// steps' wall times (`steps.jsonl`).
    pub journal_out: Option<PathBuf>,
    /// The service's `--concurrency`, when given.
    pub service_concurrency: Option<usize>,
    /// MX sends the service's tenant ACCOUNT webhooks and the service is told so
    /// (`--account-webhooks`): balances come by webhook, not by listing.
    pub account_webhooks: bool,
    /// Service processes on the one database (more than one needs PostgreSQL).
    pub instances: usize,
    /// Wall milliseconds without a new MX call after which the service counts as idle
    /// (when the emulator owes it no webhook and its metrics show nothing due or running).
    pub settle_ms: u64,
    /// The emulator's MFA timeout, virtual minutes.
    pub mfa_timeout_minutes: u64,
    /// Webhooks the emulator has in flight at once, each member's in turn.
    pub webhook_concurrency: usize,
}

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The naive integrator's figures.
    pub naive: Figures,
    /// The service's figures, when it ran.
    pub service: Option<Figures>,
    /// The table of both.
    pub table: String,
    /// Wall seconds of the whole run.
    pub wall_secs: f64,
    /// Steps run.
    pub steps: usize,
    /// Requests without an answer, by side (naive, service).
    pub errors: (u64, u64),
}

/// Runs the fleet.
///
/// # Errors
///
/// A message naming what could not be set up or read.
pub fn run(options: &Options) -> Result<Outcome, String> {
    let started = Instant::now();
    let emulator_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(EMULATOR_THREADS)
        .enable_all()
        .build()
        .map_err(|e| format!("emulator runtime: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mx-fleet")
        .enable_all()
        .build()
        .map_err(|e| format!("harness runtime: {e}"))?;
    let routes = Arc::new(Routes::default());
    let (webhook_url, sink_url) = runtime
        .block_on(relay::start(Arc::clone(&routes)))
        .map_err(|e| format!("webhook relay: {e}"))?;
    let mut config = Config::new(NAIVE_TENANT.0, NAIVE_TENANT.1);
    config.tenants = vec![(SERVICE_TENANT.0.to_owned(), SERVICE_TENANT.1.to_owned())];
    config.real_time = false;
    config.start_at = Some(options.start_at);
    config.seed = options.seed;
    config.webhook_url = Some(webhook_url);
    config.mfa_timeout = WallDuration::from_secs(options.mfa_timeout_minutes * 60);
    config.webhook_concurrency = options.webhook_concurrency;
    config.journal_entries = (options.members.max(options.naive_members) * 60).max(200_000);
    let emulator = emulator_runtime
        .block_on(Emulator::start(config))
        .map_err(|e| format!("emulator: {e}"))?;
    let base = emulator.base_url().to_owned();
    let tenants = [NAIVE_TENANT.0, SERVICE_TENANT.0].map(|id| emulator.tenant(id));
    let [Some(naive_tenant), Some(service_tenant)] = tenants else {
        return Err("the emulator lacks a tenant".to_owned());
    };
    // The naive integrator uses no webhooks: its tenant's go to a sink.
    naive_tenant.set_webhook_url(&sink_url);
    if options.account_webhooks {
        // The service's MX client subscribes to ACCOUNT webhooks; the naive integrator's
        // does not (it reads no accounts).
        let plan = FaultPlan::from_json(r#"{"rules": [], "webhooks": {"accounts": true}}"#)
            .map_err(|e| format!("the webhook plan: {e}"))?;
        service_tenant.load_faults(plan);
    }
    std::fs::create_dir_all(&options.work_dir)
        .map_err(|e| format!("{}: {e}", options.work_dir.display()))?;
    if options.database.is_none() {
        // A fresh database each run: the default file left by an earlier run goes.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(options.work_dir.join(format!("fleet.db{suffix}")));
        }
    }
    let database = options
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", options.work_dir.join("fleet.db").display()));
    let mut processes = Vec::new();
    if let Some(binary) = &options.service_bin {
        // One after the other: the first creates the schema, the next find it.
        for instance in 0..options.instances.max(1) {
            let log = options.work_dir.join(format!("service-{instance}.log"));
            processes.push(ServiceProcess::start(&ServiceArgs {
                log: &log,
                binary,
                database: &database,
                mx_base_url: &base,
                client_id: SERVICE_TENANT.0,
                api_key: SERVICE_TENANT.1,
                concurrency: options.service_concurrency,
                account_webhooks: options.account_webhooks,
                dir: &options.work_dir,
            })?);
        }
    }
    let service_urls: Vec<String> = processes.iter().map(|p| p.base_url.clone()).collect();
    if let [only] = service_urls.as_slice() {
        // One instance: the emulator posts the service's tenant's webhooks to it, as MX
        // posts a client's to the URL the client set; no relay hop in between.
        service_tenant.set_webhook_url(&format!("{only}/webhooks/mx"));
    } else {
        // Instances in turn, through the relay.
        routes
            .service
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone_from(&service_urls);
    }
    let clocks = Clocks {
        runtime: emulator_runtime.handle().clone(),
        tenants: vec![naive_tenant, service_tenant],
    };
    let sides = runtime.block_on(drive(options, &base, &clocks, &routes, &service_urls))?;
    let emulator_cpu = threads_cpu_secs(EMULATOR_THREADS);
    let resources = (!processes.is_empty()).then(|| Resources {
        cpu_secs: processes.iter().map(|p| process_cpu_secs(p.pid())).sum(),
        max_rss_kib: processes
            .iter()
            .map(|p| max_rss_kib(p.pid()))
            .max()
            .unwrap_or(0),
        db_bytes: database_bytes(&database),
        emulator_cpu_secs: emulator_cpu,
    });
    for process in processes {
        process.stop();
    }
    emulator.shutdown();
    drop(emulator_runtime);
    let naive = figures(&RunInput {
        label: "naive integrator",
        members: options.naive_members,
        days: f64::from(options.days),
        end: sides.end,
        entries: &sides.naive.entries,
        members_of_users: &sides.naive.users,
        new_data: &sides.naive.new_data,
        prompts: &sides.naive.prompts,
        copy: sides.naive.copy,
        resources: None,
    });
    let service = sides.service.as_ref().map(|side| {
        figures(&RunInput {
            label: "durable service",
            members: options.members,
            days: f64::from(options.days),
            end: sides.end,
            entries: &side.entries,
            members_of_users: &side.users,
            new_data: &side.new_data,
            prompts: &side.prompts,
            copy: side.copy,
            resources,
        })
    });
    let columns: Vec<Figures> = service.iter().cloned().chain([naive.clone()]).collect();
    Ok(Outcome {
        table: table(&columns),
        naive,
        service,
        wall_secs: started.elapsed().as_secs_f64(),
        steps: sides.steps,
        errors: sides.errors,
    })
}

/// What one side observed.
struct Side {
    entries: Vec<JournalEntry>,
    users: HashMap<String, String>,
    new_data: HashMap<String, Vec<DateTime<Utc>>>,
    prompts: Vec<Prompt>,
    copy: CopyCheck,
}

/// Both sides at the end of the run.
struct Sides {
    naive: Side,
    service: Option<Side>,
    end: DateTime<Utc>,
    steps: usize,
    errors: (u64, u64),
}

/// Onboards both fleets, runs the steps, and reads what each side observed.
async fn drive(
    options: &Options,
    base: &str,
    clocks: &Clocks,
    routes: &Routes,
    service_urls: &[String],
) -> Result<Sides, String> {
    let [naive_tenant, service_tenant] = clocks.tenants.as_slice() else {
        return Err("the emulator lacks a tenant".to_owned());
    };
    let naive_mx = Mx::new(base, NAIVE_TENANT.0, NAIVE_TENANT.1).map_err(|e| e.to_string())?;
    let service_mx =
        Mx::new(base, SERVICE_TENANT.0, SERVICE_TENANT.1).map_err(|e| e.to_string())?;
    let service = (!service_urls.is_empty())
        .then(|| Service::new(service_urls))
        .transpose()
        .map_err(|e| e.to_string())?;
    let start = options.start_at;
    let limit = options.concurrency;
    let wall = Instant::now();
    let mut naive_members = map_concurrent((0..options.naive_members).collect(), limit, |index| {
        naive::create(naive_mx.clone(), index, Persona::of(index))
    })
    .await;
    let mut service_members: Vec<ServiceMember> = match &service {
        Some(service) => {
            map_concurrent((0..options.members).collect(), limit, |index| {
                service_side::create(service.instance(index), index, Persona::of(index), start)
            })
            .await
        }
        None => Vec::new(),
    };
    if service.is_some() {
        eprintln!(
            "mx-fleet: {} members created through the service, {:.1} s",
            service_members.len(),
            wall.elapsed().as_secs_f64()
        );
    }
    let mut naive_journal = Journal::default();
    let mut service_journal = Journal::default();
    let step = Duration::minutes(i64::from(options.step_minutes.max(1)));
    let end = start + Duration::days(i64::from(options.days));
    let mut previous = start;
    let mut steps = 0;
    let mut faults_loaded = false;
    let settle_for = WallDuration::from_millis(options.settle_ms);
    let mut step_log = Vec::new();
    while previous < end {
        let target = previous + step;
        let mut at = previous;
        let mut timed = StepTimes::begin(previous, &service_journal);
        if let Some(service) = &service {
            // The service's drives wait on the clock (a poll, a short delay): move it to
            // each wait's end inside the step, as time would pass for them.
            at = service_journal
                .through_waits(
                    clocks,
                    (&service_mx, service, service_tenant),
                    at,
                    target,
                    settle_for,
                )
                .await?;
        }
        timed.mark(Phase::Waits);
        let now = clocks.advance(target - at).await?;
        timed.mark(Phase::Advance);
        steps += 1;
        if let Some(service) = &service {
            service_journal
                .settle(&service_mx, service, service_tenant, settle_for)
                .await?;
            timed.mark(Phase::Settle);
            // The onboarding's pace: members through create, CONNECTED and a first sync
            // (the service's completed syncs) in the first virtual hour.
            if now <= start + Duration::hours(1) {
                eprintln!(
                    "mx-fleet: {} virtual minutes, {} syncs completed, {:.1} s",
                    (now - start).num_minutes(),
                    service.syncs_total().await.unwrap_or(0),
                    wall.elapsed().as_secs_f64()
                );
            }
        }
        if !faults_loaded && now >= start + Duration::days(1) {
            faults_loaded = true;
            load_institution_faults(
                naive_tenant,
                naive_members.iter().map(|m| (m.persona, &m.member)),
                false,
            )?;
            load_institution_faults(
                service_tenant,
                service_members.iter().map(|m| (m.persona, &m.member)),
                options.account_webhooks,
            )?;
        }
        let tick = Tick {
            start,
            previous,
            now,
        };
        naive_members = naive::tick(&naive_mx, naive_members, tick, limit).await;
        timed.mark(Phase::Naive);
        if let Some(service) = &service {
            service_members = service_side::tick(service, service_members, tick, limit).await;
            // What the end users asked for is done at this virtual time, before the
            // clock moves on.
            if service_members.iter().any(|m| m.last_acted == Some(now)) {
                service_journal
                    .settle(&service_mx, service, service_tenant, settle_for)
                    .await?;
            }
            timed.mark(Phase::EndUsers);
        }
        step_log.push(timed.end(now, &service_journal));
        naive_journal.extend(
            naive_mx
                .journal_since(naive_journal.last)
                .await
                .map_err(|e| e.to_string())?,
        );
        if (now - start).num_days() > (previous - start).num_days() {
            eprintln!(
                "mx-fleet: virtual day {} of {} done, {:.0} s",
                (now - start).num_days(),
                options.days,
                wall.elapsed().as_secs_f64()
            );
        }
        previous = now;
    }
    // A last few minutes with nobody acting, so that jobs started at the last step end
    // and the service syncs what they brought: the clock moves through its drives'
    // waits for up to an hour more (a drive waiting on the followed clock ends only
    // when the clock moves).
    let mut end = clocks.advance(Duration::minutes(5)).await?;
    if let Some(service) = &service {
        let service_side = (&service_mx, service, service_tenant);
        end = service_journal
            .through_waits(
                clocks,
                service_side,
                end,
                end + Duration::hours(1),
                settle_for,
            )
            .await?;
        service_journal
            .settle(&service_mx, service, service_tenant, settle_for)
            .await?;
    }
    naive_journal.extend(
        naive_mx
            .journal_since(naive_journal.last)
            .await
            .map_err(|e| e.to_string())?,
    );
    if service.is_some() {
        eprintln!("mx-fleet: {}", service_journal.waited());
        eprintln!("mx-fleet: {}", by_hour(&step_log, 6));
        eprintln!(
            "mx-fleet: {}",
            relay::summary(routes, service_tenant.webhook_answers())
        );
    }
    if let Some(dir) = &options.journal_out {
        write_journal(&dir.join("naive.jsonl"), &naive_journal.entries)?;
        write_journal(&dir.join("service.jsonl"), &service_journal.entries)?;
        write_journal(&dir.join("steps.jsonl"), &step_log)?;
    }
    // The journals are read; what follows reads MX's truth, unfaulted.
    naive_mx.clear_faults().await.map_err(|e| e.to_string())?;
    service_mx.clear_faults().await.map_err(|e| e.to_string())?;
    let naive_side = naive_side(&naive_mx, naive_members, naive_journal, start, end, limit).await?;
    let mut errors = (naive_side.1, 0);
    let service_side = match &service {
        Some(service) => {
            let (side, failed) = service_side(
                &service_mx,
                service,
                service_members,
                service_journal,
                (start, end),
                limit,
            )
            .await?;
            errors.1 = failed;
            Some(side)
        }
        None => None,
    };
    Ok(Sides {
        naive: naive_side.0,
        service: service_side,
        end,
        steps,
        errors,
    })
}

/// Writes journal entries (or steps) as JSON Lines.
fn write_journal<T: serde::Serialize>(path: &std::path::Path, entries: &[T]) -> Result<(), String> {
    let mut text = String::new();
    for entry in entries {
        text.push_str(&serde_json::to_string(entry).map_err(|e| e.to_string())?);
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The dates (`YYYY-MM-DD`) wide enough for every transaction MX holds for the run.
fn truth_window(start: DateTime<Utc>, end: DateTime<Utc>) -> (String, String) {
    (
        (start - Duration::days(200)).format("%Y-%m-%d").to_string(),
        (end + Duration::days(10)).format("%Y-%m-%d").to_string(),
    )
}

/// The naive side's observations: traces, and its copies against MX's truth.
async fn naive_side(
    mx: &Mx,
    members: Vec<NaiveMember>,
    journal: Journal,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    limit: usize,
) -> Result<(Side, u64), String> {
    let (from, to) = truth_window(start, end);
    let checked = map_concurrent(members, limit, |member| {
        let (mx, from, to) = (mx.clone(), from.clone(), to.clone());
        async move {
            let truth = mx
                .transaction_guids(&member.user, &member.member, &from, &to)
                .await;
            let successes = mx.successes(&member.member).await;
            (member, truth, successes)
        }
    })
    .await;
    let mut side = Side {
        entries: journal.entries,
        users: HashMap::new(),
        new_data: HashMap::new(),
        prompts: Vec::new(),
        copy: CopyCheck::default(),
    };
    let mut errors = 0;
    for (member, truth, successes) in checked {
        errors += member.errors;
        if member.member.is_empty() {
            continue;
        }
        let local: Vec<&String> = member.local.iter().collect();
        side.copy
            .add(compare(&truth.map_err(|e| e.to_string())?, &local));
        side.new_data
            .insert(member.member.clone(), successes.map_err(|e| e.to_string())?);
        side.users.insert(member.user, member.member);
        side.prompts.extend(member.prompts);
    }
    Ok((side, errors))
}

/// The service side's observations: traces, and the service's stored copies against
/// MX's truth.
async fn service_side(
    mx: &Mx,
    service: &Service,
    members: Vec<ServiceMember>,
    journal: Journal,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    limit: usize,
) -> Result<(Side, u64), String> {
    let (from, to) = truth_window(start, end);
    let checked = map_concurrent(members, limit, |member| {
        let (mx, service, from, to) = (mx.clone(), service.clone(), from.clone(), to.clone());
        async move {
            let truth = mx
                .transaction_guids(&member.user, &member.member, &from, &to)
                .await;
            let copy = service.transaction_guids(&member.member).await;
            let accounts = (
                mx.accounts(&member.user, &member.member).await,
                service.accounts(&member.member).await,
            );
            let successes = mx.successes(&member.member).await;
            (member, truth, copy, accounts, successes)
        }
    })
    .await;
    let mut side = Side {
        entries: journal.entries,
        users: HashMap::new(),
        new_data: HashMap::new(),
        prompts: Vec::new(),
        copy: CopyCheck::default(),
    };
    let mut errors = 0;
    side.copy.accounts_off = Some(0);
    for (member, truth, copy, (mx_accounts, accounts), successes) in checked {
        errors += member.errors;
        if member.member.is_empty() {
            continue;
        }
        let truth = truth.map_err(|e| e.to_string())?;
        let copy = copy.map_err(|e| e.to_string())?;
        let mut check = compare(&truth, &copy);
        check.accounts_off = Some(compare_accounts(
            &mx_accounts.map_err(|e| e.to_string())?,
            &accounts.map_err(|e| e.to_string())?,
        ));
        side.copy.add(check);
        side.new_data
            .insert(member.member.clone(), successes.map_err(|e| e.to_string())?);
        side.users.insert(member.user, member.member);
        side.prompts.extend(member.prompts);
    }
    Ok((side, errors))
}
