//! The invoice lists: the owner's list (search, status filter, pages) and the API's list
//! (cursor pages). Each row says what is still open (payable less payments and issued
//! credit notes), computed in the query.

use fastfaktura_domain::{Currency, InvoiceKind, InvoiceStatus};
use rust_decimal::Decimal;
use sqlx::PgExecutor;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::invoice_values::{stored_currency, stored_kind, stored_status};

/// One row of the invoice list, with what is still open.
#[derive(Debug, Clone)]
pub struct ListedInvoice {
    pub id: Uuid,
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub customer_name: String,
    pub currency: Currency,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub payable: Option<Decimal>,
    pub paid: Decimal,
    pub credited: Decimal,
    pub voided: bool,
}

/// Which documents the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFilter {
    #[default]
    All,
    Drafts,
    /// Issued invoices with money still owed.
    Open,
    /// Open and past their due date.
    Overdue,
    /// Issued invoices with nothing owed.
    Paid,
    Quotes,
    CreditNotes,
}

impl ListFilter {
    pub fn parse(value: &str) -> Self {
        match value {
            "draft" => Self::Drafts,
            "open" => Self::Open,
            "overdue" => Self::Overdue,
            "paid" => Self::Paid,
            "quote" => Self::Quotes,
            "credit_note" => Self::CreditNotes,
            _ => Self::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "",
            Self::Drafts => "draft",
            Self::Open => "open",
            Self::Overdue => "overdue",
            Self::Paid => "paid",
            Self::Quotes => "quote",
            Self::CreditNotes => "credit_note",
        }
    }
}

pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    search: &str,
    filter: ListFilter,
    today: Date,
    limit: i64,
    offset: i64,
) -> Result<Vec<ListedInvoice>, sqlx::Error> {
    let pattern = crate::db::like_pattern(search);
    let rows = sqlx::query_as!(
        ListedRow,
        r#"SELECT i.id, i.kind, i.status, i.number, c.name AS customer_name, i.currency, i.issue_date, i.due_date, i.payable,
                  amounts.paid AS "paid!", amounts.credited AS "credited!", i.voided_at IS NOT NULL AS "voided!"
           FROM invoices i
           JOIN customers c ON c.business_id = i.business_id AND c.id = i.customer_id
           CROSS JOIN LATERAL (SELECT
                  coalesce((SELECT sum(p.amount - p.refunded) FROM payments p WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0) AS paid,
                  coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                             AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) AS credited) amounts
           WHERE i.business_id = $1 AND (c.name ILIKE $2 OR coalesce(i.number, '') ILIKE $2)
             AND CASE $5::text
                 WHEN 'draft' THEN i.status = 'draft'
                 WHEN 'quote' THEN i.kind = 'quote'
                 WHEN 'credit_note' THEN i.kind = 'credit_note'
                 WHEN 'open' THEN i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
                                  AND i.payable - amounts.paid - amounts.credited > 0
                 WHEN 'overdue' THEN i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
                                  AND i.payable - amounts.paid - amounts.credited > 0 AND i.due_date < $6
                 WHEN 'paid' THEN i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
                                  AND i.payable - amounts.paid - amounts.credited <= 0
                 ELSE true END
           ORDER BY i.created_at DESC, i.id DESC
           LIMIT $3 OFFSET $4"#,
        business_id,
        pattern,
        limit,
        offset,
        filter.as_str(),
        today
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(ListedRow::into_listed).collect()
}

/// A row of the list as the database gives it, kind, status and currency as stored text:
/// from [`list`]'s query, and from the dashboard's JSON array of the latest documents
/// (where PostgreSQL writes the amounts as text). One mapping into [`ListedInvoice`].
#[derive(Debug, serde::Deserialize)]
pub(super) struct ListedRow {
    id: Uuid,
    kind: String,
    status: String,
    number: Option<String>,
    customer_name: String,
    currency: String,
    issue_date: Option<Date>,
    due_date: Option<Date>,
    #[serde(with = "rust_decimal::serde::str_option")]
    payable: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    paid: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    credited: Decimal,
    voided: bool,
}

impl ListedRow {
    pub(super) fn into_listed(self) -> Result<ListedInvoice, sqlx::Error> {
        Ok(ListedInvoice {
            id: self.id,
            kind: stored_kind(&self.kind)?,
            status: stored_status(&self.status)?,
            number: self.number,
            customer_name: self.customer_name,
            currency: stored_currency(&self.currency)?,
            issue_date: self.issue_date,
            due_date: self.due_date,
            payable: self.payable,
            paid: self.paid,
            credited: self.credited,
            voided: self.voided,
        })
    }
}

/// One invoice in the API's list: what a list needs, from one query.
#[derive(Debug, Clone)]
pub struct PagedInvoice {
    pub id: Uuid,
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub customer_id: Uuid,
    pub currency: Currency,
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub payable: Option<Decimal>,
    pub paid: Decimal,
    pub credited: Decimal,
    pub voided: bool,
    pub created_at: OffsetDateTime,
}

/// A page of the API's invoice list: newest first, after a `(created_at, id)` cursor,
/// optionally filtered by status and customer.
pub async fn list_page(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    status: Option<InvoiceStatus>,
    customer_id: Option<Uuid>,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<PagedInvoice>, sqlx::Error> {
    let (before_at, before_id) = before.map_or((None, None), |(at, id)| (Some(at), Some(id)));
    let rows = sqlx::query!(
        r#"SELECT i.id, i.kind, i.status, i.number, i.customer_id, i.currency, i.issue_date, i.due_date, i.payable,
                  coalesce((SELECT sum(p.amount - p.refunded) FROM payments p WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0) AS "paid!",
                  coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                             AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) AS "credited!",
                  i.voided_at IS NOT NULL AS "voided!", i.created_at
           FROM invoices i
           WHERE i.business_id = $1
             AND ($2::text IS NULL OR i.status = $2)
             AND ($3::uuid IS NULL OR i.customer_id = $3)
             AND ($4::timestamptz IS NULL OR (i.created_at, i.id) < ($4, $5::uuid))
           ORDER BY i.created_at DESC, i.id DESC
           LIMIT $6"#,
        business_id,
        status.map(InvoiceStatus::as_str),
        customer_id,
        before_at,
        before_id,
        limit
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(PagedInvoice {
                id: r.id,
                kind: stored_kind(&r.kind)?,
                status: stored_status(&r.status)?,
                number: r.number,
                customer_id: r.customer_id,
                currency: stored_currency(&r.currency)?,
                issue_date: r.issue_date,
                due_date: r.due_date,
                payable: r.payable,
                paid: r.paid,
                credited: r.credited,
                voided: r.voided,
                created_at: r.created_at,
            })
        })
        .collect()
}
