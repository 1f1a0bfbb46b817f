//! The Icelandic bank claim of each invoice billed through the claims API
//! (`bank_claims`) and the payments the bank reports for them (`payments` rows with a
//! `claim_transaction_id`, unique per business, so each is recorded once).

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// An invoice's claim as stored.
#[derive(Debug, Clone)]
pub struct StoredClaim {
    pub invoice_id: Uuid,
    pub claimant: String,
    pub bank: String,
    pub claim_number: String,
    pub due_date: Date,
    pub payor: String,
    pub amount: Decimal,
    pub state: String,
    pub bank_amount: Option<Decimal>,
    pub claim_id: Option<String>,
    pub request_id: Uuid,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A claim to create for an invoice.
pub struct NewClaimRow<'a> {
    pub invoice_id: Uuid,
    pub claimant: &'a str,
    pub bank: &'a str,
    pub claim_number: &'a str,
    pub due_date: Date,
    pub payor: &'a str,
    pub amount: Decimal,
}

pub async fn insert(
    conn: &mut PgConnection,
    business_id: Uuid,
    claim: &NewClaimRow<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO bank_claims (business_id, invoice_id, claimant, bank, claim_number, due_date, payor, amount,
                                    state, request_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $10)"#,
        business_id,
        claim.invoice_id,
        claim.claimant,
        claim.bank,
        claim.claim_number,
        claim.due_date,
        claim.payor,
        claim.amount,
        Uuid::new_v4(),
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Option<StoredClaim>, sqlx::Error> {
    sqlx::query_as!(
        StoredClaim,
        r#"SELECT invoice_id, claimant, bank, claim_number, due_date, payor, amount, state, bank_amount, claim_id,
                  request_id, last_error, created_at
           FROM bank_claims WHERE business_id = $1 AND invoice_id = $2"#,
        business_id,
        invoice_id
    )
    .fetch_optional(db)
    .await
}

/// Sets what the claim should ask for now: the invoice's open amount (0 cancels it).
pub async fn set_amount(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    amount: Decimal,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE bank_claims SET amount = $3, updated_at = $4 WHERE business_id = $1 AND invoice_id = $2",
        business_id,
        invoice_id,
        amount.max(Decimal::ZERO),
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the bank now has of a claim; `None` keeps the stored value.
pub struct BankState<'a> {
    pub state: &'a str,
    pub claim_id: Option<&'a str>,
    pub bank_amount: Option<Decimal>,
    /// The bank's refusal, or none (a success clears it).
    pub last_error: Option<&'a str>,
}

/// Records what the bank now has.
pub async fn set_bank_state(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
    bank: &BankState<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE bank_claims SET state = $3, claim_id = coalesce($4, claim_id), bank_amount = coalesce($5, bank_amount),
                  last_error = $6, updated_at = $7
           WHERE business_id = $1 AND invoice_id = $2"#,
        business_id,
        invoice_id,
        bank.state,
        bank.claim_id,
        bank.bank_amount,
        bank.last_error,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The businesses with claims the bank may still report payments for, and the
/// earliest day such a claim was created (where the payment search starts).
pub async fn businesses_with_open_claims(db: impl PgExecutor<'_>) -> Result<Vec<(Uuid, String, Date)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT business_id, claimant, min(created_at)::date AS "since!" FROM bank_claims
           WHERE state IN ('pending', 'open') GROUP BY business_id, claimant"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.business_id, r.claimant, r.since)).collect())
}

/// The business's claim with the bank's `claim_id`, locked.
pub async fn by_claim_id(
    conn: &mut PgConnection,
    business_id: Uuid,
    claim_id: &str,
) -> Result<Option<StoredClaim>, sqlx::Error> {
    sqlx::query_as!(
        StoredClaim,
        r#"SELECT invoice_id, claimant, bank, claim_number, due_date, payor, amount, state, bank_amount, claim_id,
                  request_id, last_error, created_at
           FROM bank_claims WHERE business_id = $1 AND claim_id = $2 FOR UPDATE"#,
        business_id,
        claim_id
    )
    .fetch_optional(conn)
    .await
}

/// A payment the bank reported for a claim.
pub struct ReportedClaimPayment<'a> {
    pub invoice_id: Uuid,
    /// Unique per payment (`ClaimPayment::transaction_id`).
    pub transaction_id: &'a str,
    pub paid_on: Date,
    pub amount: Decimal,
    /// What the payment history shows (`Krafa 0159-66-000042`).
    pub text: &'a str,
}

/// Records a payment the bank reported for a claim; false when it was recorded before.
pub async fn record_payment(
    conn: &mut PgConnection,
    business_id: Uuid,
    payment: &ReportedClaimPayment<'_>,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"INSERT INTO payments (business_id, id, invoice_id, paid_on, amount, method, reference, created_at,
                                 claim_transaction_id)
           VALUES ($1, $2, $3, $4, $5, 'bank_transfer', $6, $7, $8)
           ON CONFLICT (business_id, claim_transaction_id) WHERE claim_transaction_id IS NOT NULL DO NOTHING"#,
        business_id,
        Uuid::new_v4(),
        payment.invoice_id,
        payment.paid_on,
        payment.amount,
        payment.text,
        now,
        payment.transaction_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The business's claims API address and claim template code (empty: not set up).
pub async fn settings(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<(String, String), sqlx::Error> {
    let row = sqlx::query!("SELECT claims_api_url, claims_template_code FROM businesses WHERE id = $1", business_id)
        .fetch_one(db)
        .await?;
    Ok((row.claims_api_url, row.claims_template_code))
}

pub async fn save_settings(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    api_url: &str,
    template_code: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE businesses SET claims_api_url = $2, claims_template_code = $3 WHERE id = $1",
        business_id,
        api_url,
        template_code
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Of `invoice_ids`, those whose claim is still open at the bank (one statement for a
/// whole bank file's matches).
pub async fn with_open_claims(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_ids: &[Uuid],
) -> Result<Vec<Uuid>, sqlx::Error> {
    if invoice_ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar!(
        "SELECT invoice_id FROM bank_claims WHERE business_id = $1 AND invoice_id = ANY($2) AND state IN ('pending', 'open')",
        business_id,
        invoice_ids
    )
    .fetch_all(db)
    .await
}
