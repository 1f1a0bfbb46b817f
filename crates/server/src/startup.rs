//! Building and running the application: keys, database (embedded or configured),
//! migrations, mail, the job worker and the HTTP server, and a clean shutdown.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use sqlx::PgPool;
use tokio::{net::TcpListener, sync::watch};

use crate::http::serve::serve;

use crate::{
    backup::schedule::Scheduler,
    clock::{Clock, SystemClock},
    config::{Profile, Secret, Settings, TlsMode},
    crypto::MasterKey,
    db::{self, embedded::EmbeddedPostgres},
    integrations::{email::Mailer, stripe::StripeClient},
    jobs::{WorkerContext, worker},
    state::{AppState, Keys},
    tls::{self, TlsAcceptor, acme, files::FileResolver},
};

/// The database name used inside the embedded cluster.
const EMBEDDED_DATABASE: &str = "fastfaktura";

pub struct Application {
    listener: TcpListener,
    /// `admin.listen`: the console's own listener.
    admin_listener: Option<TcpListener>,
    /// `inbound_email.listen`: the SMTP listener for e-invoices sent by email.
    inbound_smtp: Option<TcpListener>,
    state: AppState,
    worker: WorkerContext,
    embedded: Option<EmbeddedPostgres>,
    database_url: Secret,
    /// The daily backup (None when backups are not configured: logged, not fatal).
    backups: Option<Scheduler>,
    tls: Option<Tls>,
}

/// HTTPS as `tls.mode` asks: the acceptor, what keeps its certificate current, and
/// the plain-HTTP redirect listener.
struct Tls {
    acceptor: TlsAcceptor,
    files: Option<Arc<FileResolver>>,
    acme: Option<acme::Manager>,
    redirect: Option<TcpListener>,
}

impl Tls {
    async fn build(settings: &Settings, pool: &PgPool, keys: &Keys) -> anyhow::Result<Option<Self>> {
        let (acceptor, files, acme) = match settings.tls.mode {
            TlsMode::Off => return Ok(None),
            TlsMode::Files => {
                let (Some(cert), Some(key)) = (&settings.tls.cert_file, &settings.tls.key_file) else {
                    anyhow::bail!("tls.mode = files needs tls.cert_file and tls.key_file");
                };
                let resolver = FileResolver::new(cert, key)?;
                let config = tls::server_config(resolver.clone())?;
                (TlsAcceptor { config, challenge: None }, Some(resolver), None)
            }
            TlsMode::Acme => {
                let cache = acme::PgCache::new(pool.clone(), keys.acme_cache.clone());
                let manager = acme::Manager::new(settings, pool.clone(), cache)?;
                let config = tls::server_config(manager.resolver())?;
                let acceptor = TlsAcceptor { config, challenge: Some(manager.challenge_config()?) };
                (acceptor, None, Some(manager))
            }
        };
        let redirect = match settings.tls.http_listen {
            Some(addr) => Some(
                TcpListener::bind(addr).await.with_context(|| format!("cannot listen on tls.http_listen ({addr})"))?,
            ),
            None => None,
        };
        Ok(Some(Self { acceptor, files, acme, redirect }))
    }
}

/// The database the settings ask for: a configured server, or the embedded cluster.
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
    /// How to reach it (pg_dump and pg_restore connect with this).
    pub url: Secret,
}

impl Database {
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        if let Some(url) = &settings.database.url {
            let pool = db::connect(url.expose(), &settings.database)
                .await
                .context("cannot connect to the configured database")?;
            return Ok(Self { pool, embedded: None, url: url.clone() });
        }
        let root = settings.data_dir.clone();
        let embedded = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&root)).await??;
        let opened = async {
            db::ensure_database(&embedded.url("postgres"), EMBEDDED_DATABASE).await?;
            db::connect(&embedded.url(EMBEDDED_DATABASE), &settings.database).await
        }
        .await;
        match opened {
            Ok(pool) => {
                let url = Secret::new(embedded.url(EMBEDDED_DATABASE));
                Ok(Self { pool, embedded: Some(embedded), url })
            }
            Err(e) => {
                let _ = tokio::task::spawn_blocking(move || embedded.stop()).await;
                Err(anyhow::Error::new(e).context("cannot open the embedded database"))
            }
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        db::MIGRATOR.run(&self.pool).await.context("database migrations failed")?;
        Ok(())
    }

    pub async fn close(self) {
        self.pool.close().await;
        if let Some(pg) = self.embedded
            && let Ok(Err(e)) = tokio::task::spawn_blocking(move || pg.stop()).await
        {
            tracing::error!(error = %e, "embedded PostgreSQL did not stop cleanly");
        }
    }
}

