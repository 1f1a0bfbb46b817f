//! The `fastfaktura` command: serve the application or manage its database.
#![forbid(unsafe_code)]

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};
use fastfaktura::{
    backup::cli::BackupCommand,
    config::{Overrides, Settings},
    startup::{Application, Database, shutdown_signal},
    telemetry,
};

#[derive(Parser)]
#[command(name = "fastfaktura", version, about = "Hosted invoicing for freelancers and small businesses.")]
struct Cli {
    /// A TOML configuration file (settings: see the README). Environment variables
    /// FASTFAKTURA_* override it; command-line flags override both.
    #[arg(long, global = true, env = "FASTFAKTURA_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application and its background worker. With no database URL,
    /// starts a private PostgreSQL cluster in the data directory (Unix socket only).
    Serve(Common),
    /// Apply pending database migrations, then exit.
    Migrate(Common),
    /// Ask the server running here whether it is ready (`/readyz` on the configured
    /// listener); exits 0 when it is. For a container's health check.
    Health(Common),
    /// Demo data for trying FastFaktura out and for benchmarks.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Encrypted backups: take, list, check, restore, verify (see docs/operations.md).
    Backup {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// The master key and the data keys of encrypted provider secrets.
    /// The audit log: `audit verify` proves it was not altered.
    #[command(subcommand)]
    Audit(AuditCommand),
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Bank files: import those dropped into a folder (run it from a timer).
    #[command(subcommand)]
    Bank(BankCommand),
    /// Admin console accounts: create the first admin, unlock, disable, reset TOTP.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chains of the audit log and report the first altered, deleted
    /// or inserted event of each category; exits 1 if anything is wrong.
    Verify {
        #[command(flatten)]
        common: Common,
    },
    /// Seal new events and close finished days now (the server does this every few seconds).
    Seal {
        #[command(flatten)]
        common: Common,
    },
    /// Benchmark: time COUNT single-event `audit::record` calls (bench/audit.sh).
    #[command(hide = true)]
    BenchRecord {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 10_000)]
        count: usize,
    },
    /// Benchmark: quota checks and keyed checkpoints next to their baselines (bench/guards.sh).
    #[command(hide = true)]
    BenchGuards {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 2_000)]
        count: usize,
    },
}

