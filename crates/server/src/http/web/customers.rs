//! Customers: list with search and pagination, create, edit, archive, erase. Thin:
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
    },
    http::session::CurrentSession,
    http::{IdPath, error::AppError},
    i18n::Tr,
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
    Ok(CustomerFormPage { t, id: None, fields, errors: FieldErrors::default(), overview: None }.into_response())
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
    let page =
        CustomerFormPage { t, id: Some(id), fields: customer.fields(), errors: FieldErrors::default(), overview };
    Ok(page.into_response())
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
    (StatusCode::UNPROCESSABLE_ENTITY, CustomerFormPage { t, id, fields, errors, overview: None }).into_response()
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
