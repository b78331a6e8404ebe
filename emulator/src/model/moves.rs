//! A member's moves along the crate's lifecycle model (`mx_aggregation_tooling::lifecycle`).
//!
//! Every status change goes through [`follow`], which checks that the lifecycle table has
//! the edge: the emulator, the simulation and the generated diagrams are one model. A move
//! the table lacks is still made (the emulator keeps serving) but recorded in
//! `Ctx::off_model`, which the tests require to stay empty.

use chrono::{DateTime, Utc};
use mx_aggregation::ConnectionStatus;

use mx_aggregation_tooling::job_rules::BackgroundCheck;
use mx_aggregation_tooling::lifecycle::{self, LifecycleEvent as E, Node};

use crate::model::clock::later;
use crate::model::ctx::Ctx;
use crate::model::data::accounts::Account;
use crate::model::data::{self, ledger::Changes, ledger::MemberKey};
use crate::model::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use crate::model::member::{Challenge, Job, JobKind, JobResults, Member, Stage};
use crate::model::mxbank::{self, ChallengeKind, Outcome};
use crate::model::outbox::{AccountOwnerIds, MemberAction, WebhookEvent};
use crate::model::trace::TraceEntry;

/// Moves `member` along the edge `event` → `to`, recording it when the model lacks it.
pub(crate) fn follow(member: &mut Member, cx: &mut Ctx, now: DateTime<Utc>, event: E, to: Node) {
    let edge = lifecycle::targets(member.node, event).find(|edge| edge.to == to);
    member.trace.push(TraceEntry {
        at: now,
        from: member.node,
        event: Some(event),
        to,
        edge,
    });
    if edge.is_none() {
        cx.off_model.push(format!(
            "{}: {} --{}--> {}",
            member.guid, member.node, event, to
        ));
    }
    member.node = to;
    if let Node::Status(status) = to {
        member.status = Some(status);
        if status.is_end_user_actionable() && cx.rules.webhooks {
            let event = WebhookEvent::ConnectionStatus {
                member_guid: member.guid.clone(),
                user_guid: member.user_guid.clone(),
                status,
            };
            cx.queue_webhook(event, None, now);
        }
    }
}

/// True when the model has an edge from the member's node on `event`.
pub(crate) fn has_edge(member: &Member, event: E) -> bool {
    lifecycle::targets(member.node, event).next().is_some()
}

/// How a job on `member` ends its first step.
pub(crate) fn outcome_of(member: &Member) -> Outcome {
    if member.is_oauth {
        return Outcome::Connect;
    }
    mxbank::outcome(
        member.credential(MXBANK_USERNAME.guid),
        member.credential(MXBANK_PASSWORD.guid),
    )
}

/// Starts a job of `kind` at `now`, caused by `event` (the model's edge to
/// [`Node::Aggregating`]).
pub(crate) fn start(
    member: &mut Member,
    cx: &mut Ctx,
    now: DateTime<Utc>,
    event: E,
    kind: JobKind,
    outcome: Outcome,
) {
    follow(member, cx, now, event, Node::Aggregating);
    let guid = cx.ids.next("JOB");
    member.most_recent_job_guid = Some(guid.clone());
    member.job = Some(Job {
        guid,
        kind,
        is_background: event == E::BackgroundAggregation,
        stage: Stage::Running,
        next_at: later(now, cx.rules.step),
        outcome,
    });
    member.aggregated_at = Some(now);
    member.premium.started(kind, now.timestamp());
    member.results = JobResults::default();
    member.challenges.clear();
    member.next_background_at = cx.next_background(&member.guid, now);
    cx.record_throttle(member);
}

/// A new open challenge of `kind`, its options' GUIDs included.
pub(crate) fn new_challenge(cx: &mut Ctx, kind: ChallengeKind) -> Challenge {
    let guid = cx.ids.next("CRD");
    let option_guids = match kind {
        ChallengeKind::Options => mxbank::OPTION_VALUES
            .iter()
            .map(|_| cx.ids.next("CRD"))
            .collect(),
        ChallengeKind::Text | ChallengeKind::Image => Vec::new(),
    };
    Challenge {
        guid,
        kind,
        option_guids,
    }
}

