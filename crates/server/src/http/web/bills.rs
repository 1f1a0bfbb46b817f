//! Bills → receive an e-invoice (a multipart upload like the Bank page's), the bills by
//! state, one bill with its supplier, amounts, payment details (with copy buttons),
//! validation findings, original and readable PDF, and its state buttons; the
//! bookkeeper's CSV and ZIP.
//!
//! A refused file shows its reason at the file field; a refused date at the date field.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Path, Query, State, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use fastfaktura_documents::import::{ImportedInvoice, MAX_RECEIVED_BYTES};
use fastfaktura_domain::{Currency, Decimal};
use serde::Deserialize;
use uuid::Uuid;

use super::invoice_views::{day, money_in};
use crate::{
    app::{
        Error,
        bills::{self, Bill, BillState, FileOutcome, Finding, Period, ScheduleInput, Severity, Source},
    },
    audit::RequestMeta,
    http::{documents::file_response, error::AppError, session::CurrentSession},
    i18n::{Lang, Tr},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bills", get(list))
        .route("/bills/upload", post(upload).layer(DefaultBodyLimit::max(MAX_RECEIVED_BYTES + 16 * 1024)))
        .route("/bills/inbound-address", post(new_inbound_address))
        .route("/bills/export.csv", get(export_csv))
        .route("/bills/export.zip", get(export_zip))
        .route("/bills/{id}", get(show))
        .route("/bills/{id}/original", get(original))
        .route("/bills/{id}/pdf", get(pdf))
        .route("/bills/{id}/schedule", post(schedule))
        .route("/bills/{id}/paid", post(paid))
        .route("/bills/{id}/reopen", post(reopen))
}

/// A bill as the list shows it.
pub struct BillRow {
    pub id: Uuid,
    pub supplier: String,
    pub number: String,
    pub issued: String,
    pub due: String,
    pub amount: String,
    pub state: String,
    pub invalid: bool,
    pub duplicate: bool,
    pub credit_note: bool,
}

/// An email received at the business's address, with what became of its files.
pub struct EmailRow {
    pub received: String,
    pub from: String,
    pub subject: String,
    /// (file name, what became of it, the bill to open).
    pub files: Vec<(String, String, Option<Uuid>)>,
}

