//! Settings: built-in defaults, then an optional TOML file, then `FASTFAKTURA_*`
//! environment variables, then command-line flags.
//!
//! Environment variables are mapped explicitly (one table below) rather than through a
//! generic `SECTION__KEY` convention: the names stay short and documented
//! (`FASTFAKTURA_LISTEN`), secrets can come from `*_FILE`, and a mistyped variable is
//! reported instead of silently ignored. The production profile refuses every
//! development convenience and lists everything that is missing in one message.

use std::{
    collections::BTreeMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde::Deserialize;

mod access_point;
mod admin;
mod audit;
pub mod backup;
mod database;
mod env;
mod http_limits;
mod inbound_email;
mod jobs;
mod metrics;
mod peppol;
mod privacy;
mod production;
mod security;
mod stripe;
mod webhooks;
pub use access_point::AccessPointSettings;
pub use admin::AdminSettings;
pub use audit::{AuditSettings, GdprSettings, MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS, RetentionMonths};
pub use backup::BackupSettings;
pub use database::DatabaseSettings;
pub use http_limits::HttpLimits;
pub use inbound_email::InboundEmailSettings;
pub use jobs::{JobSettings, SmsSettings};
pub use metrics::{LogFormat, MetricsSettings};
pub use peppol::PeppolSettings;
pub use privacy::PrivacySettings;
pub use security::{
    AcmeChallenge, AcmeSettings, LETS_ENCRYPT_PRODUCTION, SecurityTxtSettings, TlsMode, TlsSettings, TrustedProxy,
};
pub use stripe::StripeSettings;
pub use webhooks::WebhookSettings;

/// A string that must never be printed: `Debug` and `Display` are redacted.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    #[default]
    Development,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub env: Profile,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// The origin users reach us at, e.g. `https://app.example.com`. Decides cookie
    /// names and flags and the CSRF origin check. Defaults to `http://<listen>`.
    pub public_base_url: Option<String>,
    /// Proxies (addresses or networks) whose `X-Forwarded-For` / `Forwarded` we believe.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Deprecated: `true` trusted the header from any peer. Read as `trusted_proxies =
    /// ["0.0.0.0/0", "::/0"]` with a warning; set `trusted_proxies` instead.
    pub trust_forwarded_for: bool,
    pub tls: TlsSettings,
    pub security_txt: SecurityTxtSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub crypto: CryptoSettings,
    pub session: SessionSettings,
    pub login: LoginLimits,
    pub jobs: JobSettings,
    pub sms: SmsSettings,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
    pub admin: AdminSettings,
    pub backup: BackupSettings,
    pub audit: AuditSettings,
    pub gdpr: GdprSettings,
    pub privacy: PrivacySettings,
    pub stripe: StripeSettings,
    pub access_point: AccessPointSettings,
    pub peppol: PeppolSettings,
    pub webhooks: WebhookSettings,
    pub inbound_email: InboundEmailSettings,
    pub http: HttpLimits,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            env: Profile::Development,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            public_base_url: None,
            trusted_proxies: Vec::new(),
            trust_forwarded_for: false,
            tls: TlsSettings::default(),
            security_txt: SecurityTxtSettings::default(),
            database: DatabaseSettings::default(),
            email: EmailSettings::default(),
            crypto: CryptoSettings::default(),
            session: SessionSettings::default(),
            login: LoginLimits::default(),
            jobs: JobSettings::default(),
            sms: SmsSettings::default(),
            log: LogSettings::default(),
            metrics: MetricsSettings::default(),
            admin: AdminSettings::default(),
            backup: BackupSettings::default(),
            audit: AuditSettings::default(),
            gdpr: GdprSettings::default(),
            privacy: PrivacySettings::default(),
            stripe: StripeSettings::default(),
            access_point: AccessPointSettings::default(),
            peppol: PeppolSettings::default(),
            webhooks: WebhookSettings::default(),
            inbound_email: InboundEmailSettings::default(),
            http: HttpLimits::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587). TLS is required.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// No TLS at all: only for a relay on the same machine, refused in production.
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: Option<u16>,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub timeout_seconds: u64,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: None,
            tls: SmtpTls::default(),
            username: None,
            password: None,
            timeout_seconds: 20,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    pub from: String,
    /// Without SMTP, mail goes to `<data dir>/outbox/` as `.eml` files (development only).
    pub smtp: Option<SmtpSettings>,
    /// Print each outbox message to the console (development only).
    pub console: bool,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self { from: "FastFaktura <no-reply@fastfaktura.localhost>".into(), smtp: None, console: true }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CryptoSettings {
    /// A file holding the 32-byte master key (raw, or 64 hex characters).
    pub master_key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSettings {
    pub idle_timeout_minutes: u32,
    pub absolute_timeout_hours: u32,
}

impl Default for SessionSettings {
    fn default() -> Self {
        // NIST SP 800-63B rev 3 AAL2 values (security criteria OTP-12).
        Self { idle_timeout_minutes: 30, absolute_timeout_hours: 12 }
    }
}

/// Limits on one-time codes (security criteria OTP-8). Per-IP limits are generous so an
/// office behind one address still works (an IPv6 /64 is one address). Guessing is
/// bounded by the codes an address can be sent times five attempts per code;
/// `failures_per_email_24h` counts wrong codes per address *and client*, so a stranger
/// cannot spend the person's own budget and lock them out.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginLimits {
    pub codes_per_email_15min: u32,
    pub codes_per_email_24h: u32,
    pub codes_per_ip_15min: u32,
    pub failures_per_email_24h: u32,
    pub failures_per_ip_hour: u32,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            codes_per_email_15min: 3,
            codes_per_email_24h: 10,
            codes_per_ip_15min: 30,
            failures_per_email_24h: 10,
            failures_per_ip_hour: 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// A `tracing` filter such as `info` or `fastfaktura=debug,tower_http=info`.
    pub filter: String,
    /// `text` (default) or `json` (one object per line, for a log collector).
    pub format: LogFormat,
    /// An OpenTelemetry collector's OTLP/HTTP base URL (`http://127.0.0.1:4318`): the
    /// spans are exported there too. None: no trace export.
    pub otlp_endpoint: Option<String>,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { filter: "info".into(), format: LogFormat::Text, otlp_endpoint: None }
    }
}

