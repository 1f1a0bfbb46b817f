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
use fastfaktura_domain::{Currency, Decimal};
use time::Duration;
use uuid::Uuid;

use super::invoice_views::{EditorLine, TotalsView, document_name, money, status_label};
use crate::{
    audit::Actor,
    auth::session::CurrentSession,
    crypto,
    db::{
        self,
        businesses::BusinessProfile,
        customers::Customer,
        invoices::{Invoice, Line},
        rate_limits::{self, Limit},
    },
    http::{
        ClientIp, access_log,
        documents::{DocumentFormat, document_file},
        error::AppError,
    },
    i18n::{Lang, Text, Tr, key},
    integrations::stripe::amounts,
    invoicing::{self, customer_links::plausible_token},
    payments::{self, PaymentError},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/i/{token}", get(show))
        .route("/i/{token}/logo", get(logo))
        .route("/i/{token}/pay", post(pay))
        .route("/i/{token}/{format}", get(download))
}

async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((token, format)): Path<(String, String)>,
    extensions: Extensions,
) -> Result<Response, AppError> {
    let format = DocumentFormat::parse(&format).ok_or(AppError::NotFound)?;
    let (business_id, invoice, _) = open_link(&state, &ip, &token).await?;
    access_log::identify(&extensions, Actor::CustomerLink, Some(business_id));
    let doc = invoicing::documents::issued_document(&state.db, business_id, invoice.id).await?;
    let mut response = document_file(doc, format).await?;
    private_headers(response.headers_mut());
    Ok(response)
}

/// Requests per client address to customer pages (views and downloads).
const PER_ADDRESS: Limit = Limit::new(300, Duration::hours(1));
/// Unknown or revoked tokens per client address.
const MISSES_PER_ADDRESS: Limit = Limit::new(20, Duration::minutes(15));

#[derive(Template, WebTemplate)]
#[template(path = "customer_invoice.html")]
pub struct CustomerInvoicePage {
    pub t: Tr,
    pub token: String,
    pub title: &'static str,
    pub number: String,
    pub status: &'static str,
    pub seller: BusinessProfile,
    pub has_logo: bool,
    pub buyer: Customer,
    pub issue_date: String,
    pub due_date: String,
    pub note: String,
    pub lines: Vec<EditorLine>,
    pub totals: TotalsView,
    pub open: String,
    pub is_open: bool,
    /// Invoices and credit notes have files; a shared quote is a page only.
    pub downloads: bool,
    /// The number of the invoice a credit note corrects.
    pub credited_number: Option<String>,
    /// The business takes cards (Stripe is set up and the amount is chargeable).
    pub card_payment: bool,
    /// Back from Stripe Checkout; the payment shows once Stripe confirms it.
    pub payment_done: bool,
    /// Why "Pay" did not lead to Stripe, to show beside the button.
    pub pay_error: Option<String>,
    /// A fully paid invoice, said in words.
    pub is_paid: bool,
}

/// The document behind a token, after the rate limits; a miss counts against the
/// address and is a plain 404.
/// Returns the business, the document and the token's hash.
pub(crate) async fn open_link(state: &AppState, ip: &str, token: &str) -> Result<(Uuid, Invoice, Vec<u8>), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let misses_key = format!("customer-page-miss:ip:{ip}");
    let too_many =
        |retry_after| AppError::TooManyRequests { message: Text::key("customer-page-too-many"), retry_after };
    if let Err(rate_limits::RetryAfter(wait)) =
        rate_limits::check(&mut tx, &misses_key, &[MISSES_PER_ADDRESS], now).await?
    {
        return Err(too_many(wait));
    }
    rate_limits::hit(&mut tx, &format!("customer-page:ip:{ip}"), &[PER_ADDRESS], now)
        .await?
        .map_err(|rate_limits::RetryAfter(wait)| too_many(wait))?;
    let hash = crypto::token_hash(token);
    let found = if plausible_token(token) { db::invoice_links::resolve(&mut *tx, &hash).await? } else { None };
    let invoice = match found {
        Some(link) => {
            db::invoices::find(&mut *tx, link.business_id, link.invoice_id).await?.map(|i| (link.business_id, i))
        }
        None => None,
    };
    let Some((business_id, invoice)) = invoice else {
        rate_limits::record(&mut tx, &misses_key, now).await?;
        tx.commit().await?;
        return Err(AppError::NotFound);
    };
    tx.commit().await?;
    Ok((business_id, invoice, hash))
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
    let (business_id, invoice, hash) = open_link(&state, &ip, &token).await?;
    // The owner checking the link is not the customer viewing it.
    if viewer.is_none_or(|s| s.business_id != business_id) {
        access_log::identify(&extensions, Actor::CustomerLink, Some(business_id));
        let first = db::invoice_links::record_view(&state.db, &hash, state.clock.now()).await?;
        if first {
            tracing::info!(%business_id, invoice_id = %invoice.id, "customer viewed the document for the first time");
        }
    }
    let lines = db::invoices::lines(&state.db, business_id, invoice.id).await?;
    let buyer = db::customers::find(&state.db, business_id, invoice.customer_id).await?.ok_or(AppError::NotFound)?;
    let lang = Lang::from_cookie(&headers).or_else(|| Lang::parse(&buyer.language)).unwrap_or_default();
    let t = Tr::new(lang, tr.back());
    let mut page = page(&state, t, token, business_id, invoice, &lines, buyer).await?;
    page.payment_done = query.payment.as_deref() == Some("done") && !page.is_paid;
    let card_payment = page.card_payment;
    let mut response = page.into_response();
    private_headers(response.headers_mut());
    if card_payment {
        allow_checkout(&state, response.headers_mut());
    }
    Ok(response)
}

