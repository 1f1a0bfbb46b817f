//! The signed-in home page's figures, read in one statement: who is signed in for which
//! business, what needs attention, what is owed and received per currency (a summary,
//! received per month, owed by age), the latest documents, open invitations and the
//! user's other businesses. Read-only aggregates over the business's invoices,
//! payments, deliveries and bank entries.

use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::{PgExecutor, types::Json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    invoice_lists::{ListedInvoice, ListedRow},
    members::{INVITATION_VALID_FOR, Membership},
};

/// Who is signed in, for which business, in which role.
#[derive(Debug, Clone)]
pub struct DashboardView {
    pub email: String,
    pub business_name: String,
    pub role: String,
}

/// What needs the owner's attention now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attention {
    pub overdue: i64,
    pub drafts: i64,
    /// Issued invoices and quotes never sent (by email or SMS) nor shared by link.
    pub unsent: i64,
    pub failed_deliveries: i64,
    /// Payments from imported bank files that wait to be matched.
    pub unmatched_payments: i64,
}

/// The summary's figures for one currency.
#[derive(Debug, Clone)]
pub struct CurrencySummary {
    pub currency: String,
    /// Owed on issued invoices (payable less payments and issued credit notes).
    pub outstanding: Decimal,
    /// The part of it past its due date.
    pub overdue: Decimal,
    /// Received since the first day of this month (after refunds).
    pub paid_this_month: Decimal,
}

/// Money received in one month, in one currency (after refunds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPaid {
    pub currency: String,
    /// The first day of the month.
    pub month: Date,
    pub amount: Decimal,
}

/// What is owed in one currency, by how long past due: not yet due, 1–30, 31–60, 61–90
/// and more than 90 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aging {
    pub currency: String,
    pub buckets: [Decimal; 5],
}

/// Everything the signed-in home page shows, read by [`page`].
#[derive(Debug, Clone)]
pub struct DashboardFigures {
    pub view: DashboardView,
    /// The address a legal invoice needs is missing.
    pub profile_incomplete: bool,
    /// Open invitations addressed to the user's email, from businesses still open.
    pub invitations: i64,
    /// The user's memberships of other businesses, oldest first.
    pub other_businesses: Vec<Membership>,
    pub attention: Attention,
    pub summary: Vec<CurrencySummary>,
    pub paid_per_month: Vec<MonthPaid>,
    pub aging: Vec<Aging>,
    /// The five documents created last, newest first.
    pub recent: Vec<ListedInvoice>,
}

