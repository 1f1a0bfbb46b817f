//! The test harness: a real PostgreSQL, the real application on port 0, a real SMTP
//! sink, a manual clock, and captured logs.
//!
//! Without `DATABASE_URL`, one throwaway cluster per test process is started from the
//! local PostgreSQL binaries (the same code as the embedded default) and removed when
//! the process exits. Every test gets a fresh database cloned from a migrated template.

use std::{
    io::Write,
    path::PathBuf,
    sync::{Arc, LazyLock, Mutex},
};

use fastfaktura::{
    clock::ManualClock,
    config::{Secret, Settings, SmtpSettings, SmtpTls},
    db::embedded::EmbeddedPostgres,
    jobs::WorkerContext,
    startup::Application,
    state::AppState,
};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::OnceCell;
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

use crate::smtp_sink::{ReceivedMail, SmtpSink};

/// Everything every test has logged, for the "no secret in the logs" canaries.
static LOGS: LazyLock<Arc<Mutex<Vec<u8>>>> = LazyLock::new(|| {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let for_writer = buffer.clone();
    let echo = std::env::var_os("TEST_LOG").is_some();
    let lines = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        // No timestamps: their microseconds are six digits between '.' and 'Z', and with a
        // whole suite's lines one of them matches a random sign-in code sooner or later.
        .without_time()
        .with_writer(move || LogWriter { buffer: for_writer.clone(), echo })
        .with_filter(EnvFilter::new("debug,sqlx=info,hyper=info,h2=info,rustls=info,lettre=info"));
    // As `serve` installs it: the pool's waits reach each instance's metrics.
    let _ = tracing_subscriber::registry().with(lines).with(fastfaktura::metrics::pool_wait_layer()).try_init();
    buffer
});

struct LogWriter {
    buffer: Arc<Mutex<Vec<u8>>>,
    echo: bool,
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.echo {
            std::io::stderr().write_all(buf)?;
        }
        self.buffer.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

struct TestServer {
    admin_url: String,
    template: String,
}

static SERVER: OnceCell<TestServer> = OnceCell::const_new();

async fn test_server() -> &'static TestServer {
    SERVER
        .get_or_init(|| async {
            let admin_url = match std::env::var("DATABASE_URL") {
                Ok(url) if !url.is_empty() => url,
                _ => start_throwaway_cluster(),
            };
            let template =
                format!("ff_template_{}_{}", std::process::id(), fastfaktura::crypto::new_token()[..8].to_owned());
            fastfaktura::db::ensure_database(&admin_url, &template).await.expect("create the template database");
            let url = with_database(&admin_url, &template);
            let mut conn = PgConnection::connect(&url).await.expect("connect to the template");
            fastfaktura::db::MIGRATOR.run(&mut conn).await.expect("migrate the template");
            conn.close().await.unwrap();
            TestServer { admin_url, template }
        })
        .await
}

/// Starts a private cluster in a temporary directory; a watchdog shell stops it and
/// removes the directory when this test process exits (or lingers as a zombie).
// The watchdog must outlive this process, so it is deliberately never waited for.
#[allow(clippy::zombie_processes)]
fn start_throwaway_cluster() -> String {
    let dir = std::env::temp_dir().join(format!("ff-test-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pg = EmbeddedPostgres::start(&dir).expect("start a throwaway PostgreSQL cluster");
    let url = pg.url("postgres");
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' /proc/{pid}/status 2>/dev/null; do sleep 1; done; \
         kill -INT $(head -n1 '{cluster}/postmaster.pid') 2>/dev/null; \
         while [ -e '{cluster}/postmaster.pid' ]; do sleep 0.2; done; rm -rf '{dir}'",
        pid = std::process::id(),
        cluster = pg.cluster_dir().display(),
        dir = dir.display()
    );
    std::process::Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the cluster watchdog");
    // The cluster lives as long as the process; its lock file stays held.
    std::mem::forget(pg);
    url
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let slash = base.rfind('/').expect("a database URL has a path");
    let base = format!("{}/{database}", &base[..slash]);
    match query {
        Some(q) => format!("{base}?{q}"),
        None => base,
    }
}

/// A fresh, migrated database; returns its URL.
pub async fn fresh_database() -> String {
    let server = test_server().await;
    let name = format!("ff_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&server.admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} TEMPLATE {}", server.template)))
        .execute(&mut conn)
        .await
        .expect("clone the template database");
    conn.close().await.unwrap();
    with_database(&server.admin_url, &name)
}

