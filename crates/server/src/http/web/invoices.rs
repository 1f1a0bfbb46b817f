//! Invoices and credit notes in the browser: list, create a draft, edit it with totals
//! recomputed on every save, issue it, record payments, and credit it. Each handler
//! calls one operation of `app::invoicing` and renders its answer.
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
use fastfaktura_domain::{Decimal, InvoiceKind, InvoiceStatus};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    forms::{field, indexed_rows},
    invoice_views::{
        EditorLine, ListRow, TotalsView, day, document_name, money_in, payment_method_key, quote_status_label,
        reference_rows, status_label, vat_choices,
    },
    pages::{DateField, InvoiceEditPage, InvoiceViewPage, InvoicesPage, NewInvoicePage, PaymentRow},
};
use crate::{
    app::{
        Caller, Error,
        fields::FieldErrors,
        invoicing::{
            self, DraftInput, Invoice, LineFields, PaymentInput,
            drafts::{draft_editor, editable_draft},
            views::{ListQuery, find_invoice, owner_invoice_view},
        },
        peppol::PeppolRoute,
    },
    http::session::CurrentSession,
    http::{IdPath, error::AppError},
    i18n::{Tr, key},
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
    let asked = ListQuery { search: &query.q, page: query.page.unwrap_or(1), status: &query.status };
    let found = invoicing::views::list_invoices(&state, &session.caller(), asked).await?;
    let today = state.clock.now().date();
    let invoices = found.rows.iter().map(|r| ListRow::from_listed(r, today, t.lang())).collect();
    let (status, page, has_next) = (found.filter.as_str(), found.page, found.has_next);
    Ok(InvoicesPage { t, invoices, q: query.q.clone(), status, page, has_next }.into_response())
}

