//! Invoices and credit notes, their lines, numbering and payments.
//!
//! Drafts change freely (guarded by an optimistic `version`); issued documents are
//! immutable, in this code and in database triggers. A number is taken from the
//! series row inside the issuing transaction: the row lock orders concurrent issuers,
//! and a rolled-back issue gives its number back, so there are no gaps.

use fastfaktura_domain::{Currency, InvoiceKind, InvoiceStatus, PriceEntry};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

// Payments are their own module; these names stay reachable here for the callers
// that read an invoice with its payments.
use super::invoice_values::{stored, stored_currency, stored_kind, stored_status};
pub use super::payments::{Payment, RecordedPayment, open_amount, payments, record_payment};

#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: Uuid,
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    pub customer_id: Uuid,
    pub currency: Currency,
    pub price_entry: PriceEntry,
    pub discount_percent: Decimal,
    pub note: String,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub number: Option<String>,
    pub credited_invoice_id: Option<Uuid>,
    pub payable: Option<Decimal>,
    pub version: i32,
    pub voided: bool,
    pub references: References,
    /// The payment reference printed on an issued invoice (BT-83), and its match key.
    pub payment_reference: Option<String>,
    /// A quote's answer from the customer: `accepted` or `declined`, and when.
    pub quote_decision: Option<(String, OffsetDateTime)>,
}

/// The dates and references a document carries besides its number: delivery date
/// (BT-72) or period (BT-73/74), buyer reference (BT-10), purchase order (BT-13).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    pub delivery_date: Option<Date>,
    pub period: Option<(Date, Date)>,
    pub buyer_reference: String,
    pub order_reference: String,
}

/// An invoice row as stored (text columns), before [`Invoice`] types it.
struct InvoiceRow {
    id: Uuid,
    kind: String,
    status: String,
    customer_id: Uuid,
    currency: String,
    price_entry: String,
    discount_percent: Decimal,
    note: String,
    issue_date: Option<Date>,
    due_date: Option<Date>,
    number: Option<String>,
    credited_invoice_id: Option<Uuid>,
    payable: Option<Decimal>,
    version: i32,
    voided: bool,
    delivery_date: Option<Date>,
    period_start: Option<Date>,
    period_end: Option<Date>,
    buyer_reference: String,
    order_reference: String,
    quote_decision: Option<String>,
    quote_decided_at: Option<OffsetDateTime>,
    payment_reference: Option<String>,
}

impl TryFrom<InvoiceRow> for Invoice {
    type Error = sqlx::Error;

