//! Start and stop: bind, open the database, say where the service listens (the first
//! stdout line, flushed), then recover calls in doubt in the background, run the
//! scheduler and serve; on SIGTERM stop claiming, let drives finish or give them back,
//! and return within 10 s.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use mx_aggregation::{EndUser, Policy};
use mx_aggregation_client::{
    CallTally, Driver, EmulatorClock, Limits, MxClient, MxConfig, SystemClock,
};
use tokio::sync::watch;

use crate::api::{AppState, router};
use crate::clock::{FollowClock, ServiceClock};
use crate::config::{ClockKind, Config};
use crate::core::digest::canonical_digest;
use crate::drive::Worker;
use crate::scheduler::{self, Running};
use crate::store::{Db, Engine, Inbox, StoreError};

/// How long running drives get to finish at shutdown before their claims are given
/// back (the whole shutdown stays under 10 s).
const DRAIN: Duration = Duration::from_secs(6);
/// How long open requests get at shutdown.
const CLOSE_REQUESTS: Duration = Duration::from_secs(2);

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listen address.
    #[error("--listen {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A flag is missing.
    #[error("{0} is required (or --emulator)")]
    Missing(&'static str),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The MX client or the emulator.
    #[error("{0}")]
    Mx(String),
}

/// Runs the service until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`StartError`] when it cannot start.
pub async fn run(config: Config) -> Result<(), StartError> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.listen.clone(),
            source,
        })?;
    serve(config, listener, terminated()).await
}

/// Runs the service on `listener` until `shutdown` completes (tests bind the listener
/// first, so the emulator can deliver webhooks to it).
///
/// # Errors
/// [`StartError`] when it cannot start.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: config.listen.clone(),
        source,
    })?;
    let here = format!("http://{addr}");
    let (mx, emulator) = mx_config(&config, &here).await?;
    let db = Db::open(&config.database).await?;
    if db.engine() == Engine::Sqlite {
        // One process at a time on SQLite: whatever leases remain are its
        // predecessor's, and it is gone.
        let released = db.release_all().await?;
        if released > 0 {
            tracing::info!(released, "released the previous process's leases");
        }
    }
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{here}");
        let _ = stdout.flush();
    }
    let tally = CallTally::new();
    let client = MxClient::new(mx)
        .map_err(|e| StartError::Mx(e.to_string()))?
        .with_call_tally(tally.clone());
    let clock = match config.clock {
        ClockKind::System => ServiceClock::System(SystemClock),
        ClockKind::Emulator => ServiceClock::Emulator(EmulatorClock::new(client.clone())),
        ClockKind::EmulatorFollow => {
            ServiceClock::Follow(FollowClock::new(EmulatorClock::new(client.clone())))
        }
    };
    let policy = Policy::default();
    // The driver sleeps through waits up to its default 5 minutes (a poll, a short
    // delay; on the emulator's clock, at once) and hands longer ones (MX's 3-hour
    // window) back to the scheduler.
    let limits = |end_user| Limits {
        end_user,
        ..Limits::default()
    };
    let absent =
        Driver::new(client.clone(), clock.clone(), policy).with_limits(limits(EndUser::Absent));
    let present = Driver::new(client, clock, policy).with_limits(limits(EndUser::Present));
    let owner = canonical_digest(&serde_json::json!({
        "pid": std::process::id(),
        "addr": here,
        "at": chrono::Utc::now().to_rfc3339(),
    }))[..16]
        .to_owned();
    let worker = Worker::new(db.clone(), absent, present, policy, owner, tally)
        .with_account_webhooks(config.account_webhooks);
    let running = Running::default().with_end_user_slots(config.end_user_concurrency);
    let state = AppState {
        worker: worker.clone(),
        running: running.clone(),
        inbox: Inbox::start(db.clone()),
        api_token: config.api_token.as_deref().map(Arc::from),
        webhook_basic_auth: config.webhook_basic_auth.as_deref().map(Arc::from),
    };
    tokio::spawn(crate::recovery::recover(worker.clone()));
    let (stop, stopped) = watch::channel(false);
    let scheduler = tokio::spawn(scheduler::run(
        worker.clone(),
        running.clone(),
        config.concurrency,
        stopped.clone(),
    ));
    let mut closing = stopped.clone();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = closing.wait_for(|stop| *stop).await;
        };
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown)
            .await
    });
    shutdown.await;
    tracing::info!("stopping: no more claims");
    let _ = stop.send(true);
    let _ = scheduler.await;
    let _ = tokio::time::timeout(CLOSE_REQUESTS, server).await;
    running.drain(&worker, DRAIN).await;
    db.close().await;
    if let Some(emulator) = emulator {
        emulator.shutdown();
    }
    Ok(())
}

/// MX's configuration: the in-process emulator's, or the flags'.
async fn mx_config(
    config: &Config,
    here: &str,
) -> Result<(MxConfig, Option<mx_emulator::Emulator>), StartError> {
    if config.emulator {
        let mut emulated = mx_emulator::Config::new("demo-client", "demo-key");
        emulated.webhook_url = Some(format!("{here}/webhooks/mx"));
        emulated.webhook_faults.accounts = config.account_webhooks;
        let started = mx_emulator::Emulator::start(emulated)
            .await
            .map_err(|e| StartError::Mx(format!("starting the emulator: {e}")))?;
        eprintln!(
            "MX emulator at {} (client demo-client, key demo-key)",
            started.base_url()
        );
        let mx = MxConfig::new(started.base_url(), "demo-client", "demo-key");
        return Ok((mx, Some(started)));
    }
    let base = config
        .mx_base_url
        .clone()
        .ok_or(StartError::Missing("--mx-base-url"))?;
    let id = config
        .client_id
        .clone()
        .ok_or(StartError::Missing("--client-id"))?;
    let key = config
        .api_key
        .clone()
        .ok_or(StartError::Missing("--api-key"))?;
    Ok((MxConfig::new(base, id, key), None))
}

/// SIGTERM or Ctrl-C.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
