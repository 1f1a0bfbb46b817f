//! `/api/v1/invoices`: list (filters, cursor pagination), create and update drafts,
//! issue, record payments, start credit notes. Amounts are decimal strings. Each
//! handler calls one operation of `app::invoicing` and writes its answer as JSON.

use axum::{
    Json, Router,
    extract::{Query, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use fastfaktura_domain::{Currency, Decimal, InvoiceKind, InvoiceStatus, Totals};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{ApiAuth, ApiId, bad_json, problem::ApiError};
use crate::{
    app::{
        Error,
        invoicing::{
            self, DraftInput, LineFields, PagedInvoice, PaymentInput,
            drafts::editable_draft,
            views::{InvoiceDetail, PageQuery, invoice_detail},
        },
    },
    i18n::{Text, Tr},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoices", get(list).post(create))
        .route("/api/v1/invoices/{id}", get(read).put(update).delete(delete_draft))
        .route("/api/v1/invoices/{id}/issue", post(issue))
        .route("/api/v1/invoices/{id}/payments", post(add_payment))
        .route("/api/v1/invoices/{id}/credit-notes", post(credit_note))
        .route("/api/v1/invoices/{id}/convert", post(convert_quote))
        .route("/api/v1/invoices/{id}/duplicate", post(duplicate))
}

#[derive(Serialize)]
struct VatJson {
    category: &'static str,
    rate: Decimal,
    taxable: Decimal,
    vat: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    exemption_reason: Option<String>,
}

#[derive(Serialize)]
struct TotalsJson {
    line_total: Decimal,
    allowance_total: Decimal,
    tax_exclusive: Decimal,
    vat_total: Decimal,
    rounding: Decimal,
    payable: Decimal,
    vat_breakdown: Vec<VatJson>,
}

impl From<&Totals> for TotalsJson {
    fn from(t: &Totals) -> Self {
        TotalsJson {
            line_total: t.line_total,
            allowance_total: t.allowance_total,
            tax_exclusive: t.tax_exclusive,
            vat_total: t.vat_total,
            rounding: t.rounding,
            payable: t.payable,
            vat_breakdown: t
                .breakdown
                .iter()
                .map(|b| VatJson {
                    category: b.category.code(),
                    rate: b.rate,
                    taxable: b.taxable,
                    vat: b.vat,
                    exemption_reason: b.exemption_reason.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct InvoiceJson {
    id: Uuid,
    kind: &'static str,
    status: &'static str,
    number: Option<String>,
    customer_id: Uuid,
    currency: &'static str,
    price_entry: &'static str,
    discount_percent: Decimal,
    note: String,
    issue_date: Option<Date>,
    due_date: Option<Date>,
    credited_invoice_id: Option<Uuid>,
    delivery_date: Option<Date>,
    period_start: Option<Date>,
    period_end: Option<Date>,
    buyer_reference: String,
    order_reference: String,
    /// Issued documents: the seller and buyer as the document was issued.
    seller: Option<fastfaktura_documents::Party>,
    buyer: Option<fastfaktura_documents::Party>,
    /// The reference an issued invoice is paid with (BT-83).
    payment_reference: Option<String>,
    /// How to pay, as the document was issued.
    payment: Option<fastfaktura_documents::PaymentDetails>,
    /// An invoice's issued credit notes.
    credit_note_ids: Vec<Uuid>,
    /// A quote: the customer's answer (`accepted`, `declined`) and the invoice it became.
    quote_decision: Option<String>,
    converted_invoice_id: Option<Uuid>,
    voided: bool,
    version: i32,
    lines: Vec<LineFields>,
    totals: Option<TotalsJson>,
    paid: Decimal,
    open: Option<Decimal>,
    /// The payments recorded on it (after refunds), oldest first.
    payments: Vec<PaymentJson>,
}

#[derive(Serialize)]
struct PaymentJson {
    id: Uuid,
    paid_on: Date,
    amount: Decimal,
    refunded: Decimal,
    /// `bank_transfer`, `card`, `cash`, `bank_claim`, ...
    method: String,
    reference: String,
}

/// Stored amounts carry four decimals; the API shows them in the currency's minor unit.
fn in_currency(currency: Currency) -> impl Fn(Decimal) -> Decimal {
    move |amount| fastfaktura_domain::money::round_to_currency(amount, currency)
}

impl From<InvoiceDetail> for InvoiceJson {
    fn from(detail: InvoiceDetail) -> Self {
        let round = in_currency(detail.invoice.currency);
        let open = (detail.invoice.status == InvoiceStatus::Issued && detail.invoice.kind == InvoiceKind::Invoice)
            .then(|| round(detail.open()));
        let paid = round(detail.paid());
        let (seller, buyer, payment) = match detail.parties {
            Some(p) => (Some(p.seller), Some(p.buyer), Some(p.payment)),
            None => (None, None, None),
        };
        let invoice = detail.invoice;
        let refs = invoice.references;
        InvoiceJson {
            id: invoice.id,
            kind: invoice.kind.as_str(),
            status: invoice.status.as_str(),
            number: invoice.number,
            customer_id: invoice.customer_id,
            currency: invoice.currency.code(),
            price_entry: invoice.price_entry.as_str(),
            discount_percent: invoice.discount_percent.normalize(),
            note: invoice.note,
            issue_date: invoice.issue_date,
            due_date: invoice.due_date,
            credited_invoice_id: invoice.credited_invoice_id,
            delivery_date: refs.delivery_date,
            period_start: refs.period.map(|p| p.0),
            period_end: refs.period.map(|p| p.1),
            buyer_reference: refs.buyer_reference,
            order_reference: refs.order_reference,
            seller,
            buyer,
            payment_reference: payment.as_ref().and_then(|p| p.reference.clone()),
            payment,
            credit_note_ids: detail.credit_notes.iter().map(|(id, _)| *id).collect(),
            quote_decision: invoice.quote_decision.map(|(decision, _)| decision),
            converted_invoice_id: detail.converted_to.map(|(id, _)| id),
            voided: invoice.voided,
            version: invoice.version,
            lines: detail.lines.iter().map(LineFields::from_stored_exact).collect(),
            totals: detail.totals.as_ref().map(TotalsJson::from),
            paid,
            open,
            payments: detail
                .payments
                .iter()
                .map(|p| PaymentJson {
                    id: p.id,
                    paid_on: p.paid_on,
                    amount: round(p.amount),
                    refunded: round(p.refunded),
                    method: p.method.clone(),
                    reference: p.reference.clone(),
                })
                .collect(),
        }
    }
}

async fn respond(state: &AppState, auth: &ApiAuth, id: Uuid, status: StatusCode) -> Result<Response, ApiError> {
    let detail = invoice_detail(state, auth.business_id, id).await?;
    Ok((status, Json(InvoiceJson::from(detail))).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    status: Option<String>,
    customer_id: Option<Uuid>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// An invoice as listed: read one by id for its lines and VAT breakdown.
#[derive(Serialize)]
struct InvoiceSummary {
    id: Uuid,
    kind: &'static str,
    status: &'static str,
    number: Option<String>,
    customer_id: Uuid,
    currency: &'static str,
    issue_date: Option<Date>,
    due_date: Option<Date>,
    payable: Option<Decimal>,
    paid: Decimal,
    open: Option<Decimal>,
    voided: bool,
}

impl From<&PagedInvoice> for InvoiceSummary {
    fn from(i: &PagedInvoice) -> Self {
        let round = in_currency(i.currency);
        let open = (i.status == InvoiceStatus::Issued && i.kind == InvoiceKind::Invoice)
            .then(|| round(i.payable.unwrap_or_default() - i.paid - i.credited));
        InvoiceSummary {
            id: i.id,
            kind: i.kind.as_str(),
            status: i.status.as_str(),
            number: i.number.clone(),
            customer_id: i.customer_id,
            currency: i.currency.code(),
            issue_date: i.issue_date,
            due_date: i.due_date,
            payable: i.payable.map(&round),
            paid: round(i.paid),
            open,
            voided: i.voided,
        }
    }
}

#[derive(Serialize)]
struct InvoiceList {
    data: Vec<InvoiceSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let asked = PageQuery {
        status: query.status.as_deref(),
        customer_id: query.customer_id,
        limit: query.limit,
        cursor: query.cursor.as_deref(),
    };
    let page = invoicing::views::invoice_page(&state, &auth.caller(), asked).await?;
    let data = page.rows.iter().map(InvoiceSummary::from).collect();
    Ok(Json(InvoiceList { data, next_cursor: page.next_cursor }).into_response())
}

async fn create(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<Json<DraftInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let Json(body) = body.map_err(bad_json)?;
    let id = invoicing::create_draft_with_lines(&state, &auth.caller(), &body).await?;
    respond(&state, &auth, id, StatusCode::CREATED).await
}

async fn read(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    respond(&state, &auth, id, StatusCode::OK).await
}

async fn update(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<Json<DraftInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let caller = auth.caller();
    // Another business's or an issued document is refused before the body is read.
    editable_draft(&state, &caller, id).await?;
    let Json(body) = body.map_err(bad_json)?;
    match invoicing::save_draft(&state, &caller, &Tr::default(), id, &body).await {
        Ok(_) => respond(&state, &auth, id, StatusCode::OK).await,
        Err(Error::Conflict(Text::Key("error-draft-conflict", _))) => Err(ApiError::Conflict(format!(
            "The draft was changed after version {} was read; fetch it again and reapply your change.",
            body.version.unwrap_or_default()
        ))),
        Err(e) => Err(e.into()),
    }
}

async fn issue(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    invoicing::issue_invoice(&state, &auth.caller(), id).await?;
    respond(&state, &auth, id, StatusCode::OK).await
}

async fn add_payment(
    State(state): State<AppState>,
    auth: ApiAuth,
    meta: crate::audit::RequestMeta,
    ApiId(id): ApiId,
    body: Result<Json<PaymentInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let caller = auth.caller();
    // Another business's document is "not found" before the body is read.
    invoicing::views::find_invoice(&state, caller.business_id, id).await?;
    let Json(body) = body.map_err(bad_json)?;
    invoicing::record_payment(&state, &caller, &Tr::default(), &meta, id, &body).await?;
    respond(&state, &auth, id, StatusCode::CREATED).await
}

async fn credit_note(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    let draft = invoicing::start_credit_note(&state, &auth.caller(), id).await?;
    respond(&state, &auth, draft, StatusCode::CREATED).await
}

async fn convert_quote(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    let draft = invoicing::convert_quote(&state, &auth.caller(), id).await?;
    respond(&state, &auth, draft, StatusCode::CREATED).await
}

/// Deletes a draft; an issued document is never deleted (409).
async fn delete_draft(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    invoicing::delete_draft(&state, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A new draft with the same customer, prices and lines as an invoice or quote.
async fn duplicate(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    let copy = invoicing::review::duplicate_document(&state, &auth.caller(), id).await?;
    respond(&state, &auth, copy, StatusCode::CREATED).await
}
