//! Backups end to end against a real S3-compatible server that checks signatures
//! (moto with IAM, `s3_server.rs`) and a local directory target: round trip with the
//! data compared, no plaintext in the object, damaged backups and wrong keys refused
//! with clear messages, an interrupted upload leaving nothing, the schedule running
//! once across instances with retention, the verify drill, and the CLI.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use async_trait::async_trait;
use fastfaktura::{
    backup::{
        BackupError, Backups, keys, restore,
        schedule::{Scheduler, Tick},
        store,
    },
    config::{
        Secret,
        backup::{BackupSettings, S3Settings},
    },
};
use futures::stream::BoxStream;
use object_store::{
    GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, ObjectStoreExt, PutMultipartOptions,
    PutOptions, PutPayload, PutResult, UploadPart, path::Path as ObjectPath,
};
use sqlx::{Connection, PgConnection};

use crate::{
    helpers::{TestApp, captured_logs, empty_database},
    s3_server::s3,
};

/// A fresh identity and a recipients file for it, in a temporary directory.
fn keys_in(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let identity = dir.join("identity.txt");
    let recipient = keys::generate_identity(&identity).unwrap();
    let recipients = dir.join("recipients.txt");
    std::fs::write(&recipients, format!("# test\n{recipient}\n")).unwrap();
    (identity, recipients)
}

fn temp_dir(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ff-backup-{label}-{}", uuid::Uuid::new_v4().simple()))
}

fn s3_settings(recipients: &Path) -> BackupSettings {
    let server = s3();
    BackupSettings {
        s3: Some(S3Settings {
            endpoint: Some(server.endpoint.clone()),
            region: "us-east-1".into(),
            bucket: server.bucket.clone(),
            access_key_id: Some(Secret::new(server.access_key_id.clone())),
            secret_access_key: Some(Secret::new(server.secret_access_key.clone())),
            allow_http: true,
        }),
        prefix: format!("t-{}", uuid::Uuid::new_v4().simple()),
        recipients_file: Some(recipients.to_owned()),
        schedule: false,
        ..BackupSettings::default()
    }
}

