//! `GET /metrics` for a Prometheus scraper, and the layer that measures every request.
//!
//! The endpoint lives where the console does (the admin listener with `admin.listen`,
//! else the public one) and only when `metrics.token` is set: a scraper presents it
//! as a bearer token, since it cannot do the console's sign-in. Without the token
//! configured there is no route (404); a missing or wrong token gets 401.

use std::{sync::Arc, time::Instant};

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{app, metrics::Metrics, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !app::metrics::may_scrape(&state, authorization) {
        let challenge = [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")];
        return (StatusCode::UNAUTHORIZED, challenge, "a valid bearer token is required\n").into_response();
    }
    let body = app::metrics::exposition(&state).await;
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// Times the request from here to its response and records it by method, matched
/// route template and status; counts it in flight meanwhile.
pub async fn measure(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let _in_flight = metrics.in_flight();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    // Its waits for a database connection count as this instance's (`metrics::pool_waits`).
    let response = crate::metrics::counted(metrics.clone(), next.run(request)).await;
    metrics.observe_request(
        &method,
        route.as_ref().map(MatchedPath::as_str),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
