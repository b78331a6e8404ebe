//! Waiting for the service to finish what a step gave it. The service's tenant journal
//! is read until no new MX call has arrived for a quiet period of wall time, every
//! webhook the emulator owes by its clock has been answered (the relay answers once the
//! service stored it), and, when the service's `/metrics` say so, no member is due and
//! no drive runs. The entries read are returned, so the journal is read once.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use mx_emulator::TenantHandle;

use crate::harness::clocks::Clocks;
use crate::metrics::journal::JournalEntry;
use crate::mx::Mx;
use crate::service_side::Service;

/// The longest a settle waits, whatever the service does.
const LONGEST: Duration = Duration::from_secs(300);

/// The most clock moves to the ends of the service's waits in one step.
const MOST_WAITS: usize = 200;

/// Reads the journal after `since` until it stays unchanged for `quiet`, `tenant` owes
/// no webhook and the service is idle.
///
/// # Errors
///
/// When the journal cannot be read.
pub async fn settle(
    mx: &Mx,
    service: &Service,
    tenant: &TenantHandle,
    since: u64,
    quiet: Duration,
) -> Result<Vec<JournalEntry>, String> {
    let started = Instant::now();
    let mut last_change = Instant::now();
    let mut since = since;
    let mut entries = Vec::new();
    let poll = (quiet / 3).max(Duration::from_millis(5));
    loop {
        tokio::time::sleep(poll).await;
        let page = mx.journal_since(since).await.map_err(|e| e.to_string())?;
        if let Some(last) = page.last() {
            since = last.seq;
            last_change = Instant::now();
            entries.extend(page);
            continue;
        }
        if started.elapsed() >= LONGEST {
            return Ok(entries);
        }
        if last_change.elapsed() >= quiet
            && tenant.webhooks_due() == 0
            && service.idle().await != Some(false)
        {
            return Ok(entries);
        }
    }
}

/// A tenant's journal, read step by step.
#[derive(Debug, Default)]
pub struct Journal {
    /// The entries read so far.
    pub entries: Vec<JournalEntry>,
    /// The sequence number of the last entry read.
    pub last: u64,
    /// Settles waited for, and the wall time spent in them.
    pub settles: (u64, Duration),
    /// Clock moves to the end of a service's wait inside a step.
    pub wait_moves: u64,
}

impl Journal {
    /// Appends `entries`.
    pub fn extend(&mut self, entries: Vec<JournalEntry>) {
        if let Some(last) = entries.last() {
            self.last = last.seq;
        }
        self.entries.extend(entries);
    }

    /// Moves the clock from `at` through the ends of the waits the service's drives are
    /// in (`mx_service_clock_wait_until_seconds`) that fall before `target`, settling
    /// after each; returns where the clock is. A wait whose end has passed is given a
    /// settle to wake; at most `MOST_WAITS` (200) moves a step, then the step's own advance
    /// ends them all.
    pub async fn through_waits(
        &mut self,
        clocks: &Clocks,
        (mx, service, tenant): (&Mx, &Service, &TenantHandle),
        at: DateTime<Utc>,
        target: DateTime<Utc>,
        quiet: Duration,
    ) -> Result<DateTime<Utc>, String> {
        let mut at = at;
        for _ in 0..MOST_WAITS {
            self.settle(mx, service, tenant, quiet).await?;
            let Some(until) = service.earliest_wait().await else {
                break;
            };
            if until >= target {
                break;
            }
            if until > at {
                at = clocks.advance(until - at).await?;
                self.wait_moves += 1;
            }
        }
        Ok(at)
    }

    /// Where the wall time went besides the service's work, in words: each settle waits
    /// for `--settle-ms` of quiet at least.
    pub fn waited(&self) -> String {
        format!(
            "{} settles took {:.1} s of wall time; {} clock moves to the ends of the service's waits inside steps",
            self.settles.0,
            self.settles.1.as_secs_f64(),
            self.wait_moves
        )
    }

    /// Waits until the service is quiet ([`settle`]) and appends what MX journaled since
    /// the last entry read.
    pub async fn settle(
        &mut self,
        mx: &Mx,
        service: &Service,
        tenant: &TenantHandle,
        quiet: Duration,
    ) -> Result<(), String> {
        let began = Instant::now();
        let settled = settle(mx, service, tenant, self.last, quiet).await?;
        self.settles.0 += 1;
        self.settles.1 += began.elapsed();
        self.extend(settled);
        Ok(())
    }
}