/// When MX next moves `member` on its own: the running job's next step, or the daily
/// background aggregation when MX would start one.
///
/// A background aggregation that falls inside the throttle window (an identical member's
/// window, kept across delete and re-create) starts when the window ends: MX's daily
/// aggregation still runs, it only cannot start inside the window.
pub(crate) fn next_move(member: &Member, cx: &Ctx) -> Option<DateTime<Utc>> {
    let at = wake(member)?;
    if member.job.is_some() {
        return Some(at);
    }
    Some(
        cx.throttled_until(member, at)
            .map_or(at, |until| until.max(at)),
    )
}

/// The earliest [`next_move`] can be, from the member alone: the throttle window (shared
/// with identical members) can only delay it. The world indexes members by it, so a
/// clock jump visits only the members MX may move.
pub(crate) fn wake(member: &Member) -> Option<DateTime<Utc>> {
    match &member.job {
        Some(job) => Some(job.next_at),
        None => background_allowed(member).then_some(member.next_background_at),
    }
}

/// MX's background rule (`job_rules::BackgroundCheck`) for `member` when its background
/// aggregation is due. The throttle window does not cancel it: [`next_move`] moves it to the
/// window's end.
fn background_allowed(member: &Member) -> bool {
    BackgroundCheck {
        node: member.node,
        job_running: member.job.is_some(),
        disabled: member.background_disabled,
        needs_updated_credentials: member.needs_updated_credentials,
        can_log_in: !member.is_oauth || member.oauth_authorized,
        throttled: false,
    }
    .allows()
}

/// Plays MX's move due at `now`.
pub(crate) fn fire(member: &mut Member, cx: &mut Ctx, now: DateTime<Utc>) {
    let Some(job) = member.job.clone() else {
        // The background aggregation is due.
        let outcome = outcome_of(member);
        start(
            member,
            cx,
            now,
            E::BackgroundAggregation,
            JobKind::Aggregation,
            outcome,
        );
        return;
    };
    match job.stage {
        Stage::Running => match job.outcome {
            Outcome::Connect => succeed(member, cx, now, &job),
            Outcome::Challenge(kind) => {
                member.challenges = vec![new_challenge(cx, kind)];
                if let Some(running) = member.job.as_mut() {
                    running.stage = Stage::AwaitingMfa;
                    running.next_at = later(now, cx.rules.mfa_timeout);
                }
                follow(
                    member,
                    cx,
                    now,
                    E::MfaRequired,
                    Node::Status(ConnectionStatus::Challenged),
                );
            }
            Outcome::Fail(status) => fail(member, cx, now, status),
        },
        Stage::AwaitingMfa => {
            // Nobody answered in time.
            member.challenges.clear();
            end_job(member);
            member
                .streak
                .job_failed(Node::Status(ConnectionStatus::Expired));
            follow(
                member,
                cx,
                now,
                E::MfaTimeout,
                Node::Status(ConnectionStatus::Expired),
            );
        }
        Stage::Resumed { passes: true } => succeed(member, cx, now, &job),
        Stage::Resumed { passes: false } => {
            end_job(member);
            member
                .streak
                .job_failed(Node::Status(ConnectionStatus::Rejected));
            follow(
                member,
                cx,
                now,
                E::MfaRejected,
                Node::Status(ConnectionStatus::Rejected),
            );
        }
    }
}

/// The end user's MFA answer arrives: the job goes on to the institution's verdict.
pub(crate) fn resume(member: &mut Member, cx: &mut Ctx, now: DateTime<Utc>, passes: bool) {
    member.challenges.clear();
    if let Some(job) = member.job.as_mut() {
        job.stage = Stage::Resumed { passes };
        job.next_at = later(now, cx.rules.step);
    }
    follow(
        member,
        cx,
        now,
        E::AnswerMfa,
        Node::Status(ConnectionStatus::Resumed),
    );
}

fn end_job(member: &mut Member) {
    member.job = None;
}

