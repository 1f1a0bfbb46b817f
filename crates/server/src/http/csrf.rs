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

    #[test]
    fn non_browser_clients_pass() {
        assert!(is_same_origin(&headers(&[]), ORIGIN));
    }
}
