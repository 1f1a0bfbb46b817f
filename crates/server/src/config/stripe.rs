//! The [stripe] settings: where Stripe's API and Checkout pages are, and how long we
//! wait for an answer. The client that uses them is `integrations::stripe`.

use serde::{Deserialize, Serialize};

/// Where Stripe is and how long we wait for it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StripeSettings {
    /// Stripe's API; tests point it at a local fake that speaks the same wire format.
    pub api_base: String,
    /// Where Checkout pages live; the customer page lets its "Pay" form lead there.
    pub checkout_origin: String,
    pub timeout_seconds: u64,
}

impl Default for StripeSettings {
    fn default() -> Self {
        Self {
            api_base: "https://api.stripe.com".into(),
            checkout_origin: "https://checkout.stripe.com".into(),
            timeout_seconds: 15,
        }
    }
}