/// A received document that did not become a bill, with why.
pub struct UnreadRow {
    pub received: String,
    pub file_name: String,
    pub findings: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bills.html")]
pub struct BillsPage {
    pub t: Tr,
    /// The state shown (`to_pay`, `scheduled`, `paid`), or all.
    pub filter: String,
    pub filters: Vec<(String, String)>,
    pub rows: Vec<BillRow>,
    pub unread: Vec<UnreadRow>,
    pub file_error: Option<String>,
    pub export_error: Option<String>,
    /// The business's own address for e-invoices by email, when this server receives email.
    pub inbound_address: Option<String>,
    pub is_owner: bool,
    pub emails: Vec<EmailRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    state: Option<String>,
}

fn money(amount: Decimal, currency: &str, lang: Lang) -> String {
    match Currency::parse(currency) {
        Ok(c) => money_in(amount, c, lang),
        Err(_) => format!("{} {currency}", amount.normalize()),
    }
}

fn state_label(t: &Tr, bill: &Bill) -> String {
    match (bill.state.as_str(), bill.scheduled_for) {
        ("scheduled", Some(date)) => t.t1("bills-state-scheduled", "date", day(date, t.lang())),
        ("paid", _) => t.t("bills-state-paid"),
        _ => t.t("bills-state-to_pay"),
    }
}

/// A finding in plain words: (severity, what).
fn finding_text(t: &Tr, f: &Finding) -> (String, String) {
    let severity = match f.severity {
        Severity::Fatal => t.t("bill-severity-fatal"),
        Severity::Warning => t.t("bill-severity-warning"),
    };
    let what = match f.rule.as_deref() {
        Some("missing") => t.t1("bills-finding-missing", "what", f.message.as_str()),
        Some("unsupported") => t.t1("bills-finding-unsupported", "what", f.message.as_str()),
        Some(rule) => format!("{rule}: {}", f.message),
        None => f.message.clone(),
    };
    (severity, what)
}

async fn list_page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    filter: Option<BillState>,
    file_error: Option<String>,
    export_error: Option<String>,
) -> Result<BillsPage, AppError> {
    let list = bills::list_bills(state, &session.caller(), filter).await?;
    let lang = t.lang();
    let rows = list
        .bills
        .iter()
        .map(|b| BillRow {
            id: b.id,
            supplier: b.supplier_name.clone(),
            number: b.number.clone(),
            issued: day(b.issue_date, lang),
            due: b.due_date.map(|d| day(d, lang)).unwrap_or_default(),
            amount: money(b.payable, &b.currency, lang),
            state: state_label(&t, b),
            invalid: b.document_status == "invalid",
            duplicate: b.duplicate_of.is_some(),
            credit_note: b.credit_note,
        })
        .collect();
    let unread = list
        .without_bill
        .iter()
        .map(|d| UnreadRow {
            received: day(d.received_at.date(), lang),
            file_name: d.file_name.clone(),
            findings: bills::findings_of(&d.validation).iter().map(|f| finding_text(&t, f)).collect(),
        })
        .collect();
    let filters = vec![
        (String::new(), t.t("bills-filter-all")),
        ("to_pay".to_owned(), t.t("bills-filter-to_pay")),
        ("scheduled".to_owned(), t.t("bills-filter-scheduled")),
        ("paid".to_owned(), t.t("bills-filter-paid")),
    ];
    let filter = filter.map(|f| f.as_str().to_owned()).unwrap_or_default();
    let caller = session.caller();
    let inbound_address = bills::inbound_address(state, &caller).await?;
    let emails = bills::recent_emails(state, &caller).await?.iter().map(|e| email_row(&t, e)).collect();
    let is_owner = caller.is_owner();
    Ok(BillsPage { t, filter, filters, rows, unread, file_error, export_error, inbound_address, is_owner, emails })
}

fn email_row(t: &Tr, email: &bills::ReceivedEmailView) -> EmailRow {
    let mut files: Vec<(String, String, Option<Uuid>)> = email
        .files
        .iter()
        .map(|f| {
            let what = match f.outcome {
                FileOutcome::Bill => t.t("bills-email-file-bill"),
                FileOutcome::AlreadyReceived => t.t("bills-email-file-again"),
                FileOutcome::NoBill => t.t("bills-email-file-no-bill"),
                FileOutcome::Refused => {
                    let reason = f.reason.as_ref().and_then(|r| r.get(t.lang().code()).cloned()).unwrap_or_default();
                    t.t1("bills-email-file-refused", "reason", reason)
                }
            };
            (f.file_name.clone(), what, f.bill_id)
        })
        .collect();
    if files.is_empty() {
        files.push((String::new(), t.t("bills-email-no-files"), None));
    }
    if email.files_left > 0 {
        files.push((String::new(), t.t1("bills-email-files-left", "count", i64::from(email.files_left)), None));
    }
    EmailRow {
        received: t.moment(email.received_at),
        from: email.from.clone(),
        subject: email.subject.clone().unwrap_or_default(),
        files,
    }
}

async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = q.state.as_deref().and_then(BillState::parse);
    Ok(list_page(&state, &session, t, filter, None, None).await?.into_response())
}

async fn upload(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let file = match super::forms::uploaded_file(multipart, "file", "upload").await {
        Ok(file) => file,
        Err(super::forms::UploadTooLarge) => {
            let message = t.t("bills-refused-too-large");
            return refused(&state, &session, t, StatusCode::PAYLOAD_TOO_LARGE, message).await;
        }
    };
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        let message = t.t("bills-file-missing");
        return refused(&state, &session, t, StatusCode::BAD_REQUEST, message).await;
    };
    match bills::receive_document(&state, &session.caller(), &meta, Source::Upload, &name, &bytes).await {
        Ok(received) => {
            let how = if received.already_received {
                "again"
            } else if received.duplicate_of.is_some() {
                "duplicate"
            } else if received.invalid {
                "invalid"
            } else {
                "new"
            };
            Ok(match received.bill_id {
                Some(id) => Redirect::to(&format!("/bills/{id}?received={how}")).into_response(),
                None => Redirect::to("/bills").into_response(),
            })
        }
        Err(Error::Invalid(errors)) => {
            let message = errors.read_in(&t).summary();
            refused(&state, &session, t, StatusCode::UNPROCESSABLE_ENTITY, message).await
        }
        Err(e) => Err(e.into()),
    }
}

