//! Taking a backup: `pg_dump` (custom format) → age encryption → multipart upload →
//! manifest. Nothing is written to local disk, and no plaintext leaves this process.
//!
//! Row counts are taken in a `REPEATABLE READ` transaction whose snapshot pg_dump
//! shares (`--snapshot`), so the manifest describes exactly the data in the dump. The
//! upload is aborted on any failure; only a finished upload gets a manifest.

use std::{
    collections::BTreeMap,
    io::Write,
    process::Stdio,
    sync::{Arc, Mutex},
};

use age::x25519;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tokio::io::AsyncReadExt;

use super::{
    BackupError, pgtools,
    store::{self, MANIFEST_FORMAT, Manifest},
};
use crate::clock::Clock;

/// What a backup needs besides the database.
pub struct BackupJob<'a> {
    pub store: Arc<dyn ObjectStore>,
    pub prefix: &'a str,
    pub recipients: &'a [x25519::Recipient],
    pub part_size: usize,
    pub trigger: &'a str,
    pub signing: &'a crate::crypto::DerivedKey,
}

/// The database as pg_dump sees it, in the snapshot it will dump.
pub struct Snapshot {
    pub postgres_version: String,
    pub major: u32,
    pub schema_version: i64,
    pub row_counts: BTreeMap<String, i64>,
}

/// Row counts of every ordinary table outside the system schemas, in `conn`'s snapshot.
pub async fn count_rows(conn: &mut sqlx::PgConnection) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT schemaname::text, tablename::text FROM pg_tables
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut counts = BTreeMap::new();
    for (schema, table) in tables {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let sql = format!("SELECT count(*) FROM {}.{}", quote(&schema), quote(&table));
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await?;
        counts.insert(format!("{schema}.{table}"), n);
    }
    Ok(counts)
}

/// Reads the server and schema versions (the schema version is 0 before migrations).
pub async fn describe(conn: &mut sqlx::PgConnection) -> Result<(String, u32, i64), sqlx::Error> {
    let version: String = sqlx::query_scalar("SELECT current_setting('server_version')").fetch_one(&mut *conn).await?;
    let num: String = sqlx::query_scalar("SELECT current_setting('server_version_num')").fetch_one(&mut *conn).await?;
    let has_migrations: bool =
        sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(&mut *conn).await?;
    let schema_version = if has_migrations {
        sqlx::query_scalar::<_, Option<i64>>("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await?
            .unwrap_or(0)
    } else {
        0
    };
    Ok((version, pgtools::major_of(num.parse().unwrap_or(0)), schema_version))
}

/// Takes one backup of the database behind `pool` / `database_url`.
pub async fn run(
    pool: &PgPool,
    database_url: &str,
    job: &BackupJob<'_>,
    clock: &dyn Clock,
) -> Result<Manifest, BackupError> {
    if job.recipients.is_empty() {
        return Err(BackupError::Keys("no backup recipients: refusing to write an unencrypted backup".into()));
    }
    let started_at = clock.now();
    let id = store::new_id(started_at);
    let db_err = |e: sqlx::Error| BackupError::Database(format!("cannot read the database to back it up: {e}"));
    // The snapshot transaction stays open until pg_dump has finished reading it.
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let snapshot_id: String =
        sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *tx).await.map_err(db_err)?;
    let (postgres_version, major, schema_version) = describe(&mut tx).await.map_err(db_err)?;
    let row_counts = count_rows(&mut tx).await.map_err(db_err)?;
    let pg_dump = pgtools::find_tool("pg_dump", major)?;
    let pg_dump_version = tool_version(&pg_dump).await;

    let object = store::dump_path(job.prefix, &id);
    let mut cmd = pgtools::command(&pg_dump, database_url)?;
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={snapshot_id}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| BackupError::Tool(format!("cannot start {}: {e}", pg_dump.display())))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let stderr_task = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf).await;
        buf
    });

    let upload =
        job.store.put_multipart(&object).await.map_err(|e| store::explain(e, "cannot start the backup upload"))?;
    let mut upload = WriteMultipart::new_with_chunk_size(upload, job.part_size);
    let streamed = stream_encrypted(&mut stdout, &mut upload, job.recipients).await;
    let status = match &streamed {
        Ok(_) => child.wait().await.map_err(|e| BackupError::Tool(format!("pg_dump: {e}"))),
        Err(_) => {
            let _ = child.kill().await;
            Err(BackupError::Tool("pg_dump was stopped".into()))
        }
    };
    let stderr = stderr_task.await.unwrap_or_default();
    let _ = tx.rollback().await;
    let failure = match (streamed, status) {
        (Err(e), _) => Some(e),
        (Ok(_), Err(e)) => Some(e),
        (Ok(_), Ok(s)) if !s.success() => {
            Some(BackupError::Tool(format!("pg_dump failed ({s}): {}", pgtools::tail(&stderr))))
        }
        (Ok((size, sha256)), Ok(_)) => {
            // Completing the upload is what makes the object visible.
            match upload.finish().await {
                Ok(_) => {
                    let mut manifest = Manifest {
                        format: MANIFEST_FORMAT,
                        id: id.clone(),
                        started_at,
                        finished_at: clock.now(),
                        object: object.to_string(),
                        size,
                        sha256,
                        encryption: "age-encryption.org/v1 X25519".into(),
                        recipients: job.recipients.iter().map(|r| r.to_string()).collect(),
                        dump_format: "pg_dump custom".into(),
                        postgres_version,
                        pg_dump_version,
                        schema_version,
                        row_counts,
                        trigger: job.trigger.into(),
                        signature: None,
                    };
                    manifest.sign(job.signing);
                    if let Err(e) = store::put_manifest(job.store.as_ref(), job.prefix, &manifest).await {
                        // Without its manifest the dump is not a backup; do not leave it around.
                        let _ = job.store.delete(&object).await;
                        return Err(e);
                    }
                    tracing::info!(backup_id = %id, size, "backup uploaded");
                    return Ok(manifest);
                }
                Err(e) => return Err(store::explain(e, "cannot complete the backup upload")),
            }
        }
    };
    let _ = upload.abort().await;
    Err(failure.expect("a failure"))
}

