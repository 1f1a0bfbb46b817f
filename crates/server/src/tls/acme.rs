//! `tls.mode = "acme"`: certificates obtained and renewed by FastFaktura itself from
//! an ACME CA (Let's Encrypt production by default), with rustls-acme and the
//! TLS-ALPN-01 challenge answered on our own HTTPS port.
//!
//! The account key and the certificates (which hold their private keys) are cached in
//! PostgreSQL (`acme_cache`), sealed with a key derived from the master key and bound
//! to their row, so every instance behind a load balancer starts with the same
//! certificate and a restart does not order a new one, even when the CA cannot be
//! reached.
//!
//! Only one instance orders: the one holding a PostgreSQL advisory lock (per directory
//! and domains) drives rustls-acme, which renews at two thirds of the lifetime and,
//! while an order fails, keeps serving the certificate it has and retries with
//! backoff. The others serve the cached certificate and look for a newer one in the
//! cache; when the ordering instance goes away its lock goes with its connection and
//! another takes over. Expiry and failing renewals are recorded in `acme_status` and
//! warned about (see [`super::acme_status`]).

use std::{
    fmt,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use futures::StreamExt;
use rustls::{
    ClientConfig, RootCertStore, ServerConfig,
    crypto::CryptoProvider,
    pki_types::{CertificateDer, pem::PemObject},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};
use rustls_acme::{AccountCache, AcmeConfig, CertCache, EventError, EventOk, ResolvesServerCertAcme, UseChallenge};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use super::acme_status;
use crate::{
    config::{AcmeChallenge, Settings},
    crypto::DerivedKey,
    db::acme_cache,
};

/// How often an instance that does not order looks for a newer certificate in the
/// cache (and checks its expiry); much sooner while it has none at all.
const FOLLOWER_REFRESH: Duration = Duration::from_secs(60);
const FOLLOWER_REFRESH_WITHOUT_CERTIFICATE: Duration = Duration::from_secs(1);
/// How often the ordering instance checks that its lock connection still answers.
const LOCK_CHECK: Duration = Duration::from_secs(60);
/// Expiry warnings are logged at most this often (and at start).
const WARNING_INTERVAL: Duration = Duration::from_secs(24 * 3600);

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

    /// The row key for a certificate (domains) or an account (contacts) at a directory.
    pub fn cache_key(names: &[String], directory_url: &str) -> String {
        acme_cache::row_key(names, directory_url)
    }

    pub(crate) fn aad(kind: &str, cache_key: &str) -> Vec<u8> {
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

/// The certificate resolver the TLS listener uses: the one of the rustls-acme state
/// currently in charge, swapped when this instance takes over ordering or finds a
/// newer certificate in the cache.
#[derive(Debug)]
pub struct CurrentResolver(RwLock<Arc<ResolvesServerCertAcme>>);

impl CurrentResolver {
    fn get(&self) -> Arc<ResolvesServerCertAcme> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, resolver: Arc<ResolvesServerCertAcme>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = resolver;
    }

    /// The HTTP-01 answer for `token`, while an order waits for it.
    pub fn http01_key_authorization(&self, token: &str) -> Option<String> {
        self.get().get_http_01_key_auth(token)
    }
}

impl ResolvesServerCert for CurrentResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.get().resolve(hello)
    }
}

/// What a rustls-acme configuration is made from; a fresh state is made from it
/// whenever this instance deploys a cached certificate or takes over ordering.
struct AcmeParts {
    cache: PgCache,
    domains: Vec<String>,
    contact: Vec<String>,
    directory_url: String,
    challenge: AcmeChallenge,
    provider: Arc<CryptoProvider>,
    /// With `tls.acme.directory_ca_file`: a client trusting that CA.
    client: Option<Arc<ClientConfig>>,
}

impl AcmeParts {
    fn config(&self) -> AcmeConfig<CacheError, CacheError> {
        let config = match &self.client {
            None => AcmeConfig::new_with_provider(&self.domains, self.provider.clone()),
            Some(client) => AcmeConfig::new_with_client_config(&self.domains, client.clone()),
        };
        let challenge = match self.challenge {
            AcmeChallenge::TlsAlpn01 => UseChallenge::TlsAlpn01,
            AcmeChallenge::Http01 => UseChallenge::Http01,
        };
        config.directory(&self.directory_url).contact(&self.contact).challenge_type(challenge).cache(self.cache.clone())
    }
}

