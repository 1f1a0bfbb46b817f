//! The customer's view of an issued document at `/i/{token}`: no account, the token is
//! the only key. It shows this one document and nothing else of the business (no
//! links into the app, no other invoices), in the customer's language unless the
//! visitor chose one, and is kept out of search engines and referrers.
//!
//! Every request counts against a per-address budget in PostgreSQL, and unknown
//! tokens against a much smaller one, so guessing is slow from one address (and the
//! 256-bit token makes it hopeless anyway). An unknown or revoked token is a plain 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use fastfaktura_domain::{Decimal, InvoiceKind};

use super::invoice_views::{
    EditorLine, TotalsView, day, document_name, money_in, quote_status_label, reference_rows, status_label,
};
use crate::{
    app::{
        Error,
        invoicing::{
            links::{self, CustomerView, ShownParty},
            quotes::{QuoteAnswer, answer_quote},
        },
    },
    audit::{Actor, RequestMeta},
    http::session::CurrentSession,
    http::{
        ClientIp, access_log,
        documents::{DocumentFormat, document_file},
        error::AppError,
    },
    i18n::{Lang, Tr, key},
    payments::{self, PaymentError},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/i/{token}", get(show))
        .route("/i/{token}/logo", get(logo))
        .route("/i/{token}/pay", post(pay))
        .route("/i/{token}/answer", post(answer))
        .route("/i/{token}/{format}", get(download))
}

async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((token, format)): Path<(String, String)>,
    extensions: Extensions,
) -> Result<Response, AppError> {
    let format = DocumentFormat::parse(&format).ok_or(AppError::NotFound)?;
    let (business_id, doc) = links::customer_document(&state, &ip, &token).await?;
    access_log::identify(&extensions, Actor::CustomerLink, Some(business_id));
    let mut response = document_file(doc, format).ok_or(AppError::NotFound)?;
    private_headers(response.headers_mut());
    Ok(response)
}

