//! Prometheus metrics (issue 22): what this instance measures in process, and the
//! exposition of it together with the shared state read at scrape time.
//!
//! Two kinds of figures, on purpose:
//! - **per instance**, recorded here as things happen: request latency by route,
//!   method and status (`http::metrics::measure`), requests in flight, the database
//!   pool (read from the pool at scrape time), the read replica's use and lag (with
//!   `database.read_url`), quota refusals, webhook outcomes,
//!   delivery attempts and finished jobs. Counters per instance are what Prometheus
//!   sums across instances (`sum by (...)`), and they cost a lock and an add.
//! - **shared**, read from PostgreSQL when scraped (`app::metrics`): the job queue's
//!   depth and oldest job by kind, the age of the newest good backup, the audit log's
//!   sealing lag, and the certificate's days left. Every instance reports the same
//!   truth for these, whichever one is scraped.
//!
//! Labels never carry an id, a secret or anything a client chose: routes are their
//! matched templates (`/invoices/{id}`), anything unmatched is one `unmatched` route,
//! methods outside the standard set are `other`, and the other labels are closed sets
//! named in code. The registry is per instance (in `AppState`), not a global recorder,
//! so instances in one process (the tests) do not mix their numbers.
//!
//! The pool's waits come from sqlx's own checkout event, through a tracing layer
//! (`pool_waits`), since sqlx does not expose its queue.
//!
//! Exposed in the Prometheus text format 0.0.4 by the Prometheus project's own Rust
//! client (`prometheus-client`), not by hand.

use std::{
    sync::{Arc, atomic::AtomicU64},
    time::Duration,
};

use axum::http::Method;
use prometheus_client::{
    encoding::{EncodeLabelSet, prometheus_text},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::tls::files::FileResolver;

mod pool_waits;

pub use pool_waits::{counted, layer as pool_wait_layer};

/// The `Content-Type` of what [`Metrics::render`] returns.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The route label of requests no route matched (probes, typos, scanners).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Request latency buckets, in seconds: from the `/healthz` floor (well under a
/// millisecond) to the request timeout.
const LATENCY_BUCKETS: [f64; 16] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Connection wait buckets, in seconds: a checkout from the idle queue takes
/// microseconds, opening a connection milliseconds, and a starved pool up to
/// `database.acquire_timeout_seconds`.
const POOL_WAIT_BUCKETS: [f64; 14] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookLabels {
    source: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    channel: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: &'static str,
}

/// Where a webhook came from.
#[derive(Debug, Clone, Copy)]
pub enum WebhookSource {
    Stripe,
    AccessPoint,
}

/// What became of a webhook delivery (the answer we gave).
#[derive(Debug, Clone, Copy)]
pub enum WebhookOutcome {
    Processed,
    Duplicate,
    /// Not verified (400): nothing changed.
    Rejected,
    /// Our side failed (5xx): the sender delivers again.
    Failed,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, Copy)]
pub enum DeliveryOutcome {
    Sent,
    /// Failed; the job tries again.
    Retrying,
    /// Failed for good (refused, a quota, or the last attempt).
    Failed,
}

impl DeliveryOutcome {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Sent => "sent",
            DeliveryOutcome::Retrying => "retrying",
            DeliveryOutcome::Failed => "failed",
        }
    }
}

/// One instance's metrics. Cheap to record into from any task.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    quota_refusals: Family<KindLabel, Counter>,
    webhooks: Family<WebhookLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    jobs_finished: Family<JobLabels, Counter>,
    pool_waits: Histogram,
    /// `tls.mode = files`: the certificate in use (ACME's expiry is read from the database).
    certificate: Option<Arc<FileResolver>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// Figures read at scrape time, shared by every instance (`app::metrics` reads them).
#[derive(Debug, Default)]
pub struct SharedReadings {
    /// Per job kind: jobs pending or running, and the age of the oldest of them.
    pub jobs: Vec<JobQueue>,
    /// Seconds since the newest successful backup finished; None: none recorded.
    pub backup_age_seconds: Option<f64>,
    /// Audit events not yet sealed into the hash chain, and the oldest one's age.
    pub audit_unsealed: i64,
    pub audit_oldest_unsealed_seconds: f64,
    /// The ACME certificate's expiry (shared); the files mode's comes from the resolver.
    pub acme_not_after: Option<OffsetDateTime>,
}

#[derive(Debug)]
pub struct JobQueue {
    pub kind: String,
    pub queued: i64,
    pub oldest_seconds: f64,
}

