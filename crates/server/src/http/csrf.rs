//! Cross-site request forgery defence for cookie-authenticated routes.
//!
//! Every state-changing request (login included) must come from our own origin:
//! `Sec-Fetch-Site` (Fetch Metadata, sent by all current browsers) must be
//! `same-origin` or `none`; without it, `Origin` must be our public origin or match
//! `Host` (RFC 6454 §7). Requests carrying neither header come from non-browser
//! clients, which cannot be tricked into sending a victim's cookies, and pass. This is
//! the scheme of Go 1.25's CrossOriginProtection; SameSite=Lax cookies are the second
//! wall.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{http::error::AppError, i18n::Text, state::AppState};

/// The stricter check of the admin console (ADM-6), on every state-changing admin
/// request, login included. Unlike the user pages, requests without Origin must carry
/// a Referer from our origin (OWASP: block when both are missing), `Sec-Fetch-Site`
/// must be exactly `same-origin` (a sibling subdomain is not trusted), and the origin
/// must match scheme, host and port exactly. The expected origin is `public_base_url`;
/// without one (development and tests) it is `http://` plus the request's Host.
pub async fn verify_admin_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        next.run(request).await
    } else {
        let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
        let admin = &state.settings.admin;
        let expected = match &state.settings.public_base_url {
            // On its own listener or name the console is not at the public origin: the
            // Host (already checked against `admin.hostname` when set) names it.
            _ if admin.listen.is_some() || admin.hostname.is_some() => {
                host.map(|h| format!("{}://{h}", state.settings.admin_scheme()))
            }
            Some(_) => Some(state.settings.public_origin()),
            None => host.map(|h| format!("http://{h}")),
        };
        if expected.is_some_and(|origin| is_admin_same_origin(request.headers(), &origin)) {
            next.run(request).await
        } else {
            tracing::warn!(method = %request.method(), path = request.uri().path(), "cross-origin admin request refused");
            AppError::Forbidden(
                "This request did not come from the admin console's own pages (its Origin or Referer is missing or \
                 belongs to another site), so it was refused. Reload the page and try again."
                    .to_owned()
                    .into(),
            )
            .into_response()
        }
    };
    response.headers_mut().append(header::VARY, axum::http::HeaderValue::from_static("Origin, Sec-Fetch-Site"));
    response
}

/// With `admin.hostname` set, the console answers only requests to that name (any
/// port); to every other name it does not exist (404).
pub async fn admin_host_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let wanted = state.settings.admin.hostname.as_deref().unwrap_or_default();
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    if name.eq_ignore_ascii_case(wanted.trim_end_matches('.')) {
        next.run(request).await
    } else {
        AppError::NotFound.into_response()
    }
}

fn is_admin_same_origin(headers: &HeaderMap, expected: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.to_str().ok() != Some("same-origin")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(expected));
    }
    // No Origin: the Referer must be a page of ours (scheme, host and port exact).
    headers.get(header::REFERER).and_then(|r| r.to_str().ok()).is_some_and(|referer| {
        referer.len() > expected.len()
            && referer.as_bytes()[expected.len()] == b'/'
            && referer[..expected.len()].eq_ignore_ascii_case(expected)
    })
}

pub async fn verify_same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if is_same_origin(request.headers(), &state.settings.public_origin()) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "cross-origin request refused");
        AppError::Forbidden(Text::key("error-cross-origin")).into_response()
    }
}

fn is_same_origin(headers: &HeaderMap, public_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if origin.eq_ignore_ascii_case(public_origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    const ORIGIN: &str = "https://app.example.com";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), ORIGIN));
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "none")]), ORIGIN));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("origin", ORIGIN)]), ORIGIN));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")]), ORIGIN));
    }

    #[test]
    fn origin_must_be_ours_or_match_host() {
        assert!(is_same_origin(&headers(&[("origin", "https://app.example.com")]), ORIGIN));
        assert!(is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]), ORIGIN));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), ("host", "app.example.com")]), ORIGIN));
        assert!(!is_same_origin(&headers(&[("origin", "null")]), ORIGIN));
    }

    /// ADM-6: the whole matrix (the integration test runs it against the router too).
    #[test]
    fn admin_origin_matrix() {
        let ok = |pairs: &[(&'static str, &'static str)]| is_admin_same_origin(&headers(pairs), ORIGIN);
        assert!(ok(&[("origin", "https://app.example.com")]));
        assert!(ok(&[("origin", "https://app.example.com"), ("sec-fetch-site", "same-origin")]));
        assert!(!ok(&[("origin", "https://evil.example")]));
        assert!(!ok(&[("origin", "null")]));
        assert!(!ok(&[("origin", "https://app.example.com.evil.example")]));
        assert!(!ok(&[("origin", "http://app.example.com")]));
        assert!(ok(&[("referer", "https://app.example.com/admin/users")]));
        assert!(!ok(&[("referer", "https://evil.example/")]));
        assert!(!ok(&[("referer", "https://app.example.com.evil.example/")]));
        assert!(!ok(&[("referer", "https://app.example.com")]));
        assert!(!ok(&[]));
        assert!(!ok(&[("sec-fetch-site", "cross-site"), ("origin", ORIGIN)]));
        assert!(!ok(&[("sec-fetch-site", "same-site"), ("origin", ORIGIN)]));
        assert!(!ok(&[("sec-fetch-site", "none"), ("origin", ORIGIN)]));
    }

    #[test]
    fn non_browser_clients_pass() {
        assert!(is_same_origin(&headers(&[]), ORIGIN));
    }
}
