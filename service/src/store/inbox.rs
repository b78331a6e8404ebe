//! MX's webhooks stored in groups: one writer task takes the webhooks that arrived
//! together and stores them in one transaction, one commit for all of them, then
//! answers each. SQLite has one writer; a webhook in a transaction of its own paid a
//! `BEGIN`, a `COMMIT` (an `fsync`) and its wait for the writer. Nothing in MX's webhook
//! pages (<https://docs.mx.com/resources/webhooks/>) says it sends one at a time: a
//! sender that does not wait for one answer before the next fills a group. Nothing is
//! answered before its group is committed, so the `204` still means stored. On
//! PostgreSQL each webhook keeps its own transaction (its pool writes in parallel, and a
//! group would lock several members' wake-ups at once). A group is stored by
//! [`receive_in`]: a few statements for the whole group, each item's result as if the
//! group were stored one webhook after another.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::db::{Db, Engine, StoreError, lock_wakeup, q};
use super::receive::{Incoming, Stored, receive_in};
use super::turn::Priority;

/// The most webhooks one transaction stores.
const MOST_IN_A_GROUP: usize = 64;

/// Webhooks waiting for the writer, at most: past it a sender waits.
const QUEUE: usize = 1_024;

type Reply = oneshot::Sender<Result<Stored, Arc<StoreError>>>;

/// The writer's queue: cheap to clone.
#[derive(Debug, Clone)]
pub struct Inbox {
    queue: mpsc::Sender<(Incoming, Reply)>,
}

impl Inbox {
    /// Starts the writer task on `db`; it ends when every `Inbox` is dropped.
    pub fn start(db: Db) -> Self {
        let (queue, mut taken) = mpsc::channel::<(Incoming, Reply)>(QUEUE);
        let most = match db.engine() {
            Engine::Sqlite => MOST_IN_A_GROUP,
            Engine::Postgres => 1,
        };
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(most);
            while taken.recv_many(&mut group, most).await > 0 {
                let (items, replies): (Vec<Incoming>, Vec<Reply>) = group.drain(..).unzip();
                match db.receive_group(&items).await {
                    Ok(stored) => {
                        for (reply, stored) in replies.into_iter().zip(stored) {
                            let _ = reply.send(Ok(stored));
                        }
                    }
                    Err(error) => {
                        let error = Arc::new(error);
                        for reply in replies {
                            let _ = reply.send(Err(Arc::clone(&error)));
                        }
                    }
                }
            }
        });
        Self { queue }
    }

    /// Stores `incoming` with whatever else arrived meanwhile; returns once committed.
    ///
    /// # Errors
    /// [`StoreError`] when the group's transaction failed (every webhook in it is
    /// unstored: MX sends it again) or the writer is gone.
    pub async fn store(&self, incoming: Incoming) -> Result<Stored, StoreError> {
        let (reply, answer) = oneshot::channel();
        let gone = || StoreError::Closed("the webhook writer");
        self.queue
            .send((incoming, reply))
            .await
            .map_err(|_| gone())?;
        match answer.await {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(error)) => Err(StoreError::Shared(error)),
            Err(_) => Err(gone()),
        }
    }
}

impl Db {
    /// Stores `items` in one transaction, in order; each one's result, in order. The
    /// members' wake-ups are locked first, in one order (PostgreSQL).
    ///
    /// # Errors
    /// [`StoreError`] when a query fails: nothing of the group is stored.
    pub async fn receive_group(&self, items: &[Incoming]) -> Result<Vec<Stored>, StoreError> {
        let _turn = self.turn(Priority::Webhooks).await;
        let mut tx = self
            .pool()
            .begin()
            .await
            .map_err(q("beginning a group of webhooks"))?;
        let mut members: Vec<&str> = items
            .iter()
            .filter_map(|item| match item {
                Incoming::Webhook { member_guid, .. } => member_guid.as_deref(),
                Incoming::Account { .. } => None,
            })
            .collect();
        members.sort_unstable();
        members.dedup();
        for member in members {
            lock_wakeup(&mut tx, self.engine(), member).await?;
        }
        let stored = receive_in(&mut tx, self.engine(), items).await?;
        tx.commit()
            .await
            .map_err(q("committing a group of webhooks"))?;
        Ok(stored)
    }
}