/// This instance's part in certificate management (see the module comment).
pub struct Manager {
    pool: PgPool,
    parts: AcmeParts,
    resolver: Arc<CurrentResolver>,
    expiry_warning_days: u32,
    /// The certificate (PEM with its key) this instance serves, to notice a newer one.
    deployed: Option<Vec<u8>>,
    last_warning: Option<Instant>,
}

impl Manager {
    /// Fails with the setting's name when the extra directory CA cannot be read.
    pub fn new(settings: &Settings, pool: PgPool, cache: PgCache) -> anyhow::Result<Self> {
        let acme = &settings.tls.acme;
        let provider = Arc::new(super::provider());
        let client = match &acme.directory_ca_file {
            None => None,
            Some(path) => Some(client_trusting(path, provider.clone())?),
        };
        let parts = AcmeParts {
            cache,
            domains: settings.acme_domains(),
            contact: acme.contact_uris(),
            directory_url: acme.directory_url.clone(),
            challenge: acme.challenge,
            provider,
            client,
        };
        let resolver = Arc::new(CurrentResolver(RwLock::new(parts.config().state().resolver())));
        Ok(Self {
            pool,
            parts,
            resolver,
            expiry_warning_days: acme.expiry_warning_days,
            deployed: None,
            last_warning: None,
        })
    }

    /// The resolver for the TLS listener (and for HTTP-01 answers).
    pub fn resolver(&self) -> Arc<CurrentResolver> {
        self.resolver.clone()
    }