#[derive(Template, WebTemplate)]
#[template(path = "customer_invoice.html")]
pub struct CustomerInvoicePage {
    pub t: Tr,
    pub token: String,
    pub title: &'static str,
    pub number: String,
    pub status: &'static str,
    pub seller: ShownParty,
    pub has_logo: bool,
    pub buyer: ShownParty,
    pub issue_date: String,
    pub due_date: String,
    /// `view-due` or, for a quote, `view-valid-until`; none on a credit note.
    pub due_label: &'static str,
    /// A quote's answer, its conversion, or the buttons to answer it.
    pub quote: Option<QuoteBox>,
    /// Delivery date or period and references: (catalogue key, value).
    pub references: Vec<(&'static str, String)>,
    /// The numbers of an invoice's credit notes.
    pub credit_notes: Vec<String>,
    pub note: String,
    pub lines: Vec<EditorLine>,
    pub totals: TotalsView,
    pub open: String,
    pub is_open: bool,
    /// Every issued document has its PDF; invoices and credit notes their e-invoices too.
    pub downloads: bool,
    pub has_e_invoice: bool,
    /// The number of the invoice a credit note corrects.
    pub credited_number: Option<String>,
    /// The business takes cards (Stripe is set up and the amount is chargeable).
    pub card_payment: bool,
    /// Back from Stripe Checkout; the payment shows once Stripe confirms it.
    pub payment_done: bool,
    /// Why "Pay" did not lead to Stripe, to show beside the button.
    pub pay_error: Option<String>,
    /// Paid beyond what credit notes leave owed: the customer's to get back.
    pub owed_to_customer: Option<String>,
    /// A fully paid invoice, said in words.
    pub is_paid: bool,
    /// Bank transfer details, each with a copy button.
    pub transfer: Vec<crate::invoicing::payee::TransferRow>,
}

/// What the customer's page says about a quote.
pub struct QuoteBox {
    /// (catalogue key, date) once answered.
    pub answered: Option<(&'static str, String)>,
    /// The number of the invoice it became, once issued.
    pub converted: bool,
    /// Still open for an answer.
    pub can_answer: bool,
    /// Why an answer was not taken, shown beside the buttons.
    pub error: Option<String>,
}

/// Search engines must not index the page, and the token must not travel in a
/// `Referer` to any site the customer goes to next.
pub(crate) fn private_headers(headers: &mut HeaderMap) {
    headers.insert(HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex, nofollow"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

// Each argument is an axum extractor; grouping them would only hide what the page reads.
#[allow(clippy::too_many_arguments)]
async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    viewer: Option<CurrentSession>,
    tr: Tr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(query): Query<ShowQuery>,
    extensions: Extensions,
) -> Result<Response, AppError> {
    let viewer = viewer.map(|s| s.business_id);
    let view = links::customer_view(&state, &ip, &token, viewer, true).await?;
    // The owner checking the link is not the customer viewing it.
    if viewer != Some(view.business_id) {
        access_log::identify(&extensions, Actor::CustomerLink, Some(view.business_id));
    }
    let lang = Lang::from_cookie(&headers).or_else(|| Lang::parse(&view.language)).unwrap_or_default();
    let t = Tr::new(lang, tr.back());
    let mut page = page(&state, t, token, view);
    page.payment_done = query.payment.as_deref() == Some("done") && !page.is_paid;
    let card_payment = page.card_payment;
    let mut response = page.into_response();
    private_headers(response.headers_mut());
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::security_headers::CUSTOMER_PAGE_CONTENT_SECURITY_POLICY),
    );
    if card_payment {
        allow_checkout(&state, response.headers_mut());
    }
    Ok(response)
}

fn page(state: &AppState, t: Tr, token: String, view: CustomerView) -> CustomerInvoicePage {
    let detail = &view.detail;
    let invoice = &detail.invoice;
    let (open, paid) = (detail.open(), detail.paid());
    let today = state.clock.now().date();
    let lines = EditorLine::with_nets(&detail.lines, &view.totals, invoice.currency, t.lang());
    let is_quote = invoice.kind == InvoiceKind::Quote;
    let converted = detail.converted_to.is_some();
    let quote = is_quote.then(|| QuoteBox {
        answered: invoice.quote_decision.as_ref().map(|(decision, at)| {
            let label =
                if decision == "accepted" { key("customer-quote-accepted") } else { key("customer-quote-declined") };
            (label, day(at.date(), t.lang()))
        }),
        converted,
        can_answer: invoice.quote_decision.is_none()
            && !converted
            && invoice.due_date.is_none_or(|valid_until| valid_until >= today),
        error: None,
    });
    CustomerInvoicePage {
        token,
        title: document_name(invoice.kind),
        number: invoice.number.clone().unwrap_or_default(),
        status: if is_quote {
            quote_status_label(invoice, converted, today)
        } else {
            status_label(invoice.kind, invoice.status, invoice.voided, open, paid, invoice.due_date, today)
        },
        seller: view.seller,
        has_logo: view.has_logo,
        issue_date: invoice.issue_date.map(|d| day(d, t.lang())).unwrap_or_default(),
        due_date: invoice.due_date.map(|d| day(d, t.lang())).unwrap_or_default(),
        due_label: match invoice.kind {
            InvoiceKind::Quote => key("view-valid-until"),
            InvoiceKind::Invoice => key("view-due"),
            InvoiceKind::CreditNote => "",
        },
        quote,
        references: reference_rows(invoice, t.lang()),
        credit_notes: detail.credit_notes.iter().map(|(_, number)| number.clone()).collect(),
        note: invoice.note.clone(),
        lines,
        totals: TotalsView::of(&t, &view.totals, invoice.price_entry),
        downloads: true,
        has_e_invoice: !is_quote,
        is_open: view.is_open,
        open: money_in(open, invoice.currency, t.lang()),
        owed_to_customer: (invoice.kind == InvoiceKind::Invoice && !invoice.voided && open < Decimal::ZERO)
            .then(|| money_in(-open, invoice.currency, t.lang())),
        credited_number: detail.credited.as_ref().map(|(_, number)| number.clone()),
        card_payment: view.card_payment,
        transfer: view.transfer,
        payment_done: false,
        pay_error: None,
        is_paid: invoice.kind == InvoiceKind::Invoice && !invoice.voided && open <= Decimal::ZERO,
        buyer: view.buyer,
        t,
    }
}

async fn logo(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (content_type, image) = links::customer_logo(&state, &ip, &token).await?;
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], image).into_response();
    private_headers(response.headers_mut());
    Ok(response)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    payment: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AnswerForm {
    answer: String,
}

