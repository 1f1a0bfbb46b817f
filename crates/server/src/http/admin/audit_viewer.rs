//! The admin console's audit log viewer (`/admin/audit`): every business's events,
//! filtered by category, action prefix, business, actor, outcome and UTC dates, newest
//! first in pages of 200, and the same selection as CSV (`/admin/audit.csv`), streamed
//! page by page so a large export never sits in memory. Reading the log is itself an
//! access event (LOG-9): both routes are in `access_log::SENSITIVE_ROUTES`.

use axum::{
    body::Body,
    extract::{Query, State, rejection::QueryRejection},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::{StreamExt, stream};
use serde::Deserialize;
use time::{Date, OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};

use super::session::VerifiedAdmin;
use crate::{
    app::admin::{self as console, AuditFilter as Filter, AuditRow as Row},
    http::error::AppError,
    i18n::Text,
    state::AppState,
};

const PAGE: i64 = 200;
const CSV_CHUNK: i64 = 1000;

/// The filters as typed in the form (all optional; empty means "any").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub category: String,
    pub action: String,
    pub business: String,
    pub actor: String,
    pub outcome: String,
    pub from: String,
    pub to: String,
    pub before: String,
}

impl AuditQuery {
    /// The filter, or a sentence saying which field is wrong.
    pub fn filter(&self) -> Result<Filter, String> {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let date = |s: &str, what: &str| -> Result<Option<OffsetDateTime>, String> {
            match some(s) {
                None => Ok(None),
                Some(s) => Date::parse(&s, format_description!("[year]-[month]-[day]"))
                    .map(|d| Some(d.midnight().assume_utc()))
                    .map_err(|_| format!("{what} must be a date like 2026-11-24, not {s:?}.")),
            }
        };
        let category = some(&self.category);
        if let Some(c) = &category
            && crate::audit::Category::parse(c).is_none()
        {
            return Err(format!("There is no category {c:?}."));
        }
        let outcome = some(&self.outcome);
        if let Some(o) = &outcome
            && !["success", "failure", "denied"].contains(&o.as_str())
        {
            return Err(format!("The outcome is success, failure or denied, not {o:?}."));
        }
        let business_id = match some(&self.business) {
            None => None,
            Some(b) => Some(b.parse().map_err(|_| format!("The business must be an id (a UUID), not {b:?}."))?),
        };
        let before_id = match some(&self.before) {
            None => None,
            Some(b) => {
                Some(b.parse().map_err(|_| "The page link is not valid; start again from the first page.".to_owned())?)
            }
        };
        Ok(Filter {
            category,
            action: some(&self.action),
            business_id,
            actor: some(&self.actor),
            outcome,
            from: date(&self.from, "From")?,
            // "To" is inclusive: events before the next midnight.
            until: date(&self.to, "To")?.map(|d| d + time::Duration::days(1)),
            before_id,
        })
    }

    /// The query string of these filters, for the next page and the CSV link.
    pub fn query_string(&self, before: Option<i64>) -> String {
        let before = before.map(|b| b.to_string()).unwrap_or_default();
        [
            ("category", self.category.as_str()),
            ("action", &self.action),
            ("business", &self.business),
            ("actor", &self.actor),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &before),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    VerifiedAdmin(admin): VerifiedAdmin,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|e| AppError::BadRequest(Text::Plain(e.body_text())))?;
    let (status, rows, error) = match query.filter() {
        Ok(filter) => (StatusCode::OK, console::audit_events(&state, &filter, PAGE).await?, None),
        Err(message) => (StatusCode::BAD_REQUEST, Vec::new(), Some(message)),
    };
    let older = (rows.len() as i64 == PAGE).then(|| query.query_string(rows.last().map(|r| r.id)));
    let csv = query.query_string(None);
    let categories = crate::audit::Category::ALL.iter().map(|c| c.as_str()).collect();
    let outcomes = ["success", "failure", "denied"];
    let page = AuditPage { username: admin.username, query, rows, error, older, csv, categories, outcomes };
    Ok((status, page).into_response())
}

pub async fn csv(
    State(state): State<AppState>,
    _admin: VerifiedAdmin,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|e| AppError::BadRequest(Text::Plain(e.body_text())))?;
    let filter = query.filter().map_err(|m| AppError::BadRequest(Text::Plain(m)))?;
    let header_line =
        "id,at,category,action,actor_kind,actor,business_id,target,outcome,ip,user_agent,request_id,details,sealed\n";
    // Page by id, newest first, one chunk of rows per body chunk; no connection is
    // held between chunks, and a failure mid-way ends the body early (a truncated
    // download, never a silent partial file that looks complete: no final newline).
    let chunks = stream::try_unfold(Some(filter), move |next| {
        let state = state.clone();
        async move {
            let Some(filter) = next else { return Ok::<_, sqlx::Error>(None) };
            let rows = console::audit_events(&state, &filter, CSV_CHUNK).await?;
            let more = rows.len() as i64 == CSV_CHUNK;
            let following = more.then(|| Filter { before_id: rows.last().map(|r| r.id), ..filter });
            Ok(Some((rows.iter().map(csv_line).collect::<String>(), following)))
        }
    });
    let body = stream::once(async move { Ok::<_, sqlx::Error>(header_line.to_owned()) }).chain(chunks);
    let filename = format!("audit-{}.csv", OffsetDateTime::now_utc().date());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

fn csv_line(r: &Row) -> String {
    let at = r.at.format(&Rfc3339).unwrap_or_default();
    let fields = [
        r.id.to_string(),
        at,
        r.category.clone(),
        r.action.clone(),
        r.actor_kind.clone(),
        r.actor.clone(),
        r.business_id.map(|b| b.to_string()).unwrap_or_default(),
        r.target.clone(),
        r.outcome.clone(),
        r.ip.clone(),
        r.user_agent.clone(),
        r.request_id.clone(),
        r.details.clone(),
        r.sealed.to_string(),
    ];
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// RFC 4180 quoting, and a leading `'` before `= + - @` (and tab/CR) so a spreadsheet
/// never runs a user agent or a target as a formula.
fn csv_field(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub username: String,
    pub query: AuditQuery,
    pub rows: Vec<Row>,
    pub error: Option<String>,
    /// The query string of the next (older) page, if there is one.
    pub older: Option<String>,
    /// The query string of the CSV export of this selection.
    pub csv: String,
    pub categories: Vec<&'static str>,
    pub outcomes: [&'static str; 3],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("a\"b,c\nd"), "\"a\"\"b,c\nd\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "\"'-1\"");
    }

    #[test]
    fn bad_filters_say_which_field_is_wrong() {
        let q = |f: fn(&mut AuditQuery)| {
            let mut q = AuditQuery::default();
            f(&mut q);
            q.filter().unwrap_err()
        };
        assert!(q(|q| q.from = "24.11.2026".into()).starts_with("From must be a date"));
        assert!(q(|q| q.category = "gossip".into()).contains("no category"));
        assert!(q(|q| q.business = "acme".into()).contains("UUID"));
        assert_eq!(
            AuditQuery { category: "auth".into(), action: "a b&c".into(), ..Default::default() }.query_string(Some(7)),
            "category=auth&action=a%20b%26c&before=7"
        );
    }
}
