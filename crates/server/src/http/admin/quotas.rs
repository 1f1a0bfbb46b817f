//! Console → Quotas: the newest quota refusals (which business hit which limit) and
//! the daily limits operators have set, with a form to raise or lower a business's.

use axum::{
    Form,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::QuotasPage;
use super::session::VerifiedAdmin;
use crate::{
    app::quotas::{self, Operator},
    http::{ClientIp, error::AppError, user_agent},
    state::AppState,
};

pub async fn show(State(state): State<AppState>, VerifiedAdmin(admin): VerifiedAdmin) -> Result<Response, AppError> {
    let (refusals, overrides) = quotas::console_view(&state).await?;
    Ok(QuotasPage { username: admin.username, refusals, overrides }.into_response())
}

#[derive(Deserialize)]
pub struct QuotaForm {
    business_id: String,
    kind: String,
    /// Empty: back to the automatic limits.
    #[serde(default)]
    per_day: String,
}

pub async fn set(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<QuotaForm>,
) -> Result<Response, AppError> {
    let business_id: Uuid = form.business_id.trim().parse().map_err(|_| {
        AppError::BadRequest("The business id is not a valid id (copy it from Users & businesses).".into())
    })?;
    let per_day = match form.per_day.trim() {
        "" => None,
        n => Some(n.replace([',', ' '], "").parse::<i32>().map_err(|_| {
            AppError::BadRequest("The daily limit must be a whole number (or empty for automatic).".into())
        })?),
    };
    let ua = user_agent(&headers);
    let operator = Operator { admin_id: admin.admin_id, username: &admin.username, ip: &ip, user_agent: &ua };
    quotas::set_business_quota(&state, &operator, business_id, form.kind.trim(), per_day).await?;
    Ok(Redirect::to("/admin/quotas").into_response())
}