/// Puts a canary row with a unique secret into the application's database.
async fn plant_canary(app: &TestApp) -> String {
    let canary = format!("CANARY-{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql("CREATE TABLE backup_canary (secret text NOT NULL)").execute(&app.db).await.unwrap();
    sqlx::query("INSERT INTO backup_canary VALUES ($1)").bind(&canary).execute(&app.db).await.unwrap();
    canary
}

/// An order-independent digest of every row of `table`.
async fn digest(conn: &mut PgConnection, table: &str) -> String {
    let sql = format!("SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {table} x");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn a_backup_goes_to_s3_encrypted_and_restores_the_same_data() {
    let app = TestApp::spawn().await;
    fastfaktura::demo::seed(&app.db, 2, 12).await.unwrap();
    let canary = plant_canary(&app).await;
    let dir = temp_dir("roundtrip");
    let (identity, recipients) = keys_in(&dir);
    let backups = Backups::open(&s3_settings(&recipients), crate::backup::signing_key()).unwrap();
    let manifest = backups.back_up(&app.db, &app.database_url, "cli", &app.clock).await.unwrap();
    assert_eq!(manifest.row_counts["public.backup_canary"], 1);
    assert!(manifest.row_counts["public.invoices"] >= 12);
    assert!(manifest.schema_version > 0 && manifest.postgres_version.starts_with(char::is_numeric));

    // The raw object: age ciphertext, no dump magic, no canary, matching the manifest.
    let raw = backups.store.get(&ObjectPath::from(manifest.object.as_str())).await.unwrap().bytes().await.unwrap();
    assert!(raw.starts_with(b"age-encryption.org/v1\n"));
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(!find(canary.as_bytes()) && !find(b"PGDMP") && !find(b"backup_canary"));
    assert_eq!(raw.len() as u64, manifest.size);
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&raw)), manifest.sha256);
    let listing = store::list(backups.store.as_ref(), &backups.prefix, &backups.signing).await.unwrap();
    assert_eq!(listing.good, vec![manifest.clone()]);

    // Restore into an empty database: every table has the same rows.
    let target = empty_database().await;
    let ids = keys::load_identities(&identity).unwrap();
    let report = restore::restore(&backups.store, &manifest, &backups.signing, &ids, &target, false).await.unwrap();
    assert_eq!(report.row_counts, manifest.row_counts);
    let mut source = PgConnection::connect(&app.database_url).await.unwrap();
    let mut restored = PgConnection::connect(&target).await.unwrap();
    for table in manifest.row_counts.keys().filter(|t| !t.ends_with("backup_runs")) {
        assert_eq!(digest(&mut source, table).await, digest(&mut restored, table).await, "{table}");
    }
    let secret: String = sqlx::query_scalar("SELECT secret FROM backup_canary").fetch_one(&mut restored).await.unwrap();
    assert_eq!(secret, canary);

    // A database that is no longer empty is refused without --force, and replaced with it.
    let err = restore::restore(&backups.store, &manifest, &backups.signing, &ids, &target, false).await.err().unwrap();
    assert!(matches!(err, BackupError::NotEmpty(_)) && err.to_string().contains("--force"), "{err}");
    sqlx::query("INSERT INTO backup_canary VALUES ('extra')").execute(&mut restored).await.unwrap();
    restore::restore(&backups.store, &manifest, &backups.signing, &ids, &target, true).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM backup_canary").fetch_one(&mut restored).await.unwrap();
    assert_eq!(n, 1);

    let run: (String, Option<String>) =
        sqlx::query_as("SELECT status, backup_id FROM backup_runs WHERE kind = 'backup'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(run, ("succeeded".to_owned(), Some(manifest.id.clone())));
    assert!(!captured_logs().contains(&canary), "the canary never reaches the logs");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_backup_planted_or_altered_in_the_bucket_is_refused_before_any_sql_runs() {
    let app = TestApp::spawn().await;
    plant_canary(&app).await;
    let dir = temp_dir("planted");
    let (identity, recipients) = keys_in(&dir);
    let backups = Backups::open(&s3_settings(&recipients), crate::backup::signing_key()).unwrap();
    let real = backups.back_up(&app.db, &app.database_url, "cli", &app.clock).await.unwrap();
    assert!(real.signature.is_some(), "we sign what we write");
    let ids = keys::load_identities(&identity).unwrap();

    // An attacker with write access to the bucket plants a backup of their own: a
    // dump encrypted to our public key (which they can read), with a manifest that
    // says the right size and hash, newer than ours. Unsigned, then with our old
    // signature copied over.
    let object = ObjectPath::from(real.object.as_str());
    let theirs = backups.store.get(&object).await.unwrap().bytes().await.unwrap();
    let planted_object = ObjectPath::from(format!("{}/planted.dump.age", backups.prefix));
    backups.store.put(&planted_object, PutPayload::from(theirs)).await.unwrap();
    let mut planted = real.clone();
    planted.id = "9999-planted".into();
    planted.object = planted_object.to_string();
    planted.started_at += time::Duration::hours(1);
    planted.signature = None;
    store::put_manifest(backups.store.as_ref(), &backups.prefix, &planted).await.unwrap();
    let mut copied = planted.clone();
    copied.id = "9999-copied".into();
    copied.signature = real.signature.clone();
    store::put_manifest(backups.store.as_ref(), &backups.prefix, &copied).await.unwrap();

    let listing = store::list(backups.store.as_ref(), &backups.prefix, &backups.signing).await.unwrap();
    assert_eq!(listing.good.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [real.id.as_str()], "only ours is good");
    assert_eq!(listing.refused.len(), 2);
    let newest = store::find(backups.store.as_ref(), &backups.prefix, &backups.signing, None).await.unwrap();
    assert_eq!(newest.id, real.id, "\"restore the newest\" never picks a planted one");
    let asked = store::find(backups.store.as_ref(), &backups.prefix, &backups.signing, Some("9999-planted")).await;
    assert!(asked.unwrap_err().to_string().contains("no signature"));

    let target = empty_database().await;
    for forged in [&planted, &copied] {
        let err = restore::restore(&backups.store, forged, &backups.signing, &ids, &target, false).await.err().unwrap();
        assert!(matches!(err, BackupError::Damaged(_)) && err.to_string().contains("refused"), "{err}");
    }
    // Signed with another master key: refused too.
    let other =
        fastfaktura::crypto::MasterKey::from_bytes([8; 32]).derive(fastfaktura::crypto::KeyPurpose::BackupSigning);
    let err = restore::restore(&backups.store, &real, &other, &ids, &target, false).await.err().unwrap();
    assert!(err.to_string().contains("signature does not match"), "{err}");
    let mut conn = PgConnection::connect(&target).await.unwrap();
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(tables, 0, "nothing of theirs ran");
    // Ours restores.
    restore::restore(&backups.store, &real, &backups.signing, &ids, &target, false).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn wrong_keys_and_damaged_backups_are_refused_without_touching_the_target() {
    let app = TestApp::spawn().await;
    plant_canary(&app).await;
    let dir = temp_dir("damaged");
    let (identity, recipients) = keys_in(&dir);
    let backups = Backups::open(&s3_settings(&recipients), crate::backup::signing_key()).unwrap();
    let manifest = backups.back_up(&app.db, &app.database_url, "cli", &app.clock).await.unwrap();
    let ids = keys::load_identities(&identity).unwrap();
    let target = empty_database().await;

    let (other_identity, _) = keys_in(&dir.join("other"));
    let wrong = keys::load_identities(&other_identity).unwrap();
    let err =
        restore::restore(&backups.store, &manifest, &backups.signing, &wrong, &target, false).await.err().unwrap();
    assert!(matches!(err, BackupError::WrongIdentity(_)), "{err}");
    assert!(err.to_string().contains("does not hold the key") && err.to_string().contains(&manifest.recipients[0]));

    let object = ObjectPath::from(manifest.object.as_str());
    let original = backups.store.get(&object).await.unwrap().bytes().await.unwrap();
    let mut tampered = original.to_vec();
    let middle = tampered.len() / 2 + 200;
    tampered[middle] ^= 0x01;
    backups.store.put(&object, PutPayload::from(tampered)).await.unwrap();
    let err = restore::restore(&backups.store, &manifest, &backups.signing, &ids, &target, false).await.err().unwrap();
    assert!(matches!(err, BackupError::Damaged(_)) && err.to_string().contains("tampered"), "{err}");

    backups.store.put(&object, PutPayload::from(original.slice(..original.len() / 2))).await.unwrap();
    let err = restore::restore(&backups.store, &manifest, &backups.signing, &ids, &target, false).await.err().unwrap();
    assert!(err.to_string().contains("truncated"), "{err}");

    let mut conn = PgConnection::connect(&target).await.unwrap();
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(tables, 0, "a refused restore leaves the target empty");

    // The original restores fine again (the refusals were about the damage, not the key).
    backups.store.put(&object, PutPayload::from(original)).await.unwrap();
    restore::restore(&backups.store, &manifest, &backups.signing, &ids, &target, false).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn wrong_credentials_and_a_missing_bucket_give_clear_errors() {
    let dir = temp_dir("creds");
    let (_, recipients) = keys_in(&dir);
    let mut settings = s3_settings(&recipients);
    settings.s3.as_mut().unwrap().secret_access_key = Some(Secret::new("not-the-secret"));
    let backups = Backups::open(&settings, crate::backup::signing_key()).unwrap();
    let err = store::check(backups.store.as_ref(), &backups.prefix, &backups.signing).await.err().unwrap().to_string();
    assert!(err.contains("secret access key is wrong"), "{err}");
    assert!(!err.contains(&s3().secret_access_key));

    let mut settings = s3_settings(&recipients);
    settings.s3.as_mut().unwrap().bucket = "no-such-bucket".into();
    let backups = Backups::open(&settings, crate::backup::signing_key()).unwrap();
    let err = store::check(backups.store.as_ref(), &backups.prefix, &backups.signing).await.err().unwrap().to_string();
    assert!(err.contains("bucket does not exist"), "{err}");

    let backups = Backups::open(&s3_settings(&recipients), crate::backup::signing_key()).unwrap();
    assert_eq!(store::check(backups.store.as_ref(), &backups.prefix, &backups.signing).await.unwrap(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Forwards to the real store, but the multipart upload's second part fails, as when
/// the network drops in the middle of a backup.
#[derive(Debug)]
struct FlakyStore(Arc<dyn ObjectStore>);

impl std::fmt::Display for FlakyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FlakyStore({})", self.0)
    }
}

#[derive(Debug)]
struct FlakyUpload(Box<dyn MultipartUpload>, AtomicUsize);

#[async_trait]
impl MultipartUpload for FlakyUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        if self.1.fetch_add(1, Ordering::SeqCst) >= 1 {
            return Box::pin(async {
                Err(object_store::Error::Generic { store: "S3", source: "connection reset by peer".into() })
            });
        }
        self.0.put_part(data)
    }
    async fn complete(&mut self) -> object_store::Result<PutResult> {
        self.0.complete().await
    }
    async fn abort(&mut self) -> object_store::Result<()> {
        self.0.abort().await
    }
}

#[async_trait]
impl ObjectStore for FlakyStore {
    async fn put_opts(&self, l: &ObjectPath, p: PutPayload, o: PutOptions) -> object_store::Result<PutResult> {
        self.0.put_opts(l, p, o).await
    }
    async fn put_multipart_opts(
        &self,
        l: &ObjectPath,
        o: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        Ok(Box::new(FlakyUpload(self.0.put_multipart_opts(l, o).await?, AtomicUsize::new(0))))
    }
    async fn get_opts(&self, l: &ObjectPath, o: GetOptions) -> object_store::Result<GetResult> {
        self.0.get_opts(l, o).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<ObjectPath>>,
    ) -> BoxStream<'static, object_store::Result<ObjectPath>> {
        self.0.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&ObjectPath>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.0.list(prefix)
    }
    async fn list_with_delimiter(&self, prefix: Option<&ObjectPath>) -> object_store::Result<ListResult> {
        self.0.list_with_delimiter(prefix).await
    }
    async fn copy_opts(
        &self,
        from: &ObjectPath,
        to: &ObjectPath,
        o: object_store::CopyOptions,
    ) -> object_store::Result<()> {
        self.0.copy_opts(from, to, o).await
    }
}

#[tokio::test]
async fn an_upload_interrupted_midway_leaves_no_object_and_no_good_backup() {
    let app = TestApp::spawn().await;
    // About 12 MB of hex rows: still more than one 5 MiB part after pg_dump's compression.
    sqlx::raw_sql(
        "CREATE TABLE filler AS SELECT md5(random()::text) || md5(random()::text) || md5(random()::text) AS x
         FROM generate_series(1, 130000)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let dir = temp_dir("interrupted");
    let (_, recipients) = keys_in(&dir);
    let mut settings = s3_settings(&recipients);
    settings.part_size_mib = 5;
    let real = Backups::open(&settings, crate::backup::signing_key()).unwrap();
    let flaky = Backups::open(&settings, crate::backup::signing_key())
        .unwrap()
        .with_store(Arc::new(FlakyStore(real.store.clone())));
    let err = flaky.back_up(&app.db, &app.database_url, "schedule", &app.clock).await.err().unwrap();
    assert!(err.to_string().contains("connection reset"), "{err}");

    let listing = store::list(real.store.as_ref(), &real.prefix, &real.signing).await.unwrap();
    assert!(listing.good.is_empty() && listing.orphans.is_empty(), "nothing visible after an aborted upload");
    let run: (String, Option<String>) = sqlx::query_as("SELECT status, detail FROM backup_runs WHERE kind = 'backup'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(run.0, "failed");
    assert!(run.1.unwrap().contains("connection reset"));
    assert!(fastfaktura::db::backup_runs::newest_good_backup(&app.db).await.unwrap().is_none());

    // The same backup through the working store is good (and spans several parts).
    let manifest = real.back_up(&app.db, &app.database_url, "schedule", &app.clock).await.unwrap();
    assert!(manifest.size > 5 * 1024 * 1024, "{}", manifest.size);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_daily_schedule_runs_once_across_instances_keeps_retention_and_verifies() {
    let app = TestApp::spawn().await;
    plant_canary(&app).await;
    let dir = temp_dir("schedule");
    let (identity, recipients) = keys_in(&dir);
    let settings = BackupSettings {
        directory: Some(dir.join("target")),
        recipients_file: Some(recipients),
        verify_identity_file: Some(identity),
        daily_at: "03:00".into(),
        keep_daily: 2,
        keep_weekly: 0,
        keep_monthly: 0,
        ..BackupSettings::default()
    };
    let start = app.clock_now().replace_time(time::macros::time!(02:00));
    app.clock.set(start);
    let clock: Arc<dyn fastfaktura::clock::Clock> = Arc::new(app.clock.clone());
    let instance = || {
        Scheduler::from_settings(
            &settings,
            crate::backup::signing_key(),
            app.db.clone(),
            app.database_url.clone(),
            clock.clone(),
        )
        .expect("backups are configured")
    };
    let (a, b) = (instance(), instance());

    // Another instance holds the lock: this one skips.
    let mut holder = PgConnection::connect(&app.database_url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(x'46464241434b5550'::bigint)").execute(&mut holder).await.unwrap();
    assert_eq!(a.tick().await.unwrap(), Tick::Busy);
    // Released explicitly: closing the connection alone frees the lock only when the
    // server has noticed, which raced the next tick.
    sqlx::query("SELECT pg_advisory_unlock(x'46464241434b5550'::bigint)").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();

    // Yesterday's 03:00 slot has no backup yet: the first instance takes it and the
    // weekly verify; the second finds nothing due.
    assert_eq!(a.tick().await.unwrap(), Tick::Ran { backup: Some(true), verify: Some(true) });
    assert_eq!(b.tick().await.unwrap(), Tick::NothingDue);
    app.clock.set(start + time::Duration::minutes(59));
    assert_eq!(a.tick().await.unwrap(), Tick::NothingDue, "02:59: still the same slot");
    for day in 0..3 {
        app.clock.set(start + time::Duration::days(day) + time::Duration::hours(1));
        assert_eq!(b.tick().await.unwrap(), Tick::Ran { backup: Some(true), verify: None }, "day {day}");
        assert_eq!(a.tick().await.unwrap(), Tick::NothingDue);
    }
    let backups = Backups::open(&settings, crate::backup::signing_key()).unwrap();
    let listing = store::list(backups.store.as_ref(), &backups.prefix, &backups.signing).await.unwrap();
    assert_eq!(listing.good.len(), 2, "keep_daily = 2: the older ones were deleted after newer ones existed");
    let runs: i64 =
        sqlx::query_scalar("SELECT count(*) FROM backup_runs WHERE kind = 'backup' AND status = 'succeeded'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(runs, 4);
    let verify: (String, String) = sqlx::query_as("SELECT status, detail FROM backup_runs WHERE kind = 'verify'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(verify.0, "succeeded", "{}", verify.1);
    let scratch_name = verify.1.split_whitespace().find(|w| w.starts_with("ff_verify_")).unwrap().to_owned();
    let scratch: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(&scratch_name)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(scratch, 0, "the verify drill drops its scratch database");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn serve_starts_when_the_recipient_key_is_missing_and_says_backups_are_off() {
    let dir = temp_dir("nokey");
    let missing = dir.join("recipients.txt");
    let target = dir.join("target");
    let _app = TestApp::spawn_with(|s| {
        s.backup.directory = Some(target.clone());
        s.backup.recipients_file = Some(missing.clone());
    })
    .await;
    let logs = captured_logs();
    assert!(
        logs.contains("backups are not configured") && logs.contains(&missing.display().to_string()),
        "the log names the problem"
    );
}

/// Runs `fastfaktura backup <args>` with `env`; returns (success, stdout + stderr).
fn cli(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fastfaktura"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).arg("backup").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[tokio::test]
async fn the_cli_checks_backs_up_lists_restores_and_verifies() {
    let app = TestApp::spawn().await;
    let canary = plant_canary(&app).await;
    let dir = temp_dir("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let identity = dir.join("id.txt");
    let (ok, out) = cli(&["keygen", "--identity", identity.to_str().unwrap()], &[]);
    assert!(ok, "{out}");
    let recipient = out.lines().last().unwrap().to_owned();
    assert!(recipient.starts_with("age1"), "{out}");
    std::fs::write(dir.join("recipients.txt"), format!("{recipient}\n")).unwrap();
    let target = dir.join("target");
    let (recipients, target_str) = (dir.join("recipients.txt"), target.to_str().unwrap().to_owned());
    let env = [
        ("FASTFAKTURA_DATABASE_URL", app.database_url.as_str()),
        ("FASTFAKTURA_BACKUP_DIRECTORY", target_str.as_str()),
        ("FASTFAKTURA_BACKUP_RECIPIENTS_FILE", recipients.to_str().unwrap()),
    ];
    let (ok, out) = cli(&["check"], &env);
    assert!(ok && out.contains("backups are configured"), "{out}");
    let (ok, out) = cli(&["now"], &env);
    assert!(ok && out.contains("written"), "{out}");
    let (ok, out) = cli(&["list"], &env);
    assert!(ok && out.contains(" bytes  schema ") && !out.contains("incomplete"), "{out}");

    let empty = empty_database().await;
    let mut restore_env = env.to_vec();
    restore_env.push(("FASTFAKTURA_RESTORE_DATABASE_URL", empty.as_str()));
    let (ok, out) = cli(&["restore", "--identity", identity.to_str().unwrap()], &restore_env);
    assert!(ok && out.contains("restored backup") && out.contains(" s"), "{out}");
    let (ok, out) = cli(&["restore", "--identity", identity.to_str().unwrap()], &restore_env);
    assert!(!ok && out.contains("not empty") && !out.contains("panicked"), "{out}");
    let (ok, out) = cli(&["verify", "--identity", identity.to_str().unwrap()], &env);
    assert!(ok && out.contains("verified") && out.contains("match the manifest"), "{out}");
    assert!(!out.contains(&canary));

    // A bucket that does not exist is reported by `check`, not at 03:00.
    let server = s3();
    let secret = dir.join("s3-secret");
    std::fs::write(&secret, &server.secret_access_key).unwrap();
    let s3_env = [
        ("FASTFAKTURA_DATABASE_URL", app.database_url.as_str()),
        ("FASTFAKTURA_BACKUP_RECIPIENTS_FILE", recipients.to_str().unwrap()),
        ("FASTFAKTURA_BACKUP_S3_ENDPOINT", server.endpoint.as_str()),
        ("FASTFAKTURA_BACKUP_S3_ALLOW_HTTP", "true"),
        ("FASTFAKTURA_BACKUP_S3_BUCKET", "not-there"),
        ("FASTFAKTURA_BACKUP_S3_ACCESS_KEY_ID", server.access_key_id.as_str()),
        ("FASTFAKTURA_BACKUP_S3_SECRET_ACCESS_KEY_FILE", secret.to_str().unwrap()),
    ];
    let (ok, out) = cli(&["check"], &s3_env);
    assert!(!ok && out.contains("bucket does not exist"), "{out}");
    assert!(!out.contains(&server.secret_access_key));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The key the in-process backups of these tests are signed and checked with.
pub(crate) fn signing_key() -> fastfaktura::crypto::DerivedKey {
    fastfaktura::crypto::MasterKey::from_bytes([7; 32]).derive(fastfaktura::crypto::KeyPurpose::BackupSigning)
}