/// "New address": the old inbound address stops receiving.
async fn new_inbound_address(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    bills::new_inbound_address(&state, &session.caller(), &meta).await?;
    Ok(Redirect::to("/bills#inbound").into_response())
}

async fn refused(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    status: StatusCode,
    message: String,
) -> Result<Response, AppError> {
    Ok((status, list_page(state, session, t, None, Some(message), None).await?).into_response())
}

/// The bookkeeper's export of one period.
async fn export_csv(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    match bills::export_bills_csv(&state, &session.caller(), &period).await {
        Ok(csv) => Ok(file_response("bills.csv", "text/csv; charset=utf-8", csv.into_bytes(), false)),
        Err(Error::Invalid(errors)) => export_refused(&state, &session, t, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn export_zip(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    match bills::export_originals_zip(&state, &session.caller(), &period).await {
        Ok(zip) => Ok(file_response("bills.zip", "application/zip", zip, false)),
        Err(Error::Invalid(errors)) => export_refused(&state, &session, t, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn export_refused(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    errors: crate::app::fields::FieldErrors,
) -> Result<Response, AppError> {
    let message = errors.read_in(&t).summary();
    let page = list_page(state, session, t, None, None, Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "bill.html")]
pub struct BillPage {
    pub t: Tr,
    pub id: Uuid,
    pub notice: Option<String>,
    pub supplier: String,
    /// (label, value) rows: VAT id, registration id, Peppol id.
    pub supplier_ids: Vec<(String, String)>,
    pub number: String,
    pub credit_note: bool,
    pub issued: String,
    pub due: String,
    pub received: String,
    pub net: String,
    pub vat: String,
    pub total: String,
    pub payable: String,
    /// (category, rate, taxable, VAT)
    pub breakdown: Vec<(String, String, String, String)>,
    /// (label, value shown, value copied)
    pub payment: Vec<(String, String, String)>,
    pub state: String,
    pub state_code: String,
    pub invalid: bool,
    pub duplicate_of: Option<Uuid>,
    pub findings: Vec<(String, String)>,
    /// (item, quantity, unit price, net)
    pub lines: Vec<(String, String, String, String)>,
    pub readable_pdf: bool,
    pub today: String,
    pub date_error: Option<String>,
    pub date_value: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    received: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let notice = match q.received.as_deref() {
        Some("new") => Some(t.t("bills-received-new")),
        Some("again") => Some(t.t("bills-received-again")),
        Some("duplicate") => Some(t.t("bills-received-duplicate")),
        Some("invalid") => Some(t.t("bills-received-invalid")),
        _ => None,
    };
    let page = bill_page(&state, &session, t, id, notice, None, String::new()).await?;
    Ok(with_copy_script(page.into_response()))
}

/// The bill page may run our own copy-button script; no other page of the app may.
fn with_copy_script(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::security_headers::CUSTOMER_PAGE_CONTENT_SECURITY_POLICY),
    );
    response
}

async fn bill_page(
    state: &AppState,
    session: &CurrentSession,
    t: Tr,
    id: Uuid,
    notice: Option<String>,
    date_error: Option<String>,
    date_value: String,
) -> Result<BillPage, AppError> {
    let detail = bills::bill_detail(state, &session.caller(), id).await?;
    let b = &detail.bill;
    let lang = t.lang();
    let m = |amount: Decimal| money(amount, &b.currency, lang);
    let supplier_ids = [
        (t.t("bill-vat-id"), &b.supplier_vat_id),
        (t.t("bill-registration-id"), &b.supplier_registration_id),
        (t.t("bill-participant-id"), &b.supplier_participant_id),
    ]
    .into_iter()
    .filter_map(|(label, value)| Some((label, value.clone()?)))
    .collect();
    let mut payment = Vec::new();
    if let Some(r) = &b.payment_reference {
        payment.push((t.t("bill-reference"), r.clone(), r.clone()));
    }
    if let Some(iban) = &b.iban {
        payment.push((t.t("bill-account"), grouped(iban), iban.clone()));
    }
    if let Some(bic) = &b.bic {
        payment.push((t.t("bill-bic"), bic.clone(), bic.clone()));
    }
    payment.push((t.t("bill-payable"), m(b.payable), b.payable.normalize().to_string()));
    let breakdown = b
        .vat_breakdown
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
                    let amount = |k: &str| s(k).parse::<Decimal>().map(m).unwrap_or_default();
                    (s("category"), s("rate"), amount("taxable"), amount("vat"))
                })
                .collect()
        })
        .unwrap_or_default();
    let lines = detail.invoice.as_ref().map(|i| lines_of(i, &m)).unwrap_or_default();
    let how = match b.document_source.as_str() {
        "access_point" => t.t("bill-source-access_point"),
        "email" => t.t("bill-source-email"),
        _ => t.t("bill-source-upload"),
    };
    let received = t.t2("bill-received", "date", day(b.created_at.date(), lang), "how", how);
    Ok(BillPage {
        id: b.id,
        notice,
        supplier: b.supplier_name.clone(),
        supplier_ids,
        number: b.number.clone(),
        credit_note: b.credit_note,
        issued: day(b.issue_date, lang),
        due: b.due_date.map(|d| day(d, lang)).unwrap_or_default(),
        received,
        net: m(b.net),
        vat: m(b.vat),
        total: m(b.total),
        payable: m(b.payable),
        breakdown,
        payment,
        state: state_label(&t, b),
        state_code: b.state.clone(),
        invalid: b.document_status == "invalid",
        duplicate_of: b.duplicate_of,
        findings: detail.findings.iter().map(|f| finding_text(&t, f)).collect(),
        lines,
        readable_pdf: detail.readable_pdf,
        today: state.clock.now().date().to_string(),
        date_error,
        date_value,
        t,
    })
}

