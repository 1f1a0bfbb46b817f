//! The [database] settings: the primary (or the embedded cluster), the pool, and the
//! optional streaming replica that serves lists, dashboards, exports and reports. How
//! reads are routed to the replica is `db::replica`'s; what production demands of both
//! URLs is `production`'s.

use std::time::Duration;

use serde::Deserialize;

use super::Secret;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// With no URL, `serve` runs a private cluster inside the data directory.
    pub url: Option<Secret>,
    /// A streaming replica of `url` (hot standby). Unset: every read goes to `url`.
    pub read_url: Option<Secret>,
    /// Above this replication lag the replica is left and reads go to the primary.
    pub max_replica_lag_ms: u64,
    /// The main pool's size; the dashboard's page pool has a quarter of it (at least 2).
    pub max_connections: u32,
    /// How long a request waits for a connection before it gets a 503.
    pub acquire_timeout_seconds: u64,
    /// Production refuses a database outside loopback, a socket or a private network
    /// unless this is set (then a warning is logged at every start).
    pub allow_public_host: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            read_url: None,
            max_replica_lag_ms: 1000,
            max_connections: 16,
            acquire_timeout_seconds: 3,
            allow_public_host: false,
        }
    }
}

impl DatabaseSettings {
    pub fn max_replica_lag(&self) -> Duration {
        Duration::from_millis(self.max_replica_lag_ms)
    }

    /// How often the replica's replay position is compared with the primary's: a few
    /// times within the allowed lag, so a lagging replica is left soon after it passes
    /// it, but not more than 40 times a second nor less than once.
    pub fn replica_check_interval(&self) -> Duration {
        (self.max_replica_lag() / 4).clamp(Duration::from_millis(25), Duration::from_secs(1))
    }

    pub(super) fn check(&self) -> Result<(), String> {
        if self.read_url.is_some() && self.url.is_none() {
            return Err("database.read_url names a replica of database.url, which is not set (the embedded database has no replica)".into());
        }
        if self.read_url.is_some() && self.max_replica_lag_ms == 0 {
            return Err("database.max_replica_lag_ms must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, time::Duration};

    use crate::config::{Overrides, Settings};

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let env: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::load_from(None, env, &Overrides::default()).map(|l| l.settings).map_err(|e| e.to_string())
    }

    #[test]
    fn a_replica_comes_from_the_environment_and_needs_a_primary() {
        let s = load(&[
            ("FASTFAKTURA_DATABASE_URL", "postgres://ff@10.0.0.5/ff"),
            ("FASTFAKTURA_DATABASE_READ_URL", "postgres://ff@10.0.0.6/ff"),
            ("FASTFAKTURA_DATABASE_MAX_REPLICA_LAG_MS", "250"),
        ])
        .unwrap();
        assert_eq!(s.database.read_url.as_ref().unwrap().expose(), "postgres://ff@10.0.0.6/ff");
        assert_eq!(s.database.max_replica_lag(), Duration::from_millis(250));
        let defaults = load(&[]).unwrap();
        assert!(defaults.database.read_url.is_none(), "the embedded default has no replica");
        let err = load(&[("FASTFAKTURA_DATABASE_READ_URL", "postgres://ff@10.0.0.6/ff")]).unwrap_err();
        assert!(err.contains("database.read_url") && err.contains("database.url"), "{err}");
    }

    #[test]
    fn the_replica_is_checked_a_few_times_within_the_allowed_lag() {
        let mut s = Settings::default().database;
        s.max_replica_lag_ms = 1000;
        assert_eq!(s.replica_check_interval(), Duration::from_millis(250));
        s.max_replica_lag_ms = 10;
        assert_eq!(s.replica_check_interval(), Duration::from_millis(25));
        s.max_replica_lag_ms = 3_600_000;
        assert_eq!(s.replica_check_interval(), Duration::from_secs(1));
    }
}