impl Metrics {
    pub fn new(certificate: Option<Arc<FileResolver>>) -> Self {
        let mut registry = Registry::with_prefix("fastfaktura");
        let requests: Family<RequestLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, matched route template and status",
            requests.clone(),
        );
        let in_flight = Gauge::default();
        registry.register("http_requests_in_flight", "HTTP requests being answered now", in_flight.clone());
        let quota_refusals = Family::<KindLabel, Counter>::default();
        registry.register(
            "quota_refusals",
            "Sends, invitations and exports refused by a sending quota, by kind",
            quota_refusals.clone(),
        );
        let webhooks = Family::<WebhookLabels, Counter>::default();
        registry.register("webhooks", "Inbound webhook deliveries by source and outcome", webhooks.clone());
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "deliveries",
            "Attempts to deliver a document to its customer, by channel and outcome",
            deliveries.clone(),
        );
        let jobs_finished = Family::<JobLabels, Counter>::default();
        registry.register("jobs_finished", "Job runs by kind and outcome (done, retry, failed)", jobs_finished.clone());
        let pool_waits = Histogram::new(POOL_WAIT_BUCKETS);
        registry.register(
            "db_pool_acquire_seconds",
            "How long this instance's requests and background work waited for a database connection",
            pool_waits.clone(),
        );
        let build = Family::<VersionLabel, Gauge>::default();
        build.get_or_create(&VersionLabel { version: env!("CARGO_PKG_VERSION") }).set(1);
        registry.register("build_info", "The running version (always 1)", build);
        Self {
            registry,
            requests,
            in_flight,
            quota_refusals,
            webhooks,
            deliveries,
            jobs_finished,
            pool_waits,
            certificate,
        }
    }

    /// Records one answered request. `route` is the matched route template, None when
    /// no route matched.
    pub fn observe_request(&self, method: &Method, route: Option<&str>, status: u16, elapsed: Duration) {
        let labels =
            RequestLabels { method: method_label(method), route: route.unwrap_or(UNMATCHED_ROUTE).to_owned(), status };
        self.requests.get_or_create(&labels).observe(elapsed.as_secs_f64());
    }

    /// Counts a request in flight until the guard is dropped (answered or abandoned).
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// One checkout from the primary's pool that took `seconds` (`pool_waits`).
    fn observe_pool_wait(&self, seconds: f64) {
        self.pool_waits.observe(seconds);
    }

    /// `kind` is a quota's kind (`crate::quotas::Quota::kind`): a closed set.
    pub fn quota_refused(&self, kind: &'static str) {
        self.quota_refusals.get_or_create(&KindLabel { kind }).inc();
    }

    pub fn webhook(&self, source: WebhookSource, outcome: WebhookOutcome) {
        let source = match source {
            WebhookSource::Stripe => "stripe",
            WebhookSource::AccessPoint => "access_point",
        };
        let outcome = match outcome {
            WebhookOutcome::Processed => "processed",
            WebhookOutcome::Duplicate => "duplicate",
            WebhookOutcome::Rejected => "rejected",
            WebhookOutcome::Failed => "failed",
        };
        self.webhooks.get_or_create(&WebhookLabels { source, outcome }).inc();
    }

    /// `channel` is a delivery's channel as stored (email, sms, peppol).
    pub fn delivery(&self, channel: &str, outcome: DeliveryOutcome) {
        let channel = match channel {
            "email" => "email",
            "sms" => "sms",
            "peppol" => "peppol",
            "webhook" => "webhook",
            _ => "other",
        };
        self.deliveries.get_or_create(&DeliveryLabels { channel, outcome: outcome.as_str() }).inc();
    }

    /// `count` attempts of outbound webhooks that came to `outcome` (channel `webhook`).
    pub fn webhook_deliveries(&self, outcome: DeliveryOutcome, count: usize) {
        if count > 0 {
            let labels = DeliveryLabels { channel: "webhook", outcome: outcome.as_str() };
            self.deliveries.get_or_create(&labels).inc_by(count as u64);
        }
    }

    /// `kind` is a job kind from `jobs::Job::KINDS` (or `unreadable`).
    pub fn job_finished(&self, kind: &str, outcome: &'static str) {
        self.jobs_finished.get_or_create(&JobLabels { kind: kind.to_owned(), outcome }).inc();
    }

    /// The exposition: this instance's figures, its pool, then the shared readings.
    pub fn render(
        &self,
        pool: &PgPool,
        page_pool: &PgPool,
        replica: Option<crate::db::replica::ReplicaReading>,
        shared: Option<&SharedReadings>,
        now: OffsetDateTime,
    ) -> String {
        let mut out = String::new();
        let mut scraped = Registry::with_prefix("fastfaktura");

        let (connections, max) = pool_gauges(pool);
        scraped.register("db_pool_connections", "This instance's database connections, in use or idle", connections);
        scraped.register("db_pool_max_connections", "The pool's limit (database.max_connections)", max);
        let (connections, max) = pool_gauges(page_pool);
        scraped.register(
            "db_page_pool_connections",
            "This instance's connections for one-statement pages (the dashboard), in use or idle",
            connections,
        );
        scraped.register("db_page_pool_max_connections", "The page pool's limit", max);

        // With `database.read_url`: whether this instance reads from the replica now, and
        // the lag its last check measured (absent while unknown).
        if let Some(replica) = replica {
            let in_use = Gauge::<i64>::default();
            in_use.set(i64::from(replica.in_use));
            scraped.register("db_replica_in_use", "1 while lists and reports are read from the replica", in_use);
            if let Some(lag) = replica.lag {
                scraped.register(
                    "db_replica_lag_seconds",
                    "How long the oldest change the replica has not replayed has waited, at the last check",
                    float_gauge(lag.as_secs_f64()),
                );
            }
        }

        let readable = Gauge::<i64>::default();
        readable.set(i64::from(shared.is_some()));
        scraped.register(
            "shared_readings_ok",
            "1 when the shared figures (jobs, backup, audit, ACME certificate) were read from the database",
            readable,
        );
        if let Some(shared) = shared {
            register_shared(&mut scraped, shared);
        }
        let files_not_after = self.certificate.as_ref().and_then(|c| c.not_after());
        if let Some(not_after) = files_not_after.or(shared.and_then(|s| s.acme_not_after)) {
            let days = (not_after - now).as_seconds_f64() / 86_400.0;
            scraped.register(
                "tls_certificate_days_left",
                "Days until the TLS certificate in use expires (absent without TLS)",
                float_gauge(days),
            );
        }

        // Writing to a String cannot fail; an encoder error would be a bug in a label.
        if let Err(e) = prometheus_text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        if let Err(e) = prometheus_text::encode(&mut out, &scraped) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        out
    }
}