fn lines_of(invoice: &ImportedInvoice, m: &dyn Fn(Decimal) -> String) -> Vec<(String, String, String, String)> {
    invoice
        .lines
        .iter()
        .map(|l| {
            let quantity = format!("{} {}", l.quantity.normalize(), l.unit_code);
            (l.name.clone(), quantity, l.unit_price.map(m).unwrap_or_default(), m(l.net_amount))
        })
        .collect()
}

/// An IBAN in groups of four, as it is read aloud and typed.
fn grouped(iban: &str) -> String {
    iban.chars().collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

async fn original(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let (name, media_type, bytes) = bills::bill_original(&state, &session.caller(), id).await?;
    Ok(file_response(&name, media_type, bytes, false))
}

async fn pdf(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let (name, bytes) = bills::bill_pdf(&state, &session.caller(), id, t.lang()).await?;
    Ok(file_response(&name, "application/pdf", bytes, true))
}

async fn schedule(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
    Form(input): Form<ScheduleInput>,
) -> Result<Response, AppError> {
    match bills::schedule_bill(&state, &session.caller(), &meta, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/bills/{id}")).into_response()),
        Err(Error::Invalid(errors)) => {
            let errors = errors.read_in(&t);
            let message = errors.get("date").unwrap_or_else(|| errors.summary());
            let page = bill_page(&state, &session, t, id, None, Some(message), input.date).await?;
            Ok(with_copy_script((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()))
        }
        Err(e) => Err(e.into()),
    }
}

async fn paid(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    bills::mark_bill_paid(&state, &session.caller(), &meta, id).await?;
    Ok(Redirect::to(&format!("/bills/{id}")).into_response())
}

async fn reopen(
    State(state): State<AppState>,
    session: CurrentSession,
    meta: RequestMeta,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    bills::reopen_bill(&state, &session.caller(), &meta, id).await?;
    Ok(Redirect::to(&format!("/bills/{id}")).into_response())
}
