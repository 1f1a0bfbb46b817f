//! The `[backup]` settings: where backups go (an S3-compatible bucket or a local
//! directory), whom they are encrypted to, when they run and how many are kept.
//!
//! Config owns every settings type (so settings are read and checked in one place and
//! import nothing above them); `backup/` reads these. `config.rs` maps the
//! `FASTFAKTURA_BACKUP_*` variables and calls [`BackupSettings::check`].

use std::path::PathBuf;

use serde::Deserialize;

use super::Secret;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// A local directory target (small installs and tests). Exclusive with `s3`.
    pub directory: Option<PathBuf>,
    /// An S3-compatible bucket (AWS, R2, B2, MinIO, ...).
    pub s3: Option<S3Settings>,
    /// Key prefix inside the bucket or directory.
    pub prefix: String,
    /// A file with one or more age recipients (`age1...`), one per line. The server
    /// only ever holds these public keys: it cannot decrypt its own backups.
    pub recipients_file: Option<PathBuf>,
    /// Run the daily backup inside `serve` (one instance does it).
    pub schedule: bool,
    /// Time of day, UTC, `HH:MM`.
    pub daily_at: String,
    pub keep_daily: u32,
    pub keep_weekly: u32,
    pub keep_monthly: u32,
    /// An age identity for the scheduled verify drill. Leave it unset on the
    /// production servers and run `fastfaktura backup verify` on a drill host instead.
    pub verify_identity_file: Option<PathBuf>,
    pub verify_every_days: u32,
    /// Multipart upload part size (S3 needs at least 5 MiB).
    pub part_size_mib: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            directory: None,
            s3: None,
            prefix: "backups".into(),
            recipients_file: None,
            schedule: true,
            daily_at: "03:00".into(),
            keep_daily: 7,
            keep_weekly: 4,
            keep_monthly: 12,
            verify_identity_file: None,
            verify_every_days: 7,
            part_size_mib: 16,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Settings {
    /// e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`; AWS when unset.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub access_key_id: Option<Secret>,
    pub secret_access_key: Option<Secret>,
    /// Plain-HTTP endpoints (a bucket on the same machine or in tests only).
    pub allow_http: bool,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            endpoint: None,
            region: "us-east-1".into(),
            bucket: String::new(),
            access_key_id: None,
            secret_access_key: None,
            allow_http: false,
        }
    }
}

impl BackupSettings {
    /// Whether a target is configured at all.
    pub fn has_target(&self) -> bool {
        self.directory.is_some() || self.s3.is_some()
    }

    /// `daily_at` as (hour, minute).
    pub fn daily_time(&self) -> Option<time::Time> {
        let (h, m) = self.daily_at.trim().split_once(':')?;
        time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
    }

    /// Problems that make the settings unusable, found when they are loaded.
    pub fn check(&self) -> Result<(), String> {
        if self.directory.is_some() && self.s3.is_some() {
            return Err("backup.directory and backup.s3 are exclusive: choose one backup target".into());
        }
        if let Some(s3) = &self.s3
            && s3.bucket.trim().is_empty()
        {
            return Err("backup.s3.bucket (FASTFAKTURA_BACKUP_S3_BUCKET) is empty".into());
        }
        if self.daily_time().is_none() {
            return Err(format!("backup.daily_at must be a time such as 03:00 (UTC), but it is {:?}", self.daily_at));
        }
        if self.part_size_mib < 5 {
            return Err("backup.part_size_mib must be at least 5 (the S3 minimum part size)".into());
        }
        if self.keep_daily == 0 {
            return Err("backup.keep_daily must be at least 1".into());
        }
        if self.prefix.trim_matches('/').is_empty() || self.prefix.contains("..") {
            return Err(format!("backup.prefix must be a plain key prefix such as \"backups\", not {:?}", self.prefix));
        }
        Ok(())
    }
}
