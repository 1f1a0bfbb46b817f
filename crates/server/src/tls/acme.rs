//! `tls.mode = "acme"`: certificates obtained and renewed by FastFaktura itself from
//! an ACME CA (Let's Encrypt production by default), with rustls-acme and the
//! TLS-ALPN-01 challenge answered on our own HTTPS port.
//!
//! The account key and the certificates (which hold their private keys) are cached in
//! PostgreSQL (`acme_cache`), sealed with a key derived from the master key and bound
//! to their row, so every instance behind a load balancer starts with the same
//! certificate and a restart does not order a new one. rustls-acme renews at two
//! thirds of the lifetime; while an order fails it keeps serving the certificate it
//! has, retries with backoff, and we log the error naming the setting to look at.

use std::{fmt, sync::Arc};

use async_trait::async_trait;
use futures::StreamExt;
use rustls::{ClientConfig, RootCertStore, pki_types::CertificateDer, pki_types::pem::PemObject};
use rustls_acme::{AccountCache, AcmeConfig, AcmeState, CertCache, EventError, EventOk};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::{config::Settings, crypto::DerivedKey, db::acme_cache};

/// The sealed PostgreSQL cache behind rustls-acme.
#[derive(Clone)]
pub struct PgCache {
    pool: PgPool,
    key: DerivedKey,
}

/// A cache failure, shown in the event log (never contains key material).
pub struct CacheError(String);

impl fmt::Debug for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PgCache {
    pub fn new(pool: PgPool, key: DerivedKey) -> Self {
        Self { pool, key }
    }

    fn cache_key(names: &[String], directory_url: &str) -> String {
        let mut hash = Sha256::new();
        hash.update((directory_url.len() as u64).to_be_bytes());
        hash.update(directory_url);
        for name in names {
            hash.update((name.len() as u64).to_be_bytes());
            hash.update(name);
        }
        hex::encode(hash.finalize())
    }

    fn aad(kind: &str, cache_key: &str) -> Vec<u8> {
        format!("acme_cache:sealed:{kind}:{cache_key}").into_bytes()
    }

    async fn load(&self, kind: &str, names: &[String], directory_url: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let key = Self::cache_key(names, directory_url);
        let sealed = acme_cache::load(&self.pool, kind, &key)
            .await
            .map_err(|e| CacheError(format!("reading the ACME {kind} from the database: {e}")))?;
        match sealed {
            None => Ok(None),
            Some(sealed) => match self.key.open(&sealed, &Self::aad(kind, &key)) {
                Ok(plain) => Ok(Some(plain)),
                // A different master key (or a moved row): order afresh rather than fail.
                Err(_) => {
                    tracing::warn!(kind, "a cached ACME {kind} cannot be opened with this master key; ignoring it");
                    Ok(None)
                }
            },
        }
    }

    async fn store(&self, kind: &str, names: &[String], directory_url: &str, plain: &[u8]) -> Result<(), CacheError> {
        let key = Self::cache_key(names, directory_url);
        let sealed = self.key.seal(plain, &Self::aad(kind, &key));
        acme_cache::store(&self.pool, kind, &key, &sealed)
            .await
            .map_err(|e| CacheError(format!("storing the ACME {kind} in the database: {e}")))
    }
}

#[async_trait]
impl CertCache for PgCache {
    type EC = CacheError;
    async fn load_cert(&self, domains: &[String], directory_url: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.load("certificate", domains, directory_url).await
    }
    async fn store_cert(&self, domains: &[String], directory_url: &str, cert: &[u8]) -> Result<(), CacheError> {
        self.store("certificate", domains, directory_url, cert).await
    }
}

#[async_trait]
impl AccountCache for PgCache {
    type EA = CacheError;
    async fn load_account(&self, contact: &[String], directory_url: &str) -> Result<Option<Vec<u8>>, CacheError> {
        self.load("account", contact, directory_url).await
    }
    async fn store_account(&self, contact: &[String], directory_url: &str, account: &[u8]) -> Result<(), CacheError> {
        self.store("account", contact, directory_url, account).await
    }
}

pub type State = AcmeState<CacheError, CacheError>;

/// The ACME state for the settings; fails with the setting's name when the extra
/// directory CA cannot be read.
pub fn state(settings: &Settings, cache: PgCache) -> anyhow::Result<State> {
    let acme = &settings.tls.acme;
    let provider = Arc::new(super::provider());
    let config = match &acme.directory_ca_file {
        None => AcmeConfig::new_with_provider(settings.acme_domains(), provider),
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read tls.acme.directory_ca_file ({}): {e}", path.display()))?;
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok) {
                roots.add(cert).map_err(|e| {
                    anyhow::anyhow!(
                        "tls.acme.directory_ca_file ({}) holds an unusable certificate: {e}",
                        path.display()
                    )
                })?;
            }
            if roots.is_empty() {
                anyhow::bail!("tls.acme.directory_ca_file ({}) holds no PEM certificate", path.display());
            }
            let client = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth();
            AcmeConfig::new_with_client_config(settings.acme_domains(), Arc::new(client))
        }
    };
    Ok(config.directory(&acme.directory_url).contact(acme.contact_uris()).cache(cache).state())
}

/// Drives the ACME state (orders, renewals, cache) and logs what happens. Must run
/// for as long as the server does: nothing happens unless it is polled.
pub async fn drive(mut state: State, directory_url: String) {
    while let Some(event) = state.next().await {
        match event {
            Ok(EventOk::DeployedNewCert) => tracing::info!("obtained a new TLS certificate from the ACME CA"),
            Ok(EventOk::DeployedCachedCert) => tracing::info!("using the cached TLS certificate"),
            Ok(ok) => tracing::debug!(event = ?ok, "ACME"),
            Err(EventError::Order(e)) => tracing::error!(
                setting = "tls.acme.directory_url",
                directory = %directory_url,
                error = %e,
                "cannot obtain a TLS certificate from the ACME CA; serving the current certificate (if any) and retrying"
            ),
            Err(e) => tracing::error!(error = ?e, "ACME certificate management failed; retrying"),
        }
    }
}
