//! Reads from a real streaming replica (`database.read_url`): each test makes its own
//! throwaway primary and a hot standby of it with `pg_basebackup -R` (the embedded
//! cluster code), so pausing replay or stopping the replica touches no other test.
//!
//! What proves a page came from the replica: with replay paused, a row committed on
//! the primary is missing from the replica (checked there directly) and from the page a
//! browser that did not write it is shown; the browser that wrote it sees it at once,
//! and so does everyone once the lag passes the threshold or the replica stops.

use std::{path::PathBuf, time::Duration};

use fastfaktura::{
    app::{ReadAfter, WalPosition},
    config::Secret,
    db::embedded::EmbeddedPostgres,
};
use reqwest::Method;
use sqlx::{Connection, PgConnection};

use crate::helpers::{TestApp, captured_logs, new_client};

const OWNER: &str = "owner@replica.example";
const METRICS_TOKEN: &str = "replica-metrics-0123456789abcdef";

/// The exposition's lines about the replica.
async fn replica_metrics(app: &TestApp) -> Vec<String> {
    let text = reqwest::Client::new()
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines().filter(|l| l.starts_with("fastfaktura_db_replica_")).map(str::to_owned).collect()
}

/// A primary and its streaming replica, stopped and removed when dropped.
struct Replicated {
    dir: PathBuf,
    primary: Option<EmbeddedPostgres>,
    replica: Option<EmbeddedPostgres>,
    primary_url: String,
    replica_url: String,
}

