//! The HTTP surface: one router per area, assembled here with the shared layers.

pub mod admin;
pub mod api;
pub mod csrf;
pub mod documents;
pub mod error;
pub mod health;
pub mod web;

use std::net::SocketAddr;

use axum::{
    Router,
    extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts},
    http::{HeaderValue, header, request::Parts},
    middleware,
};
use tower_http::{set_header::SetResponseHeaderLayer, trace::TraceLayer};

use crate::state::AppState;

/// Forms are small; anything larger is refused with 413 before it is read.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    // Cookie-authenticated pages get the same-origin check; the token-authenticated
    // API does not need it (no ambient credentials).
    let pages = Router::new()
        .merge(health::router())
        .merge(web::router())
        .layer(middleware::from_fn_with_state(state.clone(), csrf::verify_same_origin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    // The admin console: its own router, sessions and stricter origin check (ADM-6, ADM-9).
    let admin = admin::router()
        .layer(middleware::from_fn_with_state(state.clone(), csrf::verify_admin_origin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .merge(pages)
        .merge(admin)
        .merge(api::router(state.clone()))
        .fallback(|| async { error::AppError::NotFound })
        // Error pages are made in English and rendered again in the request's language.
        .layer(middleware::from_fn(error::localize))
        // Layers run outside-in from the bottom: tracing sees every request first,
        // then the response headers below are set on the way out.
        // Pages carry session-specific content: never store them in shared caches.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        // https://developer.mozilla.org/docs/Web/HTTP/Headers/X-Content-Type-Options
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        // Clickjacking: no other site may frame us (CSP frame-ancestors, X-Frame-Options for old browsers).
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        // Customer pages set a stricter `no-referrer` themselves (their address is the key).
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Logs method, path and status; never headers or bodies (cookies, codes, tokens).
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The client's IP address. With `trusted_proxies` set: when the TCP peer is one of
/// them, the right-most `X-Forwarded-For` entry that is not itself a trusted proxy
/// (entries left of it were written by the client and prove nothing); any other peer
/// is taken as it is, whatever header it sends (ADM-4). Without the list, the older
/// `trust_forwarded_for` switch takes the left-most entry from any peer.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let trusted = &state.settings.trusted_proxies;
        if !trusted.is_empty() {
            if let Some(peer) = peer
                && trusted.contains(&peer)
                && let Some(client) = forwarded
                    .iter()
                    .rev()
                    .filter_map(|entry| entry.parse::<std::net::IpAddr>().ok())
                    .find(|ip| !trusted.contains(ip))
            {
                return Ok(ClientIp(client.to_string()));
            }
        } else if state.settings.trust_forwarded_for
            && let Some(first) = forwarded.first().filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        {
            return Ok(ClientIp((*first).to_owned()));
        }
        Ok(ClientIp(peer.map_or_else(|| "unknown".into(), |ip| ip.to_string())))
    }
}

/// The `User-Agent`, truncated, for session records and security logs.
pub fn user_agent(headers: &axum::http::HeaderMap) -> String {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(200).collect()
}

/// An id from the path; anything that is not a UUID is simply "not found".
#[derive(Debug, Clone, Copy)]
pub struct IdPath(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = error::AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| error::AppError::NotFound)?;
        raw.parse().map(IdPath).map_err(|_| error::AppError::NotFound)
    }
}
