//! Turns on SQLite's one writing connection, webhooks first. A group of webhooks waits
//! for the writer while MX waits for its `204` (MX asks receivers to answer at once,
//! <https://docs.mx.com/resources/webhooks/>), and a sender that keeps a few webhooks in
//! flight sends the next only as those are answered; a drive's claim or write-back
//! waits while nobody waits on it. The pool hands its one connection out first come,
//! first served, so a group queued behind a dozen write-backs waited for all of them.
//! Taking a turn here first, a group waits only for the one holder: it goes before every
//! claim and write-back queued, and they go in their order after it. No drive is
//! starved: the inbox stores one group at a time, so when a group's turn ends no group
//! waits, the turn goes to the first drive in line, and the next group waits for that
//! drive only. The other writes (a lease renewed, the onboarding's) take no turn: they
//! meet the rest at the pool, as before.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

/// Who asks for the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A group of webhooks: before anyone queued.
    Webhooks,
    /// A drive's claim or write-back: in order of arrival.
    Drives,
}

#[derive(Debug, Default)]
struct Queue {
    held: bool,
    webhooks: VecDeque<oneshot::Sender<Turn>>,
    drives: VecDeque<oneshot::Sender<Turn>>,
}

/// The writer's turns: cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Turns {
    queue: Arc<Mutex<Queue>>,
}

/// A turn held: the next one is handed on when it drops.
#[derive(Debug)]
pub struct Turn {
    queue: Arc<Mutex<Queue>>,
    /// False for a turn that was never handed out (its waiter had gone): its drop hands
    /// nothing on.
    live: bool,
}

impl Turns {
    /// Waits for a turn.
    pub async fn take(&self, priority: Priority) -> Turn {
        let told = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            if !queue.held {
                queue.held = true;
                return Turn {
                    queue: Arc::clone(&self.queue),
                    live: true,
                };
            }
            let (tell, told) = oneshot::channel();
            match priority {
                Priority::Webhooks => queue.webhooks.push_back(tell),
                Priority::Drives => queue.drives.push_back(tell),
            }
            told
        };
        // The turn itself comes through the channel: a waiter dropped after it was sent
        // drops it there, and that drop hands it on. The sender is only ever dropped by
        // sending, so an error means the queue itself is gone.
        told.await.unwrap_or(Turn {
            queue: Arc::clone(&self.queue),
            live: false,
        })
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.live {
            return;
        }
        loop {
            let next = {
                let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                match queue
                    .webhooks
                    .pop_front()
                    .or_else(|| queue.drives.pop_front())
                {
                    Some(next) => next,
                    None => {
                        queue.held = false;
                        return;
                    }
                }
            };
            let turn = Turn {
                queue: Arc::clone(&self.queue),
                live: true,
            };
            // A waiter that gave up (its task was dropped) does not take the turn: the
            // turn comes back, is dropped without handing on, and the next is asked.
            match next.send(turn) {
                Ok(()) => return,
                Err(mut unsent) => unsent.live = false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{Priority, Turns};

    #[tokio::test]
    async fn a_webhook_group_goes_before_the_drives_queued() {
        let turns = Turns::default();
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = turns.take(Priority::Drives).await;
        let mut tasks = Vec::new();
        for (name, priority) in [
            ("drive 1", Priority::Drives),
            ("drive 2", Priority::Drives),
            ("webhooks", Priority::Webhooks),
        ] {
            let turns = turns.clone();
            let order = Arc::clone(&order);
            tasks.push(tokio::spawn(async move {
                let _turn = turns.take(priority).await;
                order.lock().unwrap().push(name);
            }));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(first);
        for task in tasks {
            tokio::time::timeout(Duration::from_secs(1), task)
                .await
                .expect("every waiter has its turn")
                .unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["webhooks", "drive 1", "drive 2"]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_turn_handed_to_a_waiter_that_is_then_dropped_goes_on() {
        let turns = Turns::default();
        let first = turns.take(Priority::Drives).await;
        let handed = {
            let turns = turns.clone();
            tokio::spawn(async move { turns.take(Priority::Drives).await })
        };
        // The waiter queues; the turn is sent to it, and it is dropped before it runs.
        tokio::task::yield_now().await;
        drop(first);
        handed.abort();
        let _ = handed.await;
        let next = tokio::time::timeout(Duration::from_secs(1), turns.take(Priority::Drives)).await;
        assert!(next.is_ok(), "the turn was lost with the dropped waiter");
    }

    #[tokio::test]
    async fn a_waiter_that_gave_up_does_not_hold_the_turn() {
        let turns = Turns::default();
        let first = turns.take(Priority::Drives).await;
        let gave_up = {
            let turns = turns.clone();
            tokio::spawn(async move { turns.take(Priority::Webhooks).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        gave_up.abort();
        let _ = gave_up.await;
        drop(first);
        let next = tokio::time::timeout(Duration::from_secs(1), turns.take(Priority::Drives)).await;
        assert!(next.is_ok(), "the turn stayed with a waiter that gave up");
    }
}