/// The customer accepts or declines a quote; the page shows the answer, or why it
/// could not be taken (already answered, expired, already an invoice).
#[allow(clippy::too_many_arguments)]
async fn answer(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    tr: Tr,
    headers: HeaderMap,
    meta: RequestMeta,
    Path(token): Path<String>,
    extensions: Extensions,
    form: Result<axum::Form<AnswerForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let answer = form.ok().and_then(|f| QuoteAnswer::parse(&f.answer));
    let outcome = match answer {
        Some(answer) => answer_quote(&state, &ip, &token, answer, &meta).await,
        None => Err(Error::BadRequest(crate::i18n::Text::key("quote-answer-unknown"))),
    };
    let refusal = match outcome {
        Ok(()) => return Ok(Redirect::to(&format!("/i/{token}")).into_response()),
        Err(Error::Conflict(message) | Error::BadRequest(message)) => message,
        Err(e) => return Err(e.into()),
    };
    let view = links::customer_view(&state, &ip, &token, None, false).await?;
    access_log::identify(&extensions, Actor::CustomerLink, Some(view.business_id));
    let lang = Lang::from_cookie(&headers).or_else(|| Lang::parse(&view.language)).unwrap_or_default();
    let t = Tr::new(lang, tr.back());
    let message = refusal.render(lang);
    let mut page = page(&state, t, token, view);
    if let Some(quote) = &mut page.quote {
        quote.error = Some(message);
    }
    let mut response = (StatusCode::CONFLICT, page).into_response();
    private_headers(response.headers_mut());
    Ok(response)
}

/// "Pay by card": off to Stripe Checkout, or back to the page saying why not.
async fn pay(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    tr: Tr,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let view = links::customer_view(&state, &ip, &token, None, false).await?;
    let (business_id, invoice_id) = (view.business_id, view.detail.invoice.id);
    let lang = Lang::from_cookie(&headers).or_else(|| Lang::parse(&view.language)).unwrap_or_default();
    let t = Tr::new(lang, tr.back());
    let return_to = format!("{}/i/{token}", state.settings.public_origin());
    // Stripe Checkout has no Icelandic; "auto" follows the customer's browser.
    let locale = if lang == Lang::En { "en" } else { "auto" };
    let error = match payments::checkout::checkout_url(&state, business_id, invoice_id, &return_to, locale).await {
        Ok(url) => return Ok(Redirect::to(&url).into_response()),
        // Paid meanwhile, or no longer payable: the page says so.
        Err(PaymentError::AlreadyPaid | PaymentError::NotPayable | PaymentError::NotSetUp) => {
            return Ok(Redirect::to(&format!("/i/{token}")).into_response());
        }
        Err(PaymentError::NotChargeable(_)) => t.t(key("customer-pay-not-chargeable")),
        Err(e @ (PaymentError::Stripe(_) | PaymentError::Secret(_))) => {
            tracing::warn!(%business_id, %invoice_id, error = %e, "card payment could not start");
            t.t(key("customer-pay-unavailable"))
        }
        Err(PaymentError::Database(e)) => return Err(e.into()),
    };
    let mut page = page(&state, t, token, view);
    page.pay_error = Some(error);
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, page).into_response();
    private_headers(response.headers_mut());
    allow_checkout(&state, response.headers_mut());
    Ok(response)
}

/// "Pay by card" is a form whose answer redirects to Stripe Checkout; the page's CSP
/// must let a form lead there.
fn allow_checkout(state: &AppState, headers: &mut HeaderMap) {
    match crate::http::headers::with_form_target(&state.settings.stripe.checkout_origin) {
        Some(csp) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        None => tracing::warn!("stripe.checkout_origin is not a plain origin; the Pay button cannot leave the page"),
    }
}
