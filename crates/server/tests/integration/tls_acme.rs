//! ACME with real peers on loopback: Debian's pebble as the CA (with
//! pebble-challtestsrv as its DNS, every name on 127.0.0.1). Issuance by TLS-ALPN-01
//! and by HTTP-01, serving the cached certificate when the CA is gone (with the
//! expiry warning and a failing renewal recorded), and several instances on one
//! database ordering once.

use std::{
    fs::File,
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fastfaktura::config::{AcmeChallenge, Settings, TlsMode};

use crate::{
    helpers::{TestApp, captured_logs, fresh_database},
    tls::{TestPki, https_client, peer_certificate, temp_dir},
};

const HSTS: &str = "max-age=63072000; includeSubDomains; preload";
const DOMAIN: &str = "shop.fastfaktura.test";

/// A child process we started, stopped (by its own id) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An instance on a port chosen here (its public URL names it): another process may
/// take a free port between the choice and the bind, so a taken one is chosen again.
async fn spawn_on_a_free_port(database_url: &str, adjust: impl Fn(&mut Settings, u16)) -> (TestApp, u16) {
    for _ in 0..10 {
        let port = free_port();
        match TestApp::try_spawn_on(database_url.to_owned(), |s| adjust(s, port)).await {
            Ok(app) => return (app, port),
            Err(e) if format!("{e:#}").contains("Address already in use") => continue,
            Err(e) => panic!("build the application: {e:#}"),
        }
    }
    panic!("no free port in ten tries")
}

/// Pebble and its DNS on free ports; its log in a file, to count issued certificates.
struct Pebble {
    dir: PathBuf,
    /// The CA of pebble's own API listener (what our ACME client must trust).
    api_ca_file: PathBuf,
    directory: String,
    /// The root the issued certificates chain to (random per run).
    root: String,
    /// Where pebble validates TLS-ALPN-01 and HTTP-01.
    tls_port: u16,
    http_port: u16,
    log: PathBuf,
    pebble: Option<Running>,
    _dns: Running,
}

impl Pebble {
    /// `always_valid`: pebble skips validating challenges (for tests about who orders).
    async fn start(name: &str, always_valid: bool) -> Self {
        let dir = temp_dir(name);
        let pki = TestPki::new(&dir);
        let (api, management, dns, dns_management, tls_port, http_port) =
            (free_port(), free_port(), free_port(), free_port(), free_port(), free_port());
        let config = serde_json::json!({"pebble": {
            "listenAddress": format!("127.0.0.1:{api}"), "managementListenAddress": format!("127.0.0.1:{management}"),
            "certificate": pki.cert, "privateKey": pki.key, "httpPort": http_port, "tlsPort": tls_port,
            "ocspResponderURL": "", "externalAccountBindingRequired": false }});
        std::fs::write(dir.join("pebble.json"), config.to_string()).unwrap();
        // Instances of one service share the master key (the cache is sealed with it).
        fastfaktura::crypto::MasterKey::load_or_generate(&dir.join("master.key")).unwrap();
        let dns_process = Running(
            Command::new("pebble-challtestsrv")
                .args(["-dns01", &format!("127.0.0.1:{dns}"), "-http01", "", "-https01", "", "-tlsalpn01", ""])
                .args([
                    "-management",
                    &format!("127.0.0.1:{dns_management}"),
                    "-defaultIPv4",
                    "127.0.0.1",
                    "-defaultIPv6",
                    "",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("pebble-challtestsrv is installed by scripts/install-deps"),
        );
        let log = dir.join("pebble.log");
        let out = File::create(&log).unwrap();
        let err = out.try_clone().unwrap();
        let pebble = Running(
            Command::new("pebble")
                .args(["-config", dir.join("pebble.json").to_str().unwrap(), "-dnsserver", &format!("127.0.0.1:{dns}")])
                .env("PEBBLE_VA_NOSLEEP", "1")
                .env("PEBBLE_WFE_NONCEREJECT", "0")
                .env("PEBBLE_AUTHZREUSE", "0")
                .env("PEBBLE_VA_ALWAYS_VALID", if always_valid { "1" } else { "0" })
                .stdout(out)
                .stderr(err)
                .spawn()
                .expect("pebble is installed by scripts/install-deps"),
        );
        let api_client = https_client(&pki.ca_pem);
        let directory = format!("https://localhost:{api}/dir");
        let mut root = None;
        for _ in 0..100 {
            if let Ok(r) = api_client.get(format!("https://127.0.0.1:{management}/roots/0")).send().await
                && r.status() == 200
                && api_client.get(&directory).send().await.is_ok_and(|d| d.status() == 200)
            {
                root = Some(r.text().await.unwrap());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self {
            api_ca_file: dir.join("ca.pem"),
            dir,
            directory,
            root: root.expect("pebble answers"),
            tls_port,
            http_port,
            log,
            pebble: Some(pebble),
            _dns: dns_process,
        }
    }

    /// Our settings for this CA, serving `DOMAIN` on `port`.
    fn configure(&self, s: &mut Settings, port: u16) {
        s.listen = SocketAddr::from(([127, 0, 0, 1], port));
        s.public_base_url = Some(format!("https://{DOMAIN}:{port}"));
        s.crypto.master_key_file = Some(self.dir.join("master.key"));
        s.tls.mode = TlsMode::Acme;
        s.tls.acme.directory_url = self.directory.clone();
        s.tls.acme.directory_ca_file = Some(self.api_ca_file.clone());
        s.tls.acme.contact = vec!["ops@fastfaktura.test".into()];
    }

    /// A client that trusts only the root pebble issues under and finds `DOMAIN` on `port`.
    fn client(&self, port: u16) -> reqwest::Client {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(self.root.as_bytes()).unwrap())
            .resolve(DOMAIN, SocketAddr::from(([127, 0, 0, 1], port)))
            .tls_info(true)
            .build()
            .unwrap()
    }

    /// Certificates pebble says it issued.
    fn issued(&self) -> usize {
        std::fs::read_to_string(&self.log).unwrap_or_default().matches("Issued certificate serial").count()
    }

    /// Stops the CA: its directory no longer answers.
    fn stop(&mut self) {
        self.pebble.take();
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The first answer from `DOMAIN` on `port` with a certificate valid under pebble's
/// root (an instance serves nothing until it has a certificate).
async fn first_valid_answer(pebble: &Pebble, port: u16) -> reqwest::Response {
    let client = pebble.client(port);
    for _ in 0..150 {
        if let Ok(response) = client.get(format!("https://{DOMAIN}:{port}/healthz")).send().await {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no certificate from pebble on port {port} within 30 s");
}

/// Waits until `acme_status` counts `orders` completed orders (recorded after the store).
async fn wait_for_orders(db: &sqlx::PgPool, orders: i32) {
    for _ in 0..100 {
        let counted: Option<i32> =
            sqlx::query_scalar("SELECT orders_completed FROM acme_status").fetch_optional(db).await.unwrap();
        if counted == Some(orders) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("acme_status never counted {orders} orders");
}

async fn tls_status(pebble: &Pebble, port: u16) -> String {
    let client = pebble.client(port);
    client.get(format!("https://{DOMAIN}:{port}/healthz/tls")).send().await.unwrap().text().await.unwrap()
}

/// ACME end to end: pebble issues a certificate by TLS-ALPN-01 on our port; the
/// chain validates against pebble's root; the account and certificate are cached
/// sealed in PostgreSQL.
#[tokio::test]
async fn acme_issues_a_certificate_from_pebble() {
    let pebble = Pebble::start("acme", false).await;
    let port = pebble.tls_port;
    let app = TestApp::spawn_with(|s| pebble.configure(s, port)).await;
    let response = first_valid_answer(&pebble, port).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["strict-transport-security"], HSTS);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);

    // The certificate is stored just after it is deployed.
    wait_for_orders(&app.db, 1).await;
    let rows: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT kind, sealed FROM acme_cache ORDER BY kind").fetch_all(&app.db).await.unwrap();
    let kinds: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["account", "certificate"]);
    for (kind, sealed) in &rows {
        let text = String::from_utf8_lossy(sealed);
        assert!(!text.contains("PRIVATE KEY") && !text.contains("BEGIN"), "{kind} is sealed");
    }
    let status = tls_status(&pebble, port).await;
    assert!(status.contains("certificate valid until: "), "{status}");
    assert!(!status.contains("warning"), "a fresh certificate needs no warning: {status}");
}

/// HTTP-01: pebble fetches the key authorization from our plain-HTTP listener, which
/// still redirects everything else to HTTPS.
#[tokio::test]
async fn acme_http_01_on_the_plain_listener() {
    let pebble = Pebble::start("acme-http01", false).await;
    let port = free_port();
    let http_port = pebble.http_port;
    let app = TestApp::spawn_with(|s| {
        pebble.configure(s, port);
        s.tls.acme.challenge = AcmeChallenge::Http01;
        s.tls.http_listen = Some(SocketAddr::from(([127, 0, 0, 1], http_port)));
    })
    .await;
    let response = first_valid_answer(&pebble, port).await;
    assert_eq!(response.status(), 200);
    assert_eq!(pebble.issued(), 1);

    let plain = app.plain_http.clone().unwrap();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client.get(format!("{plain}/invoices")).header("host", DOMAIN).send().await.unwrap();
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers()["location"], format!("https://{DOMAIN}:{port}/invoices"));
    let response = client.get(format!("{plain}/.well-known/acme-challenge/no-such-token")).send().await.unwrap();
    assert_eq!(response.status(), 404, "no order waits for that token");
}

/// A restart while the CA cannot be reached serves the cached certificate; the
/// expiry warning is logged and shown on `/healthz/tls`; a failing order is recorded
/// and shown too.
#[tokio::test]
async fn acme_serves_the_cached_certificate_when_the_ca_is_gone() {
    let mut pebble = Pebble::start("acme-gone", false).await;
    let first_port = pebble.tls_port;
    let first = TestApp::spawn_with(|s| pebble.configure(s, first_port)).await;
    let issued = peer_certificate(&first_valid_answer(&pebble, first_port).await);
    wait_for_orders(&first.db, 1).await;

    pebble.stop();
    let dead = https_client(&std::fs::read_to_string(&pebble.api_ca_file).unwrap());
    assert!(dead.get(&pebble.directory).send().await.is_err(), "the directory is gone");

    // Warn far ahead of pebble's five-year certificates: the warning must show.
    let (_second, port) = spawn_on_a_free_port(&first.database_url, |s, port| {
        pebble.configure(s, port);
        s.tls.acme.expiry_warning_days = 99_999;
    })
    .await;
    let response = first_valid_answer(&pebble, port).await;
    assert_eq!(response.status(), 200);
    assert_eq!(peer_certificate(&response), issued, "the cached certificate is served");
    let status = tls_status(&pebble, port).await;
    assert!(status.contains("warning: the TLS certificate expires on"), "{status}");
    assert!(status.contains("tls.acme.expiry_warning_days = 99999"), "{status}");
    // Logged just after the instance starts serving: wait for it rather than race it.
    let mut logged = false;
    for _ in 0..100 {
        logged = captured_logs().contains("tls.acme.expiry_warning_days = 99999");
        if logged {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(logged, "the warning is logged");

    // An instance for a name with no certificate must order, and cannot.
    let (other, _) = spawn_on_a_free_port(&first.database_url, |s, port| {
        pebble.configure(s, port);
        s.tls.acme.domains = vec!["other.fastfaktura.test".into()];
    })
    .await;
    let mut failing = None;
    for _ in 0..100 {
        let row: Option<(Option<time::OffsetDateTime>,)> =
            sqlx::query_as("SELECT renewal_failing_since FROM acme_status WHERE renewal_failing_since IS NOT NULL")
                .fetch_optional(&other.db)
                .await
                .unwrap();
        if let Some((since,)) = row {
            failing = since;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failing.is_some(), "the failed order is recorded");
    let text = fastfaktura::tls::acme_status::describe(&other.state.settings, &first.db).await.unwrap();
    assert!(text.contains("warning: no certificate obtained yet"), "{text}");
    assert!(text.contains("warning: renewing the TLS certificate has been failing since"), "{text}");
    let logs = captured_logs();
    assert!(logs.contains("cannot obtain a TLS certificate from the ACME CA"), "the failure is logged");
}

/// Two instances start at once on one empty database: one orders, the other serves
/// the same certificate from the cache. Pebble skips validation here, so whichever
/// instance wins the lock can be validated.
#[tokio::test]
async fn several_instances_order_once() {
    let pebble = Pebble::start("acme-two", true).await;
    let database_url = fresh_database().await;
    let (port_a, port_b) = (free_port(), free_port());
    let (a, _b) = tokio::join!(
        TestApp::spawn_on(database_url.clone(), |s| pebble.configure(s, port_a)),
        TestApp::spawn_on(database_url.clone(), |s| pebble.configure(s, port_b)),
    );
    let served_a = peer_certificate(&first_valid_answer(&pebble, port_a).await);
    let served_b = peer_certificate(&first_valid_answer(&pebble, port_b).await);
    assert!(served_a == served_b, "both serve the one certificate");
    wait_for_orders(&a.db, 1).await;
    assert_eq!(pebble.issued(), 1, "pebble issued exactly one certificate");
    let orders: i32 = sqlx::query_scalar("SELECT orders_completed FROM acme_status").fetch_one(&a.db).await.unwrap();
    assert_eq!(orders, 1);
}
