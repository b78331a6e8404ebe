//! A group of webhooks stored with a few statements in all, not a few each.
//!
//! Stored one by one, a webhook body cost six statements (its digest looked up and
//! inserted, its user looked up, its member recorded, its wake-up recorded and pulled
//! forward) and an ACCOUNT webhook three (its member, its held row, the upsert). On
//! SQLite every statement is a round trip to the one writer's thread that every claim and
//! write-back also waits for: at 10,000 members that writer's time per webhook, not MX's
//! pace, set how fast a day's webhooks were answered. Here the group's members, users,
//! digests and held accounts are each read by one statement, every item is decided in
//! memory in the group's order (as if stored one after another: a body that adopts a
//! member makes a later ACCOUNT webhook of that member known, a second ACCOUNT webhook for
//! one account compares with the first), and the writes go out by kind, multi-row.
//!
//! What each item means is unchanged from MX's webhook pages
//! (<https://docs.mx.com/resources/webhooks/>): a body repeated within the 24-hour retry
//! horizon only counts a repeat ([`REPEAT_HORIZON`]), except that a connection-status
//! body, which has no id and no time, still wakes its member
//! ([`Incoming::Webhook`]'s `repeat_wakes`); a new one pulls its member's wake-up forward;
//! an ACCOUNT webhook is applied to a known member's accounts unless the
//! row held is newer ([`supersedes`](mx_aggregation_client::sync::supersedes)).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use mx_aggregation_client::sync::{AccountAction, AccountWebhook};

use super::db::{
    Engine, Marks, ROWS_PER_STATEMENT, StoreError, from_ms, list, ms, placeholders, q,
    replaces_account,
};
use super::members::insert_member_in;
use super::webhooks::Received;
use super::write::{delete_keyed_rows, upsert_keyed_rows};
use crate::core::digest::REPEAT_HORIZON;

/// A webhook to store.
#[derive(Debug)]
pub enum Incoming {
    /// A webhook body for the inbox, as the inbox stores it (`receive::receive_in`).
    Webhook {
        /// Its canonical digest.
        digest: String,
        /// The member it names.
        member_guid: Option<String>,
        /// The user it names.
        user_guid: Option<String>,
        /// The body.
        body: String,
        /// When it arrived.
        now: DateTime<Utc>,
        /// A repeat still wakes its member: a connection-status webhook carries no id and
        /// no time (MX's connection-status webhook page; the library's
        /// `PayloadKind::ConnectionStatusWebhook`), so the member's next entry into the same
        /// status within a day (an MFA member's daily background aggregation challenged
        /// again, 23 to 24 hours after the last) is the very body already stored. A true
        /// repeat then costs one read of the member; a new status missed would leave the
        /// end user's challenge unseen until the next look, a day later.
        repeat_wakes: bool,
    },
    /// An ACCOUNT webhook for a member, as the inbox applies it (`receive::receive_in`).
    Account {
        /// The member.
        member_guid: String,
        /// The account it carries.
        account: Box<AccountWebhook>,
    },
}

/// What storing an [`Incoming`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A webhook body: new or a repeat.
    Webhook(Received),
    /// An ACCOUNT webhook: applied (true), or its member is not known (false, nothing
    /// done: the caller stores it as a webhook body).
    Account(bool),
}

/// A member's account: (member guid, account guid).
type AccountKey = (String, String);

/// The writes a group's items decided, by kind.
#[derive(Default)]
struct Writes<'a> {
    /// Digests held but older than the horizon, received again at this time.
    renewed: Vec<(&'a str, DateTime<Utc>)>,
    /// Repeats counted, by digest.
    repeats: BTreeMap<&'a str, i64>,
    /// Members MX announced for a known user: (member, user, when).
    adopted: Vec<(&'a str, &'a str, DateTime<Utc>)>,
    /// Wake-ups pulled forward to a time, by time.
    woken: BTreeMap<i64, Vec<&'a str>>,
    /// Each account's row as the group leaves it (`None`: deleted).
    accounts: BTreeMap<AccountKey, Option<String>>,
}