async fn new_form(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let customers = invoicing::views::customer_choices(&state, &session.caller()).await?;
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
    let caller = session.caller();
    // The form is lenient: anything but a quote is an invoice, anything but gross is net.
    let kind = if form.kind == "quote" { "quote" } else { "invoice" };
    let customer_id = form.customer_id.parse::<Uuid>().ok();
    match invoicing::create_draft(&state, &caller, &t, customer_id, Some(kind), Some(&form.price_entry)).await {
        Ok(id) => Ok(Redirect::to(&format!("/invoices/{id}")).into_response()),
        Err(Error::Invalid(errors)) => {
            let customers = invoicing::views::customer_choices(&state, &caller).await?;
            let errors = errors.read_in(&t);
            let page = NewInvoicePage { t, customers, error: Some(errors.summary()) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn show(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let caller = session.caller();
    let invoice = find_invoice(&state, caller.business_id, id).await?;
    if invoice.status == InvoiceStatus::Draft {
        let page = editor_page(&state, &caller, &t, invoice, None, FieldErrors::new(&t)).await?;
        return Ok(with_editor_script(page.into_response()));
    }
    Ok(view_page(&state, &t, &caller, id).await?.into_response())
}

pub(super) async fn editor_page(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    invoice: Invoice,
    typed: Option<&DraftInput>,
    errors: FieldErrors,
) -> Result<InvoiceEditPage, AppError> {
    let editor = draft_editor(state, caller, t, invoice, typed).await?;
    let invoice = editor.invoice;
    let mut lines: Vec<EditorLine> = editor.lines.into_iter().map(EditorLine::from).collect();
    // Each mistake at its cell: `lines[2][quantity]` marks the third row's quantity.
    for (i, line) in lines.iter_mut().enumerate() {
        for field in EditorLine::FIELDS {
            if let Some(message) = errors.get(&format!("lines[{i}][{field}]")) {
                line.errors.push((field, message));
            }
        }
    }
    if let Some(totals) = &editor.totals {
        for (line, net) in lines.iter_mut().zip(&totals.line_nets) {
            line.net = money_in(*net, invoice.currency, t.lang());
        }
    }
    lines.extend(
        std::iter::repeat_with(|| EditorLine { vat_category: "S".into(), ..EditorLine::default() }).take(BLANK_ROWS),
    );
    let language = t.lang().locale();
    let mut used: Vec<(String, String)> = editor
        .products
        .iter()
        .map(|p| (p.vat_category.clone(), fastfaktura_domain::locale::number(p.vat_rate, language)))
        .collect();
    used.extend(lines.iter().map(|l| (l.vat_category.clone(), l.vat_rate.clone())));
    let vat_choices = vat_choices(t, &editor.country, &used);
    let show_exemption = lines.iter().any(|l| !matches!(l.vat_category.as_str(), "S" | "Z" | ""));
    Ok(InvoiceEditPage {
        t: t.clone(),
        id: invoice.id.to_string(),
        is_credit_note: invoice.kind == InvoiceKind::CreditNote,
        kind: invoice.kind.as_str().to_owned(),
        version: invoice.version,
        customer_id: invoice.customer_id.to_string(),
        customers: editor.customers,
        currency: invoice.currency.code().to_owned(),
        price_entry: invoice.price_entry.as_str().to_owned(),
        discount_percent: if invoice.discount_percent.is_zero() {
            String::new()
        } else {
            fastfaktura_domain::locale::number(invoice.discount_percent, t.lang().locale())
        },
        note: invoice.note.clone(),
        dates_open: date_fields(&invoice).iter().any(|f| !f.value.is_empty() || errors.get(f.name).is_some()),
        date_fields: date_fields(&invoice),
        lines,
        totals: editor.totals.map(|totals| TotalsView::new(t, &totals)),
        vat_choices,
        show_exemption,
        errors,
        products: editor.products,
    })
}

/// The editor's page may run our own script (live totals); no other page may.
pub(super) fn with_editor_script(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(crate::security_headers::EDITOR_CONTENT_SECURITY_POLICY),
    );
    response
}

/// The editor's form as the one draft input: empty rows dropped, a product from the
/// catalogue added as a line, the price entry read leniently (anything but gross is net).
pub(super) async fn draft_input(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    pairs: &[(String, String)],
) -> Result<DraftInput, AppError> {
    let mut lines: Vec<LineFields> =
        indexed_rows(pairs, "lines").iter().map(|row| EditorLine::from_form(row).into()).collect();
    lines.retain(|l| !l.is_blank());
    if let Ok(product_id) = field(pairs, "add_product").parse::<Uuid>()
        && let Some(line) = invoicing::drafts::product_line(state, caller, t, product_id).await?
    {
        lines.push(line);
    }
    Ok(DraftInput {
        customer_id: field(pairs, "customer_id").parse().ok(),
        currency: Some(field(pairs, "currency").to_owned()),
        price_entry: Some(if field(pairs, "price_entry") == "gross" { "gross" } else { "net" }.to_owned()),
        discount_percent: Some(field(pairs, "discount_percent").to_owned()),
        note: Some(field(pairs, "note").to_owned()),
        lines,
        version: Some(field(pairs, "version").parse().unwrap_or(-1)),
        kind: None,
        issue_date: Some(field(pairs, "issue_date").to_owned()),
        due_date: Some(field(pairs, "due_date").to_owned()),
        delivery_date: Some(field(pairs, "delivery_date").to_owned()),
        period_start: Some(field(pairs, "period_start").to_owned()),
        period_end: Some(field(pairs, "period_end").to_owned()),
        buyer_reference: Some(field(pairs, "buyer_reference").to_owned()),
        order_reference: Some(field(pairs, "order_reference").to_owned()),
    })
}

/// The editor's date and reference inputs with the draft's values; empty issue and
/// due dates are decided at issue (today, and from the terms).
fn date_fields(invoice: &invoicing::Invoice) -> Vec<DateField> {
    let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let refs = &invoice.references;
    let quote = invoice.kind == InvoiceKind::Quote;
    let credit_note = invoice.kind == InvoiceKind::CreditNote;
    let field = |name, label, input_type, value, hint| DateField { name, label, input_type, value, hint };
    let mut fields = vec![field(
        "issue_date",
        key("label-issue-date"),
        "date",
        date(invoice.issue_date),
        key("editor-issue-date-hint"),
    )];
    if !credit_note {
        let (label, hint) = if quote {
            (key("label-valid-until"), key("editor-valid-until-hint"))
        } else {
            (key("label-due-date"), key("editor-due-date-hint"))
        };
        fields.push(field("due_date", label, "date", date(invoice.due_date), hint));
    }
    fields.extend([
        field("delivery_date", key("label-delivery-date"), "date", date(refs.delivery_date), ""),
        field("period_start", key("label-period-start"), "date", date(refs.period.map(|p| p.0)), ""),
        field("period_end", key("label-period-end"), "date", date(refs.period.map(|p| p.1)), ""),
        field(
            "buyer_reference",
            key("label-buyer-reference"),
            "text",
            refs.buyer_reference.clone(),
            key("editor-buyer-reference-hint"),
        ),
        field("order_reference", key("label-order-reference"), "text", refs.order_reference.clone(), ""),
    ]);
    fields
}

async fn save(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    IdPath(id): IdPath,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(pairs) = form?;
    let caller = session.caller();
    let invoice = editable_draft(&state, &caller, id).await?;
    let action = field(&pairs, "action");
    if action == "delete" {
        invoicing::delete_draft(&state, &caller, id).await?;
        return Ok(Redirect::to("/invoices").into_response());
    }
    let input = draft_input(&state, &caller, &t, &pairs).await?;
    match invoicing::save_draft(&state, &caller, &t, id, &input).await {
        Ok(_) => {}
        Err(Error::Invalid(errors)) => {
            let page = editor_page(&state, &caller, &t, invoice, Some(&input), errors.read_in(&t)).await?;
            return Ok(with_editor_script((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()));
        }
        Err(e) => return Err(e.into()),
    }
    // "Issue" in the editor saves, then asks for confirmation with a preview.
    if action == "review" {
        return Ok(Redirect::to(&format!("/invoices/{id}/issue")).into_response());
    }
    if action == "issue" {
        let refused = match invoicing::issue_invoice(&state, &caller, id).await {
            Ok(_) => None,
            // A mistake at a field (an issue date out of order) is shown at that field.
            Err(Error::Invalid(errors)) => Some(errors.read_in(&t)),
            Err(Error::Unprocessable(message)) => {
                let mut errors = FieldErrors::new(&t);
                errors.add("lines", message.render(t.lang()));
                Some(errors)
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(errors) = refused {
            let saved = find_invoice(&state, caller.business_id, id).await?;
            let page = editor_page(&state, &caller, &t, saved, Some(&input), errors).await?;
            return Ok(with_editor_script((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()));
        }
    }
    Ok(Redirect::to(&format!("/invoices/{id}")).into_response())
}

/// The document's page again with a mistake in its Send form (422), keeping what was typed.
pub(super) async fn with_send_error(
    state: &AppState,
    t: &Tr,
    caller: &Caller,
    id: Uuid,
    error: String,
    typed: (&str, &str),
) -> Result<Response, AppError> {
    let mut page = view_page(state, t, caller, id).await?;
    page.send_error = Some(error);
    (page.send_to, page.send_phone) = (typed.0.to_owned(), typed.1.to_owned());
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn view_page(state: &AppState, t: &Tr, caller: &Caller, id: Uuid) -> Result<InvoiceViewPage, AppError> {
    let view = owner_invoice_view(state, caller, id).await?;
    let (detail, totals, customer) = (&view.detail, &view.totals, view.customer);
    let invoice = &detail.invoice;
    let currency = invoice.currency;
    let (open, paid) = (detail.open(), detail.paid());
    let today = state.clock.now().date();
    let is_invoice = invoice.kind == InvoiceKind::Invoice;
    let claim =
        crate::app::bank_claims::claim_of(state, caller, id).await?.map(|c| super::invoice_views::claim_line(t, &c));
    Ok(InvoiceViewPage {
        claim,
        t: t.clone(),
        id: invoice.id.to_string(),
        title: document_name(invoice.kind),
        is_invoice,
        can_convert: invoice.kind == InvoiceKind::Quote && invoice.status == InvoiceStatus::Issued,
        can_duplicate: invoice.kind != InvoiceKind::CreditNote,
        converted_to: detail
            .converted_to
            .as_ref()
            .map(|(id, number)| (id.to_string(), number.clone().unwrap_or_else(|| t.t("status-draft").to_lowercase()))),
        number: invoice.number.clone().unwrap_or_default(),
        status: if invoice.kind == InvoiceKind::Quote {
            quote_status_label(invoice, detail.converted_to.is_some(), today)
        } else {
            status_label(invoice.kind, invoice.status, invoice.voided, open, paid, invoice.due_date, today)
        },
        quote_decision: invoice.quote_decision.as_ref().map(|(decision, at)| {
            let label = if decision == "accepted" { key("quote-accepted-on") } else { key("quote-declined-on") };
            (label, day(at.date(), t.lang()))
        }),
        credit_notes: detail.credit_notes.iter().map(|(id, number)| (id.to_string(), number.clone())).collect(),
        references: reference_rows(invoice, t.lang()),
        due_label: if invoice.kind == InvoiceKind::Quote { key("view-valid-until") } else { key("view-due") },
        send_to: customer.email,
        send_phone: customer.phone,
        sms_available: view.sms_available,
        peppol_ready: match &view.peppol {
            Some(PeppolRoute::Ready { participant }) => Some(participant.to_string()),
            _ => None,
        },
        peppol_note: view.peppol.as_ref().and_then(|route| super::invoice_views::peppol_note(t, route)),
        // An issued document is addressed as it was issued.
        customer_name: detail.parties.as_ref().map_or(customer.name, |p| p.buyer.name.clone()),
        issue_date: invoice.issue_date.map(|d| day(d, t.lang())).unwrap_or_default(),
        due_date: invoice.due_date.map(|d| day(d, t.lang())).unwrap_or_default(),
        note: invoice.note.clone(),
        lines: EditorLine::with_nets(&detail.lines, totals, currency, t.lang()),
        totals: TotalsView::of(t, totals, invoice.price_entry),
        payments: detail
            .payments
            .iter()
            .map(|p| PaymentRow {
                paid_on: day(p.paid_on, t.lang()),
                amount: money_in(p.amount, currency, t.lang()),
                method: payment_method_key(&p.method),
                reference: p.reference.clone(),
                refunded: (p.refunded > Decimal::ZERO).then(|| money_in(p.refunded, currency, t.lang())),
                removable: (caller.is_owner() && p.method != "card").then(|| p.id.to_string()),
            })
            .collect(),
        open: money_in(open, currency, t.lang()),
        owed_to_customer: (open < Decimal::ZERO).then(|| money_in(-open, currency, t.lang())),
        can_pay: is_invoice && !invoice.voided && open > Decimal::ZERO,
        can_credit: is_invoice && !invoice.voided,
        credited: detail.credited.as_ref().map(|(id, number)| (id.to_string(), number.clone())),
        today: today.to_string(),
        payment_errors: FieldErrors::new(t),
        payment_typed: PaymentInput { paid_on: today.to_string(), ..PaymentInput::default() },
        send_error: None,
        can_share: invoice.status == InvoiceStatus::Issued,
        can_download: invoice.status == InvoiceStatus::Issued,
        has_e_invoice: invoice.kind != InvoiceKind::Quote,
        deliveries: super::invoice_views::delivery_rows(t, &view.deliveries),
        customer_link: view.customer_link.map(|link| super::invoice_views::CustomerLinkView::new(t, link)),
    })
}

async fn add_payment(
    State(state): State<AppState>,
    session: CurrentSession,
    t: Tr,
    meta: crate::audit::RequestMeta,
    IdPath(id): IdPath,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(pairs) = form?;
    let get = |name: &str| field(&pairs, name).to_owned();
    let input = PaymentInput {
        paid_on: get("paid_on"),
        amount: get("amount"),
        method: get("method"),
        reference: get("reference"),
    };
    let caller = session.caller();
    match invoicing::record_payment(&state, &caller, &t, &meta, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/invoices/{id}")).into_response()),
        Err(Error::Invalid(errors)) => {
            // The page lands on the form (its URL carries #record-payment), with each
            // mistake at its field and what was typed kept.
            let mut page = view_page(&state, &t, &caller, id).await?;
            page.payment_errors = errors.read_in(&t);
            page.payment_typed = input;
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
    let draft = invoicing::start_credit_note(&state, &session.caller(), id).await?;
    Ok(Redirect::to(&format!("/invoices/{draft}")).into_response())
}

async fn convert_quote(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let draft = invoicing::convert_quote(&state, &session.caller(), id).await?;
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
    let months = form.every_months.trim().parse::<i32>().unwrap_or(0);
    invoicing::start_recurring(&state, &session.caller(), id, months, form.auto_send.is_some()).await?;
    Ok(Redirect::to("/invoices/recurring").into_response())
}

async fn recurring_list(State(state): State<AppState>, session: CurrentSession, t: Tr) -> Result<Response, AppError> {
    let templates = invoicing::list_recurring(&state, &session.caller()).await?;
    Ok(super::pages::RecurringPage { t, templates }.into_response())
}

async fn stop_recurring(
    State(state): State<AppState>,
    session: CurrentSession,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    invoicing::stop_recurring(&state, &session.caller(), id).await?;
    Ok(Redirect::to("/invoices/recurring").into_response())
}
