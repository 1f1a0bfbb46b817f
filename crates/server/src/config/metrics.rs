//! The observability settings (`[metrics]`, `[log]`'s format): whether requests are
//! measured and `/metrics` is served, and the bearer token a scraper presents. Kept
//! apart from `config.rs` so that file stays about loading.

use serde::Deserialize;

use super::Secret;

/// Shortest scrape token accepted: it is the only thing between the network and the
/// numbers, so it must not be guessable (`openssl rand -hex 32` gives 64 characters).
pub const MIN_TOKEN_CHARS: usize = 24;

/// `[metrics]`: Prometheus metrics on the admin listener (or the public one without it).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Measure requests (latency by route and status) and serve `/metrics` when a token
    /// is set. Off: no measuring layer on any request and no `/metrics` (the baseline
    /// of bench/metrics.sh).
    pub enabled: bool,
    /// What a scraper sends as `Authorization: Bearer <token>`. Without it `/metrics`
    /// is not served at all (404): a scraper cannot sign in to the console.
    pub token: Option<Secret>,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self { enabled: true, token: None }
    }
}

impl MetricsSettings {
    /// The token, when `/metrics` is to be served.
    pub fn scrape_token(&self) -> Option<&Secret> {
        self.token.as_ref().filter(|_| self.enabled)
    }

    pub fn check(&self) -> Result<(), String> {
        match &self.token {
            Some(token) if token.expose().trim().chars().count() < MIN_TOKEN_CHARS => Err(format!(
                "metrics.token (FASTFAKTURA_METRICS_TOKEN) must be at least {MIN_TOKEN_CHARS} characters, e.g. from `openssl rand -hex 32`"
            )),
            _ => Ok(()),
        }
    }
}

/// How log lines are written (`log.format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line (for a log collector): timestamp, level, message and
    /// the event's fields.
    Json,
}