/// A new database with nothing in it (restore targets); returns its URL.
pub async fn empty_database() -> String {
    let server = test_server().await;
    let name = format!("ff_empty_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&server.admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    with_database(&server.admin_url, &name)
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: PgPool,
    pub database_url: String,
    pub smtp: SmtpSink,
    pub state: AppState,
    pub worker: WorkerContext,
    pub data_dir: PathBuf,
    /// With TLS on and `tls.http_listen` set: the plain-HTTP redirect listener.
    pub plain_http: Option<String>,
    /// With `admin.listen` set: the console's own listener.
    pub admin_address: Option<String>,
    /// With `inbound_email` set up: the SMTP listener for e-invoices by email.
    pub inbound_smtp: Option<std::net::SocketAddr>,
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A browser like [`new_client`] that sends `name: value` with every request (a
/// language, or the address our trusted proxy saw).
pub fn client_with_header(name: &'static str, value: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(name, value.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app with test settings, adjusted by `adjust` before start.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on(fresh_database().await, adjust).await
    }

    /// Starts another instance on `database_url` (several instances as one service).
    pub async fn spawn_on(database_url: String, adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::try_spawn_on(database_url, adjust).await.expect("build the application")
    }

    /// [`Self::spawn_on`], with the application's refusal to start given back (a test
    /// that must pick its own port retries when another process took it meanwhile).
    pub async fn try_spawn_on(database_url: String, adjust: impl FnOnce(&mut Settings)) -> anyhow::Result<Self> {
        LazyLock::force(&LOGS);
        let smtp = SmtpSink::start(None).await;
        let data_dir = std::env::temp_dir().join(format!("ff-test-data-{}", uuid::Uuid::new_v4().simple()));
        let mut settings =
            Settings { listen: "127.0.0.1:0".parse().unwrap(), data_dir: data_dir.clone(), ..Settings::default() };
        settings.database.url = Some(Secret::new(database_url.clone()));
        settings.database.max_connections = 20;
        settings.email.smtp = Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: Some(smtp.port),
            tls: SmtpTls::None,
            ..SmtpSettings::default()
        });
        // Stripe is the fake on loopback (each test uses its own key, so its own account).
        settings.stripe.api_base = crate::stripe_server::api_base().to_owned();
        settings.stripe.checkout_origin = crate::stripe_server::api_base().to_owned();
        adjust(&mut settings);
        let scheme = if settings.tls.mode == fastfaktura::config::TlsMode::Off { "http" } else { "https" };
        let clock = ManualClock::new(time::OffsetDateTime::now_utc());
        let app = Application::build_with_clock(settings, Arc::new(clock.clone())).await?;
        let address = format!("{scheme}://{}", app.local_addr());
        let plain_http = app.redirect_addr().map(|a| format!("http://{a}"));
        let admin_address = app.admin_addr().map(|a| format!("{scheme}://{a}"));
        let inbound_smtp = app.inbound_smtp_addr();
        let state = app.state().clone();
        let worker = app.worker_context().clone();
        tokio::spawn(app.run_until(std::future::pending()));
        let db = PgPool::connect(&database_url).await.unwrap();
        Ok(Self {
            address,
            client: new_client(),
            clock,
            db,
            database_url,
            smtp,
            state,
            worker,
            data_dir,
            plain_http,
            admin_address,
            inbound_smtp,
        })
    }

    /// The error `Application::build` gives for the test settings adjusted by `adjust`.
    pub async fn build_error(adjust: impl FnOnce(&mut Settings)) -> String {
        LazyLock::force(&LOGS);
        let database_url = fresh_database().await;
        let data_dir = std::env::temp_dir().join(format!("ff-test-data-{}", uuid::Uuid::new_v4().simple()));
        let mut settings = Settings { listen: "127.0.0.1:0".parse().unwrap(), data_dir, ..Settings::default() };
        settings.database.url = Some(Secret::new(database_url));
        adjust(&mut settings);
        match Application::build(settings).await {
            Ok(_) => panic!("the application started, but it should have refused"),
            Err(e) => format!("{e:#}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// A page's HTML as a reader of `language` (`is`, `en`) gets it by Accept-Language.
    pub async fn page_in(&self, client: &reqwest::Client, path: &str, language: &str) -> String {
        client.get(self.url(path)).header("accept-language", language).send().await.unwrap().text().await.unwrap()
    }

    pub async fn post_form(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
    }

    pub async fn request_code(&self, client: &reqwest::Client, email: &str) -> reqwest::Response {
        self.post_form(client, "/login", &[("email", email)]).await
    }

    pub async fn submit_code(&self, client: &reqwest::Client, code: &str) -> reqwest::Response {
        self.post_form(client, "/login/code", &[("code", code)]).await
    }

    /// Requests a code for `email` with `client` and returns the mail that carried it.
    pub async fn request_code_mail(&self, client: &reqwest::Client, email: &str) -> ReceivedMail {
        let is_code_for = |m: &ReceivedMail| {
            m.to.iter().any(|t| t.eq_ignore_ascii_case(email.trim())) && m.body().contains("sign-in code is:")
        };
        let before = self.smtp.mails().iter().filter(|m| is_code_for(m)).count();
        let response = self.request_code(client, email).await;
        assert_eq!(response.status(), 303, "requesting a code: {}", response.text().await.unwrap());
        self.smtp.wait_for_matching(before + 1, is_code_for).await.pop().unwrap()
    }

    /// Full login of `client` as `email`.
    pub async fn log_in(&self, client: &reqwest::Client, email: &str) {
        let mail = self.request_code_mail(client, email).await;
        let response = self.submit_code(client, &mail.code()).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/");
    }

    /// Signs in as someone with no business yet and an open invitation, and joins the
    /// first invitation on the page the sign-in lands on.
    pub async fn sign_in_and_join(&self, client: &reqwest::Client, email: &str) {
        let mail = self.request_code_mail(client, email).await;
        let response = self.submit_code(client, &mail.code()).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/invitations", "an invitee chooses before anything else");
        self.join_first_invitation(client).await;
    }

    /// Joins the first invitation listed on the invitations page.
    pub async fn join_first_invitation(&self, client: &reqwest::Client) {
        let page = self.get(client, "/invitations").await.text().await.unwrap();
        let action = page
            .split("action=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|action| action.ends_with("/join"))
            .unwrap_or_else(|| panic!("no invitation to join: {page}"))
            .to_owned();
        let joined = self.post_form(client, &action, &[]).await;
        assert_eq!(joined.status(), 303);
        assert_eq!(joined.headers()["location"], "/");
    }
}

/// The value of the cookie `name` set by `response`, if any.
/// The text of a PDF, as `pdftotext` (poppler, from scripts/install-deps) reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("ff-pdf-{}.pdf", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, pdf).unwrap();
    let out =
        std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (scripts/install-deps)");
    std::fs::remove_file(&path).ok();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let (pair, _) = v.split_once(';').unwrap_or((v, ""));
        let (n, value) = pair.split_once('=')?;
        (n == name).then(|| value.to_owned())
    })
}

pub fn retry_after(response: &reqwest::Response) -> Option<i64> {
    response.headers().get("retry-after")?.to_str().ok()?.parse().ok()
}

impl TestApp {
    pub fn clock_now(&self) -> time::OffsetDateTime {
        use fastfaktura::clock::Clock;
        self.clock.now()
    }
}

/// Starts a fake third-party server (`tests/<script>`, Python) that prints
/// `{"base_url": ...}` when it listens and stops when its stdin closes: its address, and
/// the child whose stdin stays open while the test process lives.
pub fn start_python_fake(script: &str, what: &str) -> (String, std::process::Child) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let path = format!("{}/tests/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("python3")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start python3 for {what}: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let started: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{what} did not start: {e}: {line:?}"));
    let base_url = started["base_url"].as_str().unwrap_or_else(|| panic!("{what} named no base_url: {line}"));
    (base_url.to_owned(), child)
}
