//! The signed-in home page: the business the session acts for.

use axum::{Router, extract::State, response::Response, routing::get};

use super::{
    invoice_views::money,
    pages::{DashboardPage, SummaryRow},
};
use crate::{auth::session::CurrentSession, db, http::error::AppError, i18n::Tr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

async fn dashboard(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    let view =
        db::users::dashboard_view(&state.db, session.user_id, session.business_id).await?.ok_or(AppError::NotFound)?;
    let profile = db::businesses::profile(&state.db, session.business_id).await?;
    let summary = db::invoices::summary(&state.db, session.business_id, state.clock.now().date())
        .await?
        .into_iter()
        .map(|s| SummaryRow {
            outstanding: money(s.outstanding, &s.currency),
            overdue: money(s.overdue, &s.currency),
            paid_this_month: money(s.paid_this_month, &s.currency),
            currency: s.currency,
        })
        .collect();
    let profile_incomplete = profile.address_line.is_empty() || profile.city.is_empty();
    let other_businesses = db::members::businesses_of(&state.db, session.user_id)
        .await?
        .into_iter()
        .filter(|m| m.business_id != session.business_id)
        .collect();
    Ok(DashboardPage {
        t,
        email: view.email,
        business_name: view.business_name,
        role: view.role,
        summary,
        profile_incomplete,
        other_businesses,
    }
    .into_response())
}
