//! Past `read_data`: the member's accounts listed in full (unless MX's ACCOUNT webhooks
//! carry them), its transactions synced incrementally by the sans-IO core, every page
//! through `Call::classify` and its retries.

use mx_aggregation::{EndUser, HttpOutcome, MemberState, NextStep};

use super::Driver;
use super::exchange::unanswered;
use super::outcome::{AccountCounts, DataRead, DataStep, DriveError, Outcome, SyncReport};
use crate::clock::Clock;
use crate::endpoint::{DataList, Endpoint, MemberRef};
use crate::query::PageQuery;
use crate::reply::Reply;
use crate::sync::{AccountChanges, MemberData, SyncError, SyncOptions, TransactionSync};
use crate::types::{Account, AccountsPage, Member, TransactionsPage};

/// The copy already holds MX's data as of `read`'s moment: the deletions the webhooks
/// announced leave it ([`MemberData::settle_held`]), nothing is listed.
fn held(data: &mut MemberData, read: DataRead) -> Outcome {
    tracing::info!(as_of = %read.as_of, "the copy holds MX's data as of then: nothing listed");
    let removed = data.settle_held();
    let report = SyncReport {
        accounts: AccountCounts::default(),
        transactions: None,
        removed,
        skipped: Vec::new(),
        checkpoint: data.checkpoint.clone(),
    };
    Outcome::Synced {
        member: read.member,
        as_of: read.as_of,
        reason: read.reason,
        report,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Why a page failed, in words: the crate's step and rule.
fn failure(endpoint: &Endpoint, outcome: HttpOutcome) -> String {
    format!(
        "{}: {} ({})",
        endpoint.name(),
        outcome.step.name(),
        outcome.rule.code()
    )
}

impl<C: Clock> Driver<C> {
    /// [`drive_state`](Self::drive_state), then, when the crate says `read_data` (and only
    /// then: a member mid-aggregation is polled, not read), [`sync_data`](Self::sync_data):
    /// [`Outcome::Synced`], or [`Outcome::SyncFailed`] naming the page that failed.
    ///
    /// Two rules spare MX calls that would bring nothing:
    /// - with the end user absent and the member last known `CONNECTED`, the state folded
    ///   so far is decided on first: when it says `read_data` for data newer than the copy
    ///   holds
    ///   ([`MemberData::unread_data`]), the data is read without reading the member (the
    ///   outcome's member then carries only its guids); when data webhooks since the last
    ///   sync announced only data the copy holds ([`MemberData::announced_held`]), the
    ///   member is not read either;
    /// - when the copy already holds MX's data as of the decision's moment
    ///   ([`Checkpoint::holds`](crate::sync::Checkpoint::holds)), nothing is listed: the
    ///   outcome is `Synced` with a report that read nothing, after the deletions the
    ///   webhooks announced ([`MemberData::settle_held`]).
    ///
    /// A complete sync notes its moment in the checkpoint
    /// ([`Checkpoint::note_synced`](crate::sync::Checkpoint::note_synced)).
    ///
    /// # Errors
    /// As [`drive`](Self::drive), and a body that is not the list asked for.
    pub async fn drive_and_sync(
        &self,
        member: &MemberRef,
        state: &mut MemberState,
        data: &mut MemberData,
        options: &SyncOptions,
    ) -> Result<Outcome, DriveError> {
        match self.drive_to_data(member, state, data).await? {
            DataStep::Over(outcome) => Ok(outcome),
            DataStep::Read(read) => self.sync_read(member, data, options, read).await,
        }
    }

    /// The first half of [`drive_and_sync`](Self::drive_and_sync): the member driven up
    /// to `read_data`, with its two rules that spare MX calls; a drive that needs no
    /// data, or whose data the copy already holds with no deletion announced, is
    /// [`DataStep::Over`] without touching the copy's transactions. A caller that keeps
    /// the copy elsewhere (a database) loads the transactions only when
    /// [`MemberData::needs_transactions`] says the second half reads them: most drives
    /// (polls, waits, echoes of a sync already done) never do.
    ///
    /// # Errors
    /// As [`drive_and_sync`](Self::drive_and_sync).
    pub async fn drive_to_data(
        &self,
        member: &MemberRef,
        state: &mut MemberState,
        data: &mut MemberData,
    ) -> Result<DataStep, DriveError> {
        let unread = if self.limits.end_user == EndUser::Absent {
            let decision = state.decide(self.now().await?, &self.policy, EndUser::Absent);
            let status = state
                .snapshot()
                .and_then(|snapshot| snapshot.connection_status);
            data.unread_data(&decision, status)
                .or_else(|| data.announced_held(&decision, status))
                .map(|as_of| (as_of, decision.reason))
        } else {
            None
        };
        let outcome = match unread {
            Some((as_of, reason)) => {
                tracing::info!(%as_of, reason = reason.code(), "the data webhooks said it: no member read");
                Outcome::ReadData {
                    member: Member {
                        guid: Some(member.member.clone()),
                        user_guid: Some(member.user.clone()),
                        ..Member::default()
                    },
                    as_of,
                    reason,
                }
            }
            None => self.drive_state(member, state).await?,
        };
        let Outcome::ReadData {
            member: current,
            as_of,
            reason,
        } = outcome
        else {
            return Ok(DataStep::Over(outcome));
        };
        let read = DataRead {
            member: current,
            as_of,
            reason,
        };
        // Held, with no deletion to apply: settled here, the copy's transactions unread.
        Ok(
            if data.checkpoint.holds(as_of) && !data.needs_transactions(as_of) {
                DataStep::Over(held(data, read))
            } else {
                DataStep::Read(read)
            },
        )
    }

    /// The second half of [`drive_and_sync`](Self::drive_and_sync): `read` as
    /// [`drive_to_data`](Self::drive_to_data) gave it, with the copy's transactions in
    /// `data.store` when [`MemberData::needs_transactions`] says so.
    ///
    /// # Errors
    /// As [`drive_and_sync`](Self::drive_and_sync).
    pub async fn sync_read(
        &self,
        member: &MemberRef,
        data: &mut MemberData,
        options: &SyncOptions,
        read: DataRead,
    ) -> Result<Outcome, DriveError> {
        if data.checkpoint.holds(read.as_of) {
            return Ok(held(data, read));
        }
        let DataRead {
            member: current,
            as_of,
            reason,
        } = read;
        Ok(match self.sync_data(member, data, options).await? {
            Ok(mut report) => {
                data.checkpoint.note_synced(as_of);
                report.checkpoint = data.checkpoint.clone();
                Outcome::Synced {
                    member: current,
                    as_of,
                    reason,
                    report,
                }
            }
            Err(error) => Outcome::SyncFailed {
                member: member.clone(),
                error,
            },
        })
    }

    /// Lists the member's accounts in full (MX has no incremental filter for them) unless
    /// they came by MX's ACCOUNT webhooks ([`MemberData::lists_accounts`]), then,
    /// unless the data webhooks since the last sync counted no transaction created or
    /// updated, syncs its transactions from `data`'s checkpoint. Each page's changes are
    /// applied to `data.store` as they come; the checkpoint moves only after the last
    /// page. Call it only when the crate says `read_data`.
    ///
    /// # Errors
    /// The outer error: the clock failed, or a body is not the list asked for. The inner
    /// one: a page MX did not deliver after the retries `Call::classify` allows, named by
    /// read and page; the checkpoint is left as it was.
    pub async fn sync_data(
        &self,
        member: &MemberRef,
        data: &mut MemberData,
        options: &SyncOptions,
    ) -> Result<Result<SyncReport, SyncError>, DriveError> {
        let accounts = if data.lists_accounts(options.account_webhooks) {
            let (pages, accounts) =
                match self.list_accounts(member, options.records_per_page).await? {
                    Ok(listed) => listed,
                    Err(error) => return Ok(Err(error)),
                };
            let changes = AccountChanges::between(&data.store.accounts, &accounts);
            changes.apply(&mut data.store.accounts);
            AccountCounts {
                pages,
                added: count(changes.added.len()),
                modified: count(changes.modified.len()),
                removed: count(changes.removed.len()),
            }
        } else {
            tracing::info!("the accounts came by MX's ACCOUNT webhooks: not listed");
            AccountCounts::default()
        };
        let mut report = SyncReport {
            accounts,
            transactions: None,
            removed: Vec::new(),
            skipped: Vec::new(),
            checkpoint: data.checkpoint.clone(),
        };
        if !data.reads_transactions() {
            tracing::info!("no transaction created or updated: accounts only");
            data.due = None;
            return Ok(Ok(report));
        }
        let now = self.now().await?;
        let mut sync = TransactionSync::start(&data.checkpoint, now, options, &data.store);
        while let Some(request) = sync.next_page() {
            let endpoint = Endpoint::Data {
                list: DataList::Transactions(member.clone(), request.filter),
                page: request.page,
            };
            let reply = match self.page_reply(&endpoint).await? {
                Ok(reply) => reply,
                Err(reason) => return Ok(Err(sync.failed(&request, reason))),
            };
            // Raw rows, each parsed straight into a `Transaction` by the sync.
            let page: TransactionsPage<Box<serde_json::value::RawValue>> =
                match reply.json("{\"transactions\": […]}") {
                    Ok(page) => page,
                    Err(error) => return Ok(Err(sync.failed(&request, error.to_string()))),
                };
            let changes = match sync.handle_page(&page, &data.store) {
                Ok(changes) => changes,
                Err(error) => return Ok(Err(error)),
            };
            for skipped in &changes.skipped {
                tracing::warn!(guid = ?skipped.guid, reason = %skipped.reason, "transaction skipped");
            }
            report.skipped.extend(changes.skipped.iter().cloned());
            data.store.apply(&changes);
        }
        let finished = match sync.finish(&data.store) {
            Ok(finished) => finished,
            Err(error) => return Ok(Err(error)),
        };
        data.store.remove(&finished.removed);
        data.checkpoint = finished.checkpoint.clone();
        data.due = None;
        tracing::info!(counts = ?finished.counts, "transactions synced");
        report.transactions = Some(finished.counts);
        report.removed = finished.removed;
        report.checkpoint = finished.checkpoint;
        Ok(Ok(report))
    }

    /// Every account of the member, and the pages read.
    async fn list_accounts(
        &self,
        member: &MemberRef,
        records_per_page: u32,
    ) -> Result<Result<(u32, Vec<Account>), SyncError>, DriveError> {
        let mut accounts = Vec::new();
        let mut page = 1;
        loop {
            let endpoint = Endpoint::Data {
                list: DataList::Accounts(member.clone()),
                page: PageQuery::new(page, records_per_page),
            };
            let reply = match self.page_reply(&endpoint).await? {
                Ok(reply) => reply,
                Err(reason) => return Ok(Err(SyncError::AccountsFailed { page, reason })),
            };
            let answer: AccountsPage = reply.json("{\"accounts\": […]}")?;
            accounts.extend(answer.accounts);
            if page >= answer.pagination.total_pages {
                return Ok(Ok((page, accounts)));
            }
            page = page.saturating_add(1);
        }
    }

    /// One page, retried as `Call::classify` says; the failure in words when it is not
    /// delivered.
    async fn page_reply(&self, endpoint: &Endpoint) -> Result<Result<Reply, String>, DriveError> {
        let exchange = self.exchange(endpoint, None).await?;
        if exchange.outcome.step != NextStep::Done {
            return Ok(Err(failure(endpoint, exchange.outcome)));
        }
        Ok(Ok(exchange.reply.ok_or_else(|| unanswered(endpoint))?))
    }
}
