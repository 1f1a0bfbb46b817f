//! `/.well-known/security.txt` (RFC 9116), generated from the `security_txt` settings.
//!
//! Served on every host name we answer for, as `text/plain; charset=utf-8`; the old
//! top-level `/security.txt` redirects to it. `Canonical` lists the file's URL on the
//! public origin and on every ACME name. An operator who signs the file (OpenPGP
//! cleartext signature) points `security_txt.signed_file` at the signed copy, which
//! is then served as it is. Without a contact there is no file (404), and the
//! service warns at start; it also warns, daily, from 30 days before `Expires`.

use std::time::Duration;

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};

use crate::{config::Settings, http::error::AppError, state::AppState};

pub const PATH: &str = "/.well-known/security.txt";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(serve)).route("/security.txt", get(|| async { Redirect::permanent(PATH) }))
}

async fn serve(State(state): State<AppState>) -> Result<Response, AppError> {
    let settings = &state.settings;
    let body = match &settings.security_txt.signed_file {
        Some(path) => match tokio::fs::read_to_string(path).await {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "cannot read security_txt.signed_file");
                return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response());
            }
        },
        None => generate(settings).ok_or(AppError::NotFound)?,
    };
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], body).into_response())
}

/// The file's text, or None when no contact is configured.
pub fn generate(settings: &Settings) -> Option<String> {
    let s = &settings.security_txt;
    let contacts = s.contact_uris();
    if contacts.is_empty() {
        return None;
    }
    let mut out = String::from("# The security contact of this FastFaktura service (RFC 9116).\n");
    for contact in contacts {
        out.push_str(&format!("Contact: {contact}\n"));
    }
    if let Some(expires) = s.expires_at() {
        let shown = expires
            .to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        out.push_str(&format!("Expires: {shown}\n"));
    }
    for (field, value) in [("Encryption", &s.encryption), ("Acknowledgments", &s.acknowledgments)] {
        if let Some(v) = value {
            out.push_str(&format!("{field}: {v}\n"));
        }
    }
    let mut origins = vec![settings.public_origin()];
    if settings.tls.mode == crate::config::TlsMode::Acme {
        for domain in settings.acme_domains() {
            let origin = format!("https://{domain}");
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
    }
    for origin in origins {
        out.push_str(&format!("Canonical: {origin}{PATH}\n"));
    }
    let policy = s.policy.clone().unwrap_or_else(|| format!("{}/security", settings.public_origin()));
    out.push_str(&format!("Policy: {policy}\n"));
    if !s.preferred_languages.trim().is_empty() {
        out.push_str(&format!("Preferred-Languages: {}\n", s.preferred_languages.trim()));
    }
    Some(out)
}

/// Logs the expiry warning now and then once a day, for as long as the service runs.
pub async fn watch_expiry(state: AppState) {
    loop {
        if let Some(warning) = state.settings.security_txt.expiry_warning(state.clock.now()) {
            tracing::warn!(setting = "security_txt.expires", "{warning}");
        }
        tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
    }
}