async fn page(
    state: &AppState,
    t: Tr,
    token: String,
    business_id: Uuid,
    invoice: Invoice,
    lines: &[Line],
    buyer: Customer,
) -> Result<CustomerInvoicePage, AppError> {
    let totals = invoicing::totals(&invoice, lines)?;
    let payments = db::invoices::payments(&state.db, business_id, invoice.id).await?;
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    let open = invoicing::outstanding(state, business_id, &invoice, paid).await?;
    let today = state.clock.now().date();
    let is_open = invoice.kind == "invoice" && !invoice.voided && open > Decimal::ZERO;
    let card_payment = is_open
        && db::business_secrets::find(&state.db, business_id, payments::SECRET_KEY).await?.is_some()
        && Currency::parse(&invoice.currency).is_ok_and(|c| amounts::to_stripe(open, c).is_ok());
    let credited_number = match invoice.credited_invoice_id {
        Some(original) => db::invoices::find(&state.db, business_id, original).await?.and_then(|o| o.number),
        None => None,
    };
    Ok(CustomerInvoicePage {
        token,
        title: document_name(&invoice.kind),
        number: invoice.number.clone().unwrap_or_default(),
        status: status_label(&invoice.kind, &invoice.status, invoice.voided, open, paid, invoice.due_date, today),
        seller: db::businesses::profile(&state.db, business_id).await?,
        has_logo: db::logos::exists(&state.db, business_id).await?,
        buyer,
        issue_date: invoice.issue_date.map(|d| d.to_string()).unwrap_or_default(),
        due_date: invoice.due_date.map(|d| d.to_string()).unwrap_or_default(),
        note: invoice.note.clone(),
        lines: lines
            .iter()
            .zip(&totals.line_nets)
            .map(|(l, net)| EditorLine { net: money(*net, &invoice.currency), ..EditorLine::from_stored(l) })
            .collect(),
        totals: TotalsView::new(&t, &totals),
        downloads: invoice.kind != "quote",
        is_open,
        open: money(open, &invoice.currency),
        credited_number,
        card_payment: is_open && card_payment,
        payment_done: false,
        pay_error: None,
        is_paid: invoice.kind == "invoice" && !invoice.voided && open <= Decimal::ZERO,
        t,
    })
}

async fn logo(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (business_id, _, _) = open_link(&state, &ip, &token).await?;
    let logo = db::logos::find(&state.db, business_id).await?.ok_or(AppError::NotFound)?;
    let content_type = HeaderValue::from_str(&logo.content_type).map_err(|e| AppError::Unexpected(e.into()))?;
    let mut response = ([(header::CONTENT_TYPE, content_type)], logo.image).into_response();
    private_headers(response.headers_mut());
    Ok(response)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    payment: Option<String>,
}

/// "Pay by card": off to Stripe Checkout, or back to the page saying why not.
async fn pay(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    tr: Tr,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (business_id, invoice, _) = open_link(&state, &ip, &token).await?;
    let buyer = db::customers::find(&state.db, business_id, invoice.customer_id).await?.ok_or(AppError::NotFound)?;
    let lang = Lang::from_cookie(&headers).or_else(|| Lang::parse(&buyer.language)).unwrap_or_default();
    let t = Tr::new(lang, tr.back());
    let return_to = format!("{}/i/{token}", state.settings.public_origin());
    // Stripe Checkout has no Icelandic; "auto" follows the customer's browser.
    let locale = if lang == Lang::En { "en" } else { "auto" };
    let error = match payments::checkout::checkout_url(&state, business_id, invoice.id, &return_to, locale).await {
        Ok(url) => return Ok(Redirect::to(&url).into_response()),
        // Paid meanwhile, or no longer payable: the page says so.
        Err(PaymentError::AlreadyPaid | PaymentError::NotPayable | PaymentError::NotSetUp) => {
            return Ok(Redirect::to(&format!("/i/{token}")).into_response());
        }
        Err(PaymentError::NotChargeable(_)) => t.t(key("customer-pay-not-chargeable")),
        Err(e @ (PaymentError::Stripe(_) | PaymentError::Secret(_))) => {
            tracing::warn!(%business_id, invoice_id = %invoice.id, error = %e, "card payment could not start");
            t.t(key("customer-pay-unavailable"))
        }
        Err(PaymentError::Database(e)) => return Err(e.into()),
    };
    let lines = db::invoices::lines(&state.db, business_id, invoice.id).await?;
    let mut page = page(&state, t, token, business_id, invoice, &lines, buyer).await?;
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
