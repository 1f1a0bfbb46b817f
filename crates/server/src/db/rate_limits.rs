//! Sliding-window rate limits kept in PostgreSQL, so every instance behind a load
//! balancer counts against the same budget.
//!
//! Each counted event is a row. A check takes a transaction-scoped advisory lock on the
//! key first, so two instances cannot both see "one left" and both proceed.

use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};

/// The client an IP address counts as for per-address limits: an IPv4 address itself,
/// an IPv6 address its /64 (one subscriber's network: each of its 2^64 addresses is
/// the same client). Anything unparsable is counted as written.
pub fn client_of(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }
}

/// How long until the limit that is exhausted frees a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

/// Checks `limits` for `key` without counting. Must run inside a transaction.
pub async fn check(
    conn: &mut PgConnection,
    key: &str,
    limits: &[Limit],
    now: OffsetDateTime,
) -> Result<Result<(), RetryAfter>, sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key).execute(&mut *conn).await?;
    let mut longest_wait = None;
    for limit in limits {
        if limit.max == 0 {
            longest_wait = Some(longest_wait.unwrap_or(Duration::ZERO).max(limit.window));
            continue;
        }
        // The max-th newest event in the window: once it leaves, a slot is free.
        let blocking = sqlx::query_scalar!(
            r#"SELECT at FROM rate_limit_events WHERE key = $1 AND at > $2
               ORDER BY at DESC OFFSET $3 LIMIT 1"#,
            key,
            now - limit.window,
            i64::from(limit.max) - 1
        )
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(at) = blocking {
            let wait = (at + limit.window - now).max(Duration::SECOND);
            longest_wait = Some(longest_wait.unwrap_or(Duration::ZERO).max(wait));
        }
    }
    Ok(longest_wait.map_or(Ok(()), |w| Err(RetryAfter(w))))
}

/// Counts one event for `key`.
pub async fn record(conn: &mut PgConnection, key: &str, now: OffsetDateTime) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO rate_limit_events (key, at) VALUES ($1, $2)", key, now).execute(conn).await?;
    Ok(())
}

/// Checks and, if allowed, counts one event. Must run inside a transaction.
pub async fn hit(
    conn: &mut PgConnection,
    key: &str,
    limits: &[Limit],
    now: OffsetDateTime,
) -> Result<Result<(), RetryAfter>, sqlx::Error> {
    let verdict = check(conn, key, limits, now).await?;
    if verdict.is_ok() {
        record(conn, key, now).await?;
    }
    Ok(verdict)
}

/// Removes events and buckets older than every window in use (the longest is 24 hours;
/// a bucket may count up to a 96th of its window longer, so buckets get an hour more).
pub async fn purge_older_than(conn: &mut PgConnection, cutoff: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let events =
        sqlx::query!("DELETE FROM rate_limit_events WHERE at < $1", cutoff).execute(&mut *conn).await?.rows_affected();
    let buckets = sqlx::query!("DELETE FROM rate_limit_buckets WHERE bucket < $1", cutoff - Duration::hours(1))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(events + buckets)
}

#[cfg(test)]
mod tests {
    use super::client_of;

    #[test]
    fn an_ipv6_slash_64_is_one_client() {
        assert_eq!(client_of("2001:db8:1:2:aaaa::1"), client_of("2001:db8:1:2:ffff:1:2:3"));
        assert_ne!(client_of("2001:db8:1:2::1"), client_of("2001:db8:1:3::1"));
        assert_eq!(client_of("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(client_of("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(client_of("203.0.113.9"), "203.0.113.9");
    }
}