impl Replicated {
    async fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("ff-test-replica-{}", uuid::Uuid::new_v4().simple()));
        let primary_root = dir.join("primary");
        let primary = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&primary_root))
            .await
            .unwrap()
            .expect("start the primary");
        fastfaktura::db::ensure_database(&primary.url("postgres"), "fastfaktura").await.unwrap();
        let replica_root = dir.join("replica");
        let (primary, replica) = tokio::task::spawn_blocking(move || {
            let replica = primary.start_replica(&replica_root).expect("make and start the replica");
            (primary, replica)
        })
        .await
        .unwrap();
        let (primary_url, replica_url) = (primary.url("fastfaktura"), replica.url("fastfaktura"));
        Self { dir, primary: Some(primary), replica: Some(replica), primary_url, replica_url }
    }

    /// The application on the primary, reading from the replica within `max_lag_ms`.
    async fn spawn_app(&self, max_lag_ms: u64) -> TestApp {
        let replica_url = self.replica_url.clone();
        TestApp::spawn_on(self.primary_url.clone(), move |s| {
            s.database.read_url = Some(Secret::new(replica_url));
            s.database.max_replica_lag_ms = max_lag_ms;
            s.metrics.token = Some(Secret::new(METRICS_TOKEN.to_owned()));
        })
        .await
    }

    async fn on_replica(&self) -> PgConnection {
        PgConnection::connect(&self.replica_url).await.expect("connect to the replica")
    }

    /// Waits until the replica has replayed everything the primary has written so far,
    /// and returns that position.
    async fn wait_until_replayed(&self) -> WalPosition {
        let mut primary = PgConnection::connect(&self.primary_url).await.unwrap();
        let written: i64 = sqlx::query_scalar("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
            .fetch_one(&mut primary)
            .await
            .unwrap();
        let mut replica = self.on_replica().await;
        for _ in 0..200 {
            let replayed: i64 = sqlx::query_scalar("SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint")
                .fetch_one(&mut replica)
                .await
                .unwrap();
            if replayed >= written {
                return written.to_string().parse().unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the replica did not replay the primary's log within 10 s");
    }

    async fn set_replay(&self, paused: bool) {
        let call = if paused { "SELECT pg_wal_replay_pause()" } else { "SELECT pg_wal_replay_resume()" };
        sqlx::raw_sql(call).execute(&mut self.on_replica().await).await.unwrap();
    }

    /// How many customers called `name` the replica itself has.
    async fn replica_has_customer(&self, name: &str) -> bool {
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM customers WHERE name = $1")
            .bind(name)
            .fetch_one(&mut self.on_replica().await)
            .await
            .unwrap();
        count > 0
    }

    async fn stop_replica(&mut self) {
        if let Some(replica) = self.replica.take() {
            tokio::task::spawn_blocking(move || replica.stop()).await.unwrap().expect("stop the replica");
        }
    }
}

impl Drop for Replicated {
    fn drop(&mut self) {
        if let Some(replica) = self.replica.take() {
            let _ = replica.stop();
        }
        if let Some(primary) = self.primary.take() {
            let _ = primary.stop();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits until the application's router would (or would not) read from the replica for
/// a reader who must see `after`.
async fn wait_for_router(app: &TestApp, after: WalPosition, from_replica: bool) {
    for _ in 0..200 {
        let read = app.state.reads.acquire(ReadAfter::Position(after)).await.expect("a read connection");
        if read.from_replica() == from_replica {
            return;
        }
        drop(read);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("after 10 s the router still does not read from the {}", if from_replica { "replica" } else { "primary" });
}

async fn owner_with_business(app: &TestApp, client: &reqwest::Client) {
    app.log_in(client, OWNER).await;
    let form = [
        ("name", "Replica Studio"),
        ("country", "NO"),
        ("default_currency", "NOK"),
        ("payment_terms_days", "14"),
        ("invoice_language", "en"),
    ];
    assert_eq!(app.post_form(client, "/settings/business", &form).await.status(), 303);
}

async fn create_customer(app: &TestApp, client: &reqwest::Client, name: &str) {
    let form = [
        ("kind", "business"),
        ("name", name),
        ("email", "books@customer.example"),
        ("country", "NO"),
        ("language", "en"),
        ("currency", "NOK"),
    ];
    let created = app.post_form(client, "/customers", &form).await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
}

async fn customer_list(app: &TestApp, client: &reqwest::Client) -> String {
    let response = app.get(client, "/customers").await;
    assert_eq!(response.status(), 200, "the list never fails because of the replica");
    response.text().await.unwrap()
}

#[tokio::test]
async fn lists_come_from_the_replica_and_a_writer_sees_their_own_write_at_once() {
    let pair = Replicated::start().await;
    // A threshold this test never reaches: only the writer's own write sends it to the primary.
    let app = pair.spawn_app(3_600_000).await;
    let writer = new_client();
    owner_with_business(&app, &writer).await;
    let token_page = app
        .post_form(&writer, "/settings/api-tokens", &[("name", "Sync"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    let start = token_page.find("data-new-token>").expect("the new token is shown") + "data-new-token>".len();
    let token = token_page[start..].split('<').next().unwrap().to_owned();
    create_customer(&app, &writer, "Before Pause AS").await;
    let reader = new_client();
    app.log_in(&reader, OWNER).await;
    let replayed = pair.wait_until_replayed().await;
    wait_for_router(&app, replayed, true).await;

    pair.set_replay(true).await;
    create_customer(&app, &writer, "After Pause AS").await;
    assert!(!pair.replica_has_customer("After Pause AS").await, "replay is paused");
    let writers_list = customer_list(&app, &writer).await;
    assert!(writers_list.contains("After Pause AS"), "the writer sees their own write: {writers_list}");
    let readers_list = customer_list(&app, &reader).await;
    assert!(readers_list.contains("Before Pause AS"), "{readers_list}");
    assert!(!readers_list.contains("After Pause AS"), "the other browser's list is the replica's");
    // API clients keep no position to read after: their lists are the primary's.
    let (status, body, _) = crate::api::call(&app, &token, Method::GET, "/api/v1/customers", None).await;
    assert_eq!(status, 200);
    assert!(body.to_string().contains("After Pause AS"), "{body}");

    pair.set_replay(false).await;
    for _ in 0..200 {
        if customer_list(&app, &reader).await.contains("After Pause AS") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reader never saw the customer after replay resumed");
}

#[tokio::test]
async fn a_replica_lagging_past_the_threshold_is_left_for_the_primary() {
    let pair = Replicated::start().await;
    let app = pair.spawn_app(200).await;
    let writer = new_client();
    owner_with_business(&app, &writer).await;
    let reader = new_client();
    app.log_in(&reader, OWNER).await;
    let replayed = pair.wait_until_replayed().await;
    wait_for_router(&app, replayed, true).await;

    pair.set_replay(true).await;
    create_customer(&app, &writer, "Lagging AS").await;
    assert!(customer_list(&app, &writer).await.contains("Lagging AS"), "the writer sees their own write at once");
    // Once the lag passes 200 ms nobody reads from the replica, which still lacks the row.
    wait_for_router(&app, WalPosition::default(), false).await;
    assert!(!pair.replica_has_customer("Lagging AS").await, "replay is still paused");
    let readers_list = customer_list(&app, &reader).await;
    assert!(readers_list.contains("Lagging AS"), "the list is the primary's: {readers_list}");
    assert!(captured_logs().contains("the read replica lags too far behind"));

    // Caught up again, the replica serves lists again.
    pair.set_replay(false).await;
    let replayed = pair.wait_until_replayed().await;
    wait_for_router(&app, replayed, true).await;
}

#[tokio::test]
async fn a_stopped_replica_is_left_without_a_failed_request() {
    let mut pair = Replicated::start().await;
    let app = pair.spawn_app(3_600_000).await;
    let writer = new_client();
    owner_with_business(&app, &writer).await;
    create_customer(&app, &writer, "Steady AS").await;
    let reader = new_client();
    app.log_in(&reader, OWNER).await;
    let replayed = pair.wait_until_replayed().await;
    wait_for_router(&app, replayed, true).await;
    assert!(customer_list(&app, &reader).await.contains("Steady AS"));

    pair.stop_replica().await;
    // The very next lists, before any check has noticed, are served (by the primary).
    for _ in 0..5 {
        assert!(customer_list(&app, &reader).await.contains("Steady AS"));
        let dashboard = app.get(&reader, "/").await;
        assert_eq!(dashboard.status(), 200);
    }
    wait_for_router(&app, WalPosition::default(), false).await;
    let lines = replica_metrics(&app).await;
    assert!(lines.contains(&"fastfaktura_db_replica_in_use 0".to_owned()), "{lines:?}");
    // The request that found it stopped says so, and so does the next check.
    assert!(captured_logs().contains("the read replica did not answer; reading from the primary"));
    for _ in 0..100 {
        if captured_logs().contains("the read replica does not answer; reading from the primary") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the replica check never noticed the stopped replica");
}

/// Right after the primary switches to a new WAL segment (a backup, `pg_switch_wal`,
/// `archive_timeout`) and then stays idle, its insert position points past the new
/// page's header at a record nobody has written yet: a replica can never replay up to
/// it. Judged against that position, a replica that has everything was "lagging"
/// until the next write, for ever on a quiet system (bench/replica.sh found it). The lag
/// is judged against what the primary has flushed, which a replica can have.
#[tokio::test]
async fn a_replica_of_an_idle_primary_past_a_segment_switch_is_read_from() {
    let pair = Replicated::start().await;
    let app = pair.spawn_app(1_000).await;
    wait_for_router(&app, WalPosition::default(), true).await;
    let mut primary = PgConnection::connect(&pair.primary_url).await.unwrap();
    // The situation under test: the insert position past the flushed end. A record the
    // server writes of its own accord right after the switch (a standby snapshot, a
    // checkpoint's) fills the new page and ends it; then it is switched again.
    let mut positions = (String::new(), String::new());
    for _ in 0..20 {
        sqlx::raw_sql("SELECT pg_switch_wal()").execute(&mut primary).await.unwrap();
        positions = sqlx::query_as("SELECT pg_current_wal_insert_lsn()::text, pg_current_wal_flush_lsn()::text")
            .fetch_one(&mut primary)
            .await
            .unwrap();
        if positions.0 != positions.1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (inserted, flushed) = positions;
    assert_ne!(inserted, flushed, "the situation under test: the insert position is past the flushed end");
    // Longer than the lag threshold and several checks: the replica is still read from,
    // and the metrics say so with the lag the last check measured.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    wait_for_router(&app, WalPosition::default(), true).await;
    let lines = replica_metrics(&app).await;
    assert!(lines.contains(&"fastfaktura_db_replica_in_use 1".to_owned()), "{lines:?}");
    let lag: f64 = lines
        .iter()
        .find_map(|l| l.strip_prefix("fastfaktura_db_replica_lag_seconds "))
        .expect("the lag is shown")
        .parse()
        .unwrap();
    assert!((0.0..=1.0).contains(&lag), "within the threshold: {lag}");
}