/// Stores `items` within the transaction `conn` runs (their members' wake-ups already
/// locked on PostgreSQL): each one's result, in order, as if stored one after another.
///
/// # Errors
/// [`StoreError`] when a query fails or an account does not serialize.
pub(super) async fn receive_in(
    conn: &mut AnyConnection,
    engine: Engine,
    items: &[Incoming],
) -> Result<Vec<Stored>, StoreError> {
    let named: Vec<&str> = items
        .iter()
        .filter_map(|item| match item {
            Incoming::Webhook { member_guid, .. } => member_guid.as_deref(),
            Incoming::Account { member_guid, .. } => Some(member_guid.as_str()),
        })
        .collect();
    let members = existing(conn, "members", &named).await?;
    let owners: Vec<&str> = items
        .iter()
        .filter_map(|item| match item {
            Incoming::Webhook {
                member_guid: Some(_),
                user_guid: Some(user),
                ..
            } => Some(user.as_str()),
            Incoming::Webhook { .. } | Incoming::Account { .. } => None,
        })
        .collect();
    let users = existing(conn, "users", &owners).await?;
    let accounts = held_accounts(conn, items).await?;
    // The bodies not held are inserted first, so that a digest another instance stored
    // meanwhile (PostgreSQL) reads as a repeat, as a conflicting insert did one by one.
    let digests = held_digests(conn, items).await?;
    let inserted = insert_new(conn, items, &digests).await?;
    let mut held = Held {
        members,
        users,
        digests,
        inserted,
        accounts,
    };
    let mut writes = Writes::default();
    let stored = items
        .iter()
        .map(|item| match item {
            Incoming::Webhook {
                digest,
                member_guid,
                user_guid,
                now,
                repeat_wakes,
                ..
            } => Ok(Stored::Webhook(held.webhook(
                &mut writes,
                digest,
                (member_guid.as_deref(), user_guid.as_deref()),
                *now,
                *repeat_wakes,
            ))),
            Incoming::Account {
                member_guid,
                account,
            } => held
                .account(&mut writes, member_guid, account)
                .map(Stored::Account),
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    write(conn, engine, &writes).await?;
    Ok(stored)
}

/// What the group's reads found, kept up to date item by item as the group is decided,
/// so that each item sees what the items before it did.
struct Held<'a> {
    /// The members known.
    members: HashSet<String>,
    /// The users known, of the group's bodies.
    users: HashSet<String>,
    /// When each digest held was received (Unix milliseconds).
    digests: HashMap<&'a str, i64>,
    /// The digests this group inserted.
    inserted: HashSet<String>,
    /// The accounts' bodies held (`None`: deleted by an item before).
    accounts: HashMap<AccountKey, Option<String>>,
}

impl<'a> Held<'a> {
    /// A webhook body arriving at `now`: new or a repeat, and what it writes. A new body
    /// naming a member MX announced for a known user (e.g. created through the Connect
    /// widget) adopts that member.
    fn webhook(
        &mut self,
        writes: &mut Writes<'a>,
        digest: &'a str,
        (member_guid, user_guid): (Option<&'a str>, Option<&'a str>),
        now: DateTime<Utc>,
        repeat_wakes: bool,
    ) -> Received {
        let received = match self.digests.get(digest).copied() {
            None if self.inserted.contains(digest) => Received::New,
            // Not held when read and not inserted: stored by another meanwhile.
            None => Received::Repeat,
            Some(at) if now - from_ms(at) < REPEAT_HORIZON => Received::Repeat,
            Some(_) => {
                writes.renewed.push((digest, now));
                Received::New
            }
        };
        match received {
            Received::New => {
                self.digests.insert(digest, ms(now));
                if let (Some(member), Some(user)) = (member_guid, user_guid)
                    && self.users.contains(user)
                    && self.members.insert(member.to_owned())
                {
                    writes.adopted.push((member, user, now));
                }
                // Only a known member has a wake-up to pull forward: a member adopted
                // by a later body of the group gets its own at that time.
                if let Some(member) = member_guid
                    && self.members.contains(member)
                {
                    writes.woken.entry(ms(now)).or_default().push(member);
                }
            }
            Received::Repeat => {
                self.digests.entry(digest).or_insert_with(|| ms(now));
                *writes.repeats.entry(digest).or_default() += 1;
                if repeat_wakes
                    && let Some(member) = member_guid
                    && self.members.contains(member)
                {
                    writes.woken.entry(ms(now)).or_default().push(member);
                }
            }
        }
        received
    }

    /// An ACCOUNT webhook: applied (true) unless its member is not known, an upsert
    /// only when no newer row is held. Applying one twice changes nothing, so MX's
    /// retries need no inbox row: none is written (a row, a digest and a later fold for
    /// each of the 4 accounts of every aggregation). For an unknown member nothing is
    /// done: the caller stores the webhook, which the member's drive folds once it is.
    fn account(
        &mut self,
        writes: &mut Writes<'a>,
        member_guid: &str,
        account: &AccountWebhook,
    ) -> Result<bool, StoreError> {
        if !self.members.contains(member_guid) {
            return Ok(false);
        }
        let key = (member_guid.to_owned(), account.guid.clone());
        let row = match account.action {
            AccountAction::Upserted => {
                let body = serde_json::to_string(&account.account).map_err(|source| {
                    StoreError::Corrupt {
                        column: "accounts",
                        key: account.guid.clone(),
                        source,
                    }
                })?;
                if !replaces_account(&body, self.accounts.get(&key).and_then(Option::as_deref)) {
                    return Ok(true);
                }
                Some(body)
            }
            AccountAction::Deleted => None,
        };
        self.accounts.insert(key.clone(), row.clone());
        writes.accounts.insert(key, row);
        Ok(true)
    }
}

/// Which of `guids` `table` holds (`members` or `users`, by `guid`).
async fn existing(
    conn: &mut AnyConnection,
    table: &'static str,
    guids: &[&str],
) -> Result<HashSet<String>, StoreError> {
    let mut guids = guids.to_vec();
    guids.sort_unstable();
    guids.dedup();
    let select = format!("SELECT guid FROM {table} WHERE guid");
    let rows = rows_in(
        conn,
        &select,
        &guids,
        "reading a group of webhooks' members and users",
    )
    .await?;
    Ok(rows.iter().map(|row| row.get::<String, _>(0)).collect())
}

/// The rows `select` (a query ending in the key column, `… WHERE guid`) reads for `keys`,
/// `IN` a list of them: one statement a chunk of [`ROWS_PER_STATEMENT`].
async fn rows_in(
    conn: &mut AnyConnection,
    select: &str,
    keys: &[&str],
    what: &'static str,
) -> Result<Vec<AnyRow>, StoreError> {
    let mut rows = Vec::new();
    let marks = Marks::of(conn);
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let sql = format!("{select} IN ({})", list(marks, chunk.len(), 1));
        let mut query = sqlx::query(&sql);
        for key in chunk {
            query = query.bind(*key);
        }
        rows.extend(query.fetch_all(&mut *conn).await.map_err(q(what))?);
    }
    Ok(rows)
}

