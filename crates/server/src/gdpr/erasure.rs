//! Erasing one customer's personal data at the business owner's request (Art. 17).
//!
//! Issued invoices and credit notes must stay as they were issued (bookkeeping law,
//! Art. 17(3)(b)), and they read the buyer from the customer row. So:
//! - no issued document names the customer: the row is anonymised in place;
//! - some do: drafts (including draft quotes) move to an anonymised copy, and the
//!   original row is hidden (archived) with a note of why it is kept. Issued quotes
//!   cannot change either (the same trigger) and stay with the original.
//!
//! Either way the request is a `security/customer.erased` audit event with counts and
//! the reason, never the erased details. A second request is a no-op.

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, AuditEvent, Category, RequestMeta};

/// What replaces the name (the column must not be empty); the same in every language.
pub const ERASED_NAME: &str = "—";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erased {
    /// Anonymised in place: nothing issued named the customer.
    InPlace {
        drafts: u64,
    },
    /// Kept for `issued` documents; `drafts` moved to the anonymised copy `copy_id`.
    KeptForBookkeeping {
        issued: i64,
        drafts: u64,
        copy_id: Uuid,
    },
    AlreadyErased,
    NotFound,
}

pub async fn erase_customer(
    db: &PgPool,
    business_id: Uuid,
    customer_id: Uuid,
    by: Uuid,
    meta: &RequestMeta,
    now: OffsetDateTime,
) -> Result<Erased, sqlx::Error> {
    let mut tx = db.begin().await?;
    let found = sqlx::query_scalar!(
        "SELECT erased_at FROM customers WHERE business_id = $1 AND id = $2 FOR UPDATE",
        business_id,
        customer_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    match found {
        None => return Ok(Erased::NotFound),
        Some(Some(_)) => return Ok(Erased::AlreadyErased),
        Some(None) => {}
    }
    let issued: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM invoices WHERE business_id = $1 AND customer_id = $2 AND status <> 'draft'"#,
        business_id,
        customer_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let outcome = if issued == 0 {
        sqlx::query!(
            r#"UPDATE customers SET name = $3, email = '', phone = '', vat_number = '', registration_id = '', address_line = '',
                      postal_code = '', city = '', erased_at = $4, archived_at = coalesce(archived_at, $4)
               WHERE business_id = $1 AND id = $2"#,
            business_id,
            customer_id,
            ERASED_NAME,
            now
        )
        .execute(&mut *tx)
        .await?;
        let drafts = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM invoices WHERE business_id = $1 AND customer_id = $2"#,
            business_id,
            customer_id
        )
        .fetch_one(&mut *tx)
        .await?;
        Erased::InPlace { drafts: drafts as u64 }
    } else {
        let copy_id = Uuid::new_v4();
        sqlx::query!(
            r#"INSERT INTO customers (business_id, id, kind, name, country, language, currency, archived_at, created_at,
                                      erased_at, erasure_note)
               SELECT business_id, $3, kind, $4, country, language, currency, $5, $5, $5, 'anonymised copy for drafts'
               FROM customers WHERE business_id = $1 AND id = $2"#,
            business_id,
            customer_id,
            copy_id,
            ERASED_NAME,
            now
        )
        .execute(&mut *tx)
        .await?;
        let drafts = sqlx::query!(
            "UPDATE invoices SET customer_id = $3 WHERE business_id = $1 AND customer_id = $2 AND status = 'draft'",
            business_id,
            customer_id,
            copy_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let note = format!(
            "Erasure requested; kept unchanged for {issued} issued document(s), as bookkeeping law requires, \
             hidden from lists and new documents."
        );
        sqlx::query!(
            r#"UPDATE customers SET erased_at = $3, archived_at = coalesce(archived_at, $3), erasure_note = $4
               WHERE business_id = $1 AND id = $2"#,
            business_id,
            customer_id,
            now,
            note
        )
        .execute(&mut *tx)
        .await?;
        Erased::KeptForBookkeeping { issued, drafts, copy_id }
    };
    let details = match &outcome {
        Erased::InPlace { drafts } => serde_json::json!({ "anonymised": "in place", "drafts": drafts }),
        Erased::KeptForBookkeeping { issued, drafts, copy_id } => serde_json::json!({
            "anonymised": "drafts moved to an anonymised copy",
            "drafts": drafts,
            "copy": copy_id,
            "issued_documents_kept": issued,
            "reason": "issued invoices and credit notes are kept unchanged as bookkeeping law requires (GDPR Art. 17(3)(b))",
        }),
        Erased::AlreadyErased | Erased::NotFound => serde_json::Value::Null,
    };
    let event = AuditEvent::new(now, Category::Security, "customer.erased")
        .actor(Actor::User(by))
        .business(business_id)
        .target(customer_id.to_string())
        .request(meta)
        .details(details);
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(outcome)
}