/// Settings plus what loading them had to say (printed once logging is up).
#[derive(Debug)]
pub struct LoadedSettings {
    pub settings: Settings,
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    ReadFile { path: PathBuf, source: std::io::Error },
    #[error("the configuration file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("{name} must be {expected}, but it is {value:?}")]
    BadEnv { name: String, expected: &'static str, value: String },
    #[error("cannot read {name} ({path}): {source}")]
    ReadSecretFile { name: String, path: String, source: std::io::Error },
    #[error("the configuration is not valid: {0}")]
    Invalid(String),
    #[error(
        "FastFaktura will not start in production until these settings are given:\n{}",
        .0.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n")
    )]
    ProductionRequirements(Vec<String>),
}

/// Command-line overrides, applied after everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
}

impl Settings {
    /// Loads settings from `file` (if given), the process environment and `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<LoadedSettings, ConfigError> {
        Self::load_from(file, std::env::vars().collect(), overrides)
    }

    /// As [`Settings::load`], with the environment passed in (for tests).
    pub fn load_from(
        file: Option<&Path>,
        env: BTreeMap<String, String>,
        overrides: &Overrides,
    ) -> Result<LoadedSettings, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::ReadFile { path: path.to_owned(), source })?;
                text.parse::<toml::Table>()
                    .map_err(|e| ConfigError::ParseFile { path: path.to_owned(), message: e.to_string() })?
            }
            None => toml::Table::new(),
        };
        let mut warnings = Vec::new();
        env::apply(&mut table, &env, &mut warnings)?;
        let mut settings: Settings =
            table.try_into().map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string().trim().to_owned()))?;
        if let Some(listen) = overrides.listen {
            settings.listen = listen;
        }
        if let Some(dir) = &overrides.data_dir {
            settings.data_dir = dir.clone();
        }
        if settings.trust_forwarded_for {
            warnings.push(
                "trust_forwarded_for is deprecated and trusts X-Forwarded-For from any peer; list your proxies in trusted_proxies (FASTFAKTURA_TRUSTED_PROXIES) instead".into(),
            );
            settings.trust_forwarded_for = false;
            for any in ["0.0.0.0/0", "::/0"] {
                settings.trusted_proxies.push(any.parse().map_err(ConfigError::Invalid)?);
            }
        }
        settings.check()?;
        if settings.database.allow_public_host {
            warnings.push("database.allow_public_host is set: the database may be reached outside a socket, loopback or private network; keep it behind TLS and a firewall".into());
        }
        if settings.tls.mode == TlsMode::Off && settings.tls.http_listen.is_some() {
            warnings.push("tls.http_listen is ignored while tls.mode = off".into());
        }
        Ok(LoadedSettings { settings, warnings })
    }

    /// Where the newest audit checkpoint is kept outside the database.
    pub fn audit_anchor_file(&self) -> PathBuf {
        self.audit.anchor_file.clone().unwrap_or_else(|| self.data_dir.join("audit-anchor.json"))
    }

    fn check(&self) -> Result<(), ConfigError> {
        if let Some(url) = &self.public_base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid(format!(
                "public_base_url must start with http:// or https://, but it is {url:?}"
            )));
        }
        if self.admin.idle_timeout_minutes == 0 || self.admin.absolute_timeout_hours == 0 {
            return Err(ConfigError::Invalid("admin session timeouts must be at least 1".into()));
        }
        if self.session.idle_timeout_minutes == 0 || self.session.absolute_timeout_hours == 0 {
            return Err(ConfigError::Invalid("session timeouts must be at least 1".into()));
        }
        if self.jobs.lease_seconds == 0 {
            return Err(ConfigError::Invalid("jobs.lease_seconds must be at least 1".into()));
        }
        if self.webhooks.timeout_seconds == 0 || self.webhooks.concurrency == 0 {
            return Err(ConfigError::Invalid(
                "webhooks.timeout_seconds and webhooks.concurrency must be at least 1".into(),
            ));
        }
        for (name, url) in
            [("sms.elks_base_url", &self.sms.elks_base_url), ("sms.twilio_base_url", &self.sms.twilio_base_url)]
        {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ConfigError::Invalid(format!(
                    "{name} must start with https:// (or http:// for a local test server), but it is {url:?}"
                )));
            }
        }
        if let Some(url) = &self.log.otlp_endpoint
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid(format!(
                "log.otlp_endpoint must be a collector's http:// or https:// URL, but it is {url:?}"
            )));
        }
        self.check_tls()?;
        self.security_txt.check(time::OffsetDateTime::now_utc()).map_err(ConfigError::Invalid)?;
        self.database.check().map_err(ConfigError::Invalid)?;
        self.backup.check().map_err(ConfigError::Invalid)?;
        self.metrics.check().map_err(ConfigError::Invalid)?;
        self.audit.check().map_err(ConfigError::Invalid)?;
        self.gdpr.check().map_err(ConfigError::Invalid)?;
        if self.env == Profile::Production {
            let missing = production::production_problems(self);
            if !missing.is_empty() {
                return Err(ConfigError::ProductionRequirements(missing));
            }
        }
        Ok(())
    }

    /// The origin we are served at (scheme://host[:port], no trailing slash).
    /// The scheme the console is reached with on its own listener or name: https when
    /// we terminate TLS or the public URL says a proxy does.
    pub fn admin_scheme(&self) -> &'static str {
        if self.tls.mode != TlsMode::Off || self.public_origin().starts_with("https://") { "https" } else { "http" }
    }

    pub fn public_origin(&self) -> String {
        match &self.public_base_url {
            Some(url) => {
                let after_scheme = url.find("://").map_or(0, |i| i + 3);
                let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
                url[..end].to_owned()
            }
            None if self.tls.mode != TlsMode::Off => format!("https://{}", self.listen),
            None => format!("http://{}", self.listen),
        }
    }

    /// `__Host-` cookies need HTTPS; plain names only for development over http.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin().starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_need_no_configuration() {
        let loaded = Settings::load_from(None, env(&[]), &Overrides::default()).unwrap();
        assert_eq!(loaded.settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(loaded.settings.data_dir, PathBuf::from("./data"));
        assert!(loaded.settings.database.url.is_none());
        assert!(!loaded.settings.secure_cookies());
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn file_then_environment_then_flags() {
        let dir = std::env::temp_dir().join(format!("ff-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ff.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\n[email]\nfrom = \"a@b.example\"\n[email.smtp]\nhost = \"mail.example\"\n",
        )
        .unwrap();
        let secret = dir.join("pw");
        std::fs::write(&secret, "s3cret\n").unwrap();
        let loaded = Settings::load_from(
            Some(&file),
            env(&[
                ("FASTFAKTURA_SMTP_PORT", "2525"),
                ("FASTFAKTURA_SMTP_PASSWORD_FILE", secret.to_str().unwrap()),
                ("FASTFAKTURA_LISTNE", "typo"),
                ("PATH", "/bin"),
            ]),
            &Overrides { data_dir: Some("/srv/ff".into()), ..Default::default() },
        )
        .unwrap();
        let s = loaded.settings;
        assert_eq!(s.listen.to_string(), "127.0.0.1:9000");
        let smtp = s.email.smtp.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port), ("mail.example", Some(2525)));
        assert_eq!(smtp.password.unwrap().expose(), "s3cret");
        assert_eq!(s.data_dir, PathBuf::from("/srv/ff"));
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].contains("FASTFAKTURA_LISTNE"));
    }

    #[test]
    fn bad_values_are_named() {
        let err =
            Settings::load_from(None, env(&[("FASTFAKTURA_SMTP_PORT", "lots")]), &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("FASTFAKTURA_SMTP_PORT must be a whole number"), "{err}");
        let err =
            Settings::load_from(None, env(&[("FASTFAKTURA_LISTEN", "nowhere")]), &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("FASTFAKTURA_LISTEN must be an IP address and port"), "{err}");
        let err = Settings::load_from(None, env(&[("FASTFAKTURA_ENV", "prod")]), &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("production"), "{err}");
    }

    #[test]
    fn production_lists_every_missing_setting_at_once() {
        let err =
            Settings::load_from(None, env(&[("FASTFAKTURA_ENV", "production")]), &Overrides::default()).unwrap_err();
        let text = err.to_string();
        for needle in [
            "email.smtp.host",
            "crypto.master_key_file",
            "public_base_url",
            "database.url",
            "email.console",
            "security_txt.contact",
        ] {
            assert!(text.contains(needle), "{needle} missing from: {text}");
        }
        // Trusting every peer's X-Forwarded-For, and a database on a public address, are refused.
        let vars = [
            ("FASTFAKTURA_ENV", "production"),
            ("FASTFAKTURA_TRUST_FORWARDED_FOR", "true"),
            ("FASTFAKTURA_DATABASE_URL", "postgres://ff:pw@203.0.113.7/ff"),
        ];
        let text = Settings::load_from(None, env(&vars), &Overrides::default()).unwrap_err().to_string();
        assert!(text.contains("trusted_proxies must name your proxies"), "{text}");
        assert!(text.contains("203.0.113.7") && !text.contains(":pw@"), "{text}");
    }

    #[test]
    fn trusted_proxies_and_admin_policy_from_the_environment() {
        let s = Settings::load_from(
            None,
            env(&[("FASTFAKTURA_TRUSTED_PROXIES", "10.0.0.2, ::1"), ("FASTFAKTURA_ADMIN_REQUIRE_TOTP", "false")]),
            &Overrides::default(),
        )
        .unwrap()
        .settings;
        assert_eq!(s.trusted_proxies.len(), 2);
        assert!(s.trusted_proxies.iter().any(|p| p.0.contains(&"10.0.0.2".parse::<std::net::IpAddr>().unwrap())));
        assert!(!s.admin.require_totp);
        assert!(Settings::default().admin.require_totp);
        let err = Settings::load_from(None, env(&[("FASTFAKTURA_TRUSTED_PROXIES", "proxy")]), &Overrides::default())
            .unwrap_err();
        assert!(err.to_string().contains("trusted_proxies"), "{err}");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("postgres://u:hunter2@db/x");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn origin_and_cookie_security_follow_the_public_url() {
        let mut s =
            Settings { public_base_url: Some("https://app.example.com/some/path".into()), ..Settings::default() };
        assert_eq!(s.public_origin(), "https://app.example.com");
        assert!(s.secure_cookies());
        s.public_base_url = None;
        assert_eq!(s.public_origin(), "http://127.0.0.1:8080");
    }
}
