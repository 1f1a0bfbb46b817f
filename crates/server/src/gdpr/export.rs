//! The data export (Art. 15 and 20): an owner asks for it, a job builds a ZIP with
//! every row of the business as JSON (`data/<table>.json`) and every issued document
//! as PDF, UBL and CII (`documents/`), and mails the owner a link to the download page.
//!
//! The ZIP is written a table row and a document at a time into 1 MiB chunks in
//! PostgreSQL, so a large business never sits in memory and any instance can serve
//! the download; progress (steps done of steps total) is stored as it goes. A job run
//! again starts the archive over. Secrets (provider keys, token hashes, sealed link
//! tokens) are left out; exports expire after [`KEPT_DAYS`] days.

use futures::TryStreamExt;
use sqlx::{PgExecutor, PgPool};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::zip::ZipWriter;
use crate::{
    audit::{self, Actor, AuditEvent, Category, RequestMeta},
    i18n::{self, Lang, key},
    integrations::email,
    invoicing::documents::{file_name, issued_document},
    jobs::{self, Job, WorkerContext},
};

pub const KEPT_DAYS: i64 = 7;
const CHUNK: usize = 1024 * 1024;

/// Every table of a business, with the columns left out of the export (secrets and
/// binary blobs). `business_secrets` and `idempotency_keys` are not exported at all.
const TABLES: &[(&str, &[&str])] = &[
    ("business_members", &[]),
    ("invitations", &[]),
    ("customers", &[]),
    ("products", &[]),
    ("numbering_series", &[]),
    ("invoices", &[]),
    ("invoice_lines", &[]),
    // The files themselves are under documents/; here the parties as issued.
    ("issued_documents", &["pdf", "ubl", "cii", "logo"]),
    ("payments", &[]),
    ("recurring_invoices", &[]),
    ("invoice_deliveries", &[]),
    ("invoice_links", &["token_hash", "token_sealed"]),
    ("api_tokens", &["token_hash"]),
    ("business_logos", &["image"]),
    ("stripe_checkouts", &[]),
    ("stripe_events", &[]),
    ("audit_events", &["prev_hash", "hash"]),
];

#[derive(Debug, Clone)]
pub struct ExportRow {
    pub id: Uuid,
    pub status: String,
    pub steps_done: i32,
    pub steps_total: i32,
    pub size_bytes: Option<i64>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl ExportRow {
    pub fn percent(&self) -> i32 {
        if self.steps_total == 0 { 0 } else { self.steps_done * 100 / self.steps_total }
    }
}

/// Queues an export for `user_id`'s business; returns its id.
pub async fn request(
    db: &PgPool,
    business_id: Uuid,
    user_id: Uuid,
    meta: &RequestMeta,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let mut tx = db.begin().await?;
    sqlx::query!(
        r#"INSERT INTO data_exports (business_id, id, requested_by, status, created_at, expires_at)
           VALUES ($1, $2, $3, 'queued', $4, $5)"#,
        business_id,
        id,
        user_id,
        now,
        now + Duration::days(KEPT_DAYS)
    )
    .execute(&mut *tx)
    .await?;
    jobs::enqueue(&mut tx, &Job::BuildExport { business_id, export_id: id }).await?;
    let event = AuditEvent::new(now, Category::Access, "export.requested")
        .actor(Actor::User(user_id))
        .business(business_id)
        .target(id.to_string())
        .request(meta);
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        r#"SELECT id, status, steps_done, steps_total, size_bytes, created_at, expires_at FROM data_exports
           WHERE business_id = $1 AND expires_at > $2 ORDER BY created_at DESC LIMIT 5"#,
        business_id,
        now
    )
    .fetch_all(db)
    .await
}

pub async fn find_ready(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        r#"SELECT id, status, steps_done, steps_total, size_bytes, created_at, expires_at FROM data_exports
           WHERE business_id = $1 AND id = $2 AND status = 'ready' AND expires_at > $3"#,
        business_id,
        id,
        now
    )
    .fetch_optional(db)
    .await
}

/// One stored chunk of a ready export, in order from 0.
pub async fn chunk(db: &PgPool, business_id: Uuid, id: Uuid, seq: i32) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT data FROM data_export_chunks WHERE business_id = $1 AND export_id = $2 AND seq = $3",
        business_id,
        id,
        seq
    )
    .fetch_optional(db)
    .await
}

/// Deletes expired exports (with their chunks); housekeeping.
pub async fn purge_expired(db: impl PgExecutor<'_>, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM data_exports WHERE expires_at <= $1", now).execute(db).await?.rows_affected())
}

/// Where the archive goes: chunks of at most [`CHUNK`] bytes, numbered from 0.
struct Sink<'a> {
    db: &'a PgPool,
    business_id: Uuid,
    export_id: Uuid,
    seq: i32,
    zip: ZipWriter,
}

impl Sink<'_> {
    async fn flush(&mut self, all: bool) -> Result<(), String> {
        while self.zip.buffered() >= CHUNK || (all && self.zip.buffered() > 0) {
            let bytes = self.zip.drain();
            sqlx::query!(
                "INSERT INTO data_export_chunks (business_id, export_id, seq, data) VALUES ($1, $2, $3, $4)",
                self.business_id,
                self.export_id,
                self.seq,
                bytes
            )
            .execute(self.db)
            .await
            .map_err(|e| format!("database: {e}"))?;
            self.seq += 1;
        }
        Ok(())
    }

    async fn file(&mut self, name: &str, bytes: &[u8]) -> Result<(), String> {
        self.zip.start(name)?;
        self.zip.write(bytes);
        self.flush(false).await
    }
}