/// The figures every instance reads alike from PostgreSQL.
fn register_shared(scraped: &mut Registry, shared: &SharedReadings) {
    let queued = Family::<JobKind, Gauge>::default();
    let oldest = Family::<JobKind, Gauge<f64, AtomicU64>>::default();
    for kind in crate::jobs::Job::KINDS {
        queued.get_or_create(&JobKind { kind: (*kind).to_owned() }).set(0);
        oldest.get_or_create(&JobKind { kind: (*kind).to_owned() }).set(0.0);
    }
    for job in &shared.jobs {
        let kind = JobKind { kind: job.kind.clone() };
        queued.get_or_create(&kind).set(job.queued);
        oldest.get_or_create(&kind).set(job.oldest_seconds.max(0.0));
    }
    scraped.register("jobs_queued", "Jobs pending or running, by kind (all instances)", queued);
    scraped.register(
        "jobs_oldest_age_seconds",
        "Age of the oldest job pending or running, by kind (0 when none)",
        oldest,
    );

    if let Some(age) = shared.backup_age_seconds {
        scraped.register(
            "backup_age_seconds",
            "Seconds since the newest successful backup finished (absent: none yet)",
            float_gauge(age.max(0.0)),
        );
    }
    let unsealed = Gauge::<i64>::default();
    unsealed.set(shared.audit_unsealed);
    scraped.register("audit_unsealed_events", "Audit events not yet sealed into the hash chain", unsealed);
    scraped.register(
        "audit_seal_lag_seconds",
        "Age of the oldest audit event not yet sealed (0 when all are)",
        float_gauge(shared.audit_oldest_unsealed_seconds.max(0.0)),
    );
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobKind {
    kind: String,
}

/// A pool's connections in use and idle, and its limit.
fn pool_gauges(pool: &PgPool) -> (Family<StateLabel, Gauge>, Gauge<i64>) {
    let connections = Family::<StateLabel, Gauge>::default();
    let (size, idle) = (i64::from(pool.size()), i64::try_from(pool.num_idle()).unwrap_or(i64::MAX));
    connections.get_or_create(&StateLabel { state: "in_use" }).set(size.saturating_sub(idle).max(0));
    connections.get_or_create(&StateLabel { state: "idle" }).set(idle);
    let max = Gauge::<i64>::default();
    max.set(i64::from(pool.options().get_max_connections()));
    (connections, max)
}

fn float_gauge(value: f64) -> Gauge<f64, AtomicU64> {
    let gauge = Gauge::<f64, AtomicU64>::default();
    gauge.set(value);
    gauge
}

/// The standard methods by name; anything else (a client's invention) is `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A request counted in flight; dropping it counts it out.
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_templates_and_closed_sets() {
        let metrics = Metrics::new(None);
        let odd = Method::from_bytes(b"PROPFIND").unwrap();
        metrics.observe_request(&Method::GET, Some("/invoices/{id}"), 200, Duration::from_millis(3));
        metrics.observe_request(&odd, None, 404, Duration::from_micros(200));
        metrics.delivery("carrier-pigeon", DeliveryOutcome::Sent);
        let mut out = String::new();
        prometheus_text::encode(&mut out, &metrics.registry).unwrap();
        assert!(
            out.contains(
                r#"fastfaktura_http_request_duration_seconds_bucket{method="GET",route="/invoices/{id}",status="200",le="0.005"} 1"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"method="other",route="unmatched",status="404""#), "{out}");
        assert!(out.contains(r#"fastfaktura_deliveries_total{channel="other",outcome="sent"} 1"#), "{out}");
        assert!(!out.contains("PROPFIND") && !out.contains("pigeon"), "{out}");
    }

    #[test]
    fn in_flight_counts_until_dropped() {
        let metrics = Metrics::new(None);
        let first = metrics.in_flight();
        let second = metrics.in_flight();
        assert_eq!(metrics.in_flight.get(), 2);
        drop(first);
        drop(second);
        assert_eq!(metrics.in_flight.get(), 0);
    }
}
