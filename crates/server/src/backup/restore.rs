//! Restoring a backup: download → check → decrypt → `pg_restore`, then migrations;
//! and the verify drill, which restores into a scratch database and compares.
//!
//! pg_restore runs with `--single-transaction` and only sees the end of its input
//! once the whole ciphertext has been authenticated (age checks every 64 KiB chunk
//! and the final one) and its SHA-256 matches the manifest; on any doubt it is killed
//! and its transaction rolls back, so a damaged backup leaves the target untouched.

use std::{collections::BTreeMap, process::Stdio, sync::Arc, time::Instant};

use age::x25519;
use futures::{AsyncReadExt as _, TryStreamExt};
use object_store::{ObjectStore, ObjectStoreExt, path::Path};
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{BackupError, dump, pgtools, store::Manifest};

pub struct RestoreReport {
    pub manifest: Manifest,
    pub seconds: f64,
    /// Row counts right after pg_restore (before migrations).
    pub row_counts: BTreeMap<String, i64>,
    /// Sealed audit events whose chain `audit verify` checked in the restored database.
    pub audit_events_verified: u64,
}

/// Restores `manifest`'s backup into the database at `target_url`.
pub async fn restore(
    store: &Arc<dyn ObjectStore>,
    manifest: &Manifest,
    signing: &crate::crypto::DerivedKey,
    identities: &[x25519::Identity],
    target_url: &str,
    force: bool,
) -> Result<RestoreReport, BackupError> {
    // Before anything is touched: a planted or altered backup is refused here, so its
    // SQL never runs (the archive itself is held to the signed SHA-256 below).
    manifest.check_signature(signing)?;
    let started = Instant::now();
    let db_err = |e: sqlx::Error| BackupError::Database(format!("the target database: {e}"));
    let mut conn = PgConnection::connect(target_url).await.map_err(db_err)?;
    let existing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
           AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(db_err)?;
    if existing > 0 && !force {
        return Err(BackupError::NotEmpty(format!(
            "the target database is not empty ({existing} tables and other relations); restore into an empty database, or add --force to replace its contents"
        )));
    }
    let (_, major, _) = dump::describe(&mut conn).await.map_err(db_err)?;
    let pg_restore = pgtools::find_tool("pg_restore", major)?;

    let object = Path::from(manifest.object.as_str());
    let got = store.get(&object).await.map_err(|e| super::store::explain(e, "cannot download the backup"))?;
    if got.meta.size != manifest.size {
        return Err(BackupError::Damaged(format!(
            "backup {} is {} bytes in storage but its manifest says {}: it is truncated or was replaced",
            manifest.id, got.meta.size, manifest.size
        )));
    }
    let hasher = Arc::new(std::sync::Mutex::new((Sha256::new(), 0u64)));
    let tap = hasher.clone();
    let ciphertext = got
        .into_stream()
        .inspect_ok(move |chunk| {
            let mut h = tap.lock().expect("not poisoned");
            h.0.update(chunk);
            h.1 += chunk.len() as u64;
        })
        .map_err(std::io::Error::other)
        .into_async_read();
    // The header is read and the key unwrapped before anything touches the target.
    let decryptor = age::Decryptor::new_async_buffered(ciphertext).await.map_err(|e| damaged(manifest, &e))?;
    let mut plaintext =
        decryptor.decrypt_async(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => BackupError::WrongIdentity(format!(
                "the identity file does not hold the key for backup {}; it was encrypted to {}",
                manifest.id,
                manifest.recipients.join(", ")
            )),
            other => damaged(manifest, &other),
        })?;

    let mut cmd = pgtools::command(&pg_restore, target_url)?;
    cmd.args(["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]);
    if force {
        cmd.args(["--clean", "--if-exists"]);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child =
        cmd.spawn().map_err(|e| BackupError::Tool(format!("cannot start {}: {e}", pg_restore.display())))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let stderr_task = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf).await;
        buf
    });
    let mut buf = vec![0u8; 256 * 1024];
    let mut fed = Ok(());
    loop {
        let n = match plaintext.read(&mut buf).await {
            Ok(n) => n,
            Err(e) => {
                fed = Err(damaged(manifest, &e));
                break;
            }
        };
        if n == 0 {
            break;
        }
        if let Err(e) = stdin.write_all(&buf[..n]).await {
            fed = Err(BackupError::Tool(format!("pg_restore stopped reading ({e})")));
            break;
        }
    }
    if fed.is_ok() {
        let (hash, size) = {
            let h = hasher.lock().expect("not poisoned");
            (hex::encode(h.0.clone().finalize()), h.1)
        };
        if hash != manifest.sha256 || size != manifest.size {
            fed = Err(BackupError::Damaged(format!(
                "backup {} does not match its manifest (SHA-256 {hash}, {size} bytes; expected {}, {} bytes)",
                manifest.id, manifest.sha256, manifest.size
            )));
        }
    }
    if let Err(e) = fed {
        // Killed before it saw the end of its input: its transaction rolls back.
        let _ = child.kill().await;
        let stderr = stderr_task.await.unwrap_or_default();
        return Err(match e {
            BackupError::Tool(msg) => BackupError::Tool(format!("{msg}: {}", pgtools::tail(&stderr))),
            other => other,
        });
    }
    drop(stdin);
    let status = child.wait().await.map_err(|e| BackupError::Tool(format!("pg_restore: {e}")))?;
    let stderr = stderr_task.await.unwrap_or_default();
    if !status.success() {
        return Err(BackupError::Tool(format!("pg_restore failed ({status}): {}", pgtools::tail(&stderr))));
    }
    let row_counts = dump::count_rows(&mut conn).await.map_err(db_err)?;
    // run_direct: `run(&mut conn)` goes through `Acquire`, whose higher-ranked bound
    // keeps this future from being `Send` when the schedule spawns it.
    crate::db::MIGRATOR
        .run_direct(None, &mut conn, false)
        .await
        .map_err(|e| BackupError::Database(format!("the restored database did not migrate: {e}")))?;
    // The restored audit log must still prove itself (issue 8): as of the backup's
    // start, so events the sealer had not reached yet are not counted against it.
    let audit = crate::audit::chain::verify(&mut conn, manifest.started_at, None)
        .await
        .map_err(|e| BackupError::Database(format!("cannot verify the restored audit log: {e}")))?;
    if !audit.ok() {
        let problems: Vec<String> = audit.problems.iter().map(ToString::to_string).collect();
        return Err(BackupError::Damaged(format!(
            "backup {}: the restored audit log does not verify: {}",
            manifest.id,
            problems.join("; ")
        )));
    }
    let _ = conn.close().await;
    Ok(RestoreReport {
        manifest: manifest.clone(),
        seconds: started.elapsed().as_secs_f64(),
        row_counts,
        audit_events_verified: audit.events,
    })
}

