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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::config::{ConfigError, LogFormat, Overrides, Settings};

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::load_from(None, env, &Overrides::default()).map(|l| l.settings)
    }

    #[test]
    fn the_token_comes_from_the_environment_or_a_file_and_must_be_long() {
        assert!(load(&[]).unwrap().metrics.scrape_token().is_none(), "no token, no endpoint");
        let token = "0123456789abcdef0123456789abcdef";
        let s = load(&[("FASTFAKTURA_METRICS_TOKEN", token), ("FASTFAKTURA_LOG_FORMAT", "json")]).unwrap();
        assert_eq!(s.metrics.scrape_token().unwrap().expose(), token);
        assert_eq!(s.log.format, LogFormat::Json);
        assert!(!format!("{:?}", s.metrics).contains(token), "redacted in Debug");
        let file = std::env::temp_dir().join(format!("ff-metrics-token-{}", std::process::id()));
        std::fs::write(&file, format!("{token}\n")).unwrap();
        let s = load(&[("FASTFAKTURA_METRICS_TOKEN_FILE", file.to_str().unwrap()), ("FASTFAKTURA_METRICS", "false")])
            .unwrap();
        assert_eq!(s.metrics.token.as_ref().unwrap().expose(), token);
        assert!(s.metrics.scrape_token().is_none(), "metrics off: no endpoint even with a token");
        let err = load(&[("FASTFAKTURA_METRICS_TOKEN", "hunter2")]).unwrap_err().to_string();
        assert!(err.contains("at least 24 characters") && !err.contains("hunter2"), "{err}");
        let err = load(&[("FASTFAKTURA_LOG_FORMAT", "xml")]).unwrap_err().to_string();
        assert!(err.contains("xml") || err.contains("format"), "{err}");
    }

    #[test]
    fn trace_export_needs_a_collector_url() {
        assert!(load(&[]).unwrap().log.otlp_endpoint.is_none());
        let s = load(&[("FASTFAKTURA_OTLP_ENDPOINT", "http://127.0.0.1:4318")]).unwrap();
        assert_eq!(s.log.otlp_endpoint.as_deref(), Some("http://127.0.0.1:4318"));
        let err = load(&[("FASTFAKTURA_OTLP_ENDPOINT", "collector:4318")]).unwrap_err().to_string();
        assert!(err.contains("log.otlp_endpoint"), "{err}");
    }
}
