//! Customers: list with search and pagination, create, edit, archive, erase, and
//! whether the Peppol network delivers e-invoices to them. Thin:
//! each handler calls one `app::customers` operation and renders its page.

use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use fastfaktura_domain::{InvoiceKind, InvoiceStatus};

use super::{
    invoice_views::{day, document_name, money, money_in, payment_method_key},
    pages::{CustomerDocumentRow, CustomerFormPage, CustomerOverviewView, CustomerPaymentRow, CustomersPage},
};
use crate::{
    app::{
        Error,
        customers::{self, CustomerInput},
        fields::FieldErrors,
        peppol::{self, Reachability},
    },
    http::session::CurrentSession,
    http::{IdPath, error::AppError},
    i18n::{Tr, key},
    state::AppState,
};

pub const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/new", get(new_form))
        .route("/customers/{id}", get(edit_form).post(update))
        .route("/customers/{id}/archive", post(archive))
        .route("/customers/{id}/erase", post(erase))
        .route("/customers/{id}/statement", get(statement))
        .route("/customers/{id}/peppol-check", post(check_peppol))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub page: Option<u32>,
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        i64::from(self.page.unwrap_or(1).clamp(1, 10_000))
    }
}

async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let page = query.page();
    let mut customers =
        customers::list_customers(&state, &session.caller(), &query.q, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?;
    let has_next = customers.len() as i64 > PAGE_SIZE;
    customers.truncate(PAGE_SIZE as usize);
    Ok(CustomersPage { t, customers, q: query.q.clone(), page, has_next }.into_response())
}

async fn new_form(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let fields = customers::new_customer_fields(&state, &session.caller()).await?;
    let page = CustomerFormPage { t, id: None, fields, errors: FieldErrors::default(), overview: None, peppol: None };
    Ok(page.into_response())
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<CustomerInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    match customers::create_customer(&state, &session.caller(), &t, &input).await {
        Ok(_) => Ok(Redirect::to("/customers").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            Ok(form_again(t, None, &input, errors))
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let caller = session.caller();
    let customer = customers::find_customer(&state, &caller, id).await?;
    let overview = Some(overview_view(&t, customers::customer_overview(&state, &caller, id).await?));
    let peppol = Some(peppol_card(&t, &peppol::customer_reachability(&state, &customer).await?));
    let fields = customer.fields();
    let page = CustomerFormPage { t, id: Some(id), fields, errors: FieldErrors::default(), overview, peppol };
    Ok(page.into_response())
}

/// What the customer page says about e-invoicing the customer over Peppol.
pub struct PeppolCard {
    /// `0192:987654325`, or empty when the customer has none.
    pub participant: String,
    pub says: String,
    /// Whether the network said the customer receives invoices.
    pub receives: bool,
}

fn peppol_card(t: &Tr, reachability: &Reachability) -> PeppolCard {
    let when = |at: time::OffsetDateTime| day(at.date(), t.lang());
    match reachability {
        Reachability::NoParticipant => {
            PeppolCard { participant: String::new(), says: t.t("customer-peppol-none"), receives: false }
        }
        Reachability::NotChecked { participant } => {
            PeppolCard { participant: participant.to_string(), says: t.t("customer-peppol-unchecked"), receives: false }
        }
        Reachability::Checked { participant, answer } => {
            let date = when(answer.checked_at);
            let reason = answer.reason.clone().unwrap_or_default();
            let documents: Vec<String> = answer
                .document_types
                .iter()
                .map(|d| {
                    t.t(if d == "credit_note" {
                        key("customer-peppol-credit-notes")
                    } else {
                        key("customer-peppol-invoices")
                    })
                })
                .collect();
            let says = match answer.state.as_str() {
                "registered" if documents.is_empty() => t.t1("customer-peppol-registered-nothing", "date", date),
                "registered" => t.t2("customer-peppol-receives", "documents", documents.join(", "), "date", date),
                "not_registered" => t.t1("customer-peppol-not-registered", "date", date),
                "refused" => t.t2("customer-peppol-refused", "reason", reason, "date", date),
                _ => t.t2("customer-peppol-unreachable", "reason", reason, "date", date),
            };
            PeppolCard { participant: participant.to_string(), says, receives: reachability.receives(false) }
        }
    }
}

/// Asks the Peppol network about the customer now, then shows the page again.
async fn check_peppol(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    peppol::check_customer(&state, &session.caller(), id).await?;
    Ok(Redirect::to(&format!("/customers/{id}#peppol")).into_response())
}

async fn update(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<CustomerInput>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(input) = form?;
    // Another business's id is "not found" before anything else is said about it.
    match customers::update_customer(&state, &session.caller(), &t, id, &input).await {
        Ok(_) => Ok(Redirect::to("/customers").into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            Ok(form_again(t, Some(id), &input, errors))
        }
        Err(e) => Err(e.into()),
    }
}

/// Erases the customer's personal data (owners only; see `gdpr::erasure`).
async fn erase(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: crate::audit::RequestMeta,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    session.require_owner()?;
    customers::erase_customer(&state, &session.caller(), session.user_id, &meta, id).await?;
    Ok(Redirect::to("/customers").into_response())
}

async fn archive(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    customers::archive_customer(&state, &session.caller(), id).await?;
    Ok(Redirect::to("/customers").into_response())
}

/// The form again with what was typed and the errors at their fields (422).
fn form_again(t: Tr, id: Option<uuid::Uuid>, input: &CustomerInput, errors: FieldErrors) -> Response {
    let (fields, _) = customers::judge(&t, input);
    let page = CustomerFormPage { t, id, fields, errors, overview: None, peppol: None };
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn overview_view(t: &Tr, overview: customers::CustomerOverview) -> CustomerOverviewView {
    let lang = t.lang();
    CustomerOverviewView {
        balances: overview.balances.iter().map(|(currency, open)| money_in(*open, *currency, lang)).collect(),
        documents: overview
            .documents
            .iter()
            .map(|d| {
                let open = d.payable.unwrap_or_default() - d.paid - d.credited;
                let counts = d.kind == InvoiceKind::Invoice && d.status == InvoiceStatus::Issued && !d.voided;
                CustomerDocumentRow {
                    id: d.id.to_string(),
                    number: d.number.clone(),
                    kind: document_name(d.kind),
                    issue_date: d.issue_date.map(|date| day(date, lang)).unwrap_or_default(),
                    total: d.payable.map(|p| money_in(p, d.currency, lang)).unwrap_or_default(),
                    open: if counts { money_in(open, d.currency, lang) } else { String::new() },
                }
            })
            .collect(),
        payments: overview
            .payments
            .iter()
            .map(|p| CustomerPaymentRow {
                invoice_id: p.invoice_id.to_string(),
                number: p.number.clone().unwrap_or_default(),
                paid_on: day(p.paid_on, lang),
                amount: money(p.amount, &p.currency, lang),
                method: payment_method_key(&p.method),
            })
            .collect(),
    }
}

/// The customer's account statement, shown in the browser (it has a download button).
async fn statement(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let (name, pdf) = customers::customer_statement(&state, &session.caller(), id).await?;
    Ok(crate::http::documents::file_response(&name, "application/pdf", pdf, true))
}