fn damaged(manifest: &Manifest, error: &dyn std::fmt::Display) -> BackupError {
    BackupError::Damaged(format!(
        "backup {} cannot be decrypted: it is damaged, truncated or was tampered with ({error})",
        manifest.id
    ))
}

/// The outcome of a verify drill.
pub struct VerifyReport {
    pub manifest: Manifest,
    /// The scratch database it restored into (dropped again).
    pub scratch_database: String,
    pub seconds: f64,
    pub tables: usize,
    pub rows: i64,
}

/// Restores `manifest` into a scratch database next to `admin_url`'s, compares the
/// row counts with the manifest, and drops the scratch database whatever happened.
pub async fn verify(
    store: &Arc<dyn ObjectStore>,
    manifest: &Manifest,
    signing: &crate::crypto::DerivedKey,
    identities: &[x25519::Identity],
    admin_url: &str,
) -> Result<VerifyReport, BackupError> {
    // new_token() is lowercase hex, so the name needs no quoting beyond the quotes below.
    let scratch = format!("ff_verify_{}", &crate::crypto::new_token()[..12]);
    let db_err = |e: sqlx::Error| BackupError::Database(format!("cannot create the scratch database: {e}"));
    let mut admin = PgConnection::connect(admin_url).await.map_err(db_err)?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{scratch}\"")))
        .execute(&mut admin)
        .await
        .map_err(db_err)?;
    let result = async {
        let target = with_database(admin_url, &scratch)?;
        let report = super::boxed_send(restore(store, manifest, signing, identities, &target, false)).await?;
        let differences: Vec<String> = manifest
            .row_counts
            .iter()
            .filter(|(table, n)| report.row_counts.get(*table) != Some(n))
            .map(|(table, n)| {
                format!(
                    "{table}: {} restored, {n} in the manifest",
                    report.row_counts.get(table).copied().unwrap_or(-1)
                )
            })
            .collect();
        if !differences.is_empty() {
            return Err(BackupError::Damaged(format!("the restored row counts differ: {}", differences.join("; "))));
        }
        Ok(VerifyReport {
            manifest: manifest.clone(),
            scratch_database: scratch.clone(),
            seconds: report.seconds,
            tables: manifest.row_counts.len(),
            rows: manifest.row_counts.values().sum(),
        })
    }
    .await;
    if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)")))
        .execute(&mut admin)
        .await
    {
        tracing::warn!(database = %scratch, error = %e, "could not drop the verify scratch database");
    }
    let _ = admin.close().await;
    result
}

/// `url` with its database name replaced (query parameters kept).
pub fn with_database(url: &str, database: &str) -> Result<String, BackupError> {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme =
        base.find("://").map(|i| i + 3).ok_or_else(|| BackupError::Database("not a postgres:// URL".into()))?;
    let base = match base[after_scheme..].find('/') {
        Some(i) => format!("{}/{database}", &base[..after_scheme + i]),
        None => format!("{base}/{database}"),
    };
    Ok(match query {
        Some(q) => format!("{base}?{q}"),
        None => base,
    })
}
