//! Health endpoints for load balancers and orchestrators.
//!
//! `/healthz`: the process answers. `/readyz`: it can serve users, meaning the
//! database answers and every migration this binary expects is applied.

use axum::{Router, extract::State, http::StatusCode, routing::get};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::db::migrations_applied(&state.db).await {
        Ok(true) => (StatusCode::OK, "ready\n"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "not ready: database migrations are pending\n"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready: the database cannot be reached\n")
        }
    }
}
