//! Bank → import a statement file, see what was recorded on which invoice, and match
//! the payments that wait (with suggestions, or by typing the invoice number).
//!
//! A plain multipart upload like the logo's; its route alone takes a body up to the
//! statement reader's limit. A refused file shows its reason at the file field, and
//! a refused match at its own row.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Path, Query, State, multipart::MultipartRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use fastfaktura_documents::bank_statements::MAX_STATEMENT_BYTES;
use fastfaktura_domain::Currency;
use serde::Deserialize;
use uuid::Uuid;

use super::invoice_views::{day, money_in};
use crate::{
    app::{
        Error,
        bank_statements::{self, BankOverview, MatchInput},
    },
    audit::RequestMeta,
    http::{error::AppError, session::CurrentSession},
    i18n::{Tr, key},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bank", get(show))
        .route("/bank/import", post(import).layer(DefaultBodyLimit::max(MAX_STATEMENT_BYTES + 16 * 1024)))
        .route("/bank/entries/{id}/match", post(match_entry))
        .route("/bank/entries/{id}/undo", post(undo))
        .route("/bank/entries/{id}/dismiss", post(dismiss))
}

/// A payment as the page lists it.
pub struct EntryRow {
    pub id: Uuid,
    pub booked_on: String,
    pub payer: String,
    pub said: String,
    pub amount: String,
    pub reason: Option<String>,
    pub invoice: Option<(Uuid, String)>,
    pub by: String,
    pub overpaid: Option<String>,
    pub suggestions: Vec<(Uuid, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank.html")]
pub struct BankPage {
    pub t: Tr,
    pub imported: Option<String>,
    /// Each recent import's summary sentence, by id.
    pub summaries: Vec<(Uuid, String)>,
    pub file_error: Option<String>,
    /// The row a refused match belongs to, and why.
    pub row_error: Option<(Uuid, String)>,
    pub waiting: Vec<EntryRow>,
    pub matched: Vec<EntryRow>,
    pub imports: Vec<(String, String, i32, i32, i32, String)>,
    pub can_undo: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    /// The file just imported, whose summary the page opens with.
    import: Option<Uuid>,
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let mut page = page(&state, &session, t, None, None).await?;
    page.imported = q.import.and_then(|id| page.summaries.iter().find(|(i, _)| *i == id).map(|(_, s)| s.clone()));
    Ok(page.into_response())
}

async fn page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    file_error: Option<String>,
    row_error: Option<(Uuid, String)>,
) -> Result<BankPage, AppError> {
    let caller = session.caller();
    let BankOverview { imports, waiting, matched } = bank_statements::bank_overview(state, &caller).await?;
    let lang = t.lang();
    let row = |e: &bank_statements::BankEntry| {
        let currency = Currency::parse(&e.currency).ok();
        let money = |a| currency.map(|c| money_in(a, c, lang)).unwrap_or_else(|| format!("{a} {}", e.currency));
        let said = [e.reference.as_deref(), e.message.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        EntryRow {
            id: e.id,
            booked_on: day(e.booked_on, lang),
            payer: e.payer.clone().unwrap_or_default(),
            said,
            amount: money(e.amount),
            reason: e.reason.as_deref().and_then(reason_key).map(|k| t.t(k)),
            invoice: e.invoice_id.zip(e.invoice_number.clone()),
            by: if e.matched_by.as_deref() == Some(bank_statements::AUTOMATIC) {
                t.t("bank-by-automatic")
            } else {
                t.t("bank-by-person")
            },
            overpaid: e
                .applied
                .filter(|applied| *applied < e.amount)
                .map(|applied| t.t1("bank-overpaid", "amount", money(e.amount - applied))),
            suggestions: Vec::new(),
        }
    };
    let waiting = waiting
        .iter()
        .map(|w| {
            let mut r = row(&w.entry);
            r.suggestions = w
                .suggestions
                .iter()
                .map(|c| {
                    let open =
                        Currency::parse(&w.entry.currency).map(|cur| money_in(c.open, cur, lang)).unwrap_or_default();
                    (c.invoice_id, c.number.clone(), format!("{} · {} · {}", c.customer, open, day(c.due_date, lang)))
                })
                .collect();
            r
        })
        .collect();
    let matched = matched.iter().map(row).collect();
    let summaries = imports
        .iter()
        .map(|i| {
            let text = crate::i18n::Text::key("bank-imported")
                .with("file", i.file_name.clone())
                .with("payments", i.payments)
                .with("matched", i.matched)
                .with("duplicates", i.duplicates);
            (i.id, text.render(lang))
        })
        .collect();
    let imports = imports
        .into_iter()
        .map(|i| (i.file_name, i.format, i.payments, i.matched, i.duplicates, day(i.imported_at.date(), lang)))
        .collect();
    let can_undo = caller.is_owner();
    Ok(BankPage { t, imported: None, summaries, file_error, row_error, waiting, matched, imports, can_undo })
}

/// The catalogue key of why a payment waits (`bank_entries.reason`).
fn reason_key(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "no_reference" => key("bank-reason-no_reference"),
        "unknown_reference" => key("bank-reason-unknown_reference"),
        "ambiguous" => key("bank-reason-ambiguous"),
        "already_paid" => key("bank-reason-already_paid"),
        "currency" => key("bank-reason-currency"),
        "not_payable" => key("bank-reason-not_payable"),
        _ => return None,
    })
}

async fn import(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let file = match super::forms::uploaded_file(multipart, "file", "statement").await {
        Ok(file) => file,
        Err(super::forms::UploadTooLarge) => {
            let message = t.t("bank-file-too-large");
            return refused(&state, &session, t, StatusCode::PAYLOAD_TOO_LARGE, message).await;
        }
    };
    let Some((name, bytes)) = file else {
        let message = t.t("bank-file-empty");
        return refused(&state, &session, t, StatusCode::BAD_REQUEST, message).await;
    };
    match bank_statements::import_bank_file(&state, &session.caller(), &meta, &name, &bytes).await {
        Ok(summary) => Ok(Redirect::to(&format!("/bank?import={}", summary.id)).into_response()),
        Err(Error::Invalid(errors)) => {
            let message = errors.read_in(&t).summary();
            refused(&state, &session, t, StatusCode::UNPROCESSABLE_ENTITY, message).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    status: StatusCode,
    message: String,
) -> Result<Response, AppError> {
    Ok((status, page(state, session, t, Some(message), None).await?).into_response())
}

async fn match_entry(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Form(input): Form<MatchForm>,
) -> Result<Response, AppError> {
    let input = MatchInput { invoice_id: input.invoice_id.and_then(|s| s.parse().ok()), number: input.number };
    match bank_statements::match_bank_entry_to(&state, &session.caller(), &meta, id, &input).await {
        Ok(()) => Ok(Redirect::to("/bank").into_response()),
        Err(Error::Invalid(errors)) => {
            let message = errors.read_in(&t).summary();
            let page = page(&state, &session, t, None, Some((id, message))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The match form: a suggestion's button sends its id, the typed field a number.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MatchForm {
    invoice_id: Option<String>,
    number: String,
}

async fn undo(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    bank_statements::undo_bank_match(&state, &session.caller(), &meta, id).await?;
    Ok(Redirect::to("/bank").into_response())
}

async fn dismiss(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    bank_statements::dismiss_bank_entry(&state, &session.caller(), &meta, id, true).await?;
    Ok(Redirect::to("/bank").into_response())
}
