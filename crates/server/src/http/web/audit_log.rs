//! The business owner's activity log (`/settings/audit`): this business's audit events
//! (sign-ins, sent documents, payments, downloads, security settings), newest first.
//! Owners only, since it names members and addresses; viewing it is itself recorded
//! (the route is in `access_log::SENSITIVE_ROUTES`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State, rejection::QueryRejection},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use crate::{
    app::business::{self, ActivityRow as Row},
    audit::Category,
    http::error::AppError,
    http::session::CurrentSession,
    i18n::{Tr, key},
    state::AppState,
};

const PAGE: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/audit", get(show))
}

/// One category choice of the filter: its value and its label.
pub struct CategoryChoice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct EventLine {
    pub at: String,
    pub category: String,
    pub action: String,
    pub actor: String,
    pub outcome: String,
    pub ip: String,
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_audit.html")]
pub struct AuditLogPage {
    pub t: Tr,
    pub categories: Vec<CategoryChoice>,
    pub events: Vec<EventLine>,
    /// The query string of the next (older) page.
    pub older: Option<String>,
}

pub fn category_label(category: &str) -> &'static str {
    match Category::parse(category) {
        Some(Category::Access) => key("audit-category-access"),
        Some(Category::Auth) => key("audit-category-auth"),
        Some(Category::Admin) => key("audit-category-admin"),
        Some(Category::Dispatch) => key("audit-category-dispatch"),
        Some(Category::Payment) => key("audit-category-payment"),
        Some(Category::Security) | None => key("audit-category-security"),
    }
}

fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "success" => key("audit-outcome-success"),
        "denied" => key("audit-outcome-denied"),
        _ => key("audit-outcome-failure"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditQuery {
    category: String,
    before: String,
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    session.require_owner()?;
    // A hand-edited query string just shows the first page of everything.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let category = Category::parse(&query.category);
    let rows = business::activity_log(&state, &session.caller(), category, query.before.parse().ok(), PAGE).await?;
    let older = (rows.len() as i64 == PAGE).then(|| {
        let before = rows.last().map_or(0, |r| r.id);
        match category {
            Some(c) => format!("category={}&before={before}", c.as_str()),
            None => format!("before={before}"),
        }
    });
    let categories = Category::ALL
        .iter()
        .map(|c| CategoryChoice {
            value: c.as_str(),
            label: t.t(category_label(c.as_str())),
            selected: category == Some(*c),
        })
        .collect();
    let events = rows.iter().map(|r| line(&t, r)).collect();
    Ok(AuditLogPage { t, categories, events, older }.into_response())
}

fn line(t: &Tr, r: &Row) -> EventLine {
    EventLine {
        at: format!("{} {:02}:{:02}:{:02}", r.at.date(), r.at.hour(), r.at.minute(), r.at.second()),
        category: t.t(category_label(&r.category)),
        action: r.action.clone(),
        actor: match r.actor_kind.as_str() {
            "user" => r.actor.clone(),
            "api_token" => t.t1("audit-actor-api-token", "id", r.actor.as_str()),
            "customer_link" => t.t("audit-actor-customer-link"),
            "admin" => t.t("audit-actor-operator"),
            "system" => t.t("audit-actor-system"),
            _ => t.t("audit-actor-anonymous"),
        },
        outcome: t.t(outcome_label(&r.outcome)),
        ip: r.ip.clone(),
        target: r.target.clone(),
    }
}
