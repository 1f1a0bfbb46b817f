//! Building and running the application: keys, database (embedded or configured),
//! migrations, mail, the job worker and the HTTP server, and a clean shutdown.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use sqlx::PgPool;
use tokio::{net::TcpListener, sync::watch};

use crate::{
    backup::schedule::Scheduler,
    clock::{Clock, SystemClock},
    config::{Profile, Secret, Settings},
    crypto::MasterKey,
    db::{self, embedded::EmbeddedPostgres},
    integrations::email::Mailer,
    jobs::worker::{self, WorkerContext},
    state::{AppState, Keys},
};

/// The database name used inside the embedded cluster.
const EMBEDDED_DATABASE: &str = "fastfaktura";

pub struct Application {
    listener: TcpListener,
    state: AppState,
    worker: WorkerContext,
    embedded: Option<EmbeddedPostgres>,
    database_url: Secret,
    /// The daily backup (None when backups are not configured: logged, not fatal).
    backups: Option<Scheduler>,
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
        crate::i18n::load();
        let keys = Arc::new(Keys::derive(&load_master_key(&settings)?));
        let mailer = Arc::new(Mailer::from_settings(&settings.email, &settings.data_dir)?);
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
        // Without a configured public URL the origin is our own address: the bound one,
        // so links we print are right when the port was chosen by the OS (port 0).
        let mut settings = settings;
        if let Ok(bound) = listener.local_addr() {
            settings.listen = bound;
        }
        let Database { pool, embedded, url } = database;
        let backups = Scheduler::from_settings(&settings.backup, pool.clone(), url.expose().to_owned(), clock.clone());
        let worker = WorkerContext {
            db: pool.clone(),
            mailer,
            outbox_key: keys.outbox.clone(),
            link_key: keys.invoice_links.clone(),
            public_origin: settings.public_origin(),
            clock: clock.clone(),
        };
        let state = AppState { db: pool, settings: Arc::new(settings), clock, keys };
        Ok(Self { listener, state, worker, embedded, database_url: url, backups })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
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
        let Self { listener, state, worker, embedded, database_url, backups } = self;
        let (stop_tx, stop_rx) = watch::channel(false);
        let backup_task = backups.map(|scheduler| tokio::spawn(scheduler.run(stop_rx.clone())));
        let worker_task = state.settings.jobs.worker.then(|| tokio::spawn(worker::run(worker, stop_rx)));
        tracing::info!(address = %format!("http://{}", listener.local_addr()?), "FastFaktura is listening");
        let pool = state.db.clone();
        let app = crate::http::router(state).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
        let _ = stop_tx.send(true);
        if let Some(task) = worker_task {
            let _ = task.await;
        }
        if let Some(task) = backup_task {
            // A backup in progress is abandoned: its upload never completes, so it is
            // not visible, and it has no manifest.
            task.abort();
            let _ = task.await;
        }
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
