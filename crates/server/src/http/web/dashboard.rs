//! The signed-in home page: the business the session acts for.

use axum::{Router, extract::State, response::Response, routing::get};

use super::{
    invoice_views::money,
    pages::{DashboardPage, SummaryRow},
};
use crate::{app::business, http::error::AppError, http::session::CurrentSession, i18n::Tr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

async fn dashboard(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    let dashboard = business::dashboard(&state, &session.caller(), session.user_id).await?;
    let view = dashboard.view;
    let summary = dashboard
        .summary
        .into_iter()
        .map(|s| SummaryRow {
            outstanding: money(s.outstanding, &s.currency, t.lang()),
            overdue: money(s.overdue, &s.currency, t.lang()),
            paid_this_month: money(s.paid_this_month, &s.currency, t.lang()),
            currency: s.currency,
        })
        .collect();
    Ok(DashboardPage {
        t,
        email: view.email,
        business_name: view.business_name,
        role: view.role,
        summary,
        profile_incomplete: dashboard.profile_incomplete,
        other_businesses: dashboard.other_businesses,
    }
    .into_response())
}
