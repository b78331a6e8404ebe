//! One drive of one member under a claim: load its row, fold the webhooks that came,
//! run the client's driver (end user absent for scheduled drives, present for the end
//! user's routes) while renewing the lease, and write the result back fenced by the
//! claim's attempt number. Secrets never come here: the end user's routes send them to
//! MX before the drive starts.

use std::time::Duration;

use tokio::sync::Notify;

use chrono::{DateTime, Utc};
use mx_aggregation::{Answer, Call, EndUser, MemberState, NextStep, Observation, Policy};
use mx_aggregation_client::sync::{DataWebhook, MemberData, MemoryStore, SyncOptions};
use mx_aggregation_client::{CallTally, Clock, DataStep, DriveError, Driver, MemberRef, Outcome};

use crate::clock::ServiceClock;
use crate::core::data_changes::DataChanges;
use crate::core::late_webhooks;
use crate::core::schedule::{self, Ended, RENEW_EVERY};
use crate::core::verdict::Verdict;
use crate::store::{Claimed, Db, DriveWrite, List, StoreError, StoredData, Written};

/// Why a drive runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// The scheduler's: the end user is absent.
    Scheduled,
    /// The end user's app: they are present (they answered MFA, sent new credentials,
    /// came back from the OAuth window, or ask for fresh data).
    Present,
}

/// What drives members: the database, a driver per end-user presence, the clock.
#[derive(Debug, Clone)]
pub struct Worker {
    db: Db,
    absent: Driver<ServiceClock>,
    present: Driver<ServiceClock>,
    clock: ServiceClock,
    policy: Policy,
    owner: String,
    tally: CallTally,
    account_webhooks: bool,
}

/// A drive that could not finish its write-back.
#[derive(Debug, thiserror::Error)]
pub enum DriveFailure {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The clock failed.
    #[error("the clock failed: {0}")]
    Clock(#[source] mx_aggregation_client::MxError),
}

impl Worker {
    /// A worker named `owner` (its leases carry the name).
    pub fn new(
        db: Db,
        absent: Driver<ServiceClock>,
        present: Driver<ServiceClock>,
        policy: Policy,
        owner: String,
        tally: CallTally,
    ) -> Self {
        let clock = absent.clock().clone();
        Self {
            db,
            absent,
            present,
            clock,
            policy,
            owner,
            tally,
            account_webhooks: false,
        }
    }

    /// This worker when MX sends ACCOUNT webhooks (`--account-webhooks`): a sync a data
    /// webhook announced lists no accounts
    /// ([`SyncOptions::account_webhooks`]).
    #[must_use]
    pub const fn with_account_webhooks(mut self, on: bool) -> Self {
        self.account_webhooks = on;
        self
    }

    /// The database.
    pub const fn db(&self) -> &Db {
        &self.db
    }

    /// The name this worker's leases carry.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The driver the end user's routes use (the end user present).
    pub const fn present(&self) -> &Driver<ServiceClock> {
        &self.present
    }

    /// The calls counted so far.
    pub const fn tally(&self) -> &CallTally {
        &self.tally
    }

    /// The waits in progress on a followed clock (`--clock emulator-follow`): how
    /// many, and the earliest moment one waits for.
    pub fn clock_waits(&self) -> (usize, Option<DateTime<Utc>>) {
        self.clock.waits()
    }

    /// How many of those waits end after `now`, i.e. still wait for the clock to move.
    pub fn clock_waits_after(&self, now: DateTime<Utc>) -> usize {
        self.clock.waits_after(now)
    }

    /// The time now as told by whoever moves a followed clock ([`ServiceClock::told`]);
    /// `None` on the other clocks.
    pub fn told_now(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.clock.told(at)
    }

    /// The time now, by the service's clock.
    ///
    /// # Errors
    /// The clock's (the emulator's clock is an HTTP call).
    pub async fn now(&self) -> Result<DateTime<Utc>, DriveFailure> {
        self.clock.now().await.map_err(DriveFailure::Clock)
    }

