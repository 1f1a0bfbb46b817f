//! Reads from a streaming replica (`database.read_url`): which pool an operation that
//! only reads gets, and the watch that decides whether the replica may be used.
//!
//! The replica is used only while (a) it answers, (b) it is a standby, (c) its
//! replication lag is under `database.max_replica_lag_ms`, and (d) it has replayed the
//! reader's own last write ([`ReadAfter`]). Otherwise the read goes to the primary, so a
//! replica that lags, stops or was never configured changes where reads go, never what
//! they see of the reader's own work.
//!
//! The lag is measured in time without trusting either server's clock or replay
//! timestamps (which look old on an idle primary): every check records the primary's
//! WAL position with the instant we saw it, and the lag is the age of the oldest
//! position the replica has not replayed yet. An idle primary has nothing unreplayed,
//! so its replica has no lag.

use std::{
    collections::VecDeque,
    ops::{Deref, DerefMut},
    str::FromStr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::{
    PgConnection, PgPool, Postgres,
    pool::PoolConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use tokio::sync::watch;

use crate::config::DatabaseSettings;

/// The primary's page pool, with the primary pool's connection and wait.
fn primary_pages(primary: &PgPool, settings: &DatabaseSettings) -> PgPool {
    super::page_read_pool(&primary.connect_options(), settings, primary.options().get_acquire_timeout())
}

/// The longest a read waits for a replica connection before it takes the primary's.
const REPLICA_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// A position in the primary's write-ahead log (an LSN, as the byte offset it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct WalPosition(u64);

impl WalPosition {
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl FromStr for WalPosition {
    type Err = std::num::ParseIntError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(WalPosition)
    }
}

impl std::fmt::Display for WalPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a read must see, which decides whether a replica may serve it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadAfter {
    /// Everything committed: only the primary will do.
    Primary,
    /// Everything up to this position (the reader's last write): a replica that has
    /// replayed it will do. `WalPosition::default()` for a reader who has not written.
    Position(WalPosition),
}

/// A connection for reading only: the replica's when it is fresh enough for the reader,
/// else the primary's. Use it as an executor with `&mut *connection`.
pub struct ReadOnly {
    connection: PoolConnection<Postgres>,
    from_replica: bool,
}

impl ReadOnly {
    /// Whether the replica serves this read (for logs and tests).
    pub fn from_replica(&self) -> bool {
        self.from_replica
    }
}

impl Deref for ReadOnly {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.connection
    }
}

impl DerefMut for ReadOnly {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.connection
    }
}

/// Hands out read connections: the primary's, or with `database.read_url` the
/// replica's while [`ReadRouter::watch`] finds it usable.
#[derive(Clone)]
pub struct ReadRouter {
    primary: PgPool,
    /// The primary's pool for one-statement pages (`super::page_read_pool`).
    primary_pages: PgPool,
    replica: Option<Arc<Replica>>,
}

struct Replica {
    pool: PgPool,
    /// The replica's pool for one-statement pages.
    pages: PgPool,
    /// The replay position of the last check that found the replica usable; 0 while it
    /// is not (lagging, unreachable, not a standby, or not checked yet).
    usable_up_to: AtomicU64,
    /// The lag the last check measured, in milliseconds; `u64::MAX` when unknown (not
    /// checked yet, unreachable, not a standby, or behind all it has watched).
    lag_ms: AtomicU64,
    max_lag: Duration,
    check_every: Duration,
}

/// The replica as the metrics show it: whether reads go there, and its last lag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplicaReading {
    pub in_use: bool,
    pub lag: Option<Duration>,
}

impl ReadRouter {
    /// Every read from the primary: no replica configured (the embedded default).
    pub fn primary_only(primary: PgPool, settings: &DatabaseSettings) -> Self {
        let primary_pages = primary_pages(&primary, settings);
        Self { primary, primary_pages, replica: None }
    }

