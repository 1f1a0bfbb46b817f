//! Health endpoints for load balancers and orchestrators.
//!
//! `/healthz`: the process answers. `/readyz`: it can serve users, meaning the
//! database answers and every migration this binary expects is applied.
//! `/healthz/tls`: the TLS mode and, with ACME, the certificate's expiry and a
//! `warning:` line while it nears expiry or renewal keeps failing (for monitoring).

use axum::{Router, extract::State, http::StatusCode, routing::get};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/healthz/tls", get(tls))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::app::health::database_ready(&state).await {
        Ok(true) => (StatusCode::OK, "ready\n"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "not ready: database migrations are pending\n"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready: the database cannot be reached\n")
        }
    }
}

async fn tls(State(state): State<AppState>) -> (StatusCode, String) {
    match crate::tls::acme_status::describe(&state.settings, &state.db).await {
        Ok(text) => (StatusCode::OK, text),
        Err(e) => {
            tracing::warn!(error = %e, "TLS status: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "the database cannot be reached\n".into())
        }
    }
}
