//! How long this instance's tasks wait for a database connection, for
//! `fastfaktura_db_pool_acquire_seconds` (issue 22: "pool connections ... waiting").
//!
//! sqlx keeps its pool's queue to itself: it exposes the connections open and idle
//! (read at scrape time in `Metrics::render`) but not who waits for one. What it does
//! offer is an event after every checkout, `sqlx::pool::acquire` with
//! `acquired_after_secs` (the wait, including opening a connection when the pool grows),
//! which `db::connect` turns on at TRACE. A tracing layer picks that event up, and
//! nothing else: our 254 places that hand the pool to a query stay as they are.
//!
//! Which instance waited: a process may run several (the tests do), and the tracing
//! subscriber is one per process. The event fires in the task that waited, so each
//! request (`http::metrics::measure`) and each background loop of an instance runs
//! inside [`counted`], a task-local naming that instance's metrics; an event outside
//! any (a test's own queries, another process's pool) is not counted. A checkout that
//! times out sends no event; it surfaces as the request's error (503) instead.

use std::{future::Future, sync::Arc};

use tracing::{
    Event, Level, Subscriber,
    field::{Field, Visit},
};
use tracing_subscriber::{Layer, filter::Targets, layer::Context};

use super::Metrics;

/// The target of sqlx's checkout event (sqlx-core's `pool/inner.rs`).
const ACQUIRE_TARGET: &str = "sqlx::pool::acquire";

/// The event's field with the wait in seconds.
const WAITED_FIELD: &str = "acquired_after_secs";

tokio::task_local! {
    static INSTANCE: Arc<Metrics>;
}

/// Runs `work` with the connection waits of its task counted in `metrics`.
pub async fn counted<F: Future>(metrics: Arc<Metrics>, work: F) -> F::Output {
    INSTANCE.scope(metrics, work).await
}

/// The layer to install beside the log lines: it sees only sqlx's checkout event (its
/// own filter enables that one callsite at TRACE, whatever the log filter says).
pub fn layer<S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>>() -> impl Layer<S> {
    PoolWaits.with_filter(Targets::new().with_target(ACQUIRE_TARGET, Level::TRACE))
}

struct PoolWaits;

impl<S: Subscriber> Layer<S> for PoolWaits {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut waited = WaitedSeconds(None);
        event.record(&mut waited);
        if let Some(seconds) = waited.0 {
            // Outside an instance's task there is nobody to count it for.
            let _ = INSTANCE.try_with(|metrics| metrics.observe_pool_wait(seconds));
        }
    }
}

struct WaitedSeconds(Option<f64>);

impl Visit for WaitedSeconds {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == WAITED_FIELD {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::prelude::*;

    use super::*;

    #[tokio::test]
    async fn a_checkout_counts_for_the_instance_whose_task_waited() {
        let subscriber = tracing_subscriber::registry().with(layer());
        let _default = tracing::subscriber::set_default(subscriber);
        let (ours, theirs) = (Arc::new(Metrics::new(None)), Arc::new(Metrics::new(None)));
        // The event exactly as sqlx sends it, inside our instance's task and outside any.
        counted(ours.clone(), async {
            tracing::event!(target: "sqlx::pool::acquire", Level::TRACE, acquired_after_secs = 0.25_f64, "acquired connection");
        })
        .await;
        tracing::event!(target: "sqlx::pool::acquire", Level::TRACE, acquired_after_secs = 9.0_f64, "acquired connection");
        // Another target with the same field is not a checkout.
        counted(ours.clone(), async {
            tracing::event!(target: "sqlx::query", Level::TRACE, acquired_after_secs = 1.0_f64, "other");
        })
        .await;
        let exposition = |metrics: &Metrics| {
            let mut out = String::new();
            prometheus_client::encoding::prometheus_text::encode(&mut out, &metrics.registry).unwrap();
            out
        };
        let ours = exposition(&ours);
        assert!(ours.contains("fastfaktura_db_pool_acquire_seconds_count 1\n"), "{ours}");
        assert!(ours.contains("fastfaktura_db_pool_acquire_seconds_sum 0.25\n"), "{ours}");
        assert!(ours.contains("fastfaktura_db_pool_acquire_seconds_bucket{le=\"0.25\"} 1\n"), "{ours}");
        assert!(ours.contains("fastfaktura_db_pool_acquire_seconds_bucket{le=\"0.1\"} 0\n"), "{ours}");
        let theirs = exposition(&theirs);
        assert!(theirs.contains("fastfaktura_db_pool_acquire_seconds_count 0\n"), "{theirs}");
    }
}
