//! What a job body receives when the worker runs it. It sits below the worker, so the
//! jobs (deliveries, reminders, exports, reconciliation, recurring invoices) import it
//! without importing the worker back; only the worker knows which jobs exist.

use std::sync::Arc;

use sqlx::PgPool;

use crate::{
    clock::Clock,
    crypto::DerivedKey,
    integrations::{email::Mailer, sms::SmsClient, stripe::StripeClient},
};

/// What running a job may need.
#[derive(Clone)]
pub struct WorkerContext {
    pub db: PgPool,
    pub mailer: Arc<Mailer>,
    pub outbox_key: DerivedKey,
    /// Opens customer-link tokens, which delivered documents link to.
    pub link_key: DerivedKey,
    /// Our origin, for links in messages.
    pub public_origin: String,
    pub clock: Arc<dyn Clock>,
    /// Opens provider secrets (SMS accounts, businesses' Stripe keys).
    pub kek: DerivedKey,
    pub sms: Arc<SmsClient>,
    /// Asks Stripe about checkouts whose webhook never came.
    pub stripe: StripeClient,
    /// How long a claimed job is ours before another worker may take it over
    /// (`jobs.lease_seconds`).
    pub lease_seconds: f64,
    /// Where the Peppol access point providers' APIs are (`[access_point]`).
    pub access_points: crate::config::AccessPointSettings,
    /// The instance's metrics: deliveries, quota refusals, finished jobs.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Posts outbound webhooks (`webhooks::deliverer`).
    pub webhooks: Arc<crate::webhooks::deliverer::WebhookSender>,
}