fn succeed(member: &mut Member, cx: &mut Ctx, now: DateTime<Utc>, job: &Job) {
    end_job(member);
    member.results = JobResults::succeeded(job.kind);
    member.premium.succeeded(job.kind, now.timestamp());
    member.successfully_aggregated_at = Some(now);
    member.streak.job_succeeded();
    member.needs_updated_credentials = false;
    follow(
        member,
        cx,
        now,
        E::JobSucceeded,
        Node::Status(ConnectionStatus::Connected),
    );
    cx.record_throttle(member);
    // Aggregations bring transactions, a history extension the older ones too; a balance
    // check moves the balances only. Verification, identification and statements bring
    // no transactions: what they read is shown from `member.premium`.
    let key = MemberKey::new(cx.rules.seed, &member.guid);
    let at = now.timestamp();
    let account_webhooks = cx.rules.webhooks && cx.faults.webhooks.accounts;
    let accounts_before = if account_webhooks {
        data::accounts::accounts(key, &member.ledger)
    } else {
        Vec::new()
    };
    let changes = match job.kind {
        JobKind::Aggregation => data::aggregated(&mut member.ledger, key, at),
        JobKind::History => data::history_extended(&mut member.ledger, key, at),
        JobKind::Balance => {
            member.ledger.balances_checked(at);
            Changes::default()
        }
        JobKind::Verification | JobKind::Identification | JobKind::Statements => Changes::default(),
    };
    let (created, updated) = (changes.created.len(), changes.updated.len());
    if account_webhooks {
        let after = data::accounts::accounts(key, &member.ledger);
        queue_account_webhooks(member, cx, now, &accounts_before, after);
    }
    if cx.rules.webhooks && cx.faults.webhooks.transactions {
        queue_transaction_webhooks(member, cx, now, changes);
    }
    if cx.rules.webhooks && job.kind != JobKind::Identification {
        let event = WebhookEvent::DataUpdated {
            member_guid: member.guid.clone(),
            user_guid: member.user_guid.clone(),
            job_guid: job.guid.clone(),
            kind: job.kind,
            is_background: job.is_background,
            completed_at: now,
            transactions_created: created,
            transactions_updated: updated,
            user_id: member.user_id.clone(),
        };
        let payload = member.callback_payload.clone();
        cx.queue_webhook(event, payload, now);
    }
}

/// MX's ACCOUNT webhooks for what a job changed, `before` against `after`: an account
/// new since, one whose fields moved (its balances, its `updated_at`), one gone. Queued
/// before the job's `member_data_updated`: MX updates the accounts while it aggregates.
fn queue_account_webhooks(
    member: &Member,
    cx: &mut Ctx,
    now: DateTime<Utc>,
    before: &[Account],
    after: Vec<Account>,
) {
    let owner = AccountOwnerIds::of(member);
    let gone: Vec<Account> = before
        .iter()
        .filter(|old| after.iter().all(|new| new.guid != old.guid))
        .cloned()
        .collect();
    let mut events = Vec::new();
    for account in after {
        match before.iter().find(|old| old.guid == account.guid) {
            None => events.push((MemberAction::Created, account)),
            Some(old) if *old != account => events.push((MemberAction::Updated, account)),
            Some(_) => {}
        }
    }
    events.extend(
        gone.into_iter()
            .map(|account| (MemberAction::Deleted, account)),
    );
    for (action, account) in events {
        let event = WebhookEvent::Account {
            action,
            owner: owner.clone(),
            account: Box::new(account),
        };
        cx.queue_webhook(event, None, now);
    }
}

/// MX's TRANSACTION webhooks for what a job changed: created, updated, then deleted.
fn queue_transaction_webhooks(member: &Member, cx: &mut Ctx, now: DateTime<Utc>, changes: Changes) {
    let key = MemberKey::new(cx.rules.seed, &member.guid);
    let Changes {
        created,
        updated,
        deleted,
    } = changes;
    let actions = [
        (MemberAction::Created, created),
        (MemberAction::Updated, updated),
        (MemberAction::Deleted, deleted),
    ];
    for (action, records) in actions {
        for transaction in records {
            let event = WebhookEvent::Transaction {
                action,
                user_guid: member.user_guid.clone(),
                member_guid: member.guid.clone(),
                account_guid: data::accounts::guid(key, transaction.account()),
                transaction: Box::new(transaction),
            };
            cx.queue_webhook(event, None, now);
        }
    }
}

/// The job ends in `status`; a third denial or failure in a row goes where the model's
/// guarded edges say (`PREVENTED`, `DEGRADED`, `DISCONNECTED`: `Streak::escalation`).
fn fail(member: &mut Member, cx: &mut Ctx, now: DateTime<Utc>, status: ConnectionStatus) {
    end_job(member);
    let (event, to) = member
        .streak
        .escalation(status, now, member.successfully_aggregated_at)
        .map_or((E::JobFailed, Node::Status(status)), |edge| {
            (edge.event, edge.to)
        });
    member.streak.job_failed(to);
    follow(member, cx, now, event, to);
}
