//! The backup target through `object_store`: an S3-compatible bucket or a local
//! directory, the object names, the manifest, and listing the good backups.
//!
//! A backup is two objects: `<prefix>/<id>.dump.age` (the encrypted dump, uploaded
//! in parts that only become visible when the upload completes) and
//! `<prefix>/<id>.manifest.json`, written last with a single atomic PUT. The bucket
//! is the source of truth: a dump without a manifest is not a good backup, and a new
//! machine with an empty database can still list and restore everything.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use futures::TryStreamExt;
use object_store::{
    ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig, aws::AmazonS3Builder, local::LocalFileSystem,
    path::Path,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::BackupError;
use crate::config::BackupSettings;
use crate::crypto::DerivedKey;

/// Everything needed to check and restore one backup, stored beside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
    /// The key of the encrypted dump, relative to the store root.
    pub object: String,
    /// Size and SHA-256 of the ciphertext as uploaded.
    pub size: u64,
    pub sha256: String,
    pub encryption: String,
    /// The public keys it was encrypted to (which private key restores it).
    pub recipients: Vec<String>,
    pub dump_format: String,
    pub postgres_version: String,
    pub pg_dump_version: String,
    /// The newest applied migration.
    pub schema_version: i64,
    /// `schema.table` → rows, counted in the same snapshot pg_dump read.
    pub row_counts: BTreeMap<String, i64>,
    /// `schedule`, `cli` or `console`.
    pub trigger: String,
    /// HMAC-SHA-256 (hex) of everything above, keyed from the master key: whoever can
    /// write to the bucket cannot make a backup we accept (the archive is covered by
    /// `sha256`). A manifest without it is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl Manifest {
    fn signed_mac(&self, key: &DerivedKey) -> [u8; 32] {
        let mut unsigned = self.clone();
        unsigned.signature = None;
        let bytes = serde_json::to_vec(&unsigned).expect("manifests serialise");
        key.mac(&[b"fastfaktura backup manifest", &bytes])
    }

    pub fn sign(&mut self, key: &DerivedKey) {
        self.signature = Some(hex::encode(self.signed_mac(key)));
    }

    /// Refuses a manifest that is unsigned, or signed with another key, or changed
    /// since it was signed.
    pub fn check_signature(&self, key: &DerivedKey) -> Result<(), BackupError> {
        let Some(signature) = &self.signature else {
            return Err(BackupError::Damaged(format!(
                "backup {} has no signature: it was not made by this FastFaktura (or predates signing) and is refused",
                self.id
            )));
        };
        let given = hex::decode(signature).unwrap_or_default();
        if crate::crypto::digests_equal(&given, &self.signed_mac(key)) {
            Ok(())
        } else {
            Err(BackupError::Damaged(format!(
                "backup {}'s signature does not match: it was changed or planted by someone without our master key, and is refused",
                self.id
            )))
        }
    }
}

pub const MANIFEST_FORMAT: u32 = 1;

