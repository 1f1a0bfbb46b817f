//! The values of our security headers (CSP, permissions and referrer policy, HSTS).
//! They are plain values, below everything that sends them: the HTTP layer
//! (`http::headers` sets them on every response), the HTTP→HTTPS redirector in `tls/`
//! and the settings check in `config/security.rs` all read them from here.

use axum::http::HeaderValue;

/// Our pages need our own stylesheet and images and nothing else: no script at all,
/// no fonts, no frames, no connections. `base-uri`, `form-action` and
/// `frame-ancestors` do not fall back to `default-src`, so they are spelled out.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The customer's invoice page: our CSP and our own copy-button script
/// (`/static/copy.js`), which makes no requests.
pub const CUSTOMER_PAGE_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The customer page's CSP with one more origin that forms may lead to: Chromium
/// applies `form-action` to the redirect after a POST, so "Pay by card" (303 to Stripe
/// Checkout) needs it. None when `origin` is not a plain `scheme://host[:port]`.
pub fn with_form_target(origin: &str) -> Option<HeaderValue> {
    let plain = origin.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "https" | "http")
            && !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    });
    if !plain {
        return None;
    }
    HeaderValue::from_str(
        &CUSTOMER_PAGE_CONTENT_SECURITY_POLICY.replace("form-action 'self'", &format!("form-action 'self' {origin}")),
    )
    .ok()
}

/// Our CSP for the draft editor's page: our own script (`/static/editor.js`, which
/// recomputes the totals as the user types) and its requests to our origin. Every other
/// page keeps allowing no script at all.
pub const EDITOR_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
     object-src 'none'";

/// Browser features we never use, switched off for us and anything we might embed.
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
     interest-cohort=(), browsing-topics=()";

/// The default referrer policy: links leaving us carry no URL at all (our paths carry
/// ids). Stricter than `strict-origin-when-cross-origin`, see docs/decisions.md.
pub const REFERRER_POLICY: &str = "same-origin";

/// The `Strict-Transport-Security` value for the HSTS settings, or None when HSTS is off.
pub fn hsts_value(max_age_seconds: u64, include_subdomains: bool, preload: bool) -> Option<HeaderValue> {
    if max_age_seconds == 0 {
        return None;
    }
    let mut value = format!("max-age={max_age_seconds}");
    if include_subdomains {
        value.push_str("; includeSubDomains");
    }
    if preload {
        value.push_str("; preload");
    }
    HeaderValue::from_str(&value).ok()
}