    /// Reads from the replica at `read_url` when it is usable. The replica is not
    /// contacted here: one that is down at start is simply not used until it answers.
    pub fn with_replica(primary: PgPool, read_url: &str, settings: &DatabaseSettings) -> Result<Self, sqlx::Error> {
        let options = PgConnectOptions::from_str(read_url)?.application_name("fastfaktura-replica-reads");
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(REPLICA_ACQUIRE_TIMEOUT)
            // A connection to a replica that has stopped since it was opened fails its
            // ping here, inside `acquire`, where the read can still go to the primary.
            .test_before_acquire(true)
            .connect_lazy_with(options.clone());
        let replica = Replica {
            pages: super::page_read_pool(&options, settings, REPLICA_ACQUIRE_TIMEOUT),
            pool,
            usable_up_to: AtomicU64::new(0),
            lag_ms: AtomicU64::new(u64::MAX),
            max_lag: settings.max_replica_lag(),
            check_every: settings.replica_check_interval(),
        };
        let primary_pages = primary_pages(&primary, settings);
        Ok(Self { primary, primary_pages, replica: Some(Arc::new(replica)) })
    }

    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// What the last check found, for the metrics; None without a replica.
    pub fn replica_reading(&self) -> Option<ReplicaReading> {
        let replica = self.replica.as_ref()?;
        let lag_ms = replica.lag_ms.load(Ordering::Acquire);
        Some(ReplicaReading {
            in_use: replica.usable_up_to.load(Ordering::Acquire) != 0,
            lag: (lag_ms != u64::MAX).then(|| Duration::from_millis(lag_ms)),
        })
    }

    /// A connection for a read that must see `after`: the replica's if the last check
    /// found it usable and it had replayed `after`, else (and if the replica does not
    /// hand one out in time) the primary's.
    pub async fn acquire(&self, after: ReadAfter) -> Result<ReadOnly, sqlx::Error> {
        self.read_on(after, |replica| &replica.pool, &self.primary).await
    }

    /// A connection for a page read in one statement with a generic plan
    /// ([`super::page_read_pool`]), on the replica on the same terms as [`Self::acquire`].
    pub async fn page_read(&self, after: ReadAfter) -> Result<ReadOnly, sqlx::Error> {
        self.read_on(after, |replica| &replica.pages, &self.primary_pages).await
    }

    /// A connection from the replica's pool that `on_replica` picks when the replica
    /// serves `after`, else (and if the replica does not hand one out in time) from
    /// `primary`.
    async fn read_on(
        &self,
        after: ReadAfter,
        on_replica: fn(&Replica) -> &PgPool,
        primary: &PgPool,
    ) -> Result<ReadOnly, sqlx::Error> {
        if let Some(replica) = &self.replica
            && replica.serves(after)
        {
            match on_replica(replica).acquire().await {
                Ok(connection) => return Ok(ReadOnly { connection, from_replica: true }),
                Err(error) => {
                    // Until the next check says otherwise, reads go to the primary.
                    replica.usable_up_to.store(0, Ordering::Release);
                    tracing::warn!(error = %error, "the read replica did not answer; reading from the primary");
                }
            }
        }
        Ok(ReadOnly { connection: primary.acquire().await?, from_replica: false })
    }

    /// The primary's page pool, for the metrics.
    pub fn primary_page_pool(&self) -> &PgPool {
        &self.primary_pages
    }

    /// Closes the pools of its own (the page pools, the replica's): at shutdown, after
    /// the last request, before the primary's server stops.
    pub async fn close(&self) {
        self.primary_pages.close().await;
        if let Some(replica) = &self.replica {
            replica.pages.close().await;
            replica.pool.close().await;
        }
    }

    /// Where the primary's log is now, for a writer to read after (None without a
    /// replica: then every read is from the primary and there is nothing to wait for).
    /// Called after the writer's transaction committed, it is at or past its commit.
    pub async fn write_position(&self) -> Result<Option<WalPosition>, sqlx::Error> {
        if self.replica.is_none() {
            return Ok(None);
        }
        Ok(Some(primary_position(&self.primary).await?))
    }

    /// Checks the replica every `database.replica_check_interval` until `stop`, and
    /// logs when it starts or stops being used and why. Returns at once without one.
    pub async fn watch(self, mut stop: watch::Receiver<bool>) {
        let Some(replica) = self.replica.clone() else { return };
        let mut seen = History::default();
        let mut previous: Option<Health> = None;
        let started = Instant::now();
        loop {
            let mut health = replica.check(&self.primary, &mut seen).await;
            // Just started, a replica a moment behind the first position we saw is behind
            // "everything we know": not a lag worth a warning until we have watched longer.
            if matches!(health, Health::Lagging(None)) && started.elapsed() <= replica.max_lag {
                health = Health::CatchingUp;
            }
            replica.usable_up_to.store(
                match health {
                    Health::Usable { replayed, .. } => replayed.as_u64(),
                    _ => 0,
                },
                Ordering::Release,
            );
            let lag = match &health {
                Health::Usable { lag, .. } | Health::Lagging(Some(lag)) => Some(*lag),
                _ => None,
            };
            replica.lag_ms.store(
                lag.map_or(u64::MAX, |lag| u64::try_from(lag.as_millis()).unwrap_or(u64::MAX - 1)),
                Ordering::Release,
            );
            if previous.as_ref().map(std::mem::discriminant) != Some(std::mem::discriminant(&health)) {
                health.log(replica.max_lag);
            }
            previous = Some(health);
            tokio::select! {
                () = tokio::time::sleep(replica.check_every) => {}
                _ = stop.wait_for(|stopped| *stopped) => break,
            }
        }
        replica.pool.close().await;
        replica.pages.close().await;
    }
}

