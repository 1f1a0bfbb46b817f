//! Invoices and credit notes in the browser: list, create a draft, edit it with totals
//! recomputed on every save, issue it, record payments, and credit it.
//!
//! The editor works without JavaScript: it always offers a few blank line rows, and
//! saving recomputes the totals with the one calculation.

use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use fastfaktura_domain::{Currency, Decimal, VatCategory, parse_decimal, totals::QUANTITY_DECIMALS};
use serde::Deserialize;
use time::{Date, format_description::well_known::Iso8601};
use uuid::Uuid;

use super::{
    customers::PAGE_SIZE,
    forms::{FieldErrors, field, indexed_rows},
    invoice_views::{
        EditorLine, ListRow, TotalsView, document_name, money, payment_method_key, status_label, vat_categories,
    },
    pages::{InvoiceEditPage, InvoiceViewPage, InvoicesPage, NewInvoicePage, PaymentRow},
};
use crate::{
    auth::session::CurrentSession,
    db::{
        self,
        invoices::{DraftHeader, Invoice, Line, NewDraft, Payment, SaveRefused},
    },
    http::{IdPath, error::AppError},
    i18n::{Text, Tr, key},
    invoicing::{self, InvoicingError},
    state::AppState,
};

/// Blank rows the editor offers for new lines.
const BLANK_ROWS: usize = 3;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invoices", get(list).post(create))
        .route("/invoices/new", get(new_form))
        .route("/invoices/{id}", get(show).post(save))
        .route("/invoices/{id}/payments", post(add_payment))
        .route("/invoices/{id}/credit-note", post(credit_note))
        .route("/invoices/{id}/convert", post(convert_quote))
        .route("/invoices/{id}/recurring", post(start_recurring))
        .route("/invoices/recurring", get(recurring_list))
        .route("/invoices/recurring/{id}/stop", post(stop_recurring))
}

