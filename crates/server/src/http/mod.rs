//! The HTTP surface: one router per area, assembled here with the shared layers.

pub mod access_log;
pub mod admin;
pub mod api;
pub mod assets;
pub mod client_ip;
pub mod csrf;
pub mod documents;
pub mod error;
pub mod headers;
pub mod health;
pub mod metrics;
pub mod read_after;
pub mod security_txt;
pub mod serve;
pub mod session;
pub mod web;
pub mod webhooks;

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequestParts, MatchedPath},
    http::{HeaderValue, header, request::Parts},
    middleware,
};
use tower_http::trace::TraceLayer;

pub use self::client_ip::ClientIp;
use crate::state::AppState;

/// Forms are small; anything larger is refused with 413 before it is read.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The public listener's router. With `admin.listen` set, the console is not in it
/// (`/admin` is a 404 here) but in [`admin_router`], served on its own listener.
pub fn router(state: AppState) -> Router {
    // Cookie-authenticated pages get the same-origin check; the token-authenticated
    // API does not need it (no ambient credentials).
    let mut pages = Router::new()
        .merge(health::router())
        .merge(web::router())
        .merge(assets::router())
        .merge(security_txt::router());
    // With a read replica, a browser's lists wait for its own writes (read_after).
    if state.reads.has_replica() {
        pages = pages.layer(middleware::from_fn_with_state(state.clone(), read_after::remember_writes));
    }
    let pages = pages
        .layer(middleware::from_fn_with_state(state.clone(), csrf::verify_same_origin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let mut router = Router::new().merge(pages);
    if state.settings.admin.listen.is_none() {
        router = router.merge(console(&state));
        if state.settings.metrics.scrape_token().is_some() {
            router = router.merge(metrics::router());
        }
    }
    let router = router
        .merge(api::router(state.clone()))
        // Signed by the sender, not same-origin: outside the CSRF check.
        .merge(webhooks::router());
    finish(router, state)
}

/// The separate admin listener's router (`admin.listen`): the console and its
/// stylesheet, and `/metrics` when a scrape token is set.
pub fn admin_router(state: AppState) -> Router {
    let mut router = Router::new().merge(console(&state)).merge(assets::router());
    if state.settings.metrics.scrape_token().is_some() {
        router = router.merge(metrics::router());
    }
    finish(router, state)
}

/// The admin console: its own router, sessions and stricter origin check (ADM-6,
/// ADM-9), and with `admin.hostname` only for requests to that name.
fn console(state: &AppState) -> Router<AppState> {
    let admin = admin::router()
        .layer(middleware::from_fn_with_state(state.clone(), csrf::verify_admin_origin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    match state.settings.admin.hostname {
        Some(_) => admin.layer(middleware::from_fn_with_state(state.clone(), csrf::admin_host_only)),
        None => admin,
    }
}

/// The layers every listener's router gets, and the 404 for everything else.
fn finish(router: Router<AppState>, state: AppState) -> Router {
    let router = router
        // Sensitive routes (access_log::SENSITIVE_ROUTES) record an access event.
        .layer(middleware::from_fn_with_state(state.clone(), access_log::log_sensitive_access))
        .fallback(|| async { error::AppError::NotFound })
        // Error pages are made in English and rendered again in the request's language.
        .layer(middleware::from_fn(error::localize))
        // A request (a slowly trickled body included) that takes longer ends with 408.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(state.settings.http.request_timeout_seconds.max(1)),
        ))
        // Every response, errors and redirects included, leaves with the security
        // headers (and HSTS when it travels over HTTPS).
        .layer(middleware::from_fn_with_state(security_headers(&state), headers::set_security_headers))
        // A span per request with its method and route template (never the URL, whose
        // path may hold a customer link's token); its events are logged and, with
        // log.otlp_endpoint, exported. Never headers or bodies (cookies, codes, tokens).
        .layer(TraceLayer::new_for_http().make_span_with(request_span(state.settings.log.otlp_endpoint.is_some())))
        // Every request gets an id, which its audit events carry.
        .layer(middleware::from_fn(access_log::assign_request_id));
    // Outermost, so the latency is everything above; route layers still see the
    // matched route template (axum sets it before a route's layers run).
    let router = match state.settings.metrics.enabled {
        true => router.layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::measure)),
        false => router,
    };
    router.with_state(state)
}

/// The span of one request: at INFO when spans are exported (so every request is),
/// else at DEBUG as tower-http makes it (free under the usual `info` filter).
fn request_span(exported: bool) -> impl Fn(&axum::http::Request<axum::body::Body>) -> tracing::Span + Clone {
    move |request| {
        let route =
            request.extensions().get::<MatchedPath>().map_or(crate::metrics::UNMATCHED_ROUTE, MatchedPath::as_str);
        match exported {
            true => tracing::info_span!("request", method = %request.method(), route),
            false => tracing::debug_span!("request", method = %request.method(), route),
        }
    }
}

/// The header settings of the application router: HSTS as the settings say.
fn security_headers(state: &AppState) -> headers::SecurityHeaders {
    headers::SecurityHeaders { hsts: state.settings.hsts_header().and_then(|v| HeaderValue::from_str(&v).ok()) }
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
