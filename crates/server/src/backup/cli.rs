//! `fastfaktura backup ...`: the operator's commands. Each prints what it did and
//! how long it took; errors are sentences, never panics.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Backups, keys, restore, store};
use crate::{
    clock::SystemClock,
    config::{Secret, Settings},
    startup::Database,
};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Take a backup now (encrypted to backup.recipients_file, uploaded to the target).
    Now,
    /// List the good backups (those with a manifest), oldest first.
    List,
    /// Check the configuration: keys readable, target reachable, writable.
    Check,
    /// Restore a backup into an empty database, then apply migrations.
    Restore {
        /// Which backup (default: the newest good one).
        #[arg(long)]
        id: Option<String>,
        /// The age identity file (AGE-SECRET-KEY-1...), kept offline.
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
        /// The database to restore into (default: the configured one). A URL with a
        /// password belongs in FASTFAKTURA_RESTORE_DATABASE_URL or --database-url-file, not argv.
        #[arg(long, value_name = "URL", env = "FASTFAKTURA_RESTORE_DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
        /// A file holding the target database URL.
        #[arg(long, value_name = "FILE", conflicts_with = "database_url")]
        database_url_file: Option<PathBuf>,
        /// Replace the contents of a database that is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Restore into a scratch database, compare row counts with the manifest, drop it.
    Verify {
        #[arg(long)]
        id: Option<String>,
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
    },
    /// Create an age identity file (mode 0600) and print its public recipient key.
    Keygen {
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
    },
}

/// Runs one backup command.
pub async fn run(command: BackupCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        BackupCommand::Keygen { identity } => {
            let recipient = keys::generate_identity(&identity)?;
            println!("wrote the identity to {} (keep it offline)", identity.display());
            println!("public recipient key for backup.recipients_file:\n{recipient}");
            Ok(())
        }
        BackupCommand::List => {
            let backups = Backups::open_for_reading(&settings.backup, signing_key(settings)?)?;
            let listing = store::list(backups.store.as_ref(), &backups.prefix, &backups.signing).await?;
            if listing.good.is_empty() {
                println!("no good backups in {}", store::describe(&settings.backup));
            }
            for m in &listing.good {
                println!(
                    "{}  {}  {:>12} bytes  schema {}  {} rows  sha256 {}",
                    m.id,
                    m.started_at,
                    m.size,
                    m.schema_version,
                    m.row_counts.values().sum::<i64>(),
                    &m.sha256[..16]
                );
            }
            for m in &listing.refused {
                println!("REFUSED (unsigned or wrongly signed, not restorable): {}", m.id);
            }
            for o in &listing.orphans {
                println!("incomplete (no manifest, not restorable): {}", o.location);
            }
            Ok(())
        }
        BackupCommand::Check => {
            let backups = Backups::open(&settings.backup, signing_key(settings)?)?;
            let count = store::check(backups.store.as_ref(), &backups.prefix, &backups.signing).await?;
            println!(
                "backups are configured: {} reachable and writable, {} good backup(s), {} recipient(s)",
                store::describe(&settings.backup),
                count,
                backups.recipients.len()
            );
            Ok(())
        }
        BackupCommand::Now => {
            let backups = Backups::open(&settings.backup, signing_key(settings)?)?;
            let database = Database::open(settings).await?;
            let result = match database.migrate().await {
                Ok(()) => backups
                    .back_up(&database.pool, database.url.expose(), "cli", &SystemClock)
                    .await
                    .map_err(anyhow::Error::from),
                Err(e) => Err(e),
            };
            database.close().await;
            let m = result?;
            let seconds = (m.finished_at - m.started_at).as_seconds_f64();
            println!(
                "backup {} written: {} bytes in {seconds:.1} s, {} tables, {} rows",
                m.id,
                m.size,
                m.row_counts.len(),
                m.row_counts.values().sum::<i64>()
            );
            Ok(())
        }
        BackupCommand::Restore { id, identity, database_url, database_url_file, force } => {
            let backups = Backups::open_for_reading(&settings.backup, signing_key(settings)?)?;
            let identities = keys::load_identities(&identity)?;
            let target = match (database_url, database_url_file) {
                (Some(url), _) => Secret::new(url),
                (None, Some(file)) => Secret::new(
                    std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?
                        .trim()
                        .to_owned(),
                ),
                (None, None) => settings.database.url.clone().ok_or_else(|| {
                    anyhow::anyhow!("give --database-url (or --database-url-file): the database to restore into")
                })?,
            };
            let manifest =
                store::find(backups.store.as_ref(), &backups.prefix, &backups.signing, id.as_deref()).await?;
            let report =
                restore::restore(&backups.store, &manifest, &backups.signing, &identities, target.expose(), force)
                    .await?;
            println!(
                "restored backup {} ({} tables, {} rows) and applied migrations in {:.1} s; audit log verified ({} events)",
                report.manifest.id,
                report.row_counts.len(),
                report.row_counts.values().sum::<i64>(),
                report.seconds,
                report.audit_events_verified
            );
            Ok(())
        }
        BackupCommand::Verify { id, identity } => {
            let backups = Backups::open_for_reading(&settings.backup, signing_key(settings)?)?;
            let identities = keys::load_identities(&identity)?;
            let database = Database::open(settings).await?;
            let result = match database.migrate().await {
                Ok(()) => backups
                    .verify(&database.pool, database.url.expose(), &identities, id.as_deref(), "cli", &SystemClock)
                    .await
                    .map_err(anyhow::Error::from),
                Err(e) => Err(e),
            };
            database.close().await;
            let r = result?;
            println!(
                "backup {} verified: restored into a scratch database in {:.1} s; {} tables and {} rows match the manifest",
                r.manifest.id, r.seconds, r.tables, r.rows
            );
            Ok(())
        }
    }
}

/// The key backups are signed with, derived from the master key as `serve` derives it.
fn signing_key(settings: &Settings) -> anyhow::Result<crate::crypto::DerivedKey> {
    Ok(crate::startup::load_master_key(settings)?.derive(crate::crypto::KeyPurpose::BackupSigning))
}

/// After a master-key rotation: signs every backup manifest that verifies under the old
/// key again under the new one (so old backups stay restorable with the new key only).
/// `None` when no backup target is configured.
pub async fn resign_manifests(
    settings: &Settings,
    old: &crate::crypto::MasterKey,
    new: &crate::crypto::MasterKey,
) -> anyhow::Result<Option<usize>> {
    use crate::crypto::KeyPurpose;
    if !settings.backup.has_target() {
        return Ok(None);
    }
    let backups = Backups::open_for_reading(&settings.backup, old.derive(KeyPurpose::BackupSigning))?;
    let listing = store::list(backups.store.as_ref(), &backups.prefix, &backups.signing).await?;
    let new_key = new.derive(KeyPurpose::BackupSigning);
    for manifest in &listing.good {
        let mut signed = manifest.clone();
        signed.sign(&new_key);
        store::put_manifest(backups.store.as_ref(), &backups.prefix, &signed).await?;
    }
    Ok(Some(listing.good.len()))
}