/// The dashboard in one statement: one row for the user's membership of the business
/// (None when there is none), with the lists as JSON arrays beside the counts.
///
/// One statement rather than one per figure because, once its plans were generic,
/// the page's cost in PostgreSQL was mostly per statement (locking each plan's tables
/// and indexes, starting its executor, a round trip) rather than the reading itself
/// (docs/PERFORMANCE.md). The invoices' open amounts are computed once for the overdue
/// count, the summary and the aging, and the payments per month once for the chart and
/// "paid this month". Amounts travel as text inside the JSON so that no digit goes
/// through a float.
///
/// `received_since` is the first day of the oldest month charted; it must not be after
/// the first day of `today`'s month, whose payments "paid this month" sums.
pub async fn page(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    user_id: Uuid,
    today: Date,
    received_since: Date,
    now: OffsetDateTime,
) -> Result<Option<DashboardFigures>, sqlx::Error> {
    let this_month = today.replace_day(1).unwrap_or(today);
    debug_assert!(received_since <= this_month, "the chart's months include this one");
    let Some(row) = sqlx::query!(
        r#"WITH open AS (
               SELECT i.currency, i.due_date,
                      i.payable
                        - coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                                     WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)
                        - coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                                     AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0) AS amount
               FROM invoices i
               WHERE i.business_id = $1 AND i.kind = 'invoice' AND i.status = 'issued' AND i.voided_at IS NULL
           ),
           received AS (
               SELECT i.currency, date_trunc('month', p.paid_on)::date AS month, sum(p.amount - p.refunded) AS amount
               FROM payments p JOIN invoices i ON i.business_id = p.business_id AND i.id = p.invoice_id
               WHERE p.business_id = $1 AND p.paid_on >= $4
               GROUP BY 1, 2
           )
           SELECT u.email, b.name AS business_name, m.role,
                  b.address_line = '' OR b.city = '' AS "profile_incomplete!",
                  (SELECT count(*) FROM invitations inv
                     JOIN businesses inviting ON inviting.id = inv.business_id
                     JOIN users inviter ON inviter.id = inv.invited_by
                    WHERE inv.email = u.email AND inv.accepted_at IS NULL AND inv.revoked_at IS NULL
                      AND inv.declined_at IS NULL AND inv.created_at > $6 AND inviting.closed_at IS NULL)
                    AS "invitations!",
                  (SELECT coalesce(json_agg(other ORDER BY other.created_at, other.business_name), '[]')
                     FROM (SELECT om.business_id, ob.name AS business_name, om.role, om.created_at
                             FROM business_members om JOIN businesses ob ON ob.id = om.business_id
                            WHERE om.user_id = $2 AND om.business_id <> $1) other)
                    AS "other_businesses!: Json<Vec<OtherBusinessJson>>",
                  (SELECT count(*) FROM open WHERE amount > 0 AND due_date < $3) AS "overdue!",
                  (SELECT count(*) FROM invoices WHERE business_id = $1 AND status = 'draft') AS "drafts!",
                  (SELECT count(*) FROM invoices i
                    WHERE i.business_id = $1 AND i.status = 'issued' AND i.kind IN ('invoice', 'quote') AND i.voided_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM invoice_deliveries d WHERE d.business_id = i.business_id AND d.invoice_id = i.id)
                      AND NOT EXISTS (SELECT 1 FROM invoice_links l WHERE l.business_id = i.business_id AND l.invoice_id = i.id))
                    AS "unsent!",
                  (SELECT count(*) FROM invoice_deliveries WHERE business_id = $1 AND status = 'failed') AS "failed!",
                  (SELECT count(*) FROM bank_entries WHERE business_id = $1 AND state = 'unmatched') AS "unmatched!",
                  (SELECT coalesce(json_agg(s ORDER BY s.currency), '[]')
                     FROM (SELECT c.currency,
                                  coalesce((SELECT sum(o.amount) FROM open o
                                             WHERE o.currency = c.currency AND o.amount > 0), 0)::text AS outstanding,
                                  coalesce((SELECT sum(o.amount) FROM open o
                                             WHERE o.currency = c.currency AND o.amount > 0 AND o.due_date < $3), 0)::text AS overdue,
                                  coalesce((SELECT sum(r.amount) FROM received r
                                             WHERE r.currency = c.currency AND r.month >= $5), 0)::text AS paid_this_month
                             FROM (SELECT currency FROM open UNION SELECT currency FROM received WHERE month >= $5) c) s)
                    AS "summary!: Json<Vec<SummaryJson>>",
                  (SELECT coalesce(json_agg(r ORDER BY r.currency, r.month), '[]')
                     FROM (SELECT currency, month, amount::text AS amount FROM received) r)
                    AS "paid_per_month!: Json<Vec<MonthPaidJson>>",
                  (SELECT coalesce(json_agg(a ORDER BY a.currency), '[]')
                     FROM (SELECT currency,
                                  coalesce(sum(amount) FILTER (WHERE late <= 0), 0)::text AS current,
                                  coalesce(sum(amount) FILTER (WHERE late BETWEEN 1 AND 30), 0)::text AS d30,
                                  coalesce(sum(amount) FILTER (WHERE late BETWEEN 31 AND 60), 0)::text AS d60,
                                  coalesce(sum(amount) FILTER (WHERE late BETWEEN 61 AND 90), 0)::text AS d90,
                                  coalesce(sum(amount) FILTER (WHERE late > 90), 0)::text AS older
                             FROM (SELECT currency, amount, $3::date - due_date AS late FROM open WHERE amount > 0) owed
                            GROUP BY currency) a)
                    AS "aging!: Json<Vec<AgingJson>>",
                  (SELECT coalesce(json_agg(latest ORDER BY latest.created_at DESC, latest.id DESC), '[]')
                     FROM (SELECT i.id, i.kind, i.status, i.number, c.name AS customer_name, i.currency,
                                  i.issue_date, i.due_date, i.payable::text AS payable,
                                  coalesce((SELECT sum(p.amount - p.refunded) FROM payments p
                                             WHERE p.business_id = i.business_id AND p.invoice_id = i.id), 0)::text AS paid,
                                  coalesce((SELECT sum(cn.payable) FROM invoices cn WHERE cn.business_id = i.business_id
                                             AND cn.credited_invoice_id = i.id AND cn.status = 'issued'), 0)::text AS credited,
                                  i.voided_at IS NOT NULL AS voided, i.created_at
                             FROM invoices i JOIN customers c ON c.business_id = i.business_id AND c.id = i.customer_id
                            WHERE i.business_id = $1
                            ORDER BY i.created_at DESC, i.id DESC
                            LIMIT 5) latest)
                    AS "recent!: Json<Vec<RecentJson>>"
           FROM business_members m JOIN users u ON u.id = m.user_id JOIN businesses b ON b.id = m.business_id
           WHERE m.business_id = $1 AND m.user_id = $2"#,
        business_id,
        user_id,
        today,
        received_since,
        this_month,
        now - INVITATION_VALID_FOR
    )
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(DashboardFigures {
        view: DashboardView { email: row.email, business_name: row.business_name, role: row.role },
        profile_incomplete: row.profile_incomplete,
        invitations: row.invitations,
        other_businesses: row
            .other_businesses
            .0
            .into_iter()
            .map(|o| Membership { business_id: o.business_id, business_name: o.business_name, role: o.role })
            .collect(),
        attention: Attention {
            overdue: row.overdue,
            drafts: row.drafts,
            unsent: row.unsent,
            failed_deliveries: row.failed,
            unmatched_payments: row.unmatched,
        },
        summary: row
            .summary
            .0
            .into_iter()
            .map(|s| CurrencySummary {
                currency: s.currency,
                outstanding: s.outstanding,
                overdue: s.overdue,
                paid_this_month: s.paid_this_month,
            })
            .collect(),
        paid_per_month: row
            .paid_per_month
            .0
            .into_iter()
            .map(|m| MonthPaid { currency: m.currency, month: m.month, amount: m.amount })
            .collect(),
        aging: row
            .aging
            .0
            .into_iter()
            .map(|a| Aging { currency: a.currency, buckets: [a.current, a.d30, a.d60, a.d90, a.older] })
            .collect(),
        recent: row.recent.0.into_iter().map(RecentJson::into_listed).collect::<Result<_, _>>()?,
    }))
}

// The JSON arrays' elements as PostgreSQL writes them: amounts as text.

#[derive(Debug, Deserialize)]
struct OtherBusinessJson {
    business_id: Uuid,
    business_name: String,
    role: String,
}

#[derive(Debug, Deserialize)]
struct SummaryJson {
    currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    outstanding: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    overdue: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    paid_this_month: Decimal,
}

#[derive(Debug, Deserialize)]
struct MonthPaidJson {
    currency: String,
    month: Date,
    #[serde(with = "rust_decimal::serde::str")]
    amount: Decimal,
}

/// The latest documents' elements: rows of the invoice list, mapped as the list maps them.
type RecentJson = ListedRow;

#[derive(Debug, Deserialize)]
struct AgingJson {
    currency: String,
    #[serde(with = "rust_decimal::serde::str")]
    current: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    d30: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    d60: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    d90: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    older: Decimal,
}
