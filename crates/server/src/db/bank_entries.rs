//! Imported bank files and the payments in them (`bank_imports`, `bank_entries`), and
//! the invoice payments a match records. Everything a file brings is written in bulk
//! (one statement per table), so a statement of ten thousand payments is one short
//! transaction, not ten thousand round trips.

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// An imported file's record.
pub struct NewImport<'a> {
    pub id: Uuid,
    pub format: &'a str,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub payments: i32,
    pub matched: i32,
    pub duplicates: i32,
    pub imported_by: &'a str,
}

pub async fn insert_import(
    conn: &mut PgConnection,
    business_id: Uuid,
    import: &NewImport<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO bank_imports (business_id, id, format, file_name, file_sha256, payments, matched, duplicates,
                                     imported_by, imported_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        business_id,
        import.id,
        import.format,
        import.file_name,
        import.file_sha256,
        import.payments,
        import.matched,
        import.duplicates,
        import.imported_by,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Which of `bank_ids` the business already has.
pub async fn known_bank_ids(
    conn: &mut PgConnection,
    business_id: Uuid,
    bank_ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT bank_id FROM bank_entries WHERE business_id = $1 AND bank_id = ANY($2)",
        business_id,
        bank_ids
    )
    .fetch_all(conn)
    .await
}

/// An issued invoice a reference names, with what is still open on it, locked until
/// the transaction ends so a payment recorded meanwhile cannot be counted twice.
#[derive(Debug, Clone)]
pub struct ReferencedInvoice {
    pub id: Uuid,
    pub key: String,
    pub number: String,
    pub kind: String,
    pub currency: String,
    pub voided: bool,
    pub open: Decimal,
}

pub async fn invoices_by_reference(
    conn: &mut PgConnection,
    business_id: Uuid,
    keys: &[String],
) -> Result<Vec<ReferencedInvoice>, sqlx::Error> {
    sqlx::query_as!(
        ReferencedInvoice,
        r#"WITH named AS (
               SELECT id, payment_reference_key, number, kind, currency, voided_at, payable FROM invoices
                WHERE business_id = $1 AND payment_reference_key = ANY($2) AND status = 'issued'
                ORDER BY id FOR UPDATE)
           SELECT n.id, n.payment_reference_key AS "key!", n.number AS "number!", n.kind, n.currency,
                  n.voided_at IS NOT NULL AS "voided!",
                  n.payable - coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                                         WHERE p.business_id = $1 AND p.invoice_id = n.id), 0)
                            - coalesce((SELECT sum(cn.payable) FROM invoices cn
                                         WHERE cn.business_id = $1 AND cn.credited_invoice_id = n.id
                                           AND cn.status = 'issued'), 0) AS "open!"
           FROM named n"#,
        business_id,
        keys
    )
    .fetch_all(conn)
    .await
}

/// One payment from a file, as stored.
pub struct NewEntry {
    pub id: Uuid,
    pub bank_id: String,
    pub account: String,
    pub booked_on: Date,
    pub amount: Decimal,
    pub currency: String,
    pub reference: Option<String>,
    pub reference_key: Option<String>,
    pub message: Option<String>,
    pub payer: Option<String>,
    /// `matched` with the invoice and the amount applied, or `unmatched` with why.
    pub matched: Option<(Uuid, Decimal)>,
    pub reason: Option<&'static str>,
}

