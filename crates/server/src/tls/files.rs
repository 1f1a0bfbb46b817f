//! `tls.mode = "files"`: a certificate chain and key from PEM files, checked at start
//! (a clear error naming the setting, never a panic) and reloaded when either file
//! changes, so a renewal by certbot or the like needs no restart. A reload that
//! fails keeps the certificate in use and logs why.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::{Duration, SystemTime},
};

use rustls::{
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};

#[derive(Debug, thiserror::Error)]
pub enum CertFileError {
    #[error("cannot read tls.cert_file ({path}): {source}")]
    ReadCert { path: String, source: std::io::Error },
    #[error("cannot read tls.key_file ({path}): {source}")]
    ReadKey { path: String, source: std::io::Error },
    #[error("tls.cert_file ({path}) holds no PEM certificate")]
    NoCert { path: String },
    #[error("tls.key_file ({path}) holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey { path: String },
    #[error("tls.key_file ({path}) is not a usable private key: {message}")]
    BadKey { path: String, message: String },
    #[error("tls.key_file ({key}) does not belong to the certificate in tls.cert_file ({cert})")]
    Mismatch { cert: String, key: String },
}

/// Reads and checks the pair.
pub fn load(cert_file: &Path, key_file: &Path) -> Result<CertifiedKey, CertFileError> {
    let (cert_shown, key_shown) = (cert_file.display().to_string(), key_file.display().to_string());
    let cert_pem =
        std::fs::read(cert_file).map_err(|source| CertFileError::ReadCert { path: cert_shown.clone(), source })?;
    let key_pem =
        std::fs::read(key_file).map_err(|source| CertFileError::ReadKey { path: key_shown.clone(), source })?;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&cert_pem).filter_map(Result::ok).collect();
    if chain.is_empty() {
        return Err(CertFileError::NoCert { path: cert_shown });
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| CertFileError::NoKey { path: key_shown.clone() })?;
    let signing = super::provider()
        .key_provider
        .load_private_key(key)
        .map_err(|e| CertFileError::BadKey { path: key_shown.clone(), message: e.to_string() })?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        Ok(()) => Ok(certified),
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => Ok(certified),
        Err(_) => Err(CertFileError::Mismatch { cert: cert_shown, key: key_shown }),
    }
}

/// The certificate in use, swapped when the files change.
#[derive(Debug)]
pub struct FileResolver {
    current: RwLock<Arc<CertifiedKey>>,
    cert_file: PathBuf,
    key_file: PathBuf,
}

impl FileResolver {
    pub fn new(cert_file: &Path, key_file: &Path) -> Result<Arc<Self>, CertFileError> {
        let key = load(cert_file, key_file)?;
        Ok(Arc::new(Self {
            current: RwLock::new(Arc::new(key)),
            cert_file: cert_file.to_owned(),
            key_file: key_file.to_owned(),
        }))
    }

    fn stamp(&self) -> Option<(SystemTime, SystemTime, u64, u64)> {
        let c = std::fs::metadata(&self.cert_file).ok()?;
        let k = std::fs::metadata(&self.key_file).ok()?;
        Some((c.modified().ok()?, k.modified().ok()?, c.len(), k.len()))
    }

    /// When the certificate in use expires (its leaf's notAfter), for the metrics.
    pub fn not_after(&self) -> Option<time::OffsetDateTime> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let current = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        let (_, leaf) = X509Certificate::from_der(current.cert.first()?).ok()?;
        time::OffsetDateTime::from_unix_timestamp(leaf.validity().not_after.timestamp()).ok()
    }

    /// Loads the pair again; on error the old certificate stays.
    pub fn reload(&self) -> Result<(), CertFileError> {
        let key = load(&self.cert_file, &self.key_file)?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(key);
        Ok(())
    }

    /// Checks the files every `every` and reloads them when they changed.
    pub async fn watch(self: Arc<Self>, every: Duration) {
        let mut last = self.stamp();
        loop {
            tokio::time::sleep(every).await;
            let now = self.stamp();
            if now == last {
                continue;
            }
            // A renewal writes two files: give it a moment to finish both.
            tokio::time::sleep(Duration::from_millis(500)).await;
            match self.reload() {
                Ok(()) => {
                    tracing::info!(cert = %self.cert_file.display(), "reloaded the TLS certificate");
                    last = self.stamp();
                }
                Err(e) => {
                    tracing::error!(error = %e, "the TLS certificate files changed but cannot be used; keeping the old certificate")
                }
            }
        }
    }
}

impl ResolvesServerCert for FileResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().unwrap_or_else(|e| e.into_inner()).clone())
    }
}
