//! Settings → Reminders: when customers are reminded of unpaid invoices, and how
//! (email and/or SMS per rule). The daily pass is `invoicing::reminders`.
//!
//! Until a business saves a schedule nothing is sent: a reminder speaks to the
//! customer in the business's name, so it is switched on by a person, with every
//! offered rule by email proposed.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use std::collections::HashMap;

use crate::{
    app::settings::{self, Rule},
    http::error::AppError,
    http::session::CurrentSession,
    i18n::{Tr, key},
    invoicing::reminders::{OFFERED_OFFSETS, suggested_rules},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/reminders", get(show).post(save))
}

pub struct RuleRow {
    /// Position in [`OFFERED_OFFSETS`]: the form's field suffix.
    pub index: usize,
    /// The rule's name, in the page's language.
    pub label: String,
    pub by_email: bool,
    pub by_sms: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings_reminders.html")]
pub struct ReminderSettingsPage {
    pub t: Tr,
    pub rules: Vec<RuleRow>,
    /// False while the business has not saved a schedule (nothing is sent yet).
    pub active: bool,
    pub sms_available: bool,
    pub saved: bool,
}

fn label(t: &Tr, offset: i32) -> String {
    match offset {
        -3 => t.t(key("reminder-rule-before-3")),
        0 => t.t(key("reminder-rule-due")),
        7 => t.t(key("reminder-rule-after-7")),
        _ => t.t(key("reminder-rule-after-14")),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    t: Tr,
    session: CurrentSession,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let (saved_rules, sms_available) = settings::reminder_schedule(&state, &session.caller()).await?;
    let active = !saved_rules.is_empty();
    let shown = if active { saved_rules } else { suggested_rules() };
    let rules = OFFERED_OFFSETS
        .iter()
        .enumerate()
        .map(|(index, offset)| {
            let rule = shown.iter().find(|r| r.offset_days == *offset);
            RuleRow {
                index,
                label: label(&t, *offset),
                by_email: rule.is_some_and(|r| r.by_email),
                by_sms: rule.is_some_and(|r| r.by_sms),
            }
        })
        .collect();
    Ok(ReminderSettingsPage { t, rules, active, sms_available, saved: query.saved.is_some() }.into_response())
}

/// Checkboxes `email_<i>` and `sms_<i>` for each offered rule; nothing ticked turns
/// reminders off.
async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let rules: Vec<Rule> = OFFERED_OFFSETS
        .iter()
        .enumerate()
        .map(|(i, &offset_days)| Rule {
            offset_days,
            by_email: form.contains_key(&format!("email_{i}")),
            by_sms: form.contains_key(&format!("sms_{i}")),
        })
        .filter(|r| r.by_email || r.by_sms)
        .collect();
    settings::save_reminder_schedule(&state, &session.caller(), &rules).await?;
    Ok(Redirect::to("/settings/reminders?saved=1").into_response())
}