/// The configured store, or why there is none.
pub fn open(settings: &BackupSettings) -> Result<Arc<dyn ObjectStore>, BackupError> {
    if let Some(dir) = &settings.directory {
        std::fs::create_dir_all(dir)
            .map_err(|e| BackupError::Store(format!("cannot create the backup directory {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| BackupError::Store(format!("cannot use the backup directory {}: {e}", dir.display())))?;
        return Ok(Arc::new(store));
    }
    let Some(s3) = &settings.s3 else {
        return Err(BackupError::NotConfigured(
            "no backup target: set backup.s3.bucket (FASTFAKTURA_BACKUP_S3_BUCKET) or backup.directory".into(),
        ));
    };
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        // Fail within seconds when the endpoint is wrong instead of retrying for minutes.
        .with_retry(RetryConfig { max_retries: 3, retry_timeout: Duration::from_secs(60), ..Default::default() })
        // Client options replace the defaults wholesale, so allow_http goes after them.
        .with_client_options(ClientOptions::new().with_connect_timeout(Duration::from_secs(10)))
        .with_allow_http(s3.allow_http);
    if let Some(endpoint) = &s3.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Some(key) = &s3.access_key_id {
        builder = builder.with_access_key_id(key.expose());
    }
    if let Some(secret) = &s3.secret_access_key {
        builder = builder.with_secret_access_key(secret.expose());
    }
    let store = builder.build().map_err(|e| BackupError::Store(format!("the S3 settings are not usable: {e}")))?;
    Ok(Arc::new(store))
}

/// The name of a target for messages (never credentials).
pub fn describe(settings: &BackupSettings) -> String {
    match (&settings.directory, &settings.s3) {
        (Some(dir), _) => format!("directory {}", dir.display()),
        (None, Some(s3)) => {
            format!("bucket {} at {}", s3.bucket, s3.endpoint.as_deref().unwrap_or("AWS S3"))
        }
        (None, None) => "no target".into(),
    }
}

pub fn prefix(settings: &BackupSettings) -> String {
    settings.prefix.trim_matches('/').to_owned()
}

pub fn dump_path(prefix: &str, id: &str) -> Path {
    Path::from(format!("{prefix}/{id}.dump.age"))
}

pub fn manifest_path(prefix: &str, id: &str) -> Path {
    Path::from(format!("{prefix}/{id}.manifest.json"))
}

/// A new backup id: sorts by time, unique across instances.
pub fn new_id(now: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = now.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default();
    format!("{stamp}-{}", &crate::crypto::new_token()[..6].to_ascii_lowercase())
}

/// Explains a store error in an operator's words (wrong keys, missing bucket).
pub fn explain(error: object_store::Error, what: &str) -> BackupError {
    let text = error.to_string();
    let hint = if text.contains("SignatureDoesNotMatch") {
        "the S3 secret access key is wrong (the server rejected the request signature)"
    } else if text.contains("InvalidAccessKeyId") {
        "the S3 access key id is not known to the server"
    } else if text.contains("NoSuchBucket") {
        "the bucket does not exist: create it, or correct backup.s3.bucket"
    } else if text.contains("AccessDenied") || matches!(error, object_store::Error::PermissionDenied { .. }) {
        "the S3 credentials are not allowed to do this"
    } else if text.contains("error sending request") || text.contains("Connection refused") {
        "the S3 endpoint cannot be reached"
    } else {
        ""
    };
    if hint.is_empty() {
        BackupError::Store(format!("{what}: {text}"))
    } else {
        BackupError::Store(format!("{what}: {hint} ({text})"))
    }
}

/// Every backup with a manifest, oldest first, and the dumps that have none.
pub struct Listing {
    pub good: Vec<Manifest>,
    /// Manifests that are unsigned or wrongly signed: never restored, never counted.
    pub refused: Vec<Manifest>,
    /// Dump objects without a manifest (failed or still running uploads).
    pub orphans: Vec<object_store::ObjectMeta>,
}

pub async fn list(store: &dyn ObjectStore, prefix: &str, key: &DerivedKey) -> Result<Listing, BackupError> {
    let objects: Vec<object_store::ObjectMeta> =
        store.list(Some(&Path::from(prefix))).try_collect().await.map_err(|e| explain(e, "cannot list the backups"))?;
    let mut good = Vec::new();
    let mut refused = Vec::new();
    let mut dumps = Vec::new();
    for meta in &objects {
        let name = meta.location.filename().unwrap_or_default();
        if name.ends_with(".manifest.json") {
            let bytes = store
                .get(&meta.location)
                .await
                .map_err(|e| explain(e, "cannot read a manifest"))?
                .bytes()
                .await
                .map_err(|e| explain(e, "cannot read a manifest"))?;
            match serde_json::from_slice::<Manifest>(&bytes) {
                Ok(m) => match m.check_signature(key) {
                    Ok(()) => good.push(m),
                    Err(e) => {
                        tracing::warn!(object = %meta.location, error = %e, "refusing a backup manifest");
                        refused.push(m);
                    }
                },
                Err(e) => tracing::warn!(object = %meta.location, error = %e, "ignoring an unreadable backup manifest"),
            }
        } else if name.ends_with(".dump.age") {
            dumps.push(meta.clone());
        }
    }
    good.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
    let orphans =
        dumps.into_iter().filter(|d| !good.iter().any(|m| m.object == d.location.as_ref())).collect::<Vec<_>>();
    Ok(Listing { good, refused, orphans })
}

/// The manifest of backup `id`, or of the newest good backup.
pub async fn find(
    store: &dyn ObjectStore,
    prefix: &str,
    key: &DerivedKey,
    id: Option<&str>,
) -> Result<Manifest, BackupError> {
    let listing = list(store, prefix, key).await?;
    if let Some(id) = id
        && let Some(refused) = listing.refused.iter().find(|m| m.id == id)
    {
        return Err(refused.check_signature(key).expect_err("it was refused"));
    }
    match id {
        Some(id) => listing.good.into_iter().find(|m| m.id == id).ok_or_else(|| {
            BackupError::NotFound(format!("there is no good backup with id {id} (see `fastfaktura backup list`)"))
        }),
        None => listing
            .good
            .into_iter()
            .next_back()
            .ok_or_else(|| BackupError::NotFound("there is no good backup yet".into())),
    }
}

/// Writes the manifest: the last step, which makes the backup good.
pub async fn put_manifest(store: &dyn ObjectStore, prefix: &str, manifest: &Manifest) -> Result<(), BackupError> {
    let json = serde_json::to_vec_pretty(manifest).expect("manifests serialise");
    store
        .put(&manifest_path(prefix, &manifest.id), PutPayload::from(json))
        .await
        .map_err(|e| explain(e, "cannot write the backup manifest"))?;
    Ok(())
}

/// Deletes a backup: manifest first, so a half-deleted backup is never listed as good.
pub async fn delete(store: &dyn ObjectStore, prefix: &str, manifest: &Manifest) -> Result<(), BackupError> {
    store.delete(&manifest_path(prefix, &manifest.id)).await.map_err(|e| explain(e, "cannot delete a manifest"))?;
    store.delete(&Path::from(manifest.object.as_str())).await.map_err(|e| explain(e, "cannot delete a backup"))?;
    Ok(())
}

/// The configuration check: the target exists and we can list, write and delete.
pub async fn check(store: &dyn ObjectStore, prefix: &str, key: &DerivedKey) -> Result<usize, BackupError> {
    let listing = list(store, prefix, key).await?;
    let probe = Path::from(format!("{prefix}/.check-{}", crate::crypto::new_token()[..8].to_ascii_lowercase()));
    store
        .put(&probe, PutPayload::from_static(b"fastfaktura backup check"))
        .await
        .map_err(|e| explain(e, "cannot write to the backup target"))?;
    store.delete(&probe).await.map_err(|e| explain(e, "cannot delete from the backup target"))?;
    Ok(listing.good.len())
}