    /// Drives the member `claimed` names, as `intent` says, and writes the result back;
    /// gives up without writing when `stop` is notified (a newer drive in this process
    /// took the member over) or the lease is lost.
    ///
    /// # Errors
    /// [`DriveFailure`] when the database or the clock fails.
    pub async fn drive(
        &self,
        claimed: &Claimed,
        intent: Intent,
        stop: &Notify,
    ) -> Result<Written, DriveFailure> {
        let Some(row) = self.db.member(&claimed.member_guid).await? else {
            self.db.release(claimed).await?;
            return Ok(Written::Fenced);
        };
        let mut state = row.state;
        // The accounts (a few rows) always: ACCOUNT webhooks fold into them. The
        // transactions (hundreds) only when the sync reads them (`run`).
        let mut loaded = StoredData::default();
        self.db
            .load_list(&row.guid, List::Accounts, &mut loaded)
            .await?;
        // The accounts as stored, which the write-back compares with; the transactions
        // are kept as MX's text, and the sync notes the ones it changes
        // (`MemoryStore::changed_transactions`).
        let stored_accounts = loaded.store.accounts.clone();
        let mut store = MemoryStore::keeping_text();
        store.accounts = loaded.store.accounts;
        let mut data = MemberData {
            checkpoint: row.checkpoint,
            store,
            due: row.data_due,
        };
        let unfolded = self.db.unfolded(&row.guid).await?;
        let mut accounts_came = false;
        for webhook in &unfolded {
            if let Ok(observation) = Observation::from_json(&webhook.body) {
                let _ = state.apply(&observation, webhook.received_at);
            }
            if let Ok(body) = serde_json::from_str(&webhook.body) {
                let folded = data.fold_webhook(&body);
                accounts_came |= matches!(folded, DataWebhook::Account { applied: true, .. });
            }
        }
        let mut folded: Vec<String> = unfolded.into_iter().map(|w| w.digest).collect();
        let member = MemberRef::new(row.user_guid.clone(), row.guid.clone());
        let end_user = match intent {
            Intent::Scheduled => EndUser::Absent,
            Intent::Present => EndUser::Present,
        };
        let result = {
            let work = self.run(&member, intent, &mut state, &mut data);
            tokio::select! {
                result = work => Some(result),
                () = self.keep_lease(claimed) => None,
                () = stop.notified() => None,
            }
        };
        let Some(result) = result.transpose()? else {
            tracing::warn!(member = %member, "lease taken over: the drive stops without writing");
            return Ok(Written::Fenced);
        };
        // The rows to write, taken now: the member's copy (a first sync's is hundreds of
        // MX's texts) is freed before the waits for the clock, a reading connection and
        // the writer, so a drive waiting there holds only what it writes.
        let synced = matches!(
            result,
            Ok(Outcome::Synced { .. } | Outcome::SyncFailed { .. })
        );
        // The accounts MX's ACCOUNT webhooks carried are written even when the drive
        // synced nothing.
        let changes = (synced || accounts_came)
            .then(|| DataChanges::after_sync(&stored_accounts, &data.store));
        data.store = MemoryStore::default();
        let now = self.now().await?;
        self.note_retry_after(now).await;
        if result.is_ok() {
            self.fold_late_webhooks(&row.guid, &mut state, &mut folded, (now, end_user))
                .await?;
        }
        let verdict = match &result {
            Ok(outcome) => Verdict::of(outcome),
            Err(error) => {
                tracing::warn!(member = %member, %error, "drive failed");
                error_verdict()
            }
        };
        let mut reason = verdict
            .reason
            .unwrap_or_else(|| state.decide(now, &self.policy, end_user).reason);
        // A scheduled drive's wait that ends with the end user: no look at its end; the
        // row shows what the end user will be asked then.
        let ended = match (intent, verdict.ended) {
            (Intent::Scheduled, Ended::WaitUntil { until }) => {
                let then = state.decide(until, &self.policy, EndUser::Absent);
                let ended = schedule::unattended_wait(verdict.ended, then.action);
                if ended == Ended::EndUser {
                    reason = then.reason;
                }
                ended
            }
            (Intent::Scheduled | Intent::Present, ended) => ended,
        };
        let action = reason.action();
        let status = state
            .snapshot()
            .and_then(|snapshot| snapshot.connection_status)
            .map(|status| status.as_str());
        let challenges = verdict.challenges.as_ref().map(ToString::to_string);
        let write = DriveWrite {
            claimed,
            state: &state,
            connection_status: status,
            action: Some(action.as_str()),
            reason: Some(reason.code()),
            requires_end_user: Some(action.requires_end_user()),
            challenges,
            oauth_window_uri: verdict.oauth_window_uri.as_deref(),
            user_message: verdict.user_message.as_deref(),
            synced_through: verdict.synced_through.map(|at| at.to_rfc3339()),
            checkpoint: &data.checkpoint,
            data_due: data.due,
            data: changes.as_ref(),
            folded: &folded,
            run_at: schedule::next_wakeup(ended, now),
            now,
        };
        let written = self.db.write_drive(&write).await?;
        tracing::info!(member = %member, action = action.as_str(), reason = reason.code(), ?written, "drive ended");
        Ok(written)
    }

