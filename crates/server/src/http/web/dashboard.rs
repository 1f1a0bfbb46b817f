//! The signed-in home page: the business the session acts for.

use axum::{Router, extract::State, response::Response, routing::get};

use super::pages::DashboardPage;
use crate::{auth::session::CurrentSession, db, http::error::AppError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

async fn dashboard(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    let view = db::users::dashboard_view(&state.db, session.user_id, session.business_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(DashboardPage {
        email: view.email,
        business_name: view.business_name,
        role: view.role,
    }
    .into_response())
}
