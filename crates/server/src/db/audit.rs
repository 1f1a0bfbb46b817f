//! Reading the audit log for the viewers: the admin console's (every business, with
//! filters and CSV export) and a business owner's (their own business only). Writing
//! is `audit::record`; sealing and purging are `audit::chain` and `audit::retention`.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// What the viewer filters by; `None` means "any". Every value is a bind parameter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<String>,
    /// A prefix of the action, e.g. `auth.login`.
    pub action: Option<String>,
    pub business_id: Option<Uuid>,
    pub actor: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Only events with an id below this one (the next page, newest first).
    pub before_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub at: OffsetDateTime,
    pub category: String,
    pub action: String,
    pub actor_kind: String,
    pub actor: String,
    pub business_id: Option<Uuid>,
    pub target: String,
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
    pub details: String,
    pub sealed: bool,
}

/// Newest first, at most `limit` rows.
pub async fn search(db: impl PgExecutor<'_>, f: &Filter, limit: i64) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"SELECT id, at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent,
                  request_id, details::text AS "details!", hash IS NOT NULL AS "sealed!"
           FROM audit_events
           WHERE ($1::text IS NULL OR category = $1)
             AND ($2::text IS NULL OR starts_with(action, $2))
             AND ($3::uuid IS NULL OR business_id = $3)
             AND ($4::text IS NULL OR actor = $4)
             AND ($5::text IS NULL OR outcome = $5)
             AND ($6::timestamptz IS NULL OR at >= $6)
             AND ($7::timestamptz IS NULL OR at < $7)
             AND ($8::bigint IS NULL OR id < $8)
           ORDER BY id DESC LIMIT $9"#,
        f.category,
        f.action,
        f.business_id,
        f.actor,
        f.outcome,
        f.from,
        f.until,
        f.before_id,
        limit
    )
    .fetch_all(db)
    .await
}
