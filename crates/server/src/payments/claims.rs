//! Icelandic bank claims kept in step with their invoices, and their payments recorded.
//!
//! The application layer decides what a claim should ask for (`db::bank_claims.amount`:
//! the invoice's open amount, 0 to cancel) and enqueues `Job::SyncClaim`; this module,
//! run by the worker, makes the bank agree: create (with the request id stored at
//! issue, so a retry after a lost answer is the same request), change the amount, or
//! cancel. A bank that is down or slow is retried by the job queue; a refusal is kept
//! on the claim (`failed`, the bank's reason) for the invoice page to show.
//!
//! `poll` (the worker's housekeeping) asks each business's bank for the payments of
//! its open claims and records each once (its transaction id is unique per business),
//! so several instances polling at once still record nothing twice.

use fastfaktura_domain::{ClaimKey, ClaimNumber, Decimal};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{
    audit::{self, AuditEvent, Category},
    db::{
        self,
        bank_claims::{BankState, ReportedClaimPayment, StoredClaim},
    },
    integrations::iobws_claims::{ClaimsClient, ClaimsError, NewClaim, PaymentKind},
    jobs::WorkerContext,
    secrets,
};

/// The business secret holding the bank's access token for the claims API.
pub const TOKEN: &str = "iobws_token";

/// How long after the due date a claim may still be paid without default charges.
const FINAL_DUE_DAYS: i64 = 0;

/// The business's connection to its bank's claims API, if it is set up.
pub async fn client(
    conn: &mut sqlx::PgConnection,
    kek: &crate::crypto::DerivedKey,
    business_id: Uuid,
) -> Result<Option<(ClaimsClient, String)>, String> {
    let (url, template) = db::bank_claims::settings(&mut *conn, business_id).await.map_err(|e| e.to_string())?;
    let Some(stored) = db::business_secrets::find(&mut *conn, business_id, TOKEN).await.map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    if url.is_empty() || template.is_empty() {
        return Ok(None);
    }
    let token = secrets::open(conn, kek, crate::payments::slot(business_id, TOKEN), &stored.envelope)
        .await
        .map_err(|e| format!("the bank access token does not open: {e}"))?;
    let client = ClaimsClient::new(&url, &token).map_err(|e| e.to_string())?;
    Ok(Some((client, template)))
}

/// After a payment, a removed payment or a credit note, inside its transaction: the
/// claim of `invoice_id` (if it has one still open at the bank) is set to ask for what
/// is open now, and the job tells the bank (cancelled when nothing is left).
pub async fn follow_invoice(
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let Some(claim) = db::bank_claims::find(&mut *tx, business_id, invoice_id).await? else { return Ok(()) };
    if !matches!(claim.state.as_str(), "pending" | "open") {
        return Ok(());
    }
    let Some(invoice) = db::invoices::find(&mut *tx, business_id, invoice_id).await? else { return Ok(()) };
    let open = if invoice.voided {
        Decimal::ZERO
    } else {
        db::invoices::open_amount(&mut *tx, business_id, invoice_id, invoice.payable.unwrap_or_default()).await?
    };
    let open = open.max(Decimal::ZERO);
    if open == claim.amount {
        return Ok(());
    }
    db::bank_claims::set_amount(&mut *tx, business_id, invoice_id, open, now).await?;
    crate::jobs::enqueue(&mut *tx, &crate::jobs::Job::SyncClaim { business_id, invoice_id }).await?;
    Ok(())
}

/// The job: makes the bank's claim match what the invoice needs now.
pub async fn sync(ctx: &WorkerContext, business_id: Uuid, invoice_id: Uuid) -> Result<(), String> {
    let now = ctx.clock.now();
    let mut conn = ctx.db.acquire().await.map_err(|e| e.to_string())?;
    let Some(claim) = db::bank_claims::find(&mut *conn, business_id, invoice_id).await.map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    let Some((client, template)) = client(&mut conn, &ctx.kek, business_id).await? else {
        let why = "the connection to the bank's claims service was removed";
        return record(ctx, business_id, &claim, BankState { last_error: Some(why), ..only("failed") }, now).await;
    };
    match claim.state.as_str() {
        "pending" if claim.amount <= Decimal::ZERO => record(ctx, business_id, &claim, only("cancelled"), now).await,
        "pending" => create(ctx, &client, &template, business_id, &claim, now).await,
        "open" => update(ctx, &client, business_id, &claim, now).await,
        _ => Ok(()),
    }
}