/// The bodies of the accounts the group's ACCOUNT webhooks name, as held.
async fn held_accounts(
    conn: &mut AnyConnection,
    items: &[Incoming],
) -> Result<HashMap<AccountKey, Option<String>>, StoreError> {
    let mut keys: Vec<(&str, &str)> = items
        .iter()
        .filter_map(|item| match item {
            Incoming::Account {
                member_guid,
                account,
            } => Some((member_guid.as_str(), account.guid.as_str())),
            Incoming::Webhook { .. } => None,
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut held = HashMap::new();
    let marks = Marks::of(conn);
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        // Both columns of the primary key in lists: the index finds the members' rows and
        // the pairs not asked for are dropped below.
        let sql = format!(
            "SELECT member_guid, guid, body FROM accounts \
             WHERE member_guid IN ({}) AND guid IN ({})",
            list(marks, chunk.len(), 1),
            list(marks, chunk.len(), 1 + chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for (member, _) in chunk {
            query = query.bind(*member);
        }
        for (_, account) in chunk {
            query = query.bind(*account);
        }
        for row in query
            .fetch_all(&mut *conn)
            .await
            .map_err(q("reading stored accounts"))?
        {
            let key: AccountKey = (row.get(0), row.get(1));
            if chunk.contains(&(key.0.as_str(), key.1.as_str())) {
                held.insert(key, Some(row.get(2)));
            }
        }
    }
    Ok(held)
}

/// When each of the group's digests held was received (Unix milliseconds).
async fn held_digests<'a>(
    conn: &mut AnyConnection,
    items: &'a [Incoming],
) -> Result<HashMap<&'a str, i64>, StoreError> {
    let digests: Vec<&str> = webhooks(items).map(|(digest, ..)| digest).collect();
    let select = "SELECT digest, received_at FROM webhooks WHERE digest";
    let rows = rows_in(conn, select, &digests, "reading webhooks").await?;
    let mut held = HashMap::new();
    for row in &rows {
        let digest: String = row.get(0);
        if let Some(known) = digests.iter().find(|d| **d == digest) {
            held.insert(*known, row.get::<i64, _>(1));
        }
    }
    Ok(held)
}

/// The group's webhook bodies: (digest, member, user, body, when).
fn webhooks(
    items: &[Incoming],
) -> impl Iterator<Item = (&str, Option<&str>, Option<&str>, &str, DateTime<Utc>)> {
    items.iter().filter_map(|item| match item {
        Incoming::Webhook {
            digest,
            member_guid,
            user_guid,
            body,
            now,
            repeat_wakes: _,
        } => Some((
            digest.as_str(),
            member_guid.as_deref(),
            user_guid.as_deref(),
            body.as_str(),
            *now,
        )),
        Incoming::Account { .. } => None,
    })
}

/// Inserts each body not `held` (the first of a digest's copies in the group); the
/// digests inserted.
async fn insert_new(
    conn: &mut AnyConnection,
    items: &[Incoming],
    held: &HashMap<&str, i64>,
) -> Result<HashSet<String>, StoreError> {
    let mut seen = HashSet::new();
    let rows: Vec<_> = webhooks(items)
        .filter(|(digest, ..)| !held.contains_key(digest) && seen.insert(*digest))
        .collect();
    let mut inserted = HashSet::new();
    let marks = Marks::of(conn);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO webhooks (digest, member_guid, user_guid, body, received_at) \
             VALUES {} ON CONFLICT DO NOTHING RETURNING digest",
            placeholders(marks, chunk.len(), 5, 1)
        );
        let mut query = sqlx::query(&sql);
        for (digest, member, user, body, now) in chunk {
            query = query
                .bind(*digest)
                .bind(*member)
                .bind(*user)
                .bind(*body)
                .bind(ms(*now));
        }
        for row in query
            .fetch_all(&mut *conn)
            .await
            .map_err(q("storing webhooks"))?
        {
            inserted.insert(row.get::<String, _>(0));
        }
    }
    Ok(inserted)
}