impl From<InvoicingError> for AppError {
    fn from(e: InvoicingError) -> Self {
        match e {
            InvoicingError::NotFound => AppError::NotFound,
            InvoicingError::Invalid(m) | InvoicingError::Incomplete(m) => AppError::BadRequest(m.into()),
            InvoicingError::Conflict(m) => AppError::Conflict(m.into()),
            InvoicingError::Database(e) => e.into(),
            InvoicingError::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InvoiceListQuery {
    q: String,
    page: Option<u32>,
    status: String,
}

async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    query: Result<Query<InvoiceListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query?;
    let page = i64::from(query.page.unwrap_or(1).clamp(1, 10_000));
    let today = state.clock.now().date();
    let filter = db::invoices::ListFilter::parse(&query.status);
    let offset = (page - 1) * PAGE_SIZE;
    let mut rows =
        db::invoices::list(&state.db, session.business_id, query.q.trim(), filter, today, PAGE_SIZE + 1, offset)
            .await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let invoices = rows.iter().map(|r| ListRow::from_listed(r, today)).collect();
    Ok(InvoicesPage { t, invoices, q: query.q.clone(), status: filter.as_str(), page, has_next }.into_response())
}

async fn new_form(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let customers = db::customers::list(&state.db, session.business_id, "", 500, 0).await?;
    Ok(NewInvoicePage { t, customers, error: None }.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewInvoiceForm {
    customer_id: String,
    price_entry: String,
    /// invoice (default) or quote
    kind: String,
}

async fn create(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    form: Result<Form<NewInvoiceForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let customer = match form.customer_id.parse::<Uuid>() {
        Ok(id) => db::customers::find(&state.db, session.business_id, id).await?,
        Err(_) => None,
    };
    let Some(customer) = customer.filter(|c| !c.archived) else {
        let customers = db::customers::list(&state.db, session.business_id, "", 500, 0).await?;
        let error = Some(t.t("invoice-choose-customer"));
        let page = NewInvoicePage { t, customers, error };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let price_entry = if form.price_entry == "gross" { "gross" } else { "net" };
    let mut tx = state.db.begin().await?;
    let id = db::invoices::create_draft(
        &mut tx,
        session.business_id,
        NewDraft {
            kind: if form.kind == "quote" { "quote" } else { "invoice" },
            customer_id: customer.id,
            currency: &customer.currency,
            price_entry,
            credited_invoice_id: None,
        },
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/invoices/{id}")).into_response())
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let invoice = db::invoices::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    let lines = db::invoices::lines(&state.db, session.business_id, id).await?;
    if invoice.status == "draft" {
        let editor_lines = lines.iter().map(EditorLine::from_stored).collect();
        let errors = FieldErrors::new(&t);
        return Ok(editor_page(&state, &t, session.business_id, &invoice, editor_lines, errors).await?.into_response());
    }
    Ok(view_page(&state, &t, session.business_id, invoice, &lines, None).await?.into_response())
}

async fn editor_page(
    state: &AppState,
    t: &Tr,
    business_id: Uuid,
    invoice: &Invoice,
    mut lines: Vec<EditorLine>,
    errors: FieldErrors,
) -> Result<InvoiceEditPage, AppError> {
    let customers = db::customers::list(&state.db, business_id, "", 500, 0).await?;
    let products = db::products::list(&state.db, business_id, "", 500, 0).await?;
    // Totals of what is stored (or of what was typed, when it parses).
    let parsed = parse_lines(t, &lines, invoice.kind == "credit_note").ok();
    let totals = parsed
        .as_ref()
        .and_then(|stored| invoicing::totals(invoice, stored).ok())
        .inspect(|totals| {
            for (line, net) in lines.iter_mut().zip(&totals.line_nets) {
                line.net = money(*net, &invoice.currency);
            }
        })
        .map(|totals| TotalsView::new(t, &totals));
    lines.extend(
        std::iter::repeat_with(|| EditorLine { vat_category: "S".into(), ..EditorLine::default() }).take(BLANK_ROWS),
    );
    Ok(InvoiceEditPage {
        t: t.clone(),
        id: invoice.id.to_string(),
        is_credit_note: invoice.kind == "credit_note",
        kind: invoice.kind.clone(),
        version: invoice.version,
        customer_id: invoice.customer_id.to_string(),
        customers,
        currency: invoice.currency.clone(),
        price_entry: invoice.price_entry.clone(),
        discount_percent: if invoice.discount_percent.is_zero() {
            String::new()
        } else {
            invoice.discount_percent.normalize().to_string()
        },
        note: invoice.note.clone(),
        lines,
        totals,
        vat_categories: vat_categories(),
        errors,
        products,
    })
}

/// Parses typed lines into stored ones, with errors keyed `lines[i][field]`.
pub(crate) fn parse_lines(t: &Tr, lines: &[EditorLine], credit_note: bool) -> Result<Vec<Line>, FieldErrors> {
    let mut errors = FieldErrors::new(t);
    let mut parsed = Vec::new();
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| !l.is_blank()) {
        let input = |f: &str| format!("lines[{i}][{f}]");
        let label = |field: &str| t.t2("line-field", "n", i + 1, "field", t.t(field));
        let description = errors.check(
            &input("description"),
            &label(key("line-description")),
            super::forms::required(t, &l.description, 500),
            String::new(),
        );
        let quantity = errors.check(
            &input("quantity"),
            &label(key("line-quantity")),
            parse_decimal(&l.quantity, QUANTITY_DECIMALS).map_err(|e| e.to_string()).and_then(|q| {
                if q.is_sign_negative() && !q.is_zero() && !credit_note {
                    Err(t.t("line-not-negative-on-invoice"))
                } else {
                    Ok(q)
                }
            }),
            Decimal::ZERO,
        );
        let unit = errors.check(
            &input("unit"),
            &label(key("line-unit")),
            super::forms::optional(t, &l.unit, 20),
            String::new(),
        );
        let unit_price = errors.check(
            &input("unit_price"),
            &label(key("line-unit-price")),
            parse_decimal(&l.unit_price, 4)
                .map_err(|e| e.to_string())
                .and_then(|p| if p.is_sign_negative() && !p.is_zero() { Err(t.t("form-not-negative")) } else { Ok(p) }),
            Decimal::ZERO,
        );
        let discount_percent = errors.check(
            &input("discount_percent"),
            &label(key("line-discount")),
            if l.discount_percent.trim().is_empty() {
                Ok(Decimal::ZERO)
            } else {
                parse_decimal(&l.discount_percent, 2).map_err(|e| e.to_string()).and_then(|d| {
                    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED { Err(t.t("form-percent-range")) } else { Ok(d) }
                })
            },
            Decimal::ZERO,
        );
        let category = errors.check(
            &input("vat_category"),
            &label(key("line-vat-category")),
            VatCategory::parse(&l.vat_category).map_err(|e| e.to_string()),
            VatCategory::Standard,
        );
        let rate = errors.check(
            &input("vat_rate"),
            &label(key("line-vat-rate")),
            if l.vat_rate.trim().is_empty() {
                Ok(Decimal::ZERO)
            } else {
                parse_decimal(&l.vat_rate, 2).map_err(|e| e.to_string())
            }
            .and_then(|r| category.check_rate(r).map(|()| r).map_err(|e| e.to_string())),
            Decimal::ZERO,
        );
        let exemption_reason = errors.check(
            &input("exemption_reason"),
            &label(key("line-exemption-reason")),
            super::forms::optional(t, &l.exemption_reason, 200),
            String::new(),
        );
        parsed.push(Line {
            description,
            quantity,
            unit,
            unit_price,
            discount_percent,
            vat_category: category.code().to_owned(),
            vat_rate: rate,
            exemption_reason,
        });
    }
    if errors.is_empty() { Ok(parsed) } else { Err(errors) }
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(pairs) = form?;
    let business_id = session.business_id;
    let invoice = db::invoices::find(&state.db, business_id, id).await?.ok_or(AppError::NotFound)?;
    if invoice.status != "draft" {
        return Err(AppError::Conflict(Text::key("error-issued-immutable")));
    }
    let action = field(&pairs, "action");
    if action == "delete" {
        db::invoices::delete_draft(&state.db, business_id, id).await?;
        return Ok(Redirect::to("/invoices").into_response());
    }
    let typed: Vec<EditorLine> = indexed_rows(&pairs, "lines").iter().map(EditorLine::from_form).collect();
    let mut typed: Vec<EditorLine> = typed.into_iter().filter(|l| !l.is_blank()).collect();
    if let Ok(product_id) = field(&pairs, "add_product").parse::<Uuid>()
        && let Some(p) = db::products::find(&state.db, business_id, product_id).await?
    {
        typed.push(EditorLine {
            description: p.name,
            quantity: "1".into(),
            unit: p.unit,
            unit_price: p.unit_price.normalize().to_string(),
            vat_category: p.vat_category,
            vat_rate: p.vat_rate.normalize().to_string(),
            ..EditorLine::default()
        });
    }
    let mut errors = FieldErrors::new(&t);
    let version: i32 = field(&pairs, "version").parse().unwrap_or(-1);
    let customer_id = match field(&pairs, "customer_id").parse::<Uuid>() {
        Ok(cid) => db::customers::find(&state.db, business_id, cid).await?.map(|c| c.id),
        Err(_) => None,
    };
    if customer_id.is_none() {
        errors.add("customer_id", t.t("invoice-choose-customer"));
    }
    let currency = errors.check(
        "currency",
        &t.t("label-currency"),
        super::forms::currency_code(field(&pairs, "currency")),
        invoice.currency.clone(),
    );
    let price_entry = if field(&pairs, "price_entry") == "gross" { "gross" } else { "net" };
    let discount_raw = field(&pairs, "discount_percent");
    let discount_percent = errors.check(
        "discount_percent",
        &t.t("label-invoice-discount"),
        if discount_raw.trim().is_empty() {
            Ok(Decimal::ZERO)
        } else {
            parse_decimal(discount_raw, 2).map_err(|e| e.to_string()).and_then(|d| {
                if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED { Err(t.t("form-percent-range")) } else { Ok(d) }
            })
        },
        Decimal::ZERO,
    );
    let note = errors.check(
        "note",
        &t.t("label-note"),
        super::forms::optional(&t, field(&pairs, "note"), 2000),
        String::new(),
    );
    let mut candidate = Invoice {
        currency: currency.clone(),
        price_entry: price_entry.into(),
        discount_percent,
        note: note.clone(),
        ..invoice.clone()
    };
    if let Some(cid) = customer_id {
        candidate.customer_id = cid;
    }
    let lines = match parse_lines(&t, &typed, invoice.kind == "credit_note") {
        Ok(lines) => {
            if let Err(e) = invoicing::totals(&candidate, &lines) {
                errors.add("lines", e.to_string());
            }
            lines
        }
        Err(line_errors) => {
            errors.add("lines", line_errors.summary());
            Vec::new()
        }
    };
    if !errors.is_empty() {
        let page = editor_page(&state, &t, business_id, &candidate, typed, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    let header = DraftHeader {
        customer_id: candidate.customer_id,
        currency: &currency,
        price_entry,
        discount_percent,
        note: &note,
    };
    match db::invoices::save_draft(&mut tx, business_id, id, version, header, &lines, state.clock.now()).await? {
        Ok(_) => tx.commit().await?,
        Err(SaveRefused::NotFound) => return Err(AppError::NotFound),
        Err(SaveRefused::Issued) => return Err(AppError::Conflict(Text::key("error-issued-immutable"))),
        Err(SaveRefused::Conflict) => return Err(AppError::Conflict(Text::key("error-draft-conflict"))),
    }
    if action == "issue" {
        match invoicing::issue(&state, business_id, id).await {
            Ok(_) => {}
            Err(InvoicingError::Invalid(message) | InvoicingError::Incomplete(message)) => {
                let saved = db::invoices::find(&state.db, business_id, id).await?.ok_or(AppError::NotFound)?;
                let mut errors = FieldErrors::new(&t);
                errors.add("lines", message);
                let page = editor_page(&state, &t, business_id, &saved, typed, errors).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Redirect::to(&format!("/invoices/{id}")).into_response())
}

/// The document's page again with a mistake in its Send form (422), keeping what was typed.
pub(super) async fn with_send_error(
    state: &AppState,
    t: &Tr,
    business_id: Uuid,
    invoice: Invoice,
    error: String,
    typed: (&str, &str),
) -> Result<Response, AppError> {
    let lines = db::invoices::lines(&state.db, business_id, invoice.id).await?;
    let mut page = view_page(state, t, business_id, invoice, &lines, None).await?;
    page.send_error = Some(error);
    (page.send_to, page.send_phone) = (typed.0.to_owned(), typed.1.to_owned());
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn view_page(
    state: &AppState,
    t: &Tr,
    business_id: Uuid,
    invoice: Invoice,
    lines: &[Line],
    payment_error: Option<String>,
) -> Result<InvoiceViewPage, AppError> {
    let totals = invoicing::totals(&invoice, lines)?;
    let customer = db::customers::find(&state.db, business_id, invoice.customer_id).await?.ok_or(AppError::NotFound)?;
    let payments = db::invoices::payments(&state.db, business_id, invoice.id).await?;
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    let open = invoicing::outstanding(state, business_id, &invoice, paid).await?;
    let today = state.clock.now().date();
    let credited_number = match invoice.credited_invoice_id {
        Some(original) => db::invoices::find(&state.db, business_id, original)
            .await?
            .and_then(|o| o.number)
            .map(|n| (original.to_string(), n)),
        None => None,
    };
    let is_invoice = invoice.kind == "invoice";
    Ok(InvoiceViewPage {
        t: t.clone(),
        id: invoice.id.to_string(),
        title: document_name(&invoice.kind),
        is_invoice,
        can_convert: invoice.kind == "quote",
        converted_to: if invoice.kind == "quote" {
            db::invoices::converted_from(&state.db, business_id, invoice.id).await?.map(|id| id.to_string())
        } else {
            None
        },
        number: invoice.number.clone().unwrap_or_default(),
        status: status_label(&invoice.kind, &invoice.status, invoice.voided, open, paid, invoice.due_date, today),
        send_to: customer.email.clone(),
        send_phone: customer.phone.clone(),
        sms_available: {
            let mut conn = state.db.acquire().await?;
            crate::integrations::sms_accounts::available(&mut conn, business_id).await?
        },
        customer_name: customer.name,
        issue_date: invoice.issue_date.map(|d| d.to_string()).unwrap_or_default(),
        due_date: invoice.due_date.map(|d| d.to_string()).unwrap_or_default(),
        note: invoice.note.clone(),
        lines: lines
            .iter()
            .zip(&totals.line_nets)
            .map(|(l, net)| EditorLine { net: money(*net, &invoice.currency), ..EditorLine::from_stored(l) })
            .collect(),
        totals: TotalsView::new(t, &totals),
        payments: payments
            .iter()
            .map(|p| PaymentRow {
                paid_on: p.paid_on.to_string(),
                amount: money(p.amount, &invoice.currency),
                method: payment_method_key(&p.method),
                reference: p.reference.clone(),
                refunded: (p.refunded > Decimal::ZERO).then(|| money(p.refunded, &invoice.currency)),
            })
            .collect(),
        open: money(open, &invoice.currency),
        can_pay: is_invoice && !invoice.voided && open > Decimal::ZERO,
        can_credit: is_invoice && !invoice.voided,
        credited: credited_number,
        today: today.to_string(),
        payment_error,
        send_error: None,
        can_share: invoice.status == "issued",
        can_download: invoice.status == "issued" && invoice.kind != "quote",
        deliveries: super::sharing::delivery_rows(state, t, business_id, invoice.id).await?,
        customer_link: if invoice.status == "issued" {
            super::sharing::link_view(state, business_id, invoice.id).await?
        } else {
            None
        },
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PaymentForm {
    paid_on: String,
    amount: String,
    method: String,
    reference: String,
}

fn parse_date(t: &Tr, input: &str) -> Result<Date, String> {
    Date::parse(input.trim(), &Iso8601::DATE).map_err(|_| t.t("form-date"))
}

async fn add_payment(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<PaymentForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let business_id = session.business_id;
    let invoice = db::invoices::find(&state.db, business_id, id).await?.ok_or(AppError::NotFound)?;
    let currency = Currency::parse(&invoice.currency).map_err(|e| AppError::BadRequest(e.to_string().into()))?;
    let mut errors = FieldErrors::new(&t);
    let paid_on = errors.check("paid_on", &t.t("label-date"), parse_date(&t, &form.paid_on), state.clock.now().date());
    let amount = errors.check(
        "amount",
        &t.t("label-amount"),
        parse_decimal(&form.amount, currency.minor_units())
            .map_err(|e| e.to_string())
            .and_then(|a| if a > Decimal::ZERO { Ok(a) } else { Err(t.t("payment-amount-positive")) }),
        Decimal::ZERO,
    );
    let method = errors.check(
        "method",
        &t.t("label-method"),
        matches!(form.method.as_str(), "bank_transfer" | "cash" | "card" | "other")
            .then(|| form.method.clone())
            .ok_or_else(|| t.t("payment-method-error")),
        String::new(),
    );
    let reference = errors.check(
        "reference",
        &t.t("label-reference"),
        super::forms::optional(&t, &form.reference, 200),
        String::new(),
    );
    let result = if errors.is_empty() {
        invoicing::record_payment(&state, business_id, id, Payment { paid_on, amount, method, reference }).await
    } else {
        Err(InvoicingError::Invalid(errors.summary()))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/invoices/{id}")).into_response()),
        Err(InvoicingError::Invalid(message)) => {
            let lines = db::invoices::lines(&state.db, business_id, id).await?;
            let page = view_page(&state, &t, business_id, invoice, &lines, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn credit_note(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let draft = invoicing::start_credit_note(&state, session.business_id, id).await?;
    Ok(Redirect::to(&format!("/invoices/{draft}")).into_response())
}

async fn convert_quote(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let draft = invoicing::convert_quote(&state, session.business_id, id).await?;
    Ok(Redirect::to(&format!("/invoices/{draft}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RecurringForm {
    every_months: String,
    /// Checkbox: issue and email each new invoice without a click.
    auto_send: Option<String>,
}

async fn start_recurring(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
    form: Result<Form<RecurringForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    db::invoices::find(&state.db, session.business_id, id).await?.ok_or(AppError::NotFound)?;
    let months = form.every_months.trim().parse::<i32>().unwrap_or(0);
    invoicing::start_recurring(&state, session.business_id, id, months, form.auto_send.is_some()).await?;
    Ok(Redirect::to("/invoices/recurring").into_response())
}

async fn recurring_list(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let templates = db::recurring::list_active(&state.db, session.business_id).await?;
    Ok(super::pages::RecurringPage { t, templates }.into_response())
}

async fn stop_recurring(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    if !db::recurring::stop(&state.db, session.business_id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/invoices/recurring").into_response())
}
