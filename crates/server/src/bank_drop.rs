//! `fastfaktura bank import-folder`: bank files dropped into a folder for automation
//! (a bank's SFTP delivery, an object-store sync), imported as if uploaded.
//!
//! The folder holds one subfolder per business, named by the business's id; each file
//! in it is imported with `app::bank_statements::import_at` and moved to `imported/`
//! or, refused, to `failed/` beside a `.txt` saying why. A file is first claimed by an
//! atomic rename into `processing/`, so two instances (or two timers) never import the
//! same file, and the bank ids make a file copied in twice record nothing twice.
//! Run it from a timer (a systemd timer or cron every few minutes).

use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::{
    app::{Caller, Error, bank_statements},
    audit::RequestMeta,
    i18n::Tr,
};

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FolderReport {
    pub imported: usize,
    pub failed: usize,
    pub payments: usize,
    pub matched: usize,
}

/// Imports every file waiting in `folder`'s business subfolders.
pub async fn import_folder(pool: &sqlx::PgPool, folder: &Path) -> anyhow::Result<FolderReport> {
    let mut report = FolderReport::default();
    let mut businesses = tokio::fs::read_dir(folder).await?;
    while let Some(dir) = businesses.next_entry().await? {
        let Some(business_id) = dir.file_name().to_str().and_then(|n| n.parse::<Uuid>().ok()) else { continue };
        if !dir.file_type().await?.is_dir() {
            continue;
        }
        for name in waiting_files(&dir.path()).await? {
            import_one(pool, &dir.path(), business_id, &name, &mut report).await?;
        }
    }
    Ok(report)
}

/// The regular files directly in `dir` (not hidden, not being written: a `.part` name).
async fn waiting_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if entry.file_type().await?.is_file() && !name.starts_with('.') && !name.ends_with(".part") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

async fn import_one(
    pool: &sqlx::PgPool,
    dir: &Path,
    business_id: Uuid,
    name: &str,
    report: &mut FolderReport,
) -> anyhow::Result<()> {
    let into = |sub: &str| -> anyhow::Result<PathBuf> {
        let folder = dir.join(sub);
        std::fs::create_dir_all(&folder)?;
        Ok(folder.join(name))
    };
    let claimed = into("processing")?;
    // Another instance renamed it first: it is theirs.
    if tokio::fs::rename(dir.join(name), &claimed).await.is_err() {
        return Ok(());
    }
    let bytes = tokio::fs::read(&claimed).await?;
    let caller = Caller::system(business_id);
    let now = time::OffsetDateTime::now_utc();
    match bank_statements::import_at(pool, now, &caller, &RequestMeta::default(), name, &bytes).await {
        Ok(summary) => {
            tokio::fs::rename(&claimed, into("imported")?).await?;
            report.imported += 1;
            report.payments += summary.payments;
            report.matched += summary.matched;
            tracing::info!(%business_id, file = name, payments = summary.payments, matched = summary.matched, "dropped bank file imported");
        }
        Err(e @ (Error::Unavailable(_) | Error::Unexpected(_))) => {
            // Not the file's fault: leave it for the next pass.
            tokio::fs::rename(&claimed, dir.join(name)).await?;
            return Err(e.into());
        }
        Err(refusal) => {
            let why = match refusal {
                Error::Invalid(errors) => errors.read_in(&Tr::default()).summary(),
                Error::NotFound => "no such business".to_owned(),
                other => other.to_string(),
            };
            let failed = into("failed")?;
            tokio::fs::rename(&claimed, &failed).await?;
            tokio::fs::write(failed.with_extension(extension_txt(name)), format!("{why}\n")).await?;
            report.failed += 1;
            tracing::warn!(%business_id, file = name, reason = %why, "dropped bank file refused");
        }
    }
    Ok(())
}

/// `statement.xml` → `statement.xml.txt` (the reason sits beside the file).
fn extension_txt(name: &str) -> String {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some(ext) => format!("{ext}.txt"),
        None => "txt".to_owned(),
    }
}