#[derive(Subcommand)]
enum BankCommand {
    /// Import every file in FOLDER/<business id>/, moving each to imported/ or, refused,
    /// to failed/ with a .txt saying why.
    ImportFolder {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_name = "FOLDER")]
        folder: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Rewrap every data key under a new master key (values are not touched). Run it,
    /// then point `crypto.master_key_file` at the new key and restart. Resumable.
    Rotate {
        #[command(flatten)]
        common: Common,
        /// The new 32-byte master key (raw or 64 hex characters).
        #[arg(long, value_name = "FILE")]
        new_master_key_file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin. The password is read from standard input (prompted, not
    /// shown, on a terminal), never from the command line.
    Create {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
        /// Where their security notices go (sign-in from a new address, lock, changes).
        #[arg(long)]
        email: Option<String>,
    },
    /// Lift the lock (after 100 failed sign-ins) and the backoff of an admin login name.
    Unlock {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
    },
    /// Disable an admin and end their sessions.
    Disable {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled admin again.
    Enable {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
    },
    /// Remove an admin's TOTP and recovery codes and end their sessions; they enrol
    /// again at their next sign-in.
    ResetTotp {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
    },
    /// Set (or, with an empty value, clear) where an admin's security notices go.
    SetEmail {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Create businesses (each with an owner, profile and customers) and invoices.
    Seed {
        #[command(flatten)]
        common: Common,
        /// How many businesses to create.
        #[arg(long, default_value_t = 3)]
        businesses: usize,
        /// How many invoices to create across them.
        #[arg(long, default_value_t = 30)]
        invoices: usize,
    },
    /// Benchmark: what recording a webhook event adds to a request's transaction, and
    /// the deliverer's rate next to plain posts (bench/webhooks.sh).
    #[command(hide = true)]
    BenchWebhooks {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 2_000)]
        count: usize,
        #[arg(long, default_value_t = 10_000)]
        deliveries: usize,
    },
    /// Benchmark: import a camt.053 against many open invoices, next to parsing it
    /// alone (bench/bank_import.sh).
    #[command(hide = true)]
    BenchBankImport {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 100_000)]
        invoices: usize,
        #[arg(long, default_value_t = 10_000)]
        entries: usize,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

#[derive(Args)]
struct Common {
    /// Address to listen on [env: FASTFAKTURA_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Where FastFaktura keeps its files (embedded database, dev outbox, dev key)
    /// [env: FASTFAKTURA_DATA_DIR] [default: ./data]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let common = match &cli.command {
        Command::Serve(c)
        | Command::Migrate(c)
        | Command::Health(c)
        | Command::Demo(
            DemoCommand::Seed { common: c, .. }
            | DemoCommand::BenchBankImport { common: c, .. }
            | DemoCommand::BenchWebhooks { common: c, .. },
        )
        | Command::Backup { common: c, .. }
        | Command::Audit(
            AuditCommand::Verify { common: c }
            | AuditCommand::Seal { common: c }
            | AuditCommand::BenchRecord { common: c, .. }
            | AuditCommand::BenchGuards { common: c, .. },
        )
        | Command::Keys(KeysCommand::Rotate { common: c, .. })
        | Command::Bank(BankCommand::ImportFolder { common: c, .. }) => c,
        Command::Admin(
            AdminCommand::Create { common: c, .. }
            | AdminCommand::Unlock { common: c, .. }
            | AdminCommand::Disable { common: c, .. }
            | AdminCommand::Enable { common: c, .. }
            | AdminCommand::ResetTotp { common: c, .. }
            | AdminCommand::SetEmail { common: c, .. },
        ) => c,
    };
    let overrides = Overrides { listen: common.listen, data_dir: common.data_dir.clone() };
    let loaded = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("fastfaktura: {e}");
            return ExitCode::from(2);
        }
    };
    let trace_export = telemetry::init(&loaded.settings.log);
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fastfaktura: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(_) => {
                let shutdown = shutdown_signal();
                Application::build(loaded.settings).await?.run_until(shutdown).await
            }
            Command::Bank(BankCommand::ImportFolder { folder, .. }) => {
                let database = Database::open(&loaded.settings).await?;
                let done = match database.migrate().await {
                    Ok(()) => fastfaktura::bank_drop::import_folder(&database.pool, &folder).await,
                    Err(e) => Err(e),
                };
                database.close().await;
                let r = done?;
                println!(
                    "{} files imported ({} payments, {} recorded on invoices), {} refused (see failed/)",
                    r.imported, r.payments, r.matched, r.failed
                );
                Ok(())
            }
            Command::Demo(DemoCommand::BenchWebhooks { count, deliveries, .. }) => {
                let mut settings = loaded.settings.clone();
                settings.listen = "127.0.0.1:0".parse()?;
                settings.jobs.worker = false;
                settings.webhooks.allow_private_targets = true;
                let application = fastfaktura::startup::Application::build(settings).await?;
                let (state, worker) = (application.state().clone(), application.worker_context().clone());
                let t = fastfaktura::webhooks::bench::bench_webhooks(&state, &worker, count, deliveries).await?;
                let p = |v: &[u64], q: f64| {
                    let mut v = v.to_vec();
                    v.sort_unstable();
                    v[((v.len() as f64 * q) as usize).min(v.len().saturating_sub(1))]
                };
                println!(
                    "the write alone p50 {} us p99 {} us; with a webhook event recorded p50 {} us p99 {} us",
                    p(&t.empty, 0.5),
                    p(&t.empty, 0.99),
                    p(&t.recording, 0.5),
                    p(&t.recording, 0.99)
                );
                println!(
                    "of which: the recording call p50 {} us p99 {} us; the commit alone p50 {} us p99 {} us, with the event p50 {} us p99 {} us",
                    p(&t.record_call, 0.5),
                    p(&t.record_call, 0.99),
                    p(&t.empty_commit, 0.5),
                    p(&t.empty_commit, 0.99),
                    p(&t.recording_commit, 0.5),
                    p(&t.recording_commit, 0.99)
                );
                println!(
                    "deliverer {} deliveries in {:.2} s = {:.0}/s; plain posts {:.2} s = {:.0}/s",
                    t.deliveries,
                    t.deliver_seconds,
                    t.deliveries as f64 / t.deliver_seconds,
                    t.plain_seconds,
                    t.deliveries as f64 / t.plain_seconds
                );
                Ok(())
            }
            Command::Demo(DemoCommand::BenchBankImport { invoices, entries, runs, .. }) => {
                let database = Database::open(&loaded.settings).await?;
                let timed = match database.migrate().await {
                    Ok(()) => {
                        fastfaktura::app::bank_statements::bench::bench_bank_import(
                            &database.pool,
                            invoices,
                            entries,
                            runs.max(1),
                        )
                        .await
                    }
                    Err(e) => Err(e),
                };
                database.close().await;
                let t = timed?;
                let median = |v: &[f64]| {
                    let mut v = v.to_vec();
                    v.sort_by(f64::total_cmp);
                    v[v.len() / 2]
                };
                let (parse, import) = (median(&t.parse_ms), median(&t.import_ms));
                println!(
                    "camt.053 with {} payments against {invoices} open invoices, median of {runs} runs:\n  \
                     parse only      {parse:8.1} ms\n  import (all)    {import:8.1} ms  ({} recorded on invoices)\n  \
                     import / parse  {:8.1}x",
                    t.payments,
                    t.matched,
                    import / parse.max(f64::EPSILON)
                );
                Ok(())
            }
            Command::Demo(DemoCommand::Seed { businesses, invoices, .. }) => {
                if businesses == 0 {
                    anyhow::bail!("--businesses must be at least 1");
                }
                let database = Database::open(&loaded.settings).await?;
                let seeded = match database.migrate().await {
                    Ok(()) => fastfaktura::demo::seed(&database.pool, businesses, invoices).await,
                    Err(e) => Err(e),
                };
                database.close().await;
                let seeded = seeded?;
                let issued = seeded.invoices - seeded.invoices / 10;
                println!(
                    "seeded {} businesses and {} invoices; issued {issued} in {:.2} s ({:.0} invoices/s)",
                    seeded.businesses,
                    seeded.invoices,
                    seeded.issue_seconds,
                    issued as f64 / seeded.issue_seconds.max(f64::EPSILON)
                );
                Ok(())
            }
            Command::Backup { command, .. } => fastfaktura::backup::cli::run(command, &loaded.settings).await,
            Command::Audit(AuditCommand::Verify { .. }) => {
                let database = Database::open(&loaded.settings).await?;
                let verified = async {
                    database.migrate().await?;
                    let started = std::time::Instant::now();
                    let now = time::OffsetDateTime::now_utc();
                    let parallel = std::thread::available_parallelism().map_or(2, |n| n.get());
                    use fastfaktura::audit::checkpoints::{Guard, read_anchor};
                    use fastfaktura::crypto::KeyPurpose;
                    let key = fastfaktura::startup::load_master_key(&loaded.settings)?.derive(KeyPurpose::AuditCheckpoint);
                    let anchor = read_anchor(&loaded.settings.audit_anchor_file()).map_err(anyhow::Error::msg)?;
                    let guard = Guard { key: &key, retention: &loaded.settings.audit.retention_months, now, anchor };
                    let report = fastfaktura::audit::chain::verify_pool(&database.pool, now, parallel, Some(&guard)).await?;
                    Ok::<_, anyhow::Error>((report, started.elapsed().as_secs_f64()))
                }
                .await;
                database.close().await;
                let (report, seconds) = verified?;
                println!(
                    "checked {} audit events in {} day segments ({} purged) in {seconds:.1} s ({:.0} events/s)",
                    report.events,
                    report.segments,
                    report.purged_segments,
                    report.events as f64 / seconds.max(f64::EPSILON)
                );
                if !report.ok() {
                    for problem in &report.problems {
                        println!("PROBLEM {problem}");
                    }
                    for problem in &report.checkpoint_problems {
                        println!("PROBLEM {problem}");
                    }
                    anyhow::bail!(
                        "the audit log does not verify: {} problem(s) found",
                        report.problems.len() + report.checkpoint_problems.len()
                    );
                }
                println!("the audit log verifies");
                Ok(())
            }
            Command::Audit(AuditCommand::Seal { .. }) => {
                let database = Database::open(&loaded.settings).await?;
                let sealed = async {
                    database.migrate().await?;
                    let started = std::time::Instant::now();
                    let key = fastfaktura::startup::load_master_key(&loaded.settings)?
                        .derive(fastfaktura::crypto::KeyPurpose::AuditCheckpoint);
                    let report =
                        fastfaktura::audit::chain::seal_pending(&database.pool, time::OffsetDateTime::now_utc(), Some(&key))
                            .await?;
                    if let Some(checkpoint) = &report.checkpoint {
                        fastfaktura::audit::checkpoints::keep_anchor(&loaded.settings.audit_anchor_file(), checkpoint)?;
                    }
                    Ok::<_, anyhow::Error>((report, started.elapsed().as_secs_f64()))
                }
                .await;
                database.close().await;
                let (report, seconds) = sealed?;
                println!(
                    "sealed {} events and closed {} day segments in {seconds:.1} s ({:.0} events/s)",
                    report.sealed,
                    report.heads,
                    report.sealed as f64 / seconds.max(f64::EPSILON)
                );
                Ok(())
            }
            Command::Audit(AuditCommand::BenchRecord { count, .. }) => {
                let database = Database::open(&loaded.settings).await?;
                let timed = async {
                    database.migrate().await?;
                    Ok::<_, anyhow::Error>(fastfaktura::audit::bench_record(&database.pool, count).await?)
                }
                .await;
                database.close().await;
                let mut micros = timed?;
                micros.sort_unstable();
                let at = |q: f64| micros[((micros.len() as f64 * q) as usize).min(micros.len() - 1)];
                println!(
                    "recorded {count} audit events one by one: p50 {} µs, p99 {} µs, max {} µs",
                    at(0.50),
                    at(0.99),
                    micros.last().copied().unwrap_or(0)
                );
                Ok(())
            }
            Command::Audit(AuditCommand::BenchGuards { count, .. }) => {
                let key = fastfaktura::startup::load_master_key(&loaded.settings)?
                    .derive(fastfaktura::crypto::KeyPurpose::AuditCheckpoint);
                let database = Database::open(&loaded.settings).await?;
                let timed = async {
                    database.migrate().await?;
                    Ok::<_, anyhow::Error>(
                        fastfaktura::audit::checkpoints::bench_guards(&database.pool, &key, count).await?,
                    )
                }
                .await;
                database.close().await;
                let t = timed?;
                let p = |v: &[u64], q: f64| {
                    let mut v = v.to_vec();
                    v.sort_unstable();
                    v[((v.len() as f64 * q) as usize).min(v.len().saturating_sub(1))]
                };
                for (name, v) in [
                    ("empty transaction", &t.empty),
                    ("an email quota", &t.quota),
                    ("seal, no checkpoint", &t.seal_plain),
                    ("seal, keyed checkpoint", &t.seal_keyed),
                ] {
                    println!("{name}: p50 {} µs, p99 {} µs", p(v, 0.5), p(v, 0.99));
                }
                // The quota runs before the operation, on its own: all of it is added.
                println!(
                    "quota adds p99 {} µs; checkpoint adds p99 {} µs (to the sealer, not to requests)",
                    p(&t.quota, 0.99),
                    p(&t.seal_keyed, 0.99).saturating_sub(p(&t.seal_plain, 0.99))
                );
                Ok(())
            }
            Command::Keys(KeysCommand::Rotate { new_master_key_file, .. }) => {
                use fastfaktura::crypto::{KeyPurpose, MasterKey};
                let old = fastfaktura::startup::load_master_key(&loaded.settings)?;
                let new = MasterKey::load(&new_master_key_file)?;
                let new_kek = fastfaktura::secrets::kek_id(&new.derive(KeyPurpose::KeyEncryption));
                let database = Database::open(&loaded.settings).await?;
                let rotated = async {
                    database.migrate().await?;
                    // Everything or nothing: one transaction.
                    let mut tx = database.pool.begin().await?;
                    let rotated = fastfaktura::key_rotation::rotate(&mut tx, &old, &new).await?;
                    use fastfaktura::audit::{self, Actor, AuditEvent, Category};
                    let event = AuditEvent::new(time::OffsetDateTime::now_utc(), Category::Security, "crypto.key.rotated")
                        .actor(Actor::Admin("cli".into()))
                        .target("master key")
                        .details(serde_json::json!({
                            "data_keys_rewrapped": rotated.data_keys,
                            "admin_totp_resealed": rotated.admin_totp,
                            "invoice_links_resealed": rotated.invoice_links,
                            "outbox_resealed": rotated.outbox,
                            "acme_cache_resealed": rotated.acme_cache,
                            "audit_purge_marks": rotated.audit_purge_marks,
                            "new_kek_id": new_kek,
                        }));
                    audit::record(&mut *tx, &event).await?;
                    tx.commit().await?;
                    Ok::<_, anyhow::Error>(rotated)
                }
                .await;
                database.close().await;
                let rotated = rotated?;
                tracing::info!(?rotated, new_kek = %new_kek, "moved to the new master key");
                if let Some(checkpoint) = &rotated.audit_checkpoint {
                    fastfaktura::audit::checkpoints::keep_anchor(&loaded.settings.audit_anchor_file(), checkpoint)?;
                }
                println!(
                    "moved to the new master key ({new_kek}): {} data keys rewrapped; {} admin TOTP secrets, {} customer links, {} queued emails and {} ACME cache entries sealed again",
                    rotated.data_keys, rotated.admin_totp, rotated.invoice_links, rotated.outbox, rotated.acme_cache
                );
                match fastfaktura::backup::cli::resign_manifests(&loaded.settings, &old, &new).await {
                    Ok(Some(n)) => println!("signed {n} backup manifest(s) again with the new key"),
                    Ok(None) => {}
                    Err(e) => println!("backups were NOT signed again ({e}); run `fastfaktura keys rotate` again to retry"),
                }
                println!("now set crypto.master_key_file to the new key and restart");
                Ok(())
            }
            Command::Admin(command) => {
                // Read the password before touching the database, so a typo costs nothing.
                let password = match &command {
                    AdminCommand::Create { .. } => Some(fastfaktura::admin_cli::read_password()?),
                    _ => None,
                };
                let database = Database::open(&loaded.settings).await?;
                let result = match database.migrate().await {
                    Ok(()) => run_admin(&database.pool, &loaded.settings, command, password).await,
                    Err(e) => Err(e),
                };
                database.close().await;
                result
            }
            Command::Health(_) => fastfaktura::health_probe::check_ready(&loaded.settings).await,
            Command::Migrate(_) => {
                let database = Database::open(&loaded.settings).await?;
                let migrated = database.migrate().await;
                database.close().await;
                migrated.map(|()| tracing::info!("migrations applied"))
            }
        }
    });
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("fastfaktura: {e:#}");
            ExitCode::FAILURE
        }
    };
    // The last spans (the shutdown's among them) go out before the process ends.
    if let Some(export) = trace_export {
        export.shutdown();
    }
    code
}

