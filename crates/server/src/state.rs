//! What every request handler can reach: the pools, settings, clock and derived keys.

use std::sync::Arc;

use sqlx::PgPool;

use crate::{
    clock::Clock,
    config::{Secret, Settings},
    crypto::{DerivedKey, KeyPurpose, MasterKey},
    db::replica::ReadRouter,
    integrations::stripe::StripeClient,
};

/// Purpose-specific keys derived once at startup; the master key itself is dropped.
#[derive(Debug, Clone)]
pub struct Keys {
    pub otp_pepper: DerivedKey,
    pub outbox: DerivedKey,
    pub log_pseudonym: DerivedKey,
    pub invoice_links: DerivedKey,
    /// The key-encryption key of the secrets envelope.
    pub kek: DerivedKey,
    pub acme_cache: DerivedKey,
    /// Seals admins' TOTP secrets at rest.
    pub admin_totp: DerivedKey,
    /// Signs backup manifests; restore and the verify drill check it.
    pub backup_signing: DerivedKey,
    /// MACs the audit log's checkpoints and purge markers.
    pub audit_checkpoint: DerivedKey,
}

impl Keys {
    pub fn derive(master: &MasterKey) -> Self {
        Self {
            otp_pepper: master.derive(KeyPurpose::OtpPepper),
            outbox: master.derive(KeyPurpose::OutboxSealing),
            log_pseudonym: master.derive(KeyPurpose::LogPseudonym),
            invoice_links: master.derive(KeyPurpose::InvoiceLinkSealing),
            kek: master.derive(KeyPurpose::KeyEncryption),
            acme_cache: master.derive(KeyPurpose::AcmeCacheSealing),
            admin_totp: master.derive(KeyPurpose::AdminTotpSealing),
            backup_signing: master.derive(KeyPurpose::BackupSigning),
            audit_checkpoint: master.derive(KeyPurpose::AuditCheckpoint),
        }
    }

    /// A stable pseudonym for an email address, for logs and rate-limit keys: lets us
    /// correlate events without writing the address (or an unkeyed, guessable hash).
    pub fn email_pseudonym(&self, email: &str) -> String {
        hex::encode(&self.log_pseudonym.mac(&[b"email", email.as_bytes()])[..12])
    }
}

#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and every read that must see the latest data.
    pub db: PgPool,
    /// Connections for operations that only read (lists, dashboard, exports, reports):
    /// the replica's when `database.read_url` is set and fresh enough, else the primary's.
    /// Application operations take them through `app::reads`, which knows the caller.
    pub reads: ReadRouter,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<Keys>,
    /// Talks to Stripe with each business's own key.
    pub stripe: StripeClient,
    /// The database's URL, for `pg_dump` when an admin presses "Back up now".
    pub database_url: Secret,
    /// Asks the Peppol network (SML, SMPs) whether a participant receives e-invoices.
    pub peppol_lookup: Arc<crate::integrations::peppol_lookup::PeppolLookup>,
    /// Writes the access log's events together (`audit::group_commit`).
    pub audit_group: crate::audit::group_commit::GroupCommit,
    /// This instance's metrics (the worker records into the same ones).
    pub metrics: Arc<crate::metrics::Metrics>,
}
