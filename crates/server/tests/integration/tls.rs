//! HTTPS with real peers on loopback: certificate files (with reload and bad input),
//! the plain-HTTP redirect, HSTS, ALPN and testssl against our listener. ACME is in
//! `tls_acme.rs`.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use fastfaktura::config::TlsMode;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

use crate::helpers::TestApp;

const HSTS: &str = "max-age=63072000; includeSubDomains; preload";

/// A test CA and a leaf for localhost/127.0.0.1 signed by it, as PEM files in `dir`.
pub struct TestPki {
    pub ca_pem: String,
    pub cert: PathBuf,
    pub key: PathBuf,
    ca: rcgen::Certificate,
    ca_key: KeyPair,
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ff-tls-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl TestPki {
    pub fn new(dir: &Path) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "FastFaktura test CA");
        let ca_key = KeyPair::generate().unwrap();
        let ca = params.self_signed(&ca_key).unwrap();
        let pki = Self { ca_pem: ca.pem(), cert: dir.join("cert.pem"), key: dir.join("key.pem"), ca, ca_key };
        pki.issue_leaf();
        std::fs::write(dir.join("ca.pem"), &pki.ca_pem).unwrap();
        pki
    }

    /// The CA certificate, DER (for clients that take no PEM).
    pub fn ca_der(&self) -> Vec<u8> {
        self.ca.der().to_vec()
    }

    /// Writes a fresh leaf (new key) over the files; returns its DER.
    fn issue_leaf(&self) -> Vec<u8> {
        let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let leaf = params.signed_by(&key, &self.ca, &self.ca_key).unwrap();
        std::fs::write(&self.cert, leaf.pem()).unwrap();
        std::fs::write(&self.key, key.serialize_pem()).unwrap();
        leaf.der().to_vec()
    }
}

pub fn https_client(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .tls_info(true)
        .build()
        .unwrap()
}

pub fn peer_certificate(response: &reqwest::Response) -> Vec<u8> {
    response.extensions().get::<reqwest::tls::TlsInfo>().unwrap().peer_certificate().unwrap().to_vec()
}