async fn create(
    ctx: &WorkerContext,
    client: &ClaimsClient,
    template: &str,
    business_id: Uuid,
    claim: &StoredClaim,
    now: OffsetDateTime,
) -> Result<(), String> {
    let key = key_of(claim)?;
    let number = db::invoices::find(&ctx.db, business_id, claim.invoice_id)
        .await
        .map_err(|e| e.to_string())?
        .and_then(|i| i.number)
        .unwrap_or_default();
    let request = NewClaim {
        key: key.clone(),
        payor: claim.payor.clone(),
        amount: claim.amount,
        final_due_date: claim.due_date + Duration::days(FINAL_DUE_DAYS),
        template_code: template.to_owned(),
        reference: number.chars().take(16).collect(),
        bill_number: None,
        request_id: claim.request_id,
    };
    match client.create_claim(&request).await {
        Ok(created) => {
            let open = BankState { claim_id: Some(&created.claim_id), bank_amount: Some(claim.amount), ..only("open") };
            record(ctx, business_id, claim, open, now).await?;
            tracing::info!(%business_id, invoice_id = %claim.invoice_id, "bank claim created");
            Ok(())
        }
        // Our own earlier create whose answer was lost has the same key; a claim someone
        // else made under it (other software, the same number and due date) is not ours.
        Err(e) if e.is_claim_exists() => {
            let claim_id = key.claim_id();
            let theirs = match client.get_claim(&claim_id).await {
                Ok(found) => found.payor != claim.payor || found.amount != claim.amount,
                Err(e) if e.retryable() => return Err(e.to_string()),
                Err(_) => true,
            };
            if theirs {
                let why = "the bank already has a claim with this number and due date for another payer or amount";
                return record(ctx, business_id, claim, BankState { last_error: Some(why), ..only("failed") }, now)
                    .await;
            }
            let open = BankState { claim_id: Some(&claim_id), bank_amount: Some(claim.amount), ..only("open") };
            record(ctx, business_id, claim, open, now).await
        }
        Err(e) => refused(ctx, business_id, claim, e, now).await,
    }
}

async fn update(
    ctx: &WorkerContext,
    client: &ClaimsClient,
    business_id: Uuid,
    claim: &StoredClaim,
    now: OffsetDateTime,
) -> Result<(), String> {
    let Some(claim_id) = claim.claim_id.as_deref() else { return Ok(()) };
    if claim.bank_amount == Some(claim.amount) {
        return Ok(());
    }
    let change = Uuid::new_v4();
    let (result, state) = if claim.amount <= Decimal::ZERO {
        (client.cancel_claim(claim_id, change).await, "cancelled")
    } else {
        (client.change_claim_amount(claim_id, claim.amount, change).await, "open")
    };
    match result {
        Ok(()) => {
            record(ctx, business_id, claim, BankState { bank_amount: Some(claim.amount), ..only(state) }, now).await?;
            tracing::info!(%business_id, invoice_id = %claim.invoice_id, state, "bank claim changed");
            Ok(())
        }
        // Paid in the online bank meanwhile: the payment poll records it.
        Err(e) if e.code() == Some("CLAIM_IS_PAID") => Ok(()),
        Err(e) if e.code() == Some("CLAIM_IS_CANCELLED") => {
            record(ctx, business_id, claim, only("cancelled"), now).await
        }
        Err(e) => refused(ctx, business_id, claim, e, now).await,
    }
}

/// A retryable failure goes back to the job queue; a refusal is kept on the claim.
async fn refused(
    ctx: &WorkerContext,
    business_id: Uuid,
    claim: &StoredClaim,
    error: ClaimsError,
    now: OffsetDateTime,
) -> Result<(), String> {
    if error.retryable() {
        return Err(error.to_string());
    }
    tracing::warn!(%business_id, invoice_id = %claim.invoice_id, error = %error, "the bank refused the claim");
    let state = if claim.state == "pending" { "failed" } else { claim.state.as_str() };
    let why = error.to_string();
    record(ctx, business_id, claim, BankState { last_error: Some(&why), ..only(state) }, now).await
}