/// Stores a file's new payments; the matched ones get their invoice payment too,
/// naming the entry and written as the payment history shows it (`payment_text`).
pub async fn insert_entries(
    conn: &mut PgConnection,
    business_id: Uuid,
    import_id: Uuid,
    entries: &[NewEntry],
    matched_by: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let col = |f: &dyn Fn(&NewEntry) -> Option<String>| entries.iter().map(f).collect::<Vec<Option<String>>>();
    let ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    let booked: Vec<Date> = entries.iter().map(|e| e.booked_on).collect();
    let amounts: Vec<Decimal> = entries.iter().map(|e| e.amount).collect();
    let invoices: Vec<Option<Uuid>> = entries.iter().map(|e| e.matched.map(|m| m.0)).collect();
    let applied: Vec<Option<Decimal>> = entries.iter().map(|e| e.matched.map(|m| m.1)).collect();
    sqlx::query!(
        r#"INSERT INTO bank_entries (business_id, id, import_id, bank_id, account, booked_on, amount, currency,
                                     reference, reference_key, message, payer, reason, state, invoice_id, applied,
                                     matched_by, matched_at)
           SELECT $1, e.id, $2, e.bank_id, e.account, e.booked_on, e.amount, e.currency, e.reference, e.reference_key,
                  e.message, e.payer, e.reason, CASE WHEN e.invoice_id IS NULL THEN 'unmatched' ELSE 'matched' END,
                  e.invoice_id, e.applied, CASE WHEN e.invoice_id IS NULL THEN NULL ELSE $3 END,
                  CASE WHEN e.invoice_id IS NULL THEN NULL ELSE $4::timestamptz END
           FROM UNNEST($5::uuid[], $6::text[], $7::text[], $8::date[], $9::numeric[], $10::text[], $11::text[],
                       $12::text[], $13::text[], $14::text[], $15::text[], $16::uuid[], $17::numeric[])
                AS e(id, bank_id, account, booked_on, amount, currency, reference, reference_key, message, payer,
                     reason, invoice_id, applied)"#,
        business_id,
        import_id,
        matched_by,
        now,
        &ids,
        &col(&|e| Some(e.bank_id.clone())) as &[Option<String>],
        &col(&|e| Some(e.account.clone())) as &[Option<String>],
        &booked,
        &amounts,
        &col(&|e| Some(e.currency.clone())) as &[Option<String>],
        &col(&|e| e.reference.clone()) as &[Option<String>],
        &col(&|e| e.reference_key.clone()) as &[Option<String>],
        &col(&|e| e.message.clone()) as &[Option<String>],
        &col(&|e| e.payer.clone()) as &[Option<String>],
        &col(&|e| e.reason.map(str::to_owned)) as &[Option<String>],
        &invoices as &[Option<Uuid>],
        &applied as &[Option<Decimal>]
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"INSERT INTO payments (business_id, id, invoice_id, paid_on, amount, method, reference, created_at,
                                 bank_entry_id)
           SELECT $1, gen_random_uuid(), e.invoice_id, e.booked_on, e.applied, 'bank_transfer',
                  left(concat_ws(' · ', e.payer, e.reference), 200), $2, e.id
           FROM bank_entries e
           WHERE e.business_id = $1 AND e.import_id = $3 AND e.state = 'matched'"#,
        business_id,
        now,
        import_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored payment from a bank file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub booked_on: Date,
    pub amount: Decimal,
    pub currency: String,
    pub reference: Option<String>,
    pub message: Option<String>,
    pub payer: Option<String>,
    pub state: String,
    pub reason: Option<String>,
    pub invoice_id: Option<Uuid>,
    pub invoice_number: Option<String>,
    pub applied: Option<Decimal>,
    pub matched_by: Option<String>,
    pub matched_at: Option<OffsetDateTime>,
}