/// The group's writes besides the inserted bodies.
async fn write(
    conn: &mut AnyConnection,
    engine: Engine,
    writes: &Writes<'_>,
) -> Result<(), StoreError> {
    for (digest, now) in &writes.renewed {
        sqlx::query("UPDATE webhooks SET received_at = $1, folded = 0 WHERE digest = $2")
            .bind(ms(*now))
            .bind(*digest)
            .execute(&mut *conn)
            .await
            .map_err(q("storing a webhook again"))?;
    }
    for (digest, repeats) in &writes.repeats {
        sqlx::query("UPDATE webhooks SET repeats = repeats + $1 WHERE digest = $2")
            .bind(*repeats)
            .bind(*digest)
            .execute(&mut *conn)
            .await
            .map_err(q("counting a webhook's repeat"))?;
    }
    for (member, user, now) in &writes.adopted {
        insert_member_in(conn, engine, member, user, None, *now).await?;
    }
    let marks = Marks::of(conn);
    for (at, members) in &writes.woken {
        for chunk in members.chunks(ROWS_PER_STATEMENT) {
            // `at` bound twice, first and last: a positional statement names each value
            // once.
            let sql = format!(
                "UPDATE wakeups SET run_at = {} WHERE member_guid IN ({}) \
                 AND (run_at IS NULL OR run_at > {})",
                marks.mark(1),
                list(marks, chunk.len(), 2),
                marks.mark(chunk.len() + 2)
            );
            let mut query = sqlx::query(&sql).bind(*at);
            for member in chunk {
                query = query.bind(*member);
            }
            query = query.bind(*at);
            query
                .execute(&mut *conn)
                .await
                .map_err(q("pulling wake-ups forward"))?;
        }
    }
    let (upserts, deletes): (Vec<_>, Vec<_>) =
        writes.accounts.iter().partition(|(_, body)| body.is_some());
    let deletes: Vec<(&str, &str)> = deletes
        .iter()
        .map(|((member, guid), _)| (member.as_str(), guid.as_str()))
        .collect();
    delete_keyed_rows(conn, "accounts", &deletes).await?;
    let upserts: Vec<(&str, &str, &str)> = upserts
        .iter()
        .filter_map(|((member, guid), body)| {
            Some((member.as_str(), guid.as_str(), body.as_deref()?))
        })
        .collect();
    upsert_keyed_rows(conn, "accounts", &upserts).await
}