    fn try_from(r: InvoiceRow) -> Result<Self, sqlx::Error> {
        Ok(Invoice {
            id: r.id,
            kind: stored_kind(&r.kind)?,
            status: stored_status(&r.status)?,
            customer_id: r.customer_id,
            currency: stored_currency(&r.currency)?,
            price_entry: stored("price_entry", PriceEntry::parse(&r.price_entry))?,
            discount_percent: r.discount_percent,
            note: r.note,
            issue_date: r.issue_date,
            due_date: r.due_date,
            number: r.number,
            credited_invoice_id: r.credited_invoice_id,
            payable: r.payable,
            version: r.version,
            voided: r.voided,
            references: References {
                delivery_date: r.delivery_date,
                period: r.period_start.zip(r.period_end),
                buyer_reference: r.buyer_reference,
                order_reference: r.order_reference,
            },
            quote_decision: r.quote_decision.zip(r.quote_decided_at),
            payment_reference: r.payment_reference,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub vat_category: String,
    pub vat_rate: Decimal,
    pub exemption_reason: String,
}

pub struct NewDraft {
    pub kind: InvoiceKind,
    pub customer_id: Uuid,
    pub currency: Currency,
    pub price_entry: PriceEntry,
    pub credited_invoice_id: Option<Uuid>,
}

pub async fn create_draft(
    conn: &mut PgConnection,
    business_id: Uuid,
    draft: NewDraft,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO invoices (business_id, id, kind, customer_id, currency, price_entry, credited_invoice_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"#,
        business_id,
        id,
        draft.kind.as_str(),
        draft.customer_id,
        draft.currency.code(),
        draft.price_entry.as_str(),
        draft.credited_invoice_id,
        now
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// The invoice; with `lock`, row-locked until the transaction ends.
pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceRow,
        r#"SELECT id, kind, status, customer_id, currency, price_entry, discount_percent, note, issue_date, due_date,
                  number, credited_invoice_id, payable, version, voided_at IS NOT NULL AS "voided!", delivery_date,
                  period_start, period_end, buyer_reference, order_reference, quote_decision, quote_decided_at,
                  payment_reference
           FROM invoices WHERE business_id = $1 AND id = $2"#,
        business_id,
        id
    )
    .fetch_optional(db)
    .await?
    .map(Invoice::try_from)
    .transpose()
}

pub async fn find_for_update(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as!(
        InvoiceRow,
        r#"SELECT id, kind, status, customer_id, currency, price_entry, discount_percent, note, issue_date, due_date,
                  number, credited_invoice_id, payable, version, voided_at IS NOT NULL AS "voided!", delivery_date,
                  period_start, period_end, buyer_reference, order_reference, quote_decision, quote_decided_at,
                  payment_reference
           FROM invoices WHERE business_id = $1 AND id = $2 FOR UPDATE"#,
        business_id,
        id
    )
    .fetch_optional(conn)
    .await?
    .map(Invoice::try_from)
    .transpose()
}

pub async fn lines(db: impl PgExecutor<'_>, business_id: Uuid, invoice_id: Uuid) -> Result<Vec<Line>, sqlx::Error> {
    sqlx::query_as!(
        Line,
        r#"SELECT description, quantity, unit, unit_price, discount_percent, vat_category, vat_rate, exemption_reason
           FROM invoice_lines WHERE business_id = $1 AND invoice_id = $2 ORDER BY position"#,
        business_id,
        invoice_id
    )
    .fetch_all(db)
    .await
}

pub struct DraftHeader<'a> {
    pub customer_id: Uuid,
    pub currency: Currency,
    pub price_entry: PriceEntry,
    pub discount_percent: Decimal,
    pub note: &'a str,
    /// Set on the draft, or empty for "today" and "from the terms" at issue.
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub references: &'a References,
}

/// Why a draft could not be saved.
#[derive(Debug, PartialEq, Eq)]
pub enum SaveRefused {
    NotFound,
    Issued,
    /// Someone saved a newer version first.
    Conflict,
}

/// Replaces a draft's header and lines if it is still a draft at `expected_version`.
pub async fn save_draft(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    expected_version: i32,
    header: DraftHeader<'_>,
    new_lines: &[Line],
    now: OffsetDateTime,
) -> Result<Result<i32, SaveRefused>, sqlx::Error> {
    let updated = sqlx::query_scalar!(
        r#"UPDATE invoices SET customer_id = $4, currency = $5, price_entry = $6, discount_percent = $7, note = $8,
                  version = version + 1, updated_at = $9, issue_date = $10, due_date = $11, delivery_date = $12,
                  period_start = $13, period_end = $14, buyer_reference = $15, order_reference = $16
           WHERE business_id = $1 AND id = $2 AND status = 'draft' AND version = $3
           RETURNING version"#,
        business_id,
        id,
        expected_version,
        header.customer_id,
        header.currency.code(),
        header.price_entry.as_str(),
        header.discount_percent,
        header.note,
        now,
        header.issue_date,
        header.due_date,
        header.references.delivery_date,
        header.references.period.map(|p| p.0),
        header.references.period.map(|p| p.1),
        header.references.buyer_reference,
        header.references.order_reference
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(version) = updated else {
        return Ok(Err(match find(&mut *conn, business_id, id).await? {
            None => SaveRefused::NotFound,
            Some(i) if i.status != InvoiceStatus::Draft => SaveRefused::Issued,
            Some(_) => SaveRefused::Conflict,
        }));
    };
    sqlx::query!("DELETE FROM invoice_lines WHERE business_id = $1 AND invoice_id = $2", business_id, id)
        .execute(&mut *conn)
        .await?;
    insert_lines(conn, business_id, id, new_lines).await?;
    Ok(Ok(version))
}

pub async fn insert_lines(
    conn: &mut PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    new_lines: &[Line],
) -> Result<(), sqlx::Error> {
    for (i, l) in new_lines.iter().enumerate() {
        sqlx::query!(
            r#"INSERT INTO invoice_lines (business_id, invoice_id, position, description, quantity, unit, unit_price,
                                         discount_percent, vat_category, vat_rate, exemption_reason)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
            business_id,
            invoice_id,
            i as i32 + 1,
            l.description,
            l.quantity,
            l.unit,
            l.unit_price,
            l.discount_percent,
            l.vat_category,
            l.vat_rate,
            l.exemption_reason
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn delete_draft(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM invoices WHERE business_id = $1 AND id = $2 AND status = 'draft'", business_id, id)
        .execute(db)
        .await?
        .rows_affected()
        == 1)
}

/// A number taken from a series: its text, its year (0 without yearly reset) and its
/// sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenNumber {
    pub text: String,
    pub year: i32,
    pub seq: i64,
}

/// Takes the next number of the business's `kind` series. The series row stays locked
/// until the caller's transaction ends: that is what makes numbering gap-free.
pub async fn take_number(
    conn: &mut PgConnection,
    business_id: Uuid,
    kind: InvoiceKind,
    year: i32,
) -> Result<TakenNumber, sqlx::Error> {
    let language = sqlx::query_scalar!("SELECT invoice_language FROM businesses WHERE id = $1", business_id)
        .fetch_one(&mut *conn)
        .await?;
    let prefix = crate::db::numbering::default_prefix(kind, &language);
    let kind = kind.as_str();
    sqlx::query!(
        r#"INSERT INTO numbering_series (business_id, kind, prefix, counter_year) VALUES ($1, $2, $3, $4)
           ON CONFLICT (business_id, kind) DO NOTHING"#,
        business_id,
        kind,
        prefix,
        year
    )
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query!(
        r#"UPDATE numbering_series SET
               last_number = CASE WHEN yearly_reset AND counter_year <> $3 THEN 1 ELSE last_number + 1 END,
               counter_year = CASE WHEN yearly_reset THEN $3 ELSE counter_year END
           WHERE business_id = $1 AND kind = $2
           RETURNING prefix, yearly_reset, padding, counter_year, last_number"#,
        business_id,
        kind,
        year
    )
    .fetch_one(&mut *conn)
    .await?;
    let width = usize::try_from(row.padding).unwrap_or(4);
    let (text, year) = if row.yearly_reset {
        (format!("{}{}-{:0width$}", row.prefix, row.counter_year, row.last_number), row.counter_year)
    } else {
        (format!("{}{:0width$}", row.prefix, row.last_number), 0)
    };
    Ok(TakenNumber { text, year, seq: row.last_number })
}

pub struct Issued<'a> {
    pub number: &'a TakenNumber,
    pub issue_date: Date,
    pub due_date: Date,
    pub tax_exclusive: Decimal,
    pub vat_total: Decimal,
    pub payable: Decimal,
    /// The invoice's payment reference (none for credit notes and quotes).
    pub payment_reference: Option<&'a str>,
}

pub async fn mark_issued(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    issued: Issued<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE invoices SET status = 'issued', number = $3, number_year = $4, number_seq = $5, issue_date = $6,
                  due_date = $7, tax_exclusive = $8, vat_total = $9, payable = $10, issued_at = $11, updated_at = $11,
                  version = version + 1, payment_reference = $12, payment_reference_key = $13
           WHERE business_id = $1 AND id = $2 AND status = 'draft'"#,
        business_id,
        id,
        issued.number.text,
        issued.number.year,
        issued.number.seq,
        issued.issue_date,
        issued.due_date,
        issued.tax_exclusive,
        issued.vat_total,
        issued.payable,
        now,
        issued.payment_reference,
        issued.payment_reference.map(fastfaktura_domain::reference_key)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The newest issue date of the business's issued documents of `kind`: a new one may
/// not be dated before it, so numbers stay in date order.
pub async fn newest_issue_date(
    conn: &mut PgConnection,
    business_id: Uuid,
    kind: InvoiceKind,
) -> Result<Option<Date>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT max(issue_date) FROM invoices WHERE business_id = $1 AND kind = $2 AND status = 'issued'",
        business_id,
        kind.as_str()
    )
    .fetch_one(conn)
    .await
}

/// Records a customer's answer to an issued quote, once; false if it already has one.
pub async fn decide_quote(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    decision: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE invoices SET quote_decision = $3, quote_decided_at = $4
           WHERE business_id = $1 AND id = $2 AND kind = 'quote' AND status = 'issued' AND quote_decision IS NULL"#,
        business_id,
        id,
        decision,
        now
    )
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// The issued credit notes of an invoice: id and number, oldest first.
pub async fn credit_notes_of(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT id, number AS "number!" FROM invoices
           WHERE business_id = $1 AND credited_invoice_id = $2 AND status = 'issued' ORDER BY number_year, number_seq"#,
        business_id,
        invoice_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.id, r.number))
    .collect())
}

