//! Group commit for the audit events that are recorded on their own rather than in the
//! transaction of a change: the access log (`http::access_log`) writes one for every
//! sensitive request, every API call included.
//!
//! Written one by one, each such event took a connection from the pool (with sqlx's
//! test query on checkout and again on return), an INSERT and a commit waiting for its
//! WAL flush: under load, more round trips than the API read it logs
//! (docs/PERFORMANCE.md). Here the events that arrive while earlier ones are being
//! written wait together and go in as one [`super::record_many`] statement and one
//! commit. Nothing is given up for it: each caller still waits until its own event is
//! committed, so "every access is logged or it does not happen" holds as before; when a
//! batch fails (nothing of it is stored, it is one statement) each caller is told and
//! records its event on its own, seeing the error it would have seen (and riding over
//! an outage as before). Idle, an event is written at once, alone: no timer, no delay.

use std::sync::{Arc, OnceLock};

use sqlx::PgPool;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::AuditEvent;

/// Most events in one statement: bounds a statement and the wait of its first event.
const MAX_BATCH: usize = 256;

/// Batches written at once. While they are in flight, arriving events queue up and
/// form the next batch; two keep the database busy without one batch's commit
/// holding up the next.
const WRITERS: usize = 2;

/// One event waiting to be written, and whom to tell whether it was.
struct Waiting {
    event: AuditEvent,
    committed: oneshot::Sender<bool>,
}

/// The queue of events waiting to be written together. Cheap to clone; the writer task
/// starts with the first event, on the runtime that serves the requests.
#[derive(Clone)]
pub struct GroupCommit {
    db: PgPool,
    queue: Arc<OnceLock<mpsc::UnboundedSender<Waiting>>>,
}

impl GroupCommit {
    pub fn new(db: PgPool) -> Self {
        Self { db, queue: Arc::new(OnceLock::new()) }
    }

    /// Writes `event` together with whatever else is waiting; true once it is
    /// committed, false when its batch failed and nothing of it was stored (the caller
    /// records it on its own, to get the error and decide what to do).
    pub async fn record(&self, event: &AuditEvent) -> bool {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(write_batches(self.db.clone(), receiver));
            sender
        });
        let (committed, outcome) = oneshot::channel();
        if queue.send(Waiting { event: event.clone(), committed }).is_err() {
            return false;
        }
        // A writer that went away without answering stored nothing of this batch's
        // statement that we know of: the caller records the event on its own.
        outcome.await.unwrap_or(false)
    }
}

/// Takes everything queued (up to [`MAX_BATCH`]) whenever a writer is free.
async fn write_batches(db: PgPool, mut queue: mpsc::UnboundedReceiver<Waiting>) {
    let writers = Arc::new(Semaphore::new(WRITERS));
    loop {
        let Ok(writer) = writers.clone().acquire_owned().await else { return };
        let Some(first) = queue.recv().await else { return };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let db = db.clone();
        tokio::spawn(async move {
            let (events, waiting): (Vec<AuditEvent>, Vec<oneshot::Sender<bool>>) =
                batch.into_iter().map(|w| (w.event, w.committed)).unzip();
            let stored = match super::record_many(&db, &events).await {
                Ok(()) => true,
                Err(e) => {
                    tracing::debug!(error = %e, events = events.len(), "an audit batch failed; its events are recorded one by one");
                    false
                }
            };
            for committed in waiting {
                let _ = committed.send(stored);
            }
            drop(writer);
        });
    }
}