    /// Runs the driver as `intent` says, syncing whenever the crate says `read_data`.
    /// The driver's two halves (`Driver::drive_to_data`, `Driver::sync_read`), with the
    /// member's stored transactions loaded between them only when the sync reads them
    /// (`MemberData::needs_transactions`), by their marks (a digest of MX's text,
    /// `Db::load_held_transactions`): the sync reads only the rows whose text MX
    /// changed, and notes what it changes. Most drives (polls, waits, the
    /// echo of a sync already done) never load them.
    async fn run(
        &self,
        member: &MemberRef,
        intent: Intent,
        state: &mut MemberState,
        data: &mut MemberData,
    ) -> Result<Result<Outcome, DriveError>, StoreError> {
        let driver = match intent {
            Intent::Scheduled => &self.absent,
            Intent::Present => &self.present,
        };
        // MX's largest page (records_per_page up to 1000, SPEC25): a member's 120 days of
        // MX Bank history is one page instead of six or seven at the default 100.
        let options = SyncOptions {
            records_per_page: 1000,
            account_webhooks: self.account_webhooks,
            ..SyncOptions::default()
        };
        let read = match driver.drive_to_data(member, state, data).await {
            Ok(DataStep::Read(read)) => read,
            Ok(DataStep::Over(outcome)) => return Ok(Ok(outcome)),
            Err(error) => return Ok(Err(error)),
        };
        if data.needs_transactions(read.as_of) {
            self.db
                .load_held_transactions(&member.member, &mut data.store)
                .await?;
        }
        Ok(driver.sync_read(member, data, &options, read).await)
    }

    /// Folds into `state` the member's webhooks stored while the drive ran that its own
    /// calls already answered (`core::late_webhooks`), oldest first, up to the first
    /// that needs a drive of its own: that one and those after it stay unfolded, and
    /// the write-back brings the member back for them.
    async fn fold_late_webhooks(
        &self,
        guid: &str,
        state: &mut MemberState,
        folded: &mut Vec<String>,
        (now, end_user): (DateTime<Utc>, EndUser),
    ) -> Result<(), StoreError> {
        for webhook in self.db.unfolded(guid).await? {
            if folded.contains(&webhook.digest) {
                continue;
            }
            match late_webhooks::folded_if_answered(
                state,
                &webhook.body,
                webhook.received_at,
                (now, &self.policy, end_user),
            ) {
                Some(after) => {
                    *state = after;
                    folded.push(webhook.digest);
                }
                None => break,
            }
        }
        Ok(())
    }

    /// Renews the lease every [`RENEW_EVERY`] for as long as it is awaited (while the
    /// drive runs, and while an end user's drive waits for its turn); returns when
    /// another claim took the member (the drive is then dropped, writing nothing).
    pub async fn keep_lease(&self, claimed: &Claimed) {
        let every =
            Duration::from_millis(u64::try_from(RENEW_EVERY.num_milliseconds()).unwrap_or(10_000));
        loop {
            tokio::time::sleep(every).await;
            // Leases run on wall time (`schedule::LEASE`), whatever clock decides.
            match self.db.renew(claimed, Utc::now()).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => tracing::warn!(%error, "renewing a lease failed"),
            }
        }
    }

    /// Sets the global gate when MX answered `429` since the last look: no scheduled
    /// drive starts before MX's `Retry-After` (read by `Call::classify`, as the driver
    /// reads it) has passed.
    async fn note_retry_after(&self, now: DateTime<Utc>) {
        let Some(value) = self.tally.take_retry_after() else {
            return;
        };
        let answer = Answer::Response {
            status: 429,
            body: "",
            retry_after: (!value.is_empty()).then_some(value.as_str()),
        };
        if let NextStep::Retry { after_secs } =
            Call::Read.classify(&answer, 1, now, &self.policy).step
        {
            let held = self.db.gate().await.ok().flatten();
            let until = schedule::retry_after(held, now, after_secs);
            if let Err(error) = self.db.set_gate(until).await {
                tracing::warn!(%error, "storing MX's Retry-After failed");
            }
        }
    }
}

/// A drive that failed before an outcome: the state's own decision is shown, and the
/// member is looked at again soon.
const fn error_verdict() -> Verdict {
    Verdict {
        reason: None,
        challenges: None,
        oauth_window_uri: None,
        user_message: None,
        synced_through: None,
        ended: Ended::Error,
    }
}