    /// The configuration for TLS-ALPN-01 validation handshakes (`acme-tls/1`).
    pub fn challenge_config(&self) -> anyhow::Result<Arc<ServerConfig>> {
        let mut config = ServerConfig::builder_with_provider(self.parts.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
            .with_no_client_auth()
            .with_cert_resolver(self.resolver.clone());
        config.alpn_protocols = vec![rustls_acme::acme::ACME_TLS_ALPN_NAME.to_vec()];
        Ok(Arc::new(config))
    }

    fn status_key(&self) -> String {
        PgCache::cache_key(&self.parts.domains, &self.parts.directory_url)
    }

    /// The advisory lock number: one per directory and set of names.
    fn lock_key(&self) -> i64 {
        let hash = Sha256::digest(format!("fastfaktura:acme-order:{}", self.status_key()));
        i64::from_be_bytes(hash[..8].try_into().unwrap_or([0; 8]))
    }

    /// Runs for as long as the server does: serves the cached certificate, orders and
    /// renews while holding the order lock, warns as expiry nears.
    pub async fn run(mut self) {
        loop {
            self.deploy_cached().await;
            match self.try_order_lock().await {
                Ok(Some(lock)) => {
                    tracing::info!("this instance orders and renews the ACME certificate");
                    self.order_and_renew(lock).await;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot try the ACME order lock in the database; retrying"),
            }
            self.warn_if_due().await;
            let wait = if self.deployed.is_some() { FOLLOWER_REFRESH } else { FOLLOWER_REFRESH_WITHOUT_CERTIFICATE };
            tokio::time::sleep(wait).await;
        }
    }

    /// Serves the cached certificate if it is not the one already served.
    async fn deploy_cached(&mut self) {
        let cached = match self.parts.cache.load("certificate", &self.parts.domains, &self.parts.directory_url).await {
            Ok(cached) => cached,
            Err(e) => {
                tracing::warn!(error = ?e, "cannot read the cached ACME certificate; retrying");
                return;
            }
        };
        let Some(pem) = cached else { return };
        if self.deployed.as_ref() == Some(&pem) {
            return;
        }
        // A fresh state loads the cache first and deploys what it finds; it is not
        // polled further, so it never orders.
        let mut state = self.parts.config().state();
        match state.next().await {
            Some(Ok(EventOk::DeployedCachedCert)) => {
                self.resolver.set(state.resolver());
                self.record(&pem, false).await;
                self.deployed = Some(pem);
                tracing::info!("serving the cached TLS certificate");
            }
            other => tracing::warn!(event = ?other, "the cached ACME certificate cannot be used"),
        }
    }

    async fn try_order_lock(&self) -> Result<Option<PgConnection>, sqlx::Error> {
        let mut conn = self.pool.acquire().await?.detach();
        if acme_cache::try_order_lock(&mut conn, self.lock_key()).await? {
            Ok(Some(conn))
        } else {
            let _ = sqlx::Connection::close(conn).await;
            Ok(None)
        }
    }

    /// Drives rustls-acme while `lock` stays connected (and with it the lock held).
    async fn order_and_renew(&mut self, mut lock: PgConnection) {
        let mut state = self.parts.config().state();
        if self.deployed.is_some() {
            // Keep serving what we have until the new state has deployed it too.
            let first = state.next().await;
            self.resolver.set(state.resolver());
            if let Some(event) = first {
                self.handle(event).await;
            }
        } else {
            self.resolver.set(state.resolver());
        }
        self.warn_if_due().await;
        let mut lock_check = tokio::time::interval(LOCK_CHECK);
        lock_check.tick().await;
        loop {
            tokio::select! {
                // Cancel-safe: rustls-acme keeps its order and timers in the state.
                event = state.next() => match event {
                    Some(event) => self.handle(event).await,
                    None => return,
                },
                _ = lock_check.tick() => {
                    if let Err(e) = acme_cache::ping(&mut lock).await {
                        tracing::warn!(error = %e, "lost the database connection holding the ACME order lock; another instance may order now");
                        return;
                    }
                    self.warn_if_due().await;
                }
            }
        }
    }

    async fn handle(&mut self, event: Result<EventOk, EventError<CacheError, CacheError>>) {
        match event {
            Ok(EventOk::DeployedNewCert) => tracing::info!("obtained a new TLS certificate from the ACME CA"),
            Ok(EventOk::CertCacheStore) => {
                // The new certificate is in the cache now: record it as an order.
                if let Ok(Some(pem)) =
                    self.parts.cache.load("certificate", &self.parts.domains, &self.parts.directory_url).await
                {
                    self.record(&pem, true).await;
                    self.deployed = Some(pem);
                }
            }
            Ok(EventOk::DeployedCachedCert) => {
                tracing::info!("using the cached TLS certificate");
                if let Ok(Some(pem)) =
                    self.parts.cache.load("certificate", &self.parts.domains, &self.parts.directory_url).await
                {
                    self.record(&pem, false).await;
                    self.deployed = Some(pem);
                }
            }
            Ok(ok) => tracing::debug!(event = ?ok, "ACME"),
            Err(EventError::Order(e)) => {
                tracing::error!(
                    setting = "tls.acme.directory_url",
                    directory = %self.parts.directory_url,
                    error = %e,
                    "cannot obtain a TLS certificate from the ACME CA; serving the current certificate (if any) and retrying"
                );
                if let Err(e) = acme_cache::record_failed_order(&self.pool, &self.status_key()).await {
                    tracing::warn!(error = %e, "cannot record the failed ACME order");
                }
                // A failing renewal is worth a warning at once, not tomorrow.
                self.last_warning = None;
                self.warn_if_due().await;
            }
            Err(e) => tracing::error!(error = ?e, "ACME certificate management failed; retrying"),
        }
    }

    /// Records the certificate's expiry (and, for a new one, the order).
    async fn record(&self, pem: &[u8], ordered: bool) {
        let Some(not_after) = acme_status::not_after(pem) else {
            tracing::warn!("cannot read the expiry date of the ACME certificate");
            return;
        };
        if let Err(e) = acme_cache::record_certificate(&self.pool, &self.status_key(), not_after, ordered).await {
            tracing::warn!(error = %e, "cannot record the ACME certificate's expiry");
        }
    }

    /// Logs the expiry or renewal warning, at most once a day.
    async fn warn_if_due(&mut self) {
        if self.last_warning.is_some_and(|at| at.elapsed() < WARNING_INTERVAL) {
            return;
        }
        let status = match acme_cache::status(&self.pool, &self.status_key()).await {
            Ok(status) => status,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the ACME certificate status");
                return;
            }
        };
        let now = time::OffsetDateTime::now_utc();
        if let Some(warning) = acme_status::warning(status.as_ref(), now, self.expiry_warning_days) {
            tracing::warn!(setting = "tls.acme.directory_url", "{warning}");
        }
        self.last_warning = Some(Instant::now());
    }
}

/// A client configuration trusting the CA in `path` for the directory's HTTPS.
fn client_trusting(path: &std::path::Path, provider: Arc<CryptoProvider>) -> anyhow::Result<Arc<ClientConfig>> {
    let pem = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read tls.acme.directory_ca_file ({}): {e}", path.display()))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok) {
        roots.add(cert).map_err(|e| {
            anyhow::anyhow!("tls.acme.directory_ca_file ({}) holds an unusable certificate: {e}", path.display())
        })?;
    }
    if roots.is_empty() {
        anyhow::bail!("tls.acme.directory_ca_file ({}) holds no PEM certificate", path.display());
    }
    let client = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(client))
}