/// The job.
pub async fn build(ctx: &WorkerContext, business_id: Uuid, export_id: Uuid) -> Result<(), String> {
    let result = build_archive(ctx, business_id, export_id).await;
    if let Err(reason) = &result {
        let _ = sqlx::query!(
            "UPDATE data_exports SET status = 'failed', error = $3 WHERE business_id = $1 AND id = $2",
            business_id,
            export_id,
            reason
        )
        .execute(&ctx.db)
        .await;
    }
    result
}

async fn build_archive(ctx: &WorkerContext, business_id: Uuid, export_id: Uuid) -> Result<(), String> {
    let db_err = |e: sqlx::Error| format!("database: {e}");
    let documents: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT id FROM invoices WHERE business_id = $1 AND number IS NOT NULL
           ORDER BY issued_at, id"#,
        business_id
    )
    .fetch_all(&ctx.db)
    .await
    .map_err(db_err)?;
    let total = (TABLES.len() + 1 + documents.len()) as i32;
    // A retried job starts over: earlier chunks go.
    sqlx::query!("DELETE FROM data_export_chunks WHERE business_id = $1 AND export_id = $2", business_id, export_id)
        .execute(&ctx.db)
        .await
        .map_err(db_err)?;
    progress(&ctx.db, business_id, export_id, 0, total).await?;
    let mut sink = Sink { db: &ctx.db, business_id, export_id, seq: 0, zip: ZipWriter::new() };

    let business: String =
        sqlx::query_scalar!(r#"SELECT to_jsonb(b)::text AS "json!" FROM businesses b WHERE id = $1"#, business_id)
            .fetch_one(&ctx.db)
            .await
            .map_err(db_err)?;
    sink.file("data/business.json", business.as_bytes()).await?;
    let mut done = 1;
    progress(&ctx.db, business_id, export_id, done, total).await?;
    for (table, left_out) in TABLES {
        sink.zip.start(&format!("data/{table}.json"))?;
        sink.zip.write(b"[");
        // Table names are the constants above, never input.
        let sql = format!("SELECT (to_jsonb(t) - $2::text[])::text FROM {table} t WHERE business_id = $1");
        let left_out: Vec<String> = left_out.iter().map(|c| (*c).to_owned()).collect();
        let mut rows =
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(business_id).bind(&left_out).fetch(&ctx.db);
        let mut first = true;
        while let Some(row) = rows.try_next().await.map_err(db_err)? {
            if !first {
                sink.zip.write(b",\n");
            }
            first = false;
            sink.zip.write(row.as_bytes());
            if sink.zip.buffered() >= CHUNK {
                sink.flush(false).await?;
            }
        }
        drop(rows);
        sink.zip.write(b"]\n");
        done += 1;
        progress(&ctx.db, business_id, export_id, done, total).await?;
    }
    for invoice_id in documents {
        // The files exactly as issued (a quote has its PDF only).
        let issued = issued_document(&ctx.db, business_id, invoice_id).await.map_err(|e| format!("document: {e}"))?;
        let doc = &issued.document;
        sink.file(&format!("documents/{}", file_name(doc, "pdf")), &issued.pdf).await?;
        for (extension, xml) in [("ubl.xml", &issued.ubl), ("cii.xml", &issued.cii)] {
            if let Some(xml) = xml {
                sink.file(&format!("documents/{}", file_name(doc, extension)), xml.as_bytes()).await?;
            }
        }
        done += 1;
        progress(&ctx.db, business_id, export_id, done, total).await?;
    }
    sink.zip.finish()?;
    sink.flush(true).await?;
    let size = sink.zip.written() as i64;
    finish(ctx, business_id, export_id, size).await.map_err(db_err)
}

async fn progress(db: &PgPool, business_id: Uuid, id: Uuid, done: i32, total: i32) -> Result<(), String> {
    sqlx::query!(
        "UPDATE data_exports SET status = 'building', steps_done = $3, steps_total = $4 WHERE business_id = $1 AND id = $2",
        business_id,
        id,
        done,
        total
    )
    .execute(db)
    .await
    .map_err(|e| format!("database: {e}"))?;
    Ok(())
}

/// Marks the export ready and mails the owner who asked for it a link to the page.
async fn finish(ctx: &WorkerContext, business_id: Uuid, id: Uuid, size: i64) -> Result<(), sqlx::Error> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    let to = sqlx::query!(
        r#"UPDATE data_exports e SET status = 'ready', size_bytes = $3, finished_at = $4
           FROM users u, businesses b
           WHERE e.business_id = $1 AND e.id = $2 AND u.id = e.requested_by AND b.id = e.business_id
           RETURNING u.email, b.invoice_language"#,
        business_id,
        id,
        size,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    let lang = Lang::parse(&to.invoice_language).unwrap_or_default();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("link", format!("{}/settings/export", ctx.public_origin));
    args.set("days", KEPT_DAYS);
    let body = i18n::message(lang, key("export-mail-body"), Some(&args)) + "\n";
    let subject = i18n::message(lang, key("export-mail-subject"), None);
    let notice = email::Notice {
        kind: "export_ready",
        business_id: Some(business_id),
        recipient: &to.email,
        subject: &subject,
        body: &body,
    };
    email::queue_notice(&mut tx, &ctx.outbox_key, notice, now).await?;
    let event = AuditEvent::new(now, Category::Access, "export.ready")
        .business(business_id)
        .target(id.to_string())
        .details(serde_json::json!({ "bytes": size }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await
}
