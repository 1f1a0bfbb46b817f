//! `/security` and `/privacy`: what this deployment does, generated from the running
//! configuration (TLS mode, HSTS, sign-in limits, session timeouts, retention,
//! backups, the security contact), in English and Icelandic.
//!
//! Every statement is chosen by a setting or a constant the code itself uses, so the
//! page can never promise what the deployment does not do: with TLS off and a plain
//! http address it says traffic is not encrypted; without a security contact it says
//! so instead of inventing one.

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, extract::State, routing::get};

use crate::{
    config::{LETS_ENCRYPT_PRODUCTION, Settings, TlsMode},
    i18n::Tr,
    jobs::worker::{OTP_CHALLENGES_KEPT_DAYS, RATE_LIMIT_EVENTS_KEPT_HOURS},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/security", get(security)).route("/privacy", get(privacy))
}

#[derive(Template, WebTemplate)]
#[template(path = "security.html")]
pub struct SecurityPage {
    pub t: Tr,
    pub facts: Facts,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    pub t: Tr,
    pub facts: Facts,
    /// The controller and the supervisory authority.
    pub privacy: crate::config::PrivacySettings,
}

/// The statements both pages make, each one read from the configuration.
pub struct Facts {
    /// The message id of the transport-encryption statement.
    pub transport: &'static str,
    /// The ACME CA's directory, when certificates come from one other than Let's Encrypt.
    pub acme_directory: Option<String>,
    pub hsts: bool,
    pub hsts_days: i64,
    pub hsts_subdomains: bool,
    pub hsts_preload: bool,
    pub idle_minutes: u32,
    pub absolute_hours: u32,
    pub codes_per_15min: u32,
    pub failures_per_day: u32,
    pub rate_limit_hours: i64,
    pub challenge_days: i64,
    pub contacts: Vec<String>,
    pub security_txt: bool,
    /// The daily backup time (UTC) when scheduled backups are configured.
    pub backup_daily_at: Option<String>,
    /// Backups go to S3-compatible object storage (else a local directory).
    pub backup_off_site: bool,
    /// Operators need a one-time code (TOTP) besides their password.
    pub admin_totp: bool,
    /// How long each category of the audit log is kept (`audit.retention_months`).
    pub audit_retention: Vec<RetentionFact>,
    /// "IS 7, SE 7, ..." from `gdpr.retention_years` and the default, for the Privacy page.
    pub closure_years: String,
}

pub struct RetentionFact {
    /// The category's label (a message id).
    pub label: &'static str,
    pub months: u32,
}

impl Facts {
    pub fn from_settings(settings: &Settings) -> Self {
        let transport = match settings.tls.mode {
            TlsMode::Acme => key("security-transport-acme"),
            TlsMode::Files => key("security-transport-files"),
            TlsMode::Off if settings.secure_cookies() => key("security-transport-proxy"),
            TlsMode::Off => key("security-transport-none"),
        };
        let hsts = settings.hsts_header().is_some();
        let acme = &settings.tls.acme.directory_url;
        Facts {
            transport,
            acme_directory: (settings.tls.mode == TlsMode::Acme && acme != LETS_ENCRYPT_PRODUCTION)
                .then(|| acme.clone()),
            hsts,
            hsts_days: i64::try_from(settings.tls.hsts_max_age_seconds / 86_400).unwrap_or(i64::MAX),
            hsts_subdomains: hsts && settings.tls.hsts_include_subdomains,
            hsts_preload: hsts && settings.tls.hsts_preload,
            idle_minutes: settings.session.idle_timeout_minutes,
            absolute_hours: settings.session.absolute_timeout_hours,
            codes_per_15min: settings.login.codes_per_email_15min,
            failures_per_day: settings.login.failures_per_email_24h,
            rate_limit_hours: RATE_LIMIT_EVENTS_KEPT_HOURS,
            challenge_days: OTP_CHALLENGES_KEPT_DAYS,
            contacts: settings
                .security_txt
                .contact_uris()
                .into_iter()
                .map(|c| c.strip_prefix("mailto:").map(str::to_owned).unwrap_or(c))
                .collect(),
            security_txt: crate::http::security_txt::generate(settings).is_some()
                || settings.security_txt.signed_file.is_some(),
            backup_daily_at: (settings.backup.schedule
                && settings.backup.has_target()
                && settings.backup.recipients_file.is_some())
            .then(|| settings.backup.daily_at.clone()),
            backup_off_site: settings.backup.directory.is_none(),
            admin_totp: settings.admin.require_totp,
            audit_retention: crate::audit::Category::ALL
                .iter()
                .map(|c| RetentionFact {
                    label: super::audit_log::category_label(c.as_str()),
                    months: settings.audit.retention_months.months(*c),
                })
                .collect(),
            closure_years: settings
                .gdpr
                .retention_years
                .iter()
                .map(|(country, years)| format!("{country} {years}"))
                .chain([format!("* {}", settings.gdpr.default_years)])
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Marks a message id chosen here and looked up in the template (the catalogue test
/// finds it by this call).
const fn key(id: &'static str) -> &'static str {
    id
}

async fn security(State(state): State<AppState>, t: Tr) -> SecurityPage {
    SecurityPage { t, facts: Facts::from_settings(&state.settings) }
}

async fn privacy(State(state): State<AppState>, t: Tr) -> PrivacyPage {
    PrivacyPage { t, facts: Facts::from_settings(&state.settings), privacy: state.settings.privacy.clone() }
}
