//! PostgreSQL access: the pool, migrations, and one module per aggregate.
//!
//! Queries are inline and checked at compile time (`sqlx::query!`, with `.sqlx/`
//! offline data kept current by `scripts/sqlx-prepare`). Functions take
//! `impl PgExecutor` so the same call works on the pool or inside a caller's
//! transaction; that is how a job is enqueued atomically with the row that causes it.

pub mod acme_cache;
pub mod admins;
pub mod api_tokens;
pub mod audit;
pub mod backup_runs;
pub mod bank_claims;
pub mod bank_entries;
pub mod bills;
pub mod business_secrets;
pub mod businesses;
pub mod card_payments;
pub mod customers;
pub mod dashboard;
pub mod deliveries;
pub mod embedded;
pub mod idempotency;
pub mod invoice_links;
pub mod invoice_lists;
mod invoice_values;
pub mod invoices;
pub mod issued_documents;
pub mod logos;
pub mod members;
pub mod metrics;
pub mod numbering;
pub mod operator;
pub mod otp;
pub mod payment_log;
pub mod payments;
pub mod peppol;
pub mod products;
pub mod quotas;
pub mod rate_limits;
pub mod received_documents;
pub mod received_emails;
pub mod recurring;
pub mod reminders;
pub mod replica;
pub mod resealing;
pub mod sessions;
pub mod sms_providers;
pub mod statements;
pub mod users;
pub mod webhooks;

use std::{str::FromStr, time::Duration};

use sqlx::{
    PgPool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::config::DatabaseSettings;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A checked-out connection idle at least this long is pinged before use (`connect`).
pub const PING_CONNECTIONS_IDLE_FOR: Duration = Duration::from_secs(1);

pub async fn connect(url: &str, settings: &DatabaseSettings) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("fastfaktura");
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(settings.acquire_timeout_seconds))
        // An event after every checkout with its wait, which `metrics::pool_waits` counts;
        // at TRACE it costs nothing unless that layer (or a TRACE log filter) listens.
        .acquire_time_level(log::LevelFilter::Trace)
        // sqlx pings every connection on checkout by default: a round trip before each
        // request's first statement. Only a connection that sat idle can have been cut
        // while nobody watched (a restarted server, a dropped network path), so only
        // such a connection is pinged; a busy pool's checkouts go straight to work.
        // (sqlx pings again on return, unconditionally: that one also flushes an
        // interrupted transaction's rollback and stays.)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
        .connect_with(options)
        .await
}

/// A pool for a page that reads many figures of one business in one statement (the
/// dashboard: `dashboard::page`), beside the main pool on the same server: its
/// connections are read-only by default and plan every prepared statement generically.
///
/// One statement is one snapshot, so the figures agree with each other without a
/// transaction: no BEGIN and no COMMIT, two of the four round trips such a page had
/// (with the statement and sqlx's test query on return). The settings come with the
/// connection (`-c` options at start-up) instead of a `SET LOCAL` in a transaction.
///
/// Why generic plans: PostgreSQL plans a prepared statement again for its parameter
/// values whenever that plan's estimate beats the generic plan's, and for a business
/// with few rows it always does, so each view planned the dashboard's aggregates anew:
/// 0.2 to 0.6 ms of planning each against 0.01 to 0.04 ms of execution, most of the
/// page's database time (pg_stat_statements under load, docs/PERFORMANCE.md). Their
/// generic plans read by the `business_id` indexes like the custom ones. Other reads
/// (lists with optional filters, searches) keep custom plans in the main pool.
///
/// A quarter of `database.max_connections` (at least two): the page's statement is
/// short, and a few connections keep both cores busy; more would only queue inside
/// PostgreSQL instead of here, where the wait is measured.
pub fn page_read_pool(options: &PgConnectOptions, settings: &DatabaseSettings, acquire_timeout: Duration) -> PgPool {
    let name = format!("{}-pages", options.get_application_name().unwrap_or("fastfaktura"));
    let options = options
        .clone()
        .application_name(&name)
        .options([("default_transaction_read_only", "on"), ("plan_cache_mode", "force_generic_plan")]);
    PgPoolOptions::new()
        .max_connections(settings.max_connections.div_ceil(4).max(2))
        .acquire_timeout(acquire_timeout)
        .acquire_time_level(log::LevelFilter::Trace)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
        .connect_lazy_with(options)
}

/// `connect`'s check of a checkout: a ping only after an idle second.
async fn ping_if_idle(
    conn: &mut sqlx::PgConnection,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    if meta.idle_for >= PING_CONNECTIONS_IDLE_FOR {
        sqlx::Connection::ping(conn).await?;
    }
    Ok(true)
}

/// Creates `database` on the server behind `admin_url` unless it exists.
pub async fn ensure_database(admin_url: &str, database: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    let exists = sqlx::query_scalar!("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", database)
        .fetch_one(&mut conn)
        .await?
        .unwrap_or(false);
    if !exists {
        let quoted = database.replace('"', "\"\"");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{quoted}\""))).execute(&mut conn).await?;
    }
    conn.close().await
}

/// Whether every migration this binary knows is applied (for `/readyz`).
pub async fn migrations_applied(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let latest_known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success").fetch_one(pool).await?;
    Ok(applied.unwrap_or(0) >= latest_known)
}

/// Whether an error means "the database is not reachable right now" (503, not 500).
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_))
        || matches!(error, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")))
}

/// `%search%` for ILIKE, with the pattern characters in `search` taken literally.
pub fn like_pattern(search: &str) -> String {
    format!("%{}%", search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}