async fn record(
    ctx: &WorkerContext,
    business_id: Uuid,
    claim: &StoredClaim,
    bank: BankState<'_>,
    now: OffsetDateTime,
) -> Result<(), String> {
    db::bank_claims::set_bank_state(&ctx.db, business_id, claim.invoice_id, &bank, now).await.map_err(|e| e.to_string())
}

/// The bank's state with nothing else changed.
fn only(state: &str) -> BankState<'_> {
    BankState { state, claim_id: None, bank_amount: None, last_error: None }
}

fn key_of(claim: &StoredClaim) -> Result<ClaimKey, String> {
    let number = ClaimNumber::parse(&claim.claim_number).map_err(|e| format!("the claim number {e}"))?;
    ClaimKey::new(&claim.claimant, &claim.bank, number, claim.due_date).map_err(|e| e.to_string())
}

/// What a poll did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PollReport {
    pub asked: usize,
    pub recorded: usize,
}

/// Asks every business with open claims for their payments and records new ones.
pub async fn poll(ctx: &WorkerContext) -> Result<PollReport, String> {
    let now = ctx.clock.now();
    let mut report = PollReport::default();
    let open = db::bank_claims::businesses_with_open_claims(&ctx.db).await.map_err(|e| e.to_string())?;
    for (business_id, claimant, since) in open {
        let mut conn = ctx.db.acquire().await.map_err(|e| e.to_string())?;
        let Some((client, _)) = client(&mut conn, &ctx.kek, business_id).await? else { continue };
        drop(conn);
        report.asked += 1;
        // A day's margin each side: the bank keeps Icelandic (UTC) dates, ours may lag.
        let payments =
            match client.payments_between(&claimant, since - Duration::days(1), now.date() + Duration::days(1)).await {
                Ok(payments) => payments,
                Err(e) => {
                    tracing::warn!(%business_id, error = %e, "claim payments could not be read; will retry");
                    continue;
                }
            };
        for payment in payments {
            if payment.kind == PaymentKind::Refund || payment.principal <= Decimal::ZERO {
                continue;
            }
            if record_claim_payment(
                ctx,
                business_id,
                &payment.claim_id,
                &payment.transaction_id,
                payment.paid_on,
                payment.principal,
                now,
            )
            .await
            .map_err(|e| e.to_string())?
            {
                report.recorded += 1;
            }
        }
    }
    Ok(report)
}

/// Records one reported payment on its claim's invoice, once; the claim is paid when
/// nothing is left open.
async fn record_claim_payment(
    ctx: &WorkerContext,
    business_id: Uuid,
    claim_id: &str,
    transaction_id: &str,
    paid_on: Date,
    amount: Decimal,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let mut tx = ctx.db.begin().await?;
    let Some(claim) = db::bank_claims::by_claim_id(&mut tx, business_id, claim_id).await? else { return Ok(false) };
    let text = format!("Krafa {}-66-{}", claim.bank, claim.claim_number);
    let reported = ReportedClaimPayment { invoice_id: claim.invoice_id, transaction_id, paid_on, amount, text: &text };
    let recorded = db::bank_claims::record_payment(&mut tx, business_id, &reported, now).await?;
    if recorded {
        let invoice = db::invoices::find_for_update(&mut tx, business_id, claim.invoice_id).await?;
        let payable = invoice.and_then(|i| i.payable).unwrap_or_default();
        let open = db::invoices::open_amount(&mut tx, business_id, claim.invoice_id, payable).await?;
        if open <= Decimal::ZERO {
            db::bank_claims::set_bank_state(&mut *tx, business_id, claim.invoice_id, &only("paid"), now).await?;
        }
        let event = AuditEvent::new(now, Category::Payment, "payment.recorded")
            .business(business_id)
            .target(claim.invoice_id.to_string())
            .details(serde_json::json!({
                "amount": amount.to_string(), "currency": "ISK", "method": "bank_claim",
                "claim": claim_id, "transaction": transaction_id, "paid_on": paid_on.to_string(),
            }));
        audit::record(&mut *tx, &event).await?;
        let told = serde_json::json!({
            "amount": amount.to_string(), "paid_on": paid_on, "method": "bank_claim", "source": "bank_claim",
        });
        crate::webhooks::record_payment(&mut tx, business_id, claim.invoice_id, told, now).await?;
    }
    tx.commit().await?;
    Ok(recorded)
}
