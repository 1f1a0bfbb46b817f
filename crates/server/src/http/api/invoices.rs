//! `/api/v1/invoices`: list (filters, cursor pagination), create and update drafts,
//! issue, record payments, start credit notes. Amounts are decimal strings.

use axum::{
    Json, Router,
    extract::{Query, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use fastfaktura_domain::{Currency, Decimal, parse_decimal};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

use super::{
    ApiAuth, ApiId, bad_json,
    problem::{ApiError, FieldProblem},
};
use crate::{
    db::{
        self,
        invoices::{DraftHeader, Invoice, NewDraft, Payment, SaveRefused},
    },
    http::web::{forms::FieldErrors, invoice_views::EditorLine, invoices::parse_lines},
    i18n::Tr,
    invoicing,
    state::AppState,
};

/// The web editor's limit too (its rows are indexed below 500).
const MAX_LINES: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoices", get(list).post(create))
        .route("/api/v1/invoices/{id}", get(read).put(update))
        .route("/api/v1/invoices/{id}/issue", post(issue))
        .route("/api/v1/invoices/{id}/payments", post(add_payment))
        .route("/api/v1/invoices/{id}/credit-notes", post(credit_note))
        .route("/api/v1/invoices/{id}/convert", post(convert_quote))
}

#[derive(Serialize, Deserialize, Default, Clone)]
#[serde(default, deny_unknown_fields)]
pub struct LineJson {
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount_percent: String,
    pub vat_category: String,
    pub vat_rate: String,
    pub exemption_reason: String,
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

#[derive(Serialize)]
pub struct InvoiceJson {
    id: Uuid,
    kind: String,
    status: String,
    number: Option<String>,
    customer_id: Uuid,
    currency: String,
    price_entry: String,
    discount_percent: Decimal,
    note: String,
    issue_date: Option<Date>,
    due_date: Option<Date>,
    credited_invoice_id: Option<Uuid>,
    voided: bool,
    version: i32,
    lines: Vec<LineJson>,
    totals: Option<TotalsJson>,
    paid: Decimal,
    open: Option<Decimal>,
}

async fn invoice_json(state: &AppState, business_id: Uuid, invoice: Invoice) -> Result<InvoiceJson, ApiError> {
    let lines = db::invoices::lines(&state.db, business_id, invoice.id).await?;
    let totals = invoicing::totals(&invoice, &lines).ok().map(|t| TotalsJson {
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
    });
    // Stored amounts carry four decimals; show them in the currency's minor unit.
    let in_currency = |amount: Decimal| match Currency::parse(&invoice.currency) {
        Ok(c) => fastfaktura_domain::money::round_to_currency(amount, c),
        Err(_) => amount,
    };
    let paid =
        in_currency(db::invoices::payments(&state.db, business_id, invoice.id).await?.iter().map(|p| p.amount).sum());
    let open = if invoice.status == "issued" && invoice.kind == "invoice" {
        Some(in_currency(invoicing::outstanding(state, business_id, &invoice, paid).await?))
    } else {
        None
    };
    Ok(InvoiceJson {
        id: invoice.id,
        kind: invoice.kind,
        status: invoice.status,
        number: invoice.number,
        customer_id: invoice.customer_id,
        currency: invoice.currency,
        price_entry: invoice.price_entry,
        discount_percent: invoice.discount_percent.normalize(),
        note: invoice.note,
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        credited_invoice_id: invoice.credited_invoice_id,
        voided: invoice.voided,
        version: invoice.version,
        lines: lines
            .iter()
            .map(|l| LineJson {
                description: l.description.clone(),
                quantity: l.quantity.normalize().to_string(),
                unit: l.unit.clone(),
                unit_price: l.unit_price.normalize().to_string(),
                discount_percent: l.discount_percent.normalize().to_string(),
                vat_category: l.vat_category.clone(),
                vat_rate: l.vat_rate.normalize().to_string(),
                exemption_reason: l.exemption_reason.clone(),
            })
            .collect(),
        totals,
        paid,
        open,
    })
}

async fn respond(state: &AppState, business_id: Uuid, id: Uuid, status: StatusCode) -> Result<Response, ApiError> {
    let invoice = db::invoices::find(&state.db, business_id, id).await?.ok_or(ApiError::NotFound)?;
    Ok((status, Json(invoice_json(state, business_id, invoice).await?)).into_response())
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
    kind: String,
    status: String,
    number: Option<String>,
    customer_id: Uuid,
    currency: String,
    issue_date: Option<Date>,
    due_date: Option<Date>,
    payable: Option<Decimal>,
    paid: Decimal,
    open: Option<Decimal>,
    voided: bool,
}

impl From<&db::invoices::PagedInvoice> for InvoiceSummary {
    fn from(i: &db::invoices::PagedInvoice) -> Self {
        let round = |amount: Decimal| match Currency::parse(&i.currency) {
            Ok(c) => fastfaktura_domain::money::round_to_currency(amount, c),
            Err(_) => amount,
        };
        let open = (i.status == "issued" && i.kind == "invoice")
            .then(|| round(i.payable.unwrap_or_default() - i.paid - i.credited));
        InvoiceSummary {
            id: i.id,
            kind: i.kind.clone(),
            status: i.status.clone(),
            number: i.number.clone(),
            customer_id: i.customer_id,
            currency: i.currency.clone(),
            issue_date: i.issue_date,
            due_date: i.due_date,
            payable: i.payable.map(round),
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

fn encode_cursor(at: OffsetDateTime, id: Uuid) -> String {
    hex::encode(format!("{}|{id}", at.format(&Rfc3339).unwrap_or_default()))
}

fn decode_cursor(cursor: &str) -> Option<(OffsetDateTime, Uuid)> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (at, id) = text.split_once('|')?;
    Some((OffsetDateTime::parse(at, &Rfc3339).ok()?, id.parse().ok()?))
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(super::bad_query)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(s @ ("draft" | "issued")) => Some(s),
        Some(_) => {
            return Err(ApiError::Invalid(vec![FieldProblem {
                field: "status".into(),
                message: "status must be draft or issued".into(),
            }]));
        }
    };
    let before = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => {
            Some(decode_cursor(c).ok_or_else(|| ApiError::BadRequest("cursor is not one this API returned".into()))?)
        }
    };
    let mut page =
        db::invoices::list_page(&state.db, auth.business_id, status, query.customer_id, before, limit + 1).await?;
    let next_cursor = if page.len() as i64 > limit {
        page.truncate(limit as usize);
        page.last().map(|i| encode_cursor(i.created_at, i.id))
    } else {
        None
    };
    let data = page.iter().map(InvoiceSummary::from).collect();
    Ok(Json(InvoiceList { data, next_cursor }).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct DraftJson {
    customer_id: Option<Uuid>,
    currency: Option<String>,
    price_entry: Option<String>,
    discount_percent: Option<String>,
    note: Option<String>,
    lines: Vec<LineJson>,
    /// Required on update: the version you read (optimistic concurrency).
    version: Option<i32>,
    /// On create: `invoice` (default) or `quote`.
    kind: Option<String>,
}

struct ValidDraft {
    customer_id: Uuid,
    currency: String,
    price_entry: &'static str,
    discount_percent: Decimal,
    note: String,
    lines: Vec<db::invoices::Line>,
}

async fn validate_draft(
    state: &AppState,
    business_id: Uuid,
    body: &DraftJson,
    existing: Option<&Invoice>,
    credit_note: bool,
) -> Result<ValidDraft, ApiError> {
    let mut errors = FieldErrors::default();
    let customer = match body.customer_id.or(existing.map(|i| i.customer_id)) {
        Some(id) => db::customers::find(&state.db, business_id, id).await?.filter(|c| !c.archived),
        None => None,
    };
    if customer.is_none() {
        errors.add("customer_id", "customer_id must name one of your (not archived) customers");
    }
    let currency_raw = body
        .currency
        .clone()
        .or_else(|| existing.map(|i| i.currency.clone()))
        .or_else(|| customer.as_ref().map(|c| c.currency.clone()))
        .unwrap_or_default();
    let currency = errors.check(
        "currency",
        "currency",
        Currency::parse(&currency_raw).map(|c| c.code().to_owned()).map_err(|e| e.to_string()),
        currency_raw,
    );
    let price_entry = match body.price_entry.as_deref().or(existing.map(|i| i.price_entry.as_str())) {
        None | Some("net") => "net",
        Some("gross") => "gross",
        Some(_) => {
            errors.add("price_entry", "price_entry must be net or gross");
            "net"
        }
    };
    let discount_percent = match body.discount_percent.as_deref().filter(|d| !d.trim().is_empty()) {
        None => Decimal::ZERO,
        Some(d) => errors.check(
            "discount_percent",
            "discount_percent",
            parse_decimal(d, 2).map_err(|e| e.to_string()).and_then(|d| {
                if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED { Err("must be from 0 to 100".into()) } else { Ok(d) }
            }),
            Decimal::ZERO,
        ),
    };
    let note = body.note.clone().unwrap_or_default();
    if note.chars().count() > 2000 {
        errors.add("note", "note can have at most 2000 characters");
    }
    let typed: Vec<EditorLine> = body
        .lines
        .iter()
        .map(|l| EditorLine {
            description: l.description.clone(),
            quantity: l.quantity.clone(),
            unit: l.unit.clone(),
            unit_price: l.unit_price.clone(),
            discount_percent: l.discount_percent.clone(),
            vat_category: if l.vat_category.is_empty() { "S".into() } else { l.vat_category.clone() },
            vat_rate: l.vat_rate.clone(),
            exemption_reason: l.exemption_reason.clone(),
            net: String::new(),
        })
        .collect();
    if typed.len() > MAX_LINES {
        errors.add("lines", format!("an invoice can have at most {MAX_LINES} lines"));
    }
    if typed.iter().any(EditorLine::is_blank) {
        errors.add("lines", "every line needs a description, quantity and unit_price");
    }
    let lines = match parse_lines(&Tr::default(), &typed, credit_note) {
        Ok(lines) => lines,
        Err(line_errors) => {
            for (field, message) in line_errors.entries() {
                errors.add(field, message);
            }
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let valid = ValidDraft {
        customer_id: customer.map(|c| c.id).unwrap_or_default(),
        currency,
        price_entry,
        discount_percent,
        note,
        lines,
    };
    // The one calculation must accept it too (e.g. exemption reasons).
    let probe = Invoice {
        id: Uuid::nil(),
        kind: if credit_note { "credit_note".into() } else { "invoice".into() },
        status: "draft".into(),
        customer_id: valid.customer_id,
        currency: valid.currency.clone(),
        price_entry: valid.price_entry.into(),
        discount_percent: valid.discount_percent,
        note: String::new(),
        issue_date: None,
        due_date: None,
        number: None,
        credited_invoice_id: None,
        payable: None,
        version: 0,
        voided: false,
    };
    invoicing::totals(&probe, &valid.lines)?;
    Ok(valid)
}

async fn create(
    State(state): State<AppState>,
    auth: ApiAuth,
    body: Result<Json<DraftJson>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let Json(body) = body.map_err(bad_json)?;
    let kind = match body.kind.as_deref() {
        None | Some("invoice") => "invoice",
        Some("quote") => "quote",
        Some(_) => {
            return Err(ApiError::Invalid(vec![FieldProblem {
                field: "kind".into(),
                message: "kind must be invoice or quote".into(),
            }]));
        }
    };
    let draft = validate_draft(&state, auth.business_id, &body, None, false).await?;
    let mut tx = state.db.begin().await?;
    let id = db::invoices::create_draft(
        &mut tx,
        auth.business_id,
        NewDraft {
            kind,
            customer_id: draft.customer_id,
            currency: &draft.currency,
            price_entry: draft.price_entry,
            credited_invoice_id: None,
        },
        state.clock.now(),
    )
    .await?;
    let header = DraftHeader {
        customer_id: draft.customer_id,
        currency: &draft.currency,
        price_entry: draft.price_entry,
        discount_percent: draft.discount_percent,
        note: &draft.note,
    };
    match db::invoices::save_draft(&mut tx, auth.business_id, id, 1, header, &draft.lines, state.clock.now()).await? {
        Ok(_) => tx.commit().await?,
        Err(_) => return Err(ApiError::Conflict("The draft could not be saved; please retry.".into())),
    }
    respond(&state, auth.business_id, id, StatusCode::CREATED).await
}

async fn read(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    respond(&state, auth.business_id, id, StatusCode::OK).await
}

async fn update(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<Json<DraftJson>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let existing = db::invoices::find(&state.db, auth.business_id, id).await?.ok_or(ApiError::NotFound)?;
    if existing.status != "draft" {
        return Err(ApiError::Conflict("Issued invoices cannot change; create a credit note to correct one.".into()));
    }
    let Json(body) = body.map_err(bad_json)?;
    let Some(version) = body.version else {
        return Err(ApiError::Invalid(vec![FieldProblem {
            field: "version".into(),
            message: "version is required: send the version you read".into(),
        }]));
    };
    let draft =
        validate_draft(&state, auth.business_id, &body, Some(&existing), existing.kind == "credit_note").await?;
    let mut tx = state.db.begin().await?;
    let header = DraftHeader {
        customer_id: draft.customer_id,
        currency: &draft.currency,
        price_entry: draft.price_entry,
        discount_percent: draft.discount_percent,
        note: &draft.note,
    };
    match db::invoices::save_draft(&mut tx, auth.business_id, id, version, header, &draft.lines, state.clock.now())
        .await?
    {
        Ok(_) => tx.commit().await?,
        Err(SaveRefused::NotFound) => return Err(ApiError::NotFound),
        Err(SaveRefused::Issued) => {
            return Err(ApiError::Conflict(
                "Issued invoices cannot change; create a credit note to correct one.".into(),
            ));
        }
        Err(SaveRefused::Conflict) => {
            return Err(ApiError::Conflict(format!(
                "The draft was changed after version {version} was read; fetch it again and reapply your change."
            )));
        }
    }
    respond(&state, auth.business_id, id, StatusCode::OK).await
}

async fn issue(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    invoicing::issue(&state, auth.business_id, id).await?;
    respond(&state, auth.business_id, id, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct PaymentJson {
    paid_on: String,
    amount: String,
    method: String,
    reference: String,
}

async fn add_payment(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiId(id): ApiId,
    body: Result<Json<PaymentJson>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let invoice = db::invoices::find(&state.db, auth.business_id, id).await?.ok_or(ApiError::NotFound)?;
    let Json(body) = body.map_err(bad_json)?;
    let currency = Currency::parse(&invoice.currency).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut errors = FieldErrors::default();
    let paid_on = errors.check(
        "paid_on",
        "paid_on",
        Date::parse(body.paid_on.trim(), &time::format_description::well_known::Iso8601::DATE)
            .map_err(|_| "must be a real date written as YYYY-MM-DD".to_owned()),
        state.clock.now().date(),
    );
    let amount = errors.check(
        "amount",
        "amount",
        parse_decimal(&body.amount, currency.minor_units())
            .map_err(|e| e.to_string())
            .and_then(|a| if a > Decimal::ZERO { Ok(a) } else { Err("must be more than zero".into()) }),
        Decimal::ZERO,
    );
    let method = if body.method.is_empty() { "bank_transfer".to_owned() } else { body.method.clone() };
    if !matches!(method.as_str(), "bank_transfer" | "cash" | "card" | "other") {
        errors.add("method", "method must be bank_transfer, cash, card or other");
    }
    if body.reference.chars().count() > 200 {
        errors.add("reference", "reference can have at most 200 characters");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    invoicing::record_payment(
        &state,
        auth.business_id,
        id,
        Payment { paid_on, amount, method, reference: body.reference.clone() },
    )
    .await
    .map_err(|e| match e {
        invoicing::InvoicingError::Invalid(m) => {
            ApiError::Invalid(vec![FieldProblem { field: "amount".into(), message: m }])
        }
        other => other.into(),
    })?;
    respond(&state, auth.business_id, id, StatusCode::CREATED).await
}

async fn credit_note(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    let draft = invoicing::start_credit_note(&state, auth.business_id, id).await?;
    respond(&state, auth.business_id, draft, StatusCode::CREATED).await
}

async fn convert_quote(State(state): State<AppState>, auth: ApiAuth, ApiId(id): ApiId) -> Result<Response, ApiError> {
    auth.require_write()?;
    let draft = invoicing::convert_quote(&state, auth.business_id, id).await?;
    respond(&state, auth.business_id, draft, StatusCode::CREATED).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let id = Uuid::new_v4();
        assert_eq!(decode_cursor(&encode_cursor(at, id)), Some((at, id)));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&hex::encode("no-bar")), None);
    }
}