impl Replica {
    fn serves(&self, after: ReadAfter) -> bool {
        let usable_up_to = self.usable_up_to.load(Ordering::Acquire);
        match after {
            ReadAfter::Primary => false,
            ReadAfter::Position(position) => usable_up_to != 0 && position.as_u64() <= usable_up_to,
        }
    }

    async fn check(&self, primary: &PgPool, seen: &mut History) -> Health {
        // The primary first: the replica's answer is then at least as recent. What it
        // has flushed, not where it inserts: an idle primary's insert position can point
        // past a page header at a record not yet written, which no replica can replay.
        let now_at = match tokio::time::timeout(REPLICA_ACQUIRE_TIMEOUT, primary_flushed(primary)).await {
            Ok(Ok(position)) => position,
            Ok(Err(e)) => return Health::PrimaryUnknown(e.to_string()),
            Err(_) => return Health::PrimaryUnknown("no answer in time".into()),
        };
        seen.record(Instant::now(), now_at, self.max_lag * 2 + self.check_every);
        let replica = async {
            sqlx::query!(
                r#"SELECT pg_is_in_recovery() AS "standby!",
                          (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS replayed"#
            )
            .fetch_one(&self.pool)
            .await
        };
        let row = match tokio::time::timeout(REPLICA_ACQUIRE_TIMEOUT, replica).await {
            Ok(Ok(row)) => row,
            Ok(Err(e)) => return Health::Unreachable(e.to_string()),
            Err(_) => return Health::Unreachable("no answer in time".into()),
        };
        let (true, Some(replayed)) = (row.standby, row.replayed) else { return Health::NotAStandby };
        let replayed = WalPosition(u64::try_from(replayed).unwrap_or(0));
        match seen.lag(replayed, Instant::now()) {
            Some(lag) if lag <= self.max_lag => Health::Usable { replayed, lag },
            lag => Health::Lagging(lag),
        }
    }
}

async fn primary_position(primary: &PgPool) -> Result<WalPosition, sqlx::Error> {
    // The insert position is at or past the end of every commit that has returned.
    let position = sqlx::query_scalar!(r#"SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS "at!""#)
        .fetch_one(primary)
        .await?;
    Ok(WalPosition(u64::try_from(position).unwrap_or(0)))
}

/// The end of the primary's log on its disk: what a replica can have received.
async fn primary_flushed(primary: &PgPool) -> Result<WalPosition, sqlx::Error> {
    let position = sqlx::query_scalar!(r#"SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint AS "at!""#)
        .fetch_one(primary)
        .await?;
    Ok(WalPosition(u64::try_from(position).unwrap_or(0)))
}

/// What the last check found.
#[derive(Debug)]
enum Health {
    Usable {
        replayed: WalPosition,
        lag: Duration,
    },
    /// Not yet known to have caught up, just after start.
    CatchingUp,
    /// Behind by this much, or by more than we have watched (None).
    Lagging(Option<Duration>),
    Unreachable(String),
    /// Promoted, or `read_url` names a primary: it may hold other data than ours.
    NotAStandby,
    /// The primary's position is unknown, so is the lag.
    PrimaryUnknown(String),
}

impl Health {
    fn log(&self, max_lag: Duration) {
        let max_lag_ms = u64::try_from(max_lag.as_millis()).unwrap_or(u64::MAX);
        match self {
            Health::Usable { .. } => tracing::info!("reading lists, dashboards, exports and reports from the replica"),
            Health::CatchingUp => tracing::info!("waiting for the read replica to catch up; reading from the primary"),
            Health::Lagging(lag) => tracing::warn!(
                lag = ?lag,
                max_lag_ms,
                "the read replica lags too far behind; reading from the primary"
            ),
            Health::Unreachable(error) => {
                tracing::warn!(error = %error, "the read replica does not answer; reading from the primary")
            }
            Health::NotAStandby => tracing::error!(
                "database.read_url is not a standby (promoted, or not a replica); reading from the primary"
            ),
            Health::PrimaryUnknown(error) => {
                tracing::warn!(error = %error, "cannot read the primary's WAL position; reading from the primary")
            }
        }
    }
}

/// The primary's WAL positions, each with the instant it was first seen, oldest first.
#[derive(Debug, Default)]
struct History(VecDeque<(Instant, WalPosition)>);

impl History {
    /// Remembers that the primary was at `position` at `at`, and forgets what is older
    /// than `keep` (but the newest such sample, which bounds the lag from below).
    fn record(&mut self, at: Instant, position: WalPosition, keep: Duration) {
        if self.0.back().is_none_or(|(_, last)| position > *last) {
            self.0.push_back((at, position));
        }
        while self.0.len() > 1 && self.0.get(1).is_some_and(|(seen, _)| at.duration_since(*seen) > keep) {
            self.0.pop_front();
        }
    }

    /// How long the oldest position the replica has not replayed has been waiting;
    /// zero when it has replayed everything seen, None when it has not even replayed the
    /// oldest position remembered (its lag is unknown, and at least that old).
    fn lag(&self, replayed: WalPosition, now: Instant) -> Option<Duration> {
        match self.0.iter().position(|(_, position)| *position > replayed) {
            None => Some(Duration::ZERO),
            Some(0) => None,
            Some(i) => Some(now.duration_since(self.0[i].0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEEP: Duration = Duration::from_secs(10);

    #[test]
    fn an_idle_primary_has_no_lag() {
        let start = Instant::now();
        let mut seen = History::default();
        for second in 0..100 {
            seen.record(start + Duration::from_secs(second), WalPosition(500), KEEP);
        }
        assert_eq!(seen.0.len(), 1, "an unchanged position is remembered once");
        assert_eq!(seen.lag(WalPosition(500), start + Duration::from_secs(100)), Some(Duration::ZERO));
    }

    #[test]
    fn the_lag_is_the_age_of_the_oldest_unreplayed_position() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let mut seen = History::default();
        seen.record(at(0), WalPosition(100), KEEP);
        seen.record(at(100), WalPosition(200), KEEP);
        seen.record(at(200), WalPosition(300), KEEP);
        seen.record(at(300), WalPosition(300), KEEP);
        // Replayed up to 150: position 200 (seen at 100 ms) waits.
        assert_eq!(seen.lag(WalPosition(150), at(400)), Some(Duration::from_millis(300)));
        assert_eq!(seen.lag(WalPosition(200), at(400)), Some(Duration::from_millis(200)));
        assert_eq!(seen.lag(WalPosition(300), at(400)), Some(Duration::ZERO));
        // Behind everything we have seen: unknown, never "no lag".
        assert_eq!(seen.lag(WalPosition(50), at(400)), None);
    }

    #[test]
    fn old_positions_are_forgotten_but_the_lag_stays_bounded_from_below() {
        let start = Instant::now();
        let mut seen = History::default();
        for second in 0..60 {
            seen.record(start + Duration::from_secs(second), WalPosition(second * 10), KEEP);
        }
        assert!(seen.0.len() <= 12, "{} samples kept", seen.0.len());
        let now = start + Duration::from_secs(60);
        // Stuck at a position from 50 s ago: older than anything kept, so unknown.
        assert_eq!(seen.lag(WalPosition(0), now), None);
        assert_eq!(seen.lag(WalPosition(585), now), Some(Duration::from_secs(1)));
    }

    #[tokio::test]
    async fn readers_who_must_see_everything_never_get_the_replica() {
        let options = PgConnectOptions::new().host("/nonexistent");
        let pool = PgPoolOptions::new().connect_lazy_with(options);
        let settings = DatabaseSettings { max_replica_lag_ms: 1000, ..DatabaseSettings::default() };
        let router = ReadRouter::with_replica(pool.clone(), "postgres://x@localhost/x", &settings).unwrap();
        let replica = router.replica.as_ref().unwrap();
        assert!(!replica.serves(ReadAfter::Position(WalPosition(0))), "not checked yet: not used");
        replica.usable_up_to.store(1000, Ordering::Release);
        assert!(replica.serves(ReadAfter::Position(WalPosition(0))));
        assert!(replica.serves(ReadAfter::Position(WalPosition(1000))));
        assert!(!replica.serves(ReadAfter::Position(WalPosition(1001))), "the reader's write is not replayed yet");
        assert!(!replica.serves(ReadAfter::Primary));
        assert!(!ReadRouter::primary_only(pool, &settings).has_replica());
    }
}