async fn files_app(pki: &TestPki) -> TestApp {
    let (cert, key) = (pki.cert.clone(), pki.key.clone());
    TestApp::spawn_with(move |s| {
        s.tls.mode = TlsMode::Files;
        s.tls.cert_file = Some(cert);
        s.tls.key_file = Some(key);
        s.tls.reload_check_seconds = 1;
        s.tls.http_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await
}

#[tokio::test]
async fn https_from_files_with_hsts_h2_redirect_and_reload() {
    let dir = temp_dir("files");
    let pki = TestPki::new(&dir);
    let app = files_app(&pki).await;
    assert!(app.address.starts_with("https://127.0.0.1:"));
    let client = https_client(&pki.ca_pem);

    // HSTS on pages, errors and redirects alike; HTTP/2 by ALPN.
    for (path, status) in [("/login", 200), ("/no-such-page", 404), ("/", 303), ("/api/v1/invoices", 401)] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(response.headers()["strict-transport-security"], HSTS, "{path}");
        assert_eq!(response.version(), reqwest::Version::HTTP_2, "{path}: h2 by ALPN");
    }
    let http1 = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap())
        .http1_only()
        .build()
        .unwrap();
    let response = http1.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert_eq!(response.headers()["strict-transport-security"], HSTS);

    // Plain HTTP only redirects, to the same host and path over HTTPS, without HSTS or content.
    let plain = app.plain_http.clone().expect("the redirect listener");
    let https_port = app.address.rsplit(':').next().unwrap().to_owned();
    let response = client.get(format!("{plain}/invoices?page=2")).send().await.unwrap();
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], format!("https://127.0.0.1:{https_port}/invoices?page=2"));
    assert!(response.headers().get("strict-transport-security").is_none());
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.text().await.unwrap().is_empty());
    let response = client.post(format!("{plain}/login")).header("host", "evil.example").send().await.unwrap();
    assert_eq!(response.status(), 308);
    assert!(
        response.headers()["location"].to_str().unwrap().starts_with("https://127.0.0.1:"),
        "unknown hosts go home"
    );

    // A renewed certificate is picked up without a restart.
    let before = peer_certificate(&client.get(app.url("/healthz")).send().await.unwrap());
    let renewed = pki.issue_leaf();
    assert_ne!(before, renewed);
    let mut served = before.clone();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let fresh = https_client(&pki.ca_pem);
        served = peer_certificate(&fresh.get(app.url("/healthz")).send().await.unwrap());
        if served == renewed {
            break;
        }
    }
    assert_eq!(served, renewed, "the renewed certificate is served");

    // A broken renewal keeps the certificate in use.
    std::fs::write(&pki.key, "not a key").unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let fresh = https_client(&pki.ca_pem);
    assert_eq!(peer_certificate(&fresh.get(app.url("/healthz")).send().await.unwrap()), renewed);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn bad_certificate_files_are_named() {
    let dir = temp_dir("bad");
    let pki = TestPki::new(&dir);
    let missing = dir.join("missing.pem");
    let err = TestApp::build_error(|s| {
        s.tls.mode = TlsMode::Files;
        s.tls.cert_file = Some(missing.clone());
        s.tls.key_file = Some(pki.key.clone());
    })
    .await;
    assert!(err.contains("cannot read tls.cert_file") && err.contains("missing.pem"), "{err}");

    let other_key = dir.join("other-key.pem");
    std::fs::write(&other_key, KeyPair::generate().unwrap().serialize_pem()).unwrap();
    let err = TestApp::build_error(|s| {
        s.tls.mode = TlsMode::Files;
        s.tls.cert_file = Some(pki.cert.clone());
        s.tls.key_file = Some(other_key.clone());
    })
    .await;
    assert!(err.contains("tls.key_file") && err.contains("does not belong to the certificate"), "{err}");

    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "hello").unwrap();
    let err = TestApp::build_error(|s| {
        s.tls.mode = TlsMode::Files;
        s.tls.cert_file = Some(garbage.clone());
        s.tls.key_file = Some(pki.key.clone());
    })
    .await;
    assert!(err.contains("tls.cert_file") && err.contains("no PEM certificate"), "{err}");

    let err = TestApp::build_error(|s| {
        s.tls.mode = TlsMode::Acme;
        s.tls.acme.domains = vec!["shop.fastfaktura.test".into()];
        s.tls.acme.directory_ca_file = Some(missing.clone());
    })
    .await;
    assert!(err.contains("tls.acme.directory_ca_file"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// testssl (Debian's testssl.sh) against our listener: TLS 1.2 and 1.3 only, only
/// forward-secret AEAD suites, HSTS present (security criteria TLS-1, HSTS-1).
#[tokio::test]
async fn testssl_finds_only_modern_tls() {
    let dir = temp_dir("testssl");
    let pki = TestPki::new(&dir);
    let app = files_app(&pki).await;
    let target = app.address.trim_start_matches("https://").to_owned();
    let json = dir.join("testssl.json");
    let output = tokio::task::spawn_blocking({
        let json = json.clone();
        move || {
            Command::new("testssl")
                .args(["--quiet", "--color", "0", "--warnings", "batch", "-p", "-f", "-E", "-h", "--jsonfile"])
                .arg(&json)
                .arg(&target)
                .env("HOME", std::env::temp_dir())
                .output()
                .expect("testssl is installed by scripts/install-deps")
        }
    })
    .await
    .unwrap();
    let text = std::fs::read_to_string(&json).unwrap_or_else(|_| {
        panic!(
            "testssl wrote no report: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let findings: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let finding = |id: &str| {
        findings
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["finding"].as_str().unwrap_or("").to_owned())
            .unwrap_or_default()
    };
    for old in ["SSLv2", "SSLv3", "TLS1", "TLS1_1"] {
        assert!(finding(old).contains("not offered"), "{old}: {}", finding(old));
    }
    assert!(finding("TLS1_2").starts_with("offered"), "TLS1_2: {}", finding("TLS1_2"));
    assert!(finding("TLS1_3").starts_with("offered"), "TLS1_3: {}", finding("TLS1_3"));
    assert!(finding("HSTS_time").contains("730 days"), "HSTS: {}", finding("HSTS_time"));
    assert!(finding("HSTS_preload").to_lowercase().contains("preload"), "{}", finding("HSTS_preload"));
    let ciphers: Vec<&str> = findings
        .iter()
        .filter(|f| f["id"].as_str().is_some_and(|id| id.starts_with("cipher-tls") || id.starts_with("cipher_x")))
        .filter_map(|f| f["finding"].as_str())
        .collect();
    assert!(!ciphers.is_empty(), "testssl listed the offered suites");
    for cipher in &ciphers {
        assert!(
            cipher.contains("GCM") || cipher.contains("CHACHA20") || cipher.contains("POLY1305"),
            "non-AEAD: {cipher}"
        );
        for bad in ["CBC", "RC4", "3DES", "DES-CBC", " DH ", "NULL"] {
            assert!(!cipher.contains(bad), "{bad} offered: {cipher}");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}
