//! The steps around a draft that need a second look: issuing (a confirmation with the
//! number it will get, its dates and total, and a preview PDF marked DRAFT), deleting
//! (a confirmation), and copying any invoice or quote as a new draft; and removing a
//! payment recorded by mistake (owner only).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use uuid::Uuid;

use super::{
    forms::indexed_rows,
    invoice_views::{EditorLine, TotalsView, day, document_name, money_in},
    invoices::{draft_input, editor_page, with_editor_script},
};
use crate::{
    app::{
        Error,
        fields::FieldErrors,
        invoicing::{
            self, LineFields,
            drafts::{draft_editor, editable_draft},
            payments::remove_payment,
            review::{draft_preview_pdf, duplicate_document, review_issue},
        },
    },
    http::{IdPath, error::AppError, session::CurrentSession},
    i18n::Tr,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invoices/{id}/issue", get(confirm_issue).post(issue))
        .route("/invoices/{id}/preview.pdf", get(preview))
        .route("/invoices/{id}/delete", get(confirm_delete).post(delete))
        .route("/invoices/{id}/duplicate", post(duplicate))
        .route("/invoices/{id}/totals", post(live_totals))
        .route("/invoices/{id}/payments/{payment}/remove", post(remove))
}

#[derive(Template, WebTemplate)]
#[template(path = "invoice_confirm.html")]
pub struct ConfirmIssuePage {
    pub t: Tr,
    pub id: String,
    /// The catalogue key of the document's name.
    pub title: &'static str,
    pub number: String,
    pub customer_name: String,
    pub issue_date: String,
    pub due_date: String,
    pub is_quote: bool,
    pub totals: TotalsView,
    pub problems: Vec<String>,
}

async fn confirm_issue(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let review = review_issue(&state, &session.caller(), id).await?;
    let lang = t.lang();
    Ok(ConfirmIssuePage {
        id: id.to_string(),
        title: document_name(review.kind),
        number: review.number,
        customer_name: review.customer_name,
        issue_date: day(review.issue_date, lang),
        due_date: day(review.due_date, lang),
        is_quote: review.kind == fastfaktura_domain::InvoiceKind::Quote,
        totals: TotalsView::new(&t, &review.totals),
        problems: review.problems.iter().map(|p| p.render(t.lang())).collect(),
        t,
    }
    .into_response())
}

async fn issue(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let caller = session.caller();
    let errors = match invoicing::issue_invoice(&state, &caller, id).await {
        Ok(_) => return Ok(Redirect::to(&format!("/invoices/{id}")).into_response()),
        // A mistake at a field (an issue date out of order) is shown at that field.
        Err(Error::Invalid(errors)) => errors.read_in(&t),
        Err(Error::Unprocessable(message)) => {
            let mut errors = FieldErrors::new(&t);
            errors.add("lines", message.render(t.lang()));
            errors
        }
        Err(e) => return Err(e.into()),
    };
    let draft = editable_draft(&state, &caller, id).await?;
    let page = editor_page(&state, &caller, &t, draft, None, errors).await?;
    Ok(with_editor_script((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()))
}

async fn preview(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let pdf = draft_preview_pdf(&state, &session.caller(), id).await?;
    let name = format!("draft-{}.pdf", id.simple());
    Ok(crate::http::documents::file_response(&name, "application/pdf", pdf, true))
}

#[derive(Template, WebTemplate)]
#[template(path = "invoice_delete.html")]
pub struct ConfirmDeletePage {
    pub t: Tr,
    pub id: String,
    pub title: &'static str,
}

async fn confirm_delete(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let draft = editable_draft(&state, &session.caller(), id).await?;
    Ok(ConfirmDeletePage { t, id: id.to_string(), title: document_name(draft.kind) }.into_response())
}

async fn delete(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    invoicing::delete_draft(&state, &session.caller(), id).await?;
    Ok(Redirect::to("/invoices").into_response())
}

async fn duplicate(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let copy = duplicate_document(&state, &session.caller(), id).await?;
    Ok(Redirect::to(&format!("/invoices/{copy}")).into_response())
}

async fn remove(
    State(state): State<AppState>,
    session: CurrentSession,
    Path((id, payment)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    remove_payment(&state, &session.caller(), id, payment).await?;
    Ok(Redirect::to(&format!("/invoices/{id}")).into_response())
}

/// The totals table alone, as the editor's script swaps it in.
#[derive(Template)]
#[template(path = "editor_totals.html")]
struct TotalsFragment<'a> {
    t: &'a Tr,
    totals: Option<TotalsView>,
}

#[derive(serde::Serialize)]
struct LiveTotals {
    /// Each row's net amount, in the order of the editor's rows (empty for a blank row
    /// or while a line has a mistake).
    nets: Vec<String>,
    totals_html: String,
}

/// What the draft's totals would be with the form as typed: the same judging and the
/// same calculation as saving, and nothing is saved.
async fn live_totals(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let axum::Form(pairs) = form?;
    let caller = session.caller();
    let draft = editable_draft(&state, &caller, id).await?;
    let input = draft_input(&state, &caller, &t, &pairs).await?;
    let editor = draft_editor(&state, &caller, &t, draft, Some(&input)).await?;
    let currency = editor.invoice.currency;
    let mut nets = editor.totals.iter().flat_map(|totals| totals.line_nets.iter());
    let rows: Vec<String> = indexed_rows(&pairs, "lines")
        .iter()
        .map(|row| {
            let line: LineFields = EditorLine::from_form(row).into();
            if line.is_blank() { None } else { nets.next() }
        })
        .map(|net| net.map(|n| money_in(*n, currency, t.lang())).unwrap_or_default())
        .collect();
    let totals = editor.totals.as_ref().map(|totals| TotalsView::of(&t, totals, editor.invoice.price_entry));
    let totals_html = TotalsFragment { t: &t, totals }.render().map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(axum::Json(LiveTotals { nets: rows, totals_html }).into_response())
}
