//! A thin Stripe client: the four calls we make, over reqwest with rustls.
//!
//! Hand-written rather than async-stripe (see docs/decisions.md): we create Checkout
//! Sessions, read a session or PaymentIntent back (reconciliation, events that
//! arrive out of order) and check a key with a cheap read. Requests are form-encoded
//! with the business's secret key as a Bearer token; every POST carries an
//! Idempotency-Key made from our own operation id. Stripe's error messages are not
//! passed on where they could echo a key; callers get a kind and a safe message.

// Stripe's wire format (signature check, event envelope, objects, integer amounts)
// lives in its own pure crate, so the fuzz targets build without the web stack.
pub use fastfaktura_stripe_wire::{CheckoutSession, PaymentIntent, amounts, signature};

use std::time::Duration;

use serde::Deserialize;

pub use crate::config::StripeSettings;

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// Stripe answered and refused (bad key, bad request).
    #[error("Stripe refused the request ({status}): {message}")]
    Refused { status: u16, kind: String, message: String },
    /// No answer, or one we could not read; worth retrying later.
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
}

impl StripeError {
    /// Stripe said the key is wrong, revoked or lacks permission.
    pub fn is_bad_key(&self) -> bool {
        matches!(self, StripeError::Refused { status: 401 | 403, .. })
    }
}

/// What a Checkout Session for one invoice asks Stripe for.
pub struct NewCheckout<'a> {
    /// Our operation id: the Idempotency-Key and the client reference.
    pub operation_id: uuid::Uuid,
    pub business_id: uuid::Uuid,
    pub invoice_id: uuid::Uuid,
    pub description: &'a str,
    /// Stripe's integer amount (see `amounts`).
    pub amount: i64,
    /// ISO code, any case.
    pub currency: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub customer_email: Option<&'a str>,
    /// Stripe's Checkout locale (e.g. "en", "is"), or "auto".
    pub locale: &'a str,
}

#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    api_base: String,
}

impl StripeClient {
    pub fn new(settings: &StripeSettings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_seconds))
            .user_agent(concat!("FastFaktura/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, api_base: settings.api_base.trim_end_matches('/').to_owned() })
    }

    /// A cheap authenticated read: does Stripe accept this key?
    pub async fn check_key(&self, secret_key: &str) -> Result<(), StripeError> {
        let _: serde_json::Value = self.get(secret_key, "/v1/balance").await?;
        Ok(())
    }

    pub async fn create_checkout_session(
        &self,
        secret_key: &str,
        checkout: &NewCheckout<'_>,
    ) -> Result<CheckoutSession, StripeError> {
        let invoice_id = checkout.invoice_id.to_string();
        let business_id = checkout.business_id.to_string();
        let operation_id = checkout.operation_id.to_string();
        let amount = checkout.amount.to_string();
        let currency = checkout.currency.to_ascii_lowercase();
        let mut form: Vec<(&str, &str)> = vec![
            ("mode", "payment"),
            ("success_url", checkout.success_url),
            ("cancel_url", checkout.cancel_url),
            ("client_reference_id", &operation_id),
            ("locale", checkout.locale),
            ("line_items[0][quantity]", "1"),
            ("line_items[0][price_data][currency]", &currency),
            ("line_items[0][price_data][unit_amount]", &amount),
            ("line_items[0][price_data][product_data][name]", checkout.description),
            ("metadata[fastfaktura_business]", &business_id),
            ("metadata[fastfaktura_invoice]", &invoice_id),
            // The PaymentIntent carries the invoice too, for its own events.
            ("payment_intent_data[metadata][fastfaktura_business]", &business_id),
            ("payment_intent_data[metadata][fastfaktura_invoice]", &invoice_id),
        ];
        if let Some(email) = checkout.customer_email {
            form.push(("customer_email", email));
        }
        let request = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.api_base))
            .bearer_auth(secret_key)
            .header("Idempotency-Key", format!("fastfaktura-checkout-{operation_id}"))
            .form(&form);
        read(request.send().await).await
    }

    pub async fn retrieve_checkout_session(&self, secret_key: &str, id: &str) -> Result<CheckoutSession, StripeError> {
        self.get(secret_key, &format!("/v1/checkout/sessions/{}", path_segment(id)?)).await
    }

    pub async fn retrieve_payment_intent(&self, secret_key: &str, id: &str) -> Result<PaymentIntent, StripeError> {
        self.get(secret_key, &format!("/v1/payment_intents/{}", path_segment(id)?)).await
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, secret_key: &str, path: &str) -> Result<T, StripeError> {
        read(self.http.get(format!("{}{path}", self.api_base)).bearer_auth(secret_key).send().await).await
    }
}

/// Stripe ids are `prefix_alphanumerics`; anything else never reaches a URL.
fn path_segment(id: &str) -> Result<&str, StripeError> {
    if !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(id)
    } else {
        Err(StripeError::Refused { status: 400, kind: "invalid_id".into(), message: "not a Stripe id".into() })
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// A failed exchange, with its causes (such as "invalid peer certificate: UnknownIssuer"
/// when the server's certificate is not trusted) so the log says what went wrong.
/// Without the URL; reqwest's errors never hold the Authorization header.
fn unreachable(e: reqwest::Error) -> StripeError {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(inner) = cause {
        let shown = inner.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        cause = inner.source();
    }
    StripeError::Unreachable(text)
}

async fn read<T: serde::de::DeserializeOwned>(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, StripeError> {
    let response = response.map_err(unreachable)?;
    let status = response.status();
    let body = response.bytes().await.map_err(unreachable)?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| StripeError::Unreachable(format!("unreadable answer from Stripe: {e}")));
    }
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(StripeError::Unreachable(format!("Stripe answered {status}")));
    }
    let detail = serde_json::from_slice::<ErrorBody>(&body).map(|b| b.error).ok();
    let kind = detail.as_ref().map(|d| d.kind.clone()).unwrap_or_default();
    let message = match status.as_u16() {
        // Stripe's text here quotes part of the key; ours does not.
        401 => "the API key was not accepted".to_owned(),
        403 => "the API key lacks permission for this request".to_owned(),
        _ => detail
            .and_then(|d| d.message.or(d.code))
            .map(|m| m.chars().filter(|c| !c.is_control()).take(300).collect())
            .unwrap_or_else(|| format!("status {status}")),
    };
    Err(StripeError::Refused { status: status.as_u16(), kind, message })
}