/// Copies pg_dump's output through age into the upload; returns the ciphertext's size and SHA-256.
async fn stream_encrypted(
    source: &mut (impl tokio::io::AsyncRead + Unpin),
    upload: &mut WriteMultipart,
    recipients: &[x25519::Recipient],
) -> Result<(u64, String), BackupError> {
    let sink = SharedBuffer::default();
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| BackupError::Keys(format!("cannot encrypt to the recipients: {e}")))?;
    let mut writer = encryptor.wrap_output(sink.clone()).map_err(|e| BackupError::Encrypt(e.to_string()))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = source.read(&mut buf).await.map_err(|e| BackupError::Tool(format!("reading pg_dump's output: {e}")))?;
        if n == 0 {
            break;
        }
        // Encryption is CPU-only and fast (ChaCha20-Poly1305); it writes into `sink`.
        writer.write_all(&buf[..n]).map_err(|e| BackupError::Encrypt(e.to_string()))?;
        size += send(&sink, &mut hasher, upload).await?;
    }
    writer.finish().map_err(|e| BackupError::Encrypt(e.to_string()))?;
    size += send(&sink, &mut hasher, upload).await?;
    Ok((size, hex::encode(hasher.finalize())))
}

async fn send(sink: &SharedBuffer, hasher: &mut Sha256, upload: &mut WriteMultipart) -> Result<u64, BackupError> {
    let chunk = sink.take();
    if chunk.is_empty() {
        return Ok(0);
    }
    hasher.update(&chunk);
    // Bounded memory: wait while two parts are in flight.
    upload.wait_for_capacity(2).await.map_err(|e| store::explain(e, "the backup upload failed"))?;
    upload.write(&chunk);
    Ok(chunk.len() as u64)
}

/// The encryptor's output: a buffer drained after every write.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().expect("not poisoned"))
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub async fn tool_version(program: &std::path::Path) -> String {
    match tokio::process::Command::new(program).arg("--version").output().await {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Err(_) => "unknown".into(),
    }
}