/// Sum of issued credit notes against an invoice.
pub async fn credited_total(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    invoice_id: Uuid,
) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT coalesce(sum(payable), 0) AS "total!" FROM invoices
           WHERE business_id = $1 AND credited_invoice_id = $2 AND status = 'issued'"#,
        business_id,
        invoice_id
    )
    .fetch_one(db)
    .await
}

pub async fn mark_voided(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoices SET voided_at = $3 WHERE business_id = $1 AND id = $2 AND voided_at IS NULL",
        business_id,
        id,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Links a draft invoice to the quote it was made from (one invoice per quote).
pub async fn set_source_quote(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    quote_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoices SET source_quote_id = $3 WHERE business_id = $1 AND id = $2",
        business_id,
        id,
        quote_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The invoice made from a quote, if any.
pub async fn converted_from(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    quote_id: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM invoices WHERE business_id = $1 AND source_quote_id = $2",
        business_id,
        quote_id
    )
    .fetch_optional(db)
    .await
}

/// A new draft of `kind` with `source`'s customer, currency, prices, discount and
/// lines (credit notes, quotes turned into invoices, recurring copies). Returns its id.
pub async fn copy_as_draft(
    conn: &mut PgConnection,
    business_id: Uuid,
    source: &Invoice,
    kind: InvoiceKind,
    credited_invoice_id: Option<Uuid>,
    note: &str,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let draft = create_draft(
        &mut *conn,
        business_id,
        NewDraft {
            kind,
            customer_id: source.customer_id,
            currency: source.currency,
            price_entry: source.price_entry,
            credited_invoice_id,
        },
        now,
    )
    .await?;
    sqlx::query!(
        r#"UPDATE invoices SET discount_percent = $3, note = $4, buyer_reference = $5, order_reference = $6
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        draft,
        source.discount_percent,
        note,
        source.references.buyer_reference,
        source.references.order_reference
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"INSERT INTO invoice_lines (business_id, invoice_id, position, description, quantity, unit, unit_price,
                                     discount_percent, vat_category, vat_rate, exemption_reason)
           SELECT business_id, $3, position, description, quantity, unit, unit_price, discount_percent, vat_category,
                  vat_rate, exemption_reason
           FROM invoice_lines WHERE business_id = $1 AND invoice_id = $2"#,
        business_id,
        source.id,
        draft
    )
    .execute(&mut *conn)
    .await?;
    Ok(draft)
}
