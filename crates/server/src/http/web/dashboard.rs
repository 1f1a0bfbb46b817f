//! The signed-in home page: the business the session acts for.

use axum::{Router, extract::State, response::Response, routing::get};

use super::{
    invoice_views::{ListRow, money},
    pages::{AgingChart, Bar, DashboardPage, MonthChart, SummaryRow},
};
use crate::{
    app::business,
    http::error::AppError,
    http::session::CurrentSession,
    i18n::{Tr, key},
    state::AppState,
};

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
    let lang = t.lang();
    let today = state.clock.now().date();
    let currencies: Vec<String> = {
        let mut all: Vec<String> = dashboard.paid_per_month.iter().map(|m| m.currency.clone()).collect();
        all.sort();
        all.dedup();
        all
    };
    // Received per month: one bar per month, scaled to the month with the most.
    let month_charts = currencies
        .iter()
        .map(|currency| {
            let amounts: Vec<rust_decimal::Decimal> = dashboard
                .months
                .iter()
                .map(|m| {
                    dashboard
                        .paid_per_month
                        .iter()
                        .find(|p| &p.currency == currency && p.month == *m)
                        .map_or(rust_decimal::Decimal::ZERO, |p| p.amount)
                })
                .collect();
            let labels =
                dashboard.months.iter().map(|m| fastfaktura_domain::locale::month_short(m.month(), lang.locale()));
            MonthChart {
                currency: currency.clone(),
                bars: bars(&amounts, labels.map(str::to_owned).collect(), currency, lang),
            }
        })
        .collect();
    let aging_labels: Vec<String> =
        [key("aging-current"), key("aging-30"), key("aging-60"), key("aging-90"), key("aging-older")]
            .iter()
            .map(|k| t.t(k))
            .collect();
    let aging_charts = dashboard
        .aging
        .iter()
        .map(|a| AgingChart {
            currency: a.currency.clone(),
            bars: bars(&a.buckets, aging_labels.clone(), &a.currency, lang),
        })
        .collect();
    let recent = dashboard.recent.iter().map(|r| ListRow::from_listed(r, today, lang)).collect();
    Ok(DashboardPage {
        attention: dashboard.attention,
        month_charts,
        aging_charts,
        recent,
        t,
        email: view.email,
        business_name: view.business_name,
        role: view.role,
        summary,
        profile_incomplete: dashboard.profile_incomplete,
        invitations: dashboard.invitations,
        other_businesses: dashboard.other_businesses,
    }
    .into_response())
}

/// Bars for `amounts`, their heights in percent of the largest (a bar chart drawn as
/// inline SVG by the template: no script, nothing loaded).
fn bars(amounts: &[rust_decimal::Decimal], labels: Vec<String>, currency: &str, lang: crate::i18n::Lang) -> Vec<Bar> {
    use rust_decimal::prelude::ToPrimitive;
    let max = amounts.iter().copied().max().unwrap_or_default();
    amounts
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (amount, label))| {
            let share = if max.is_zero() { 0.0 } else { (amount / max).to_f64().unwrap_or(0.0) };
            let height = (share * 100.0).round() as u32;
            Bar { x: 8 + i as u32 * 52, y: 110 - height, height, label, amount: money(*amount, currency, lang) }
        })
        .collect()
}
