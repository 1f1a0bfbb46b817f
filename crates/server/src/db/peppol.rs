//! Peppol's stored facts: the network's last answer about a participant (shared by
//! every business: it is public), a business's access point connection, and the
//! Peppol deliveries waiting for their provider's verdict.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// The directory's last answer about one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRow {
    pub participant: String,
    /// `registered`, `not_registered`, `refused` or `unreachable`.
    pub state: String,
    /// `invoice`, `credit_note`.
    pub document_types: Vec<String>,
    pub access_point: Option<String>,
    pub reason: Option<String>,
    pub checked_at: OffsetDateTime,
}

pub async fn participant(db: impl PgExecutor<'_>, participant: &str) -> Result<Option<ParticipantRow>, sqlx::Error> {
    sqlx::query_as!(
        ParticipantRow,
        "SELECT participant, state, document_types, access_point, reason, checked_at
         FROM peppol_participants WHERE participant = $1",
        participant
    )
    .fetch_optional(db)
    .await
}

pub async fn save_participant(db: impl PgExecutor<'_>, row: &ParticipantRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO peppol_participants (participant, state, document_types, access_point, reason, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (participant) DO UPDATE SET state = EXCLUDED.state, document_types = EXCLUDED.document_types,
             access_point = EXCLUDED.access_point, reason = EXCLUDED.reason, checked_at = EXCLUDED.checked_at
         WHERE peppol_participants.checked_at <= EXCLUDED.checked_at",
        row.participant,
        row.state,
        &row.document_types,
        row.access_point,
        row.reason,
        row.checked_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A business's access point connection (its secrets are in `business_secrets`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessPointRow {
    /// `storecove`, or empty when not connected.
    pub provider: String,
    pub legal_entity: String,
    /// The business's own participant id as typed; empty: derived.
    pub peppol_id: String,
}

pub async fn access_point(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<AccessPointRow, sqlx::Error> {
    sqlx::query_as!(
        AccessPointRow,
        "SELECT access_point_provider AS provider, access_point_legal_entity AS legal_entity, peppol_id
         FROM businesses WHERE id = $1",
        business_id
    )
    .fetch_one(db)
    .await
}

pub async fn save_access_point(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    row: &AccessPointRow,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE businesses SET access_point_provider = $2, access_point_legal_entity = $3, peppol_id = $4 WHERE id = $1",
        business_id,
        row.provider,
        row.legal_entity,
        row.peppol_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The businesses connected to an access point (for polling their providers).
pub async fn connected_businesses(db: impl PgExecutor<'_>) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM businesses WHERE access_point_provider <> '' AND closed_at IS NULL ORDER BY id")
        .fetch_all(db)
        .await
}

/// A Peppol delivery the provider took and has not yet given a verdict on.
#[derive(Debug, Clone)]
pub struct WaitingSubmission {
    pub delivery_id: Uuid,
    pub invoice_id: Uuid,
    pub submission: String,
    pub sent_at: Option<OffsetDateTime>,
}

pub async fn waiting_submissions(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
) -> Result<Vec<WaitingSubmission>, sqlx::Error> {
    sqlx::query_as!(
        WaitingSubmission,
        r#"SELECT id AS delivery_id, invoice_id, provider_message_id AS "submission!", sent_at
           FROM invoice_deliveries
           WHERE business_id = $1 AND channel = 'peppol' AND status = 'sent' AND provider_message_id IS NOT NULL
           ORDER BY sent_at LIMIT 200"#,
        business_id
    )
    .fetch_all(db)
    .await
}

/// The provider says the receiving access point has the document. False when the
/// delivery already had a verdict (a webhook and a poll may both tell).
pub async fn mark_delivered(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    submission: &str,
    at: OffsetDateTime,
) -> Result<Option<(Uuid, Uuid)>, sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE invoice_deliveries SET status = 'delivered', delivered_at = $3
         WHERE business_id = $1 AND channel = 'peppol' AND provider_message_id = $2 AND status = 'sent'
         RETURNING id, invoice_id",
        business_id,
        submission,
        at
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.invoice_id)))
}

/// The provider could not deliver it (the reason in its words, shortened).
pub async fn mark_undeliverable(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    submission: &str,
    reason: &str,
) -> Result<Option<(Uuid, Uuid)>, sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE invoice_deliveries SET status = 'failed', last_error = $3
         WHERE business_id = $1 AND channel = 'peppol' AND provider_message_id = $2 AND status = 'sent'
         RETURNING id, invoice_id",
        business_id,
        submission,
        reason
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, r.invoice_id)))
}