/// Payments in `state`, newest booking first, at most `limit`.
pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    state: &str,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT e.id, e.booked_on, e.amount, e.currency, e.reference, e.message, e.payer, e.state, e.reason,
                  e.invoice_id, i.number AS "invoice_number?", e.applied, e.matched_by, e.matched_at
           FROM bank_entries e LEFT JOIN invoices i ON i.business_id = e.business_id AND i.id = e.invoice_id
           WHERE e.business_id = $1 AND e.state = $2
           ORDER BY e.booked_on DESC, e.id LIMIT $3"#,
        business_id,
        state,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn find_for_update(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT e.id, e.booked_on, e.amount, e.currency, e.reference, e.message, e.payer, e.state, e.reason,
                  e.invoice_id, NULL::text AS "invoice_number?", e.applied, e.matched_by, e.matched_at
           FROM bank_entries e WHERE e.business_id = $1 AND e.id = $2 FOR UPDATE"#,
        business_id,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Records a person's match: the entry is matched and its payment recorded.
pub async fn match_entry(
    conn: &mut PgConnection,
    business_id: Uuid,
    entry: &Entry,
    invoice_id: Uuid,
    applied: Decimal,
    matched_by: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE bank_entries SET state = 'matched', invoice_id = $3, applied = $4, matched_by = $5, matched_at = $6
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        entry.id,
        invoice_id,
        applied,
        matched_by,
        now
    )
    .execute(&mut *conn)
    .await?;
    let text: String = [entry.payer.as_deref(), entry.reference.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
        .chars()
        .take(200)
        .collect();
    sqlx::query!(
        r#"INSERT INTO payments (business_id, id, invoice_id, paid_on, amount, method, reference, created_at, bank_entry_id)
           VALUES ($1, $2, $3, $4, $5, 'bank_transfer', $6, $7, $8)"#,
        business_id,
        Uuid::new_v4(),
        invoice_id,
        entry.booked_on,
        applied,
        text,
        now,
        entry.id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Undoes a match: its payment is removed and the entry waits again.
pub async fn unmatch_entry(conn: &mut PgConnection, business_id: Uuid, entry_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM payments WHERE business_id = $1 AND bank_entry_id = $2", business_id, entry_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        r#"UPDATE bank_entries SET state = 'unmatched', invoice_id = NULL, applied = NULL, matched_by = NULL,
                  matched_at = NULL, reason = NULL
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        entry_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets an unmatched entry aside as not an invoice payment, or back.
pub async fn set_dismissed(
    conn: &mut PgConnection,
    business_id: Uuid,
    entry_id: Uuid,
    dismissed: bool,
) -> Result<(), sqlx::Error> {
    let state = if dismissed { "dismissed" } else { "unmatched" };
    sqlx::query!("UPDATE bank_entries SET state = $3 WHERE business_id = $1 AND id = $2", business_id, entry_id, state)
        .execute(conn)
        .await?;
    Ok(())
}

/// An open invoice a waiting payment could be for.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub entry_id: Uuid,
    pub invoice_id: Uuid,
    pub number: String,
    pub customer: String,
    pub due_date: Date,
    pub open: Decimal,
}

/// For each of the business's waiting payments (the newest `limit`), the open
/// invoices in its currency whose open amount is the payment's, or whose number the
/// payer wrote (`number_keys` of each entry's message, matched against the number
/// without separators). One pass over the open invoices for all entries.
pub async fn candidates(db: impl PgExecutor<'_>, business_id: Uuid, limit: i64) -> Result<Vec<Candidate>, sqlx::Error> {
    sqlx::query_as!(
        Candidate,
        r#"WITH waiting AS (
               SELECT id, amount, currency, upper(coalesce(message, '') || ' ' || coalesce(reference, '')) AS said
                 FROM bank_entries WHERE business_id = $1 AND state = 'unmatched'
                ORDER BY booked_on DESC, id LIMIT $2),
           open AS (
               SELECT i.id, i.number, i.currency, i.due_date, i.customer_id,
                      i.payable - coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                                             WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)
                                - coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                                             AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) AS open
                 FROM invoices i
                WHERE i.business_id = $1 AND i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
                  AND i.currency IN (SELECT currency FROM waiting))
           SELECT w.id AS "entry_id!", o.id AS "invoice_id!", o.number AS "number!", c.name AS "customer!",
                  o.due_date AS "due_date!", o.open AS "open!"
             FROM waiting w
             JOIN open o ON o.currency = w.currency AND o.open > 0
                        AND (o.open = w.amount OR (length(o.number) >= 3 AND strpos(w.said, upper(o.number)) > 0))
             JOIN customers c ON c.business_id = $1 AND c.id = o.customer_id"#,
        business_id,
        limit
    )
    .fetch_all(db)
    .await
}

/// An imported file as listed.
#[derive(Debug, Clone)]
pub struct Import {
    pub id: Uuid,
    pub format: String,
    pub file_name: String,
    pub payments: i32,
    pub matched: i32,
    pub duplicates: i32,
    pub imported_at: OffsetDateTime,
}

pub async fn imports(db: impl PgExecutor<'_>, business_id: Uuid, limit: i64) -> Result<Vec<Import>, sqlx::Error> {
    sqlx::query_as!(
        Import,
        r#"SELECT id, format, file_name, payments, matched, duplicates, imported_at FROM bank_imports
           WHERE business_id = $1 ORDER BY imported_at DESC LIMIT $2"#,
        business_id,
        limit
    )
    .fetch_all(db)
    .await
}

/// The issued invoice numbered `number` (as typed, case and spaces forgiven).
pub async fn invoice_by_number(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    number: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id FROM invoices WHERE business_id = $1 AND kind = 'invoice' AND status = 'issued'
             AND upper(number) = upper($2) LIMIT 1"#,
        business_id,
        number.trim()
    )
    .fetch_optional(db)
    .await
}
