//! HTTPS: the rustls server configuration, the TLS listener handed to `axum::serve`,
//! and the plain-HTTP listener that only redirects.
//!
//! Three modes (`tls.mode`): `off` (plain HTTP: development, or a TLS-terminating
//! proxy in front), `files` (PEM certificate and key, reloaded when they change, see
//! [`files`]) and `acme` (certificates from an ACME CA by TLS-ALPN-01 on our own port,
//! cached sealed in PostgreSQL, see [`acme`]). TLS 1.2 and 1.3 only, with exactly the
//! Mozilla "intermediate" suites (rustls has no CBC, RSA key exchange or DHE anyway),
//! ALPN h2 and http/1.1. Handshakes run in their own tasks with a timeout, so a slow
//! client never holds up the accept loop.

pub mod acme;
pub mod acme_status;
pub mod files;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, Uri, header},
    middleware,
    response::{IntoResponse, Redirect, Response},
};
use rustls::{
    ServerConfig,
    crypto::{CryptoProvider, aws_lc_rs},
    server::ResolvesServerCert,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::mpsc,
};
use tokio_rustls::{LazyConfigAcceptor, server::TlsStream};

use crate::config::Settings;

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The cryptography we offer: aws-lc-rs with the Mozilla intermediate suites, in
/// Mozilla's order (TLS 1.3 first; AES-128 before AES-256 before ChaCha20).
pub fn provider() -> CryptoProvider {
    use aws_lc_rs::cipher_suite as cs;
    CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS13_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ],
        ..aws_lc_rs::default_provider()
    }
}

/// The server configuration around a certificate resolver (files or ACME).
pub fn server_config(resolver: Arc<dyn ResolvesServerCert>) -> anyhow::Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What the TLS listener answers with.
#[derive(Clone)]
pub struct TlsAcceptor {
    pub config: Arc<ServerConfig>,
    /// ACME mode: the configuration for TLS-ALPN-01 validation handshakes.
    pub challenge: Option<Arc<ServerConfig>>,
}

/// A TCP listener whose connections come out as finished TLS streams.
pub struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(accept_loop(tcp, acceptor, tx));
        Ok(Self { local, ready })
    }
}

/// Handshakes in progress at once; beyond it, new connections wait in the backlog (a
/// flood of connections that never finish a handshake cannot pile up tasks).
const MAX_HANDSHAKES: usize = 1024;

async fn accept_loop(tcp: TcpListener, acceptor: TlsAcceptor, ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>) {
    let handshakes = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_HANDSHAKES));
    loop {
        let Ok(permit) = handshakes.clone().acquire_owned().await else { return };
        let (stream, peer) = match tcp.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if ready.is_closed() {
            return;
        }
        let (acceptor, ready) = (acceptor.clone(), ready.clone());
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake(stream, &acceptor)).await;
            drop(permit);
            match handshake {
                Ok(Ok(Some(tls))) => {
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        });
    }
}

/// One handshake; None for an ACME validation connection (answered and closed here).
async fn handshake(stream: TcpStream, acceptor: &TlsAcceptor) -> std::io::Result<Option<TlsStream<TcpStream>>> {
    let start = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream).await?;
    if let Some(challenge) = &acceptor.challenge
        && rustls_acme::is_tls_alpn_challenge(&start.client_hello())
    {
        let mut tls = start.into_stream(challenge.clone()).await?;
        tokio::io::AsyncWriteExt::shutdown(&mut tls).await?;
        return Ok(None);
    }
    start.into_stream(acceptor.config.clone()).await.map(Some)
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accept loop only ends with the process; never hand out a stream then.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// The plain-HTTP side with TLS on: every request gets a 308 to the same host and
/// path over HTTPS, with no content (security criteria TLS-2, HSTS-2). Only host
/// names we serve are kept; anything else goes to the public host. With the ACME
/// HTTP-01 challenge (`http01`), `/.well-known/acme-challenge/{token}` answers the
/// CA while an order waits for it.
pub fn redirect_router(settings: &Settings, http01: Option<Arc<acme::CurrentResolver>>) -> Router {
    let public_host = settings.public_host();
    let mut hosts = settings.acme_domains();
    hosts.push(public_host.clone());
    let origin = settings.public_origin();
    let port =
        origin.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map(|(_, p)| p.to_owned());
    let port_suffix = port.map(|p| format!(":{p}")).unwrap_or_default();
    let redirect = move |request: Request| {
        let hosts = hosts.clone();
        let public_host = public_host.clone();
        let port_suffix = port_suffix.clone();
        async move {
            let asked = request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(|h| h.rsplit_once(':').filter(|(_, p)| p.parse::<u16>().is_ok()).map_or(h, |(host, _)| host))
                .map(str::to_ascii_lowercase);
            let host = asked.filter(|h| hosts.contains(h)).unwrap_or_else(|| public_host.clone());
            let path = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let target = format!("https://{host}{port_suffix}{path}");
            match target.parse::<Uri>() {
                Ok(_) => Redirect::permanent(&target).into_response(),
                Err(_) => Redirect::permanent(&format!("https://{public_host}{port_suffix}/")).into_response(),
            }
        }
    };
    let mut router = Router::new();
    if let Some(resolver) = http01 {
        router = router.route(
            "/.well-known/acme-challenge/{token}",
            axum::routing::get(move |axum::extract::Path(token): axum::extract::Path<String>| {
                let answer = resolver.http01_key_authorization(&token);
                async move {
                    match answer {
                        Some(key_authorization) => {
                            ([(header::CONTENT_TYPE, "application/octet-stream")], key_authorization).into_response()
                        }
                        None => axum::http::StatusCode::NOT_FOUND.into_response(),
                    }
                }
            }),
        );
    }
    router.fallback(redirect).layer(middleware::from_fn(plain_headers))
}

/// The security headers on redirects too (no HSTS: it means nothing over HTTP).
async fn plain_headers(request: Request, next: middleware::Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::security_headers::CONTENT_SECURITY_POLICY),
    );
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_mozilla_intermediate_suites() {
        let names: Vec<String> = provider().cipher_suites.iter().map(|s| format!("{:?}", s.suite())).collect();
        assert_eq!(
            names,
            [
                "TLS13_AES_128_GCM_SHA256",
                "TLS13_AES_256_GCM_SHA384",
                "TLS13_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            ]
        );
    }
}
