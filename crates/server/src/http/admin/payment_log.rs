//! The payment log (`/admin/payments`): card payments, Stripe webhook events and
//! Checkout attempts of every business, newest first, with filters (business, event
//! type or outcome, day range) and pages. Read-only; the rows come from
//! `app::admin` (over the payment-log queries, which never read a key or a Checkout URL).

use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use fastfaktura_domain::{Decimal, currency::Currency};
use serde::Deserialize;
use time::{Date, macros::format_description};

use super::session::VerifiedAdmin;
use crate::{
    app::admin::{self as console, PaymentFilter as Filter},
    http::error::AppError,
    state::AppState,
};

pub const PAGE_SIZE: i64 = 50;

/// Which of the three lists is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Payments,
    Events,
    Checkouts,
}

impl View {
    pub fn code(self) -> &'static str {
        match self {
            View::Payments => "payments",
            View::Events => "events",
            View::Checkouts => "checkouts",
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogQuery {
    view: String,
    business: String,
    kind: String,
    from: String,
    to: String,
    page: String,
}

/// The query as typed, echoed back into the form.
#[derive(Debug, Clone, Default)]
pub struct Echo {
    pub business: String,
    pub kind: String,
    pub from: String,
    pub to: String,
}

fn parse_day(text: &str, label: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| format!("The {label} date must be a day written as YYYY-MM-DD, like 2026-11-24."))
}

/// "1,234.50 EUR": the amount in its currency's minor units (ISK has none).
pub fn money(amount: &Decimal, currency: &str) -> String {
    let places = Currency::parse(currency).map_or(2, Currency::minor_units);
    format!("{} {currency}", amount.round_dp(places))
}

pub async fn show(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    query: Result<Query<LogQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let view = match query.view.as_str() {
        "events" => View::Events,
        "checkouts" => View::Checkouts,
        _ => View::Payments,
    };
    let echo = Echo {
        business: query.business.trim().chars().take(200).collect(),
        kind: query.kind.trim().chars().take(100).collect(),
        from: query.from.trim().chars().take(20).collect(),
        to: query.to.trim().chars().take(20).collect(),
    };
    let mut page = PaymentsPage::empty(admin.username, view, echo.clone());
    let page_number = match query.page.trim() {
        "" => 1,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                page.error = Some("The page must be a whole number from 1.".into());
                return Ok((StatusCode::BAD_REQUEST, page).into_response());
            }
        },
    };
    let (from, to) = match (parse_day(&echo.from, "from"), parse_day(&echo.to, "to")) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(e), _) | (_, Err(e)) => {
            page.error = Some(e);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        page.error = Some("The from date is after the to date: nothing can match.".into());
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    // One row more than a page tells whether there is a next page.
    let filter = Filter {
        business: echo.business.clone(),
        kind: echo.kind.clone(),
        from,
        to,
        limit: PAGE_SIZE + 1,
        offset: (page_number - 1) * PAGE_SIZE,
    };
    let more = match view {
        View::Payments => {
            page.payments = console::card_payments(&state, &filter).await?;
            page.payments.len() as i64 > PAGE_SIZE
        }
        View::Events => {
            page.events = console::payment_events(&state, &filter).await?;
            page.events.len() as i64 > PAGE_SIZE
        }
        View::Checkouts => {
            page.checkouts = console::checkouts(&state, &filter).await?;
            page.checkouts.len() as i64 > PAGE_SIZE
        }
    };
    page.payments.truncate(PAGE_SIZE as usize);
    page.events.truncate(PAGE_SIZE as usize);
    page.checkouts.truncate(PAGE_SIZE as usize);
    page.page = page_number;
    page.more = more;
    Ok(page.into_response())
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "admin/payments.html")]
pub struct PaymentsPage {
    pub username: String,
    pub view: View,
    pub filter: Echo,
    pub payments: Vec<crate::app::admin::CardPaymentRow>,
    pub events: Vec<crate::app::admin::PaymentEventRow>,
    pub checkouts: Vec<crate::app::admin::CheckoutRow>,
    pub page: i64,
    pub more: bool,
    pub error: Option<String>,
}

impl PaymentsPage {
    pub fn empty(username: String, view: View, filter: Echo) -> Self {
        Self {
            username,
            view,
            filter,
            payments: Vec::new(),
            events: Vec::new(),
            checkouts: Vec::new(),
            page: 1,
            more: false,
            error: None,
        }
    }

    /// This view's link with the same filters on page `page` (values URL-encoded).
    pub fn link(&self, view: &str, page: i64) -> String {
        // reqwest's Url does the form encoding (no extra dependency for one link).
        let mut url = reqwest::Url::parse("http://console.invalid/admin/payments").expect("a constant URL");
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("view", view);
            for (key, value) in [
                ("business", &self.filter.business),
                ("kind", &self.filter.kind),
                ("from", &self.filter.from),
                ("to", &self.filter.to),
            ] {
                if !value.is_empty() {
                    query.append_pair(key, value);
                }
            }
            if page > 1 {
                query.append_pair("page", &page.to_string());
            }
        }
        format!("{}?{}", url.path(), url.query().unwrap_or_default())
    }

    pub fn money(&self, amount: &fastfaktura_domain::Decimal, currency: &str) -> String {
        money(amount, currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_their_currency_s_decimals() {
        assert_eq!(money(&Decimal::new(8500000, 4), "EUR"), "850.00 EUR");
        assert_eq!(money(&Decimal::new(125000000, 4), "ISK"), "12500 ISK");
    }

    #[test]
    fn a_day_that_is_not_one_is_explained() {
        assert!(parse_day("2026-02-30", "from").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(parse_day(" ", "to"), Ok(None));
    }
}