async fn run_admin(
    pool: &sqlx::PgPool,
    settings: &fastfaktura::config::Settings,
    command: AdminCommand,
    password: Option<String>,
) -> anyhow::Result<()> {
    use fastfaktura::{admin_cli, auth::admin_alerts::Notifier, crypto::KeyPurpose};
    // Security notices (ADM-11) are sealed into the outbox with the master key's outbox
    // key; without a readable master key the command still works, unannounced.
    let outbox = match fastfaktura::startup::load_master_key(settings) {
        Ok(master) => Some(master.derive(KeyPurpose::OutboxSealing)),
        Err(e) => {
            eprintln!("note: no security notice will be mailed ({e:#})");
            None
        }
    };
    let notifier = outbox.as_ref().map(|outbox| Notifier {
        outbox,
        security_contact: settings.admin.security_alert_email.as_deref(),
        now: time::OffsetDateTime::now_utc(),
    });
    match command {
        AdminCommand::Create { username, email, .. } => {
            let password = password.unwrap_or_default();
            admin_cli::create_with_email(pool, &username, email.as_deref(), password, notifier.as_ref()).await?;
            println!(
                "admin {username} created; they set up two-step verification at their first sign-in at /admin/login"
            );
        }
        AdminCommand::Unlock { username, .. } => {
            let changed = admin_cli::unlock(pool, &username).await?;
            println!("{}", if changed { "unlocked" } else { "was not locked or backing off; nothing changed" });
        }
        AdminCommand::Disable { username, .. } => {
            let changed = admin_cli::set_disabled(pool, &username, true).await?;
            println!("{}", if changed { "disabled; their sessions have ended" } else { "was already disabled" });
        }
        AdminCommand::Enable { username, .. } => {
            let changed = admin_cli::set_disabled(pool, &username, false).await?;
            println!("{}", if changed { "enabled" } else { "was not disabled" });
        }
        AdminCommand::ResetTotp { username, .. } => {
            admin_cli::reset_totp(pool, &username, notifier.as_ref()).await?;
            println!("two-step verification reset; their sessions have ended");
        }
        AdminCommand::SetEmail { username, email, .. } => {
            admin_cli::set_email(pool, &username, &email, notifier.as_ref()).await?;
            println!("{}", if email.trim().is_empty() { "address cleared" } else { "address saved" });
        }
    }
    Ok(())
}
