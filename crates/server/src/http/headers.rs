//! Security headers on every response, errors and redirects included (security
//! criteria HDR-1..6, HSTS-1).
//!
//! One middleware sets them all, outermost in the router, so nothing a handler or an
//! error path returns can go out without them. A handler may choose a stricter value
//! for the headers that allow it (the customer page sets `Referrer-Policy:
//! no-referrer`); the CSP and the rest are always ours.

use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

pub use crate::security_headers::{
    CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, REFERRER_POLICY, hsts_value, with_form_target,
};

/// What the middleware adds: HSTS only where the response travels over HTTPS.
#[derive(Clone, Debug, Default)]
pub struct SecurityHeaders {
    pub hsts: Option<HeaderValue>,
}

pub async fn set_security_headers(State(config): State<SecurityHeaders>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let always: [(HeaderName, &'static str); 7] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // For browsers too old for CSP frame-ancestors.
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        // Pages carry session-specific content: shared caches must not keep them.
        // (Only the default: the stylesheet says it may be cached.)
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in always {
        // A route may widen the cache rule (the stylesheet) or add one form target to
        // the CSP (`with_form_target`); everything else is ours.
        if (name == header::CACHE_CONTROL || name == header::CONTENT_SECURITY_POLICY) && headers.contains_key(&name) {
            continue;
        }
        headers.insert(name, HeaderValue::from_static(value));
    }
    // A route may set `no-referrer` (stricter); anything else is replaced by ours.
    if headers.get(header::REFERRER_POLICY).is_none_or(|v| v != "no-referrer") {
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(REFERRER_POLICY));
    }
    if let Some(hsts) = &config.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_allows_no_script_and_nothing_inline() {
        for bad in ["unsafe-inline", "unsafe-eval", "script-src", "*", "http:", "https:", "data:"] {
            assert!(!CONTENT_SECURITY_POLICY.contains(bad), "{bad} in the CSP");
        }
        for needed in ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"] {
            assert!(CONTENT_SECURITY_POLICY.contains(needed), "{needed} missing");
        }
    }

    #[test]
    fn a_form_target_is_added_only_when_it_is_a_plain_origin() {
        let widened = with_form_target("https://checkout.stripe.com").unwrap();
        assert!(widened.to_str().unwrap().contains("form-action 'self' https://checkout.stripe.com;"));
        for bad in
            ["checkout.stripe.com", "https://a.example; script-src *", "javascript://x", "https://", "https://a b"]
        {
            assert!(with_form_target(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_customer_page_runs_our_own_script_and_connects_nowhere() {
        let csp = crate::security_headers::CUSTOMER_PAGE_CONTENT_SECURITY_POLICY;
        assert!(csp.contains("script-src 'self';") && !csp.contains("connect-src"));
        for bad in ["unsafe-inline", "unsafe-eval", "*", "http:", "https:", "data:"] {
            assert!(!csp.contains(bad), "{bad} in the customer page's CSP");
        }
        assert!(
            with_form_target("https://checkout.stripe.com").unwrap().to_str().unwrap().contains("script-src 'self';")
        );
    }

    #[test]
    fn hsts_follows_the_settings() {
        assert_eq!(hsts_value(63_072_000, true, true).unwrap(), "max-age=63072000; includeSubDomains; preload");
        assert_eq!(hsts_value(63_072_000, true, false).unwrap(), "max-age=63072000; includeSubDomains");
        assert!(hsts_value(0, true, true).is_none());
    }
}
