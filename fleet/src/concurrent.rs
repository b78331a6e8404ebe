//! Runs one async step per item, at most `limit` at once, and gives the results back in
//! the items' order: how both sides of the harness act on thousands of members per step.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Applies `step` to every item, `limit` at a time (at least one), and returns what
/// each gave, in input order. A task that panics loses its result (it is logged).
pub async fn map_concurrent<T, U, F, Fut>(items: Vec<T>, limit: usize, step: F) -> Vec<U>
where
    U: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = U> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut tasks = JoinSet::new();
    for (index, item) in items.into_iter().enumerate() {
        let permits = Arc::clone(&permits);
        let future = step(item);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, future.await)
        });
    }
    let mut done = Vec::with_capacity(tasks.len());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(pair) => done.push(pair),
            Err(error) => eprintln!("mx-fleet: a member's step failed: {error}"),
        }
    }
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, item)| item).collect()
}