pub fn load_master_key(settings: &Settings) -> anyhow::Result<MasterKey> {
    if let Some(path) = &settings.crypto.master_key_file {
        return Ok(MasterKey::load(path)?);
    }
    debug_assert_eq!(settings.env, Profile::Development, "production requires a master key file");
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create the data directory {}", settings.data_dir.display()))?;
    let path = settings.data_dir.join("master.key");
    let (key, generated) = MasterKey::load_or_generate(&path)?;
    if generated {
        tracing::warn!(path = %path.display(), "generated a development master key; production needs crypto.master_key_file");
    } else {
        tracing::warn!(path = %path.display(), "using the development master key from the data directory");
    }
    Ok(key)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        // Also checked when loading; settings built in code (tests, embedders) meet it here.
        settings.audit.check().map_err(|e| anyhow::anyhow!(e))?;
        settings.gdpr.check().map_err(|e| anyhow::anyhow!(e))?;
        settings.metrics.check().map_err(|e| anyhow::anyhow!(e))?;
        crate::i18n::load();
        // Both ring and aws-lc-rs are in the dependency graph: name the process-wide
        // default so no library's `ClientConfig::builder()` has to guess (or panic).
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        // The dummy hash (same timing for unknown admins) and the common-password list
        // are made now, off the runtime, not during the first sign-in.
        tokio::task::spawn_blocking(crate::auth::password::warm_up);
        let keys = Arc::new(Keys::derive(&load_master_key(&settings)?));
        let mailer = Arc::new(Mailer::from_settings(&settings.email, &settings.data_dir)?);
        let stripe = StripeClient::new(&settings.stripe)?;
        let database = Database::open(&settings).await?;
        if let Err(e) = database.migrate().await {
            database.close().await;
            return Err(e);
        }
        let listener = match TcpListener::bind(settings.listen).await {
            Ok(l) => l,
            Err(e) => {
                database.close().await;
                return Err(anyhow::Error::new(e).context(format!("cannot listen on {}", settings.listen)));
            }
        };
        let admin_listener = match settings.admin.listen {
            Some(address) => match TcpListener::bind(address).await {
                Ok(l) => Some(l),
                Err(e) => {
                    database.close().await;
                    return Err(anyhow::Error::new(e).context(format!("cannot listen on admin.listen {address}")));
                }
            },
            None => None,
        };
        let inbound_smtp =
            match settings.inbound_email.listen.filter(|_| settings.inbound_email.enabled_domain().is_some()) {
                Some(address) => match TcpListener::bind(address).await {
                    Ok(l) => Some(l),
                    Err(e) => {
                        database.close().await;
                        return Err(
                            anyhow::Error::new(e).context(format!("cannot listen on inbound_email.listen {address}"))
                        );
                    }
                },
                None => None,
            };
        // Without a configured public URL the origin is our own address: the bound one,
        // so links we print are right when the port was chosen by the OS (port 0).
        let mut settings = settings;
        if let Ok(bound) = listener.local_addr() {
            settings.listen = bound;
        }
        let tls = match Tls::build(&settings, &database.pool, &keys).await {
            Ok(tls) => tls,
            Err(e) => {
                database.close().await;
                return Err(e);
            }
        };
        let Database { pool, embedded, url } = database;
        // Only a configured primary has a replica (the settings check refuses one
        // beside the embedded cluster). The URL's text is never echoed: it may hold a password.
        let reads = match &settings.database.read_url {
            Some(read_url) => {
                db::replica::ReadRouter::with_replica(pool.clone(), read_url.expose(), &settings.database)
                    .map_err(|_| anyhow::anyhow!("database.read_url is not a PostgreSQL connection URL"))?
            }
            None => db::replica::ReadRouter::primary_only(pool.clone(), &settings.database),
        };
        let metrics = Arc::new(crate::metrics::Metrics::new(tls.as_ref().and_then(|t| t.files.clone())));
        let backups = Scheduler::from_settings(
            &settings.backup,
            keys.backup_signing.clone(),
            pool.clone(),
            url.expose().to_owned(),
            clock.clone(),
        );
        let worker = WorkerContext {
            db: pool.clone(),
            mailer,
            outbox_key: keys.outbox.clone(),
            link_key: keys.invoice_links.clone(),
            public_origin: settings.public_origin(),
            clock: clock.clone(),
            stripe: stripe.clone(),
            kek: keys.kek.clone(),
            sms: Arc::new(crate::integrations::sms::SmsClient::new(&settings.sms)?),
            lease_seconds: f64::from(settings.jobs.lease_seconds),
            access_points: settings.access_point.clone(),
            metrics: metrics.clone(),
            webhooks: Arc::new(crate::webhooks::deliverer::WebhookSender::new(&settings)),
        };
        let peppol_lookup = Arc::new(
            crate::integrations::peppol_lookup::PeppolLookup::new(&settings.peppol)
                .map_err(|e| anyhow::anyhow!("Peppol lookups: {e}"))?,
        );
        let state = AppState {
            audit_group: crate::audit::group_commit::GroupCommit::new(pool.clone()),
            db: pool,
            reads,
            settings: Arc::new(settings),
            clock,
            keys,
            stripe,
            database_url: url.clone(),
            peppol_lookup,
            metrics,
        };
        Ok(Self { listener, admin_listener, inbound_smtp, state, worker, embedded, tls, database_url: url, backups })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The plain-HTTP redirect listener's address, with TLS on and `tls.http_listen` set.
    pub fn redirect_addr(&self) -> Option<SocketAddr> {
        self.tls.as_ref().and_then(|t| t.redirect.as_ref()).and_then(|l| l.local_addr().ok())
    }

    /// The console's own listener's address, with `admin.listen` set.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The inbound SMTP listener's address, with `inbound_email` set up.
    pub fn inbound_smtp_addr(&self) -> Option<SocketAddr> {
        self.inbound_smtp.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// What the job worker runs with (tests drive jobs one at a time with it).
    pub fn worker_context(&self) -> &WorkerContext {
        &self.worker
    }

    /// Serves until `shutdown` resolves, then drains requests, stops the worker and
    /// the embedded database, in that order.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self { listener, admin_listener, inbound_smtp, state, worker, embedded, tls, database_url, backups } = self;
        let (stop_tx, stop_rx) = watch::channel(false);
        // The background loops' waits for a connection count as this instance's.
        use crate::metrics::counted;
        let metrics = &state.metrics;
        let backup_task =
            backups.map(|scheduler| tokio::spawn(counted(metrics.clone(), scheduler.run(stop_rx.clone()))));
        let webhook_task = state.settings.jobs.worker.then(|| {
            tokio::spawn(counted(metrics.clone(), crate::webhooks::deliverer::run(worker.clone(), stop_rx.clone())))
        });
        let worker_task = state
            .settings
            .jobs
            .worker
            .then(|| tokio::spawn(counted(metrics.clone(), worker::run(worker, stop_rx.clone()))));
        let expiry_watch = tokio::spawn(crate::http::security_txt::watch_expiry(state.clone()));
        let replica_watch = tokio::spawn(state.reads.clone().watch(stop_rx.clone()));
        let audit_task = state.settings.audit.background.then(|| {
            let audit = crate::audit::schedule::run(
                state.db.clone(),
                state.settings.audit.clone(),
                state.clock.clone(),
                state.keys.audit_checkpoint.clone(),
                state.settings.audit_anchor_file(),
                stop_rx.clone(),
            );
            tokio::spawn(audit)
        });
        let pool = state.db.clone();
        let reads = state.reads.clone();
        let settings = state.settings.clone();
        // STARTTLS on the inbound SMTP listener uses the web server's certificate.
        let smtp_tls = tls.as_ref().map(|t| t.acceptor.config.clone());
        let smtp_state = state.clone();
        let admin_app = crate::http::admin_router(state.clone());
        let app = crate::http::router(state);
        let limits = settings.http.clone();
        // One shutdown signal for every listener: the caller's future flips the watch.
        let (down_tx, down_rx) = watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = down_tx.send(true);
        });
        let down = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|down| *down).await;
        };
        let smtp_task = inbound_smtp.map(|listener| {
            let stop = down(down_rx.clone());
            if let Ok(address) = listener.local_addr() {
                tracing::info!(address = %address, "receiving e-invoices by email");
            }
            tokio::spawn(crate::smtp_inbound::serve(listener, smtp_state, smtp_tls, stop))
        });
        let admin_task = admin_listener.map(|listener| {
            let acceptor = tls.as_ref().map(|t| t.acceptor.clone());
            let stop = down(down_rx.clone());
            let admin_limits = limits.clone();
            tokio::spawn(async move {
                let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
                tracing::info!(address = %address, tls = acceptor.is_some(), "the admin console listens only here");
                let served = match acceptor {
                    None => serve(listener, admin_app, &admin_limits, stop).await,
                    Some(acceptor) => match tls::TlsListener::new(listener, acceptor) {
                        Ok(listener) => serve(listener, admin_app, &admin_limits, stop).await,
                        Err(e) => Err(e),
                    },
                };
                if let Err(e) = served {
                    tracing::error!(error = %e, "the admin listener failed");
                }
            })
        });
        let served = match tls {
            None => {
                tracing::info!(address = %format!("http://{}", listener.local_addr()?), "FastFaktura is listening");
                serve(listener, app, &limits, down(down_rx.clone())).await
            }
            Some(Tls { acceptor, files, acme, redirect }) => {
                let mut background = Vec::new();
                if let Some(files) = files {
                    let every = std::time::Duration::from_secs(settings.tls.reload_check_seconds.max(1));
                    background.push(tokio::spawn(files.watch(every)));
                }
                // HTTP-01 answers come from the resolver of the instance's ACME state.
                let http01 = acme
                    .as_ref()
                    .filter(|_| settings.tls.acme.challenge == crate::config::AcmeChallenge::Http01)
                    .map(acme::Manager::resolver);
                if let Some(acme) = acme {
                    background.push(tokio::spawn(acme.run()));
                }
                if let Some(redirect) = redirect {
                    tracing::info!(address = %format!("http://{}", redirect.local_addr()?), "redirecting plain HTTP to HTTPS");
                    let router = tls::redirect_router(&settings, http01);
                    let stop = down(down_rx.clone());
                    let redirect_limits = limits.clone();
                    background.push(tokio::spawn(async move {
                        if let Err(e) = serve(redirect, router, &redirect_limits, stop).await {
                            tracing::error!(error = %e, "the plain-HTTP redirect listener failed");
                        }
                    }));
                }
                tracing::info!(
                    address = %format!("https://{}", listener.local_addr()?),
                    mode = settings.tls.mode.name(),
                    "FastFaktura is listening"
                );
                let listener = tls::TlsListener::new(listener, acceptor)?;
                let served = serve(listener, app, &limits, down(down_rx.clone())).await;
                for task in background {
                    task.abort();
                }
                served
            }
        };
        if let Some(task) = admin_task {
            let _ = task.await;
        }
        if let Some(task) = smtp_task {
            let _ = task.await;
        }
        expiry_watch.abort();
        let _ = stop_tx.send(true);
        if let Some(task) = webhook_task {
            let _ = task.await;
        }
        if let Some(task) = worker_task {
            let _ = task.await;
        }
        if let Some(task) = audit_task {
            let _ = task.await;
        }
        let _ = replica_watch.await;
        if let Some(task) = backup_task {
            // A backup in progress is abandoned: its upload never completes, so it is
            // not visible, and it has no manifest.
            task.abort();
            let _ = task.await;
        }
        reads.close().await;
        Database { pool, embedded, url: database_url }.close().await;
        served.context("the HTTP server failed")
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled, so a signal that arrives while the
/// application is still starting is not lost (and does not kill the process with the
/// embedded database still running).
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate()).ok();
    let mut interrupt = signal(SignalKind::interrupt()).ok();
    async move {
        let terminated = async {
            match terminate.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        let interrupted = async {
            match interrupt.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! { _ = terminated => {}, _ = interrupted => {} }
        tracing::info!("shutting down");
    }
}
