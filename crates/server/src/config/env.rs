//! Settings from the environment: every supported `FASTFAKTURA_*` variable, the setting
//! it fills and how its text is read (a `_FILE` twin for secrets), merged into the TOML
//! table before it becomes `Settings`, so a mistyped value names its variable.

use std::{collections::BTreeMap, net::SocketAddr};

use super::ConfigError;

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Bool,
    /// Comma-separated values, e.g. `10.0.0.0/8, 192.168.1.1`.
    List,
    /// `host:port`, checked here so the message names the variable.
    Address,
    /// A string that may also come from `<NAME>_FILE`.
    Secret,
}

/// Every supported environment variable and the setting it fills.
const ENV_VARS: &[(&str, &str, Kind)] = &[
    ("FASTFAKTURA_ENV", "env", Kind::Str),
    ("FASTFAKTURA_LISTEN", "listen", Kind::Address),
    ("FASTFAKTURA_DATA_DIR", "data_dir", Kind::Str),
    ("FASTFAKTURA_PUBLIC_BASE_URL", "public_base_url", Kind::Str),
    ("FASTFAKTURA_TRUST_FORWARDED_FOR", "trust_forwarded_for", Kind::Bool),
    ("FASTFAKTURA_TRUSTED_PROXIES", "trusted_proxies", Kind::List),
    ("FASTFAKTURA_STRIPE_API_BASE", "stripe.api_base", Kind::Str),
    ("FASTFAKTURA_STRIPE_CHECKOUT_ORIGIN", "stripe.checkout_origin", Kind::Str),
    ("FASTFAKTURA_STORECOVE_API_BASE", "access_point.storecove_api_base", Kind::Str),
    ("FASTFAKTURA_ACCESS_POINT_TIMEOUT_SECONDS", "access_point.timeout_seconds", Kind::Int),
    ("FASTFAKTURA_PEPPOL_SML_ZONE", "peppol.sml_zone", Kind::Str),
    ("FASTFAKTURA_PEPPOL_DNS_SERVER", "peppol.dns_server", Kind::Address),
    ("FASTFAKTURA_PEPPOL_SMP_CA_FILE", "peppol.smp_ca_file", Kind::Str),
    ("FASTFAKTURA_PEPPOL_TIMEOUT_SECONDS", "peppol.timeout_seconds", Kind::Int),
    ("FASTFAKTURA_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "webhooks.allow_private_targets", Kind::Bool),
    ("FASTFAKTURA_WEBHOOKS_TIMEOUT_SECONDS", "webhooks.timeout_seconds", Kind::Int),
    ("FASTFAKTURA_WEBHOOKS_CONCURRENCY", "webhooks.concurrency", Kind::Int),
    ("FASTFAKTURA_INBOUND_EMAIL_LISTEN", "inbound_email.listen", Kind::Address),
    ("FASTFAKTURA_INBOUND_EMAIL_DOMAIN", "inbound_email.domain", Kind::Str),
    ("FASTFAKTURA_TLS_MODE", "tls.mode", Kind::Str),
    ("FASTFAKTURA_TLS_HTTP_LISTEN", "tls.http_listen", Kind::Address),
    ("FASTFAKTURA_TLS_CERT_FILE", "tls.cert_file", Kind::Str),
    ("FASTFAKTURA_TLS_KEY_FILE", "tls.key_file", Kind::Str),
    ("FASTFAKTURA_TLS_HSTS_PRELOAD", "tls.hsts_preload", Kind::Bool),
    ("FASTFAKTURA_ACME_DOMAINS", "tls.acme.domains", Kind::List),
    ("FASTFAKTURA_ACME_CONTACT", "tls.acme.contact", Kind::List),
    ("FASTFAKTURA_ACME_DIRECTORY_URL", "tls.acme.directory_url", Kind::Str),
    ("FASTFAKTURA_ACME_CHALLENGE", "tls.acme.challenge", Kind::Str),
    ("FASTFAKTURA_ACME_EXPIRY_WARNING_DAYS", "tls.acme.expiry_warning_days", Kind::Int),
    ("FASTFAKTURA_SECURITY_TXT_CONTACT", "security_txt.contact", Kind::List),
    ("FASTFAKTURA_SECURITY_TXT_EXPIRES", "security_txt.expires", Kind::Str),
    ("FASTFAKTURA_PRIVACY_CONTROLLER_NAME", "privacy.controller_name", Kind::Str),
    ("FASTFAKTURA_PRIVACY_CONTROLLER_ADDRESS", "privacy.controller_address", Kind::Str),
    ("FASTFAKTURA_PRIVACY_CONTROLLER_EMAIL", "privacy.controller_email", Kind::Str),
    ("FASTFAKTURA_PRIVACY_DPO_EMAIL", "privacy.dpo_email", Kind::Str),
    ("FASTFAKTURA_PRIVACY_AUTHORITY_NAME", "privacy.authority_name", Kind::Str),
    ("FASTFAKTURA_PRIVACY_AUTHORITY_URL", "privacy.authority_url", Kind::Str),
    ("FASTFAKTURA_DATABASE_URL", "database.url", Kind::Secret),
    ("FASTFAKTURA_DATABASE_READ_URL", "database.read_url", Kind::Secret),
    ("FASTFAKTURA_DATABASE_MAX_REPLICA_LAG_MS", "database.max_replica_lag_ms", Kind::Int),
    ("FASTFAKTURA_DATABASE_MAX_CONNECTIONS", "database.max_connections", Kind::Int),
    ("FASTFAKTURA_DATABASE_ALLOW_PUBLIC_HOST", "database.allow_public_host", Kind::Bool),
    ("FASTFAKTURA_EMAIL_FROM", "email.from", Kind::Str),
    ("FASTFAKTURA_EMAIL_CONSOLE", "email.console", Kind::Bool),
    ("FASTFAKTURA_SMTP_HOST", "email.smtp.host", Kind::Str),
    ("FASTFAKTURA_SMTP_PORT", "email.smtp.port", Kind::Int),
    ("FASTFAKTURA_SMTP_TLS", "email.smtp.tls", Kind::Str),
    ("FASTFAKTURA_SMTP_USERNAME", "email.smtp.username", Kind::Str),
    ("FASTFAKTURA_SMTP_PASSWORD", "email.smtp.password", Kind::Secret),
    ("FASTFAKTURA_MASTER_KEY_FILE", "crypto.master_key_file", Kind::Str),
    ("FASTFAKTURA_SESSION_IDLE_TIMEOUT_MINUTES", "session.idle_timeout_minutes", Kind::Int),
    ("FASTFAKTURA_SESSION_ABSOLUTE_TIMEOUT_HOURS", "session.absolute_timeout_hours", Kind::Int),
    ("FASTFAKTURA_JOBS_WORKER", "jobs.worker", Kind::Bool),
    ("FASTFAKTURA_JOBS_LEASE_SECONDS", "jobs.lease_seconds", Kind::Int),
    ("FASTFAKTURA_SMS_46ELKS_URL", "sms.elks_base_url", Kind::Str),
    ("FASTFAKTURA_SMS_TWILIO_URL", "sms.twilio_base_url", Kind::Str),
    ("FASTFAKTURA_LOG", "log.filter", Kind::Str),
    ("FASTFAKTURA_LOG_FORMAT", "log.format", Kind::Str),
    ("FASTFAKTURA_OTLP_ENDPOINT", "log.otlp_endpoint", Kind::Str),
    ("FASTFAKTURA_METRICS", "metrics.enabled", Kind::Bool),
    ("FASTFAKTURA_METRICS_TOKEN", "metrics.token", Kind::Secret),
    ("FASTFAKTURA_ADMIN_REQUIRE_TOTP", "admin.require_totp", Kind::Bool),
    ("FASTFAKTURA_ADMIN_SECURITY_ALERT_EMAIL", "admin.security_alert_email", Kind::Str),
    ("FASTFAKTURA_ADMIN_LISTEN", "admin.listen", Kind::Address),
    ("FASTFAKTURA_ADMIN_HOSTNAME", "admin.hostname", Kind::Str),
    ("FASTFAKTURA_BACKUP_DIRECTORY", "backup.directory", Kind::Str),
    ("FASTFAKTURA_BACKUP_PREFIX", "backup.prefix", Kind::Str),
    ("FASTFAKTURA_BACKUP_RECIPIENTS_FILE", "backup.recipients_file", Kind::Str),
    ("FASTFAKTURA_BACKUP_SCHEDULE", "backup.schedule", Kind::Bool),
    ("FASTFAKTURA_BACKUP_DAILY_AT", "backup.daily_at", Kind::Str),
    ("FASTFAKTURA_BACKUP_VERIFY_IDENTITY_FILE", "backup.verify_identity_file", Kind::Str),
    ("FASTFAKTURA_BACKUP_S3_ENDPOINT", "backup.s3.endpoint", Kind::Str),
    ("FASTFAKTURA_BACKUP_S3_REGION", "backup.s3.region", Kind::Str),
    ("FASTFAKTURA_BACKUP_S3_BUCKET", "backup.s3.bucket", Kind::Str),
    ("FASTFAKTURA_BACKUP_S3_ACCESS_KEY_ID", "backup.s3.access_key_id", Kind::Secret),
    ("FASTFAKTURA_BACKUP_S3_SECRET_ACCESS_KEY", "backup.s3.secret_access_key", Kind::Secret),
    ("FASTFAKTURA_BACKUP_S3_ALLOW_HTTP", "backup.s3.allow_http", Kind::Bool),
];

/// Fills `table` from the `FASTFAKTURA_*` variables in `env`; an unknown one is a warning.
pub(super) fn apply(
    table: &mut toml::Table,
    env: &BTreeMap<String, String>,
    warnings: &mut Vec<String>,
) -> Result<(), ConfigError> {
    for (name, value) in env {
        if !name.starts_with("FASTFAKTURA_") {
            continue;
        }
        if name == "FASTFAKTURA_CONFIG" {
            continue; // read by the command line (--config)
        }
        let known = ENV_VARS.iter().find(|(n, _, _)| n == name).or_else(|| {
            name.strip_suffix("_FILE")
                .and_then(|base| ENV_VARS.iter().find(|(n, _, k)| *n == base && matches!(k, Kind::Secret)))
        });
        match known {
            None => warnings.push(format!(
                "ignoring unknown environment variable {name} (see the README for the supported FASTFAKTURA_* settings)"
            )),
            Some((var, path, kind)) => {
                let (var, value) = if var != name {
                    let secret = std::fs::read_to_string(value).map_err(|source| ConfigError::ReadSecretFile {
                        name: name.clone(),
                        path: value.clone(),
                        source,
                    })?;
                    (*var, secret.trim_end_matches(['\r', '\n']).to_owned())
                } else {
                    (*var, value.clone())
                };
                set_path(table, path, env_value(var, &value, *kind)?);
            }
        }
    }
    Ok(())
}

fn env_value(name: &str, value: &str, kind: Kind) -> Result<toml::Value, ConfigError> {
    let bad = |expected| ConfigError::BadEnv { name: name.to_owned(), expected, value: value.to_owned() };
    Ok(match kind {
        Kind::Str | Kind::Secret => toml::Value::String(value.to_owned()),
        Kind::Address => {
            value.trim().parse::<SocketAddr>().map_err(|_| bad("an IP address and port such as 127.0.0.1:8080"))?;
            toml::Value::String(value.trim().to_owned())
        }
        Kind::List => toml::Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| toml::Value::String(v.to_owned()))
                .collect(),
        ),
        Kind::Int => toml::Value::Integer(value.trim().parse().map_err(|_| bad("a whole number"))?),
        Kind::Bool => toml::Value::Boolean(match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => return Err(bad("true or false")),
        }),
    })
}

fn set_path(table: &mut toml::Table, dotted: &str, value: toml::Value) {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().unwrap_or(dotted);
    let mut current = table;
    for part in parts {
        let entry = current.entry(part.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        let toml::Value::Table(next) = entry else { unreachable!("just made a table") };
        current = next;
    }
    current.insert(last.to_owned(), value);
}
