//! Provider secrets at rest (ENC-1 to ENC-7): the envelope against real PostgreSQL
//! (moved, altered, truncated, wrong master key, data-key limit, rotation), and the
//! payment settings as a user meets them: write-only, last four shown, no plaintext in
//! the database dump, the logs or any page.

use fastfaktura::{
    crypto::{KeyPurpose, MasterKey},
    secrets::{self, DEK_ENCRYPTION_LIMIT, SecretError, SecretSlot},
};
use uuid::Uuid;

use crate::{
    helpers::{TestApp, captured_logs, new_client},
    login_limits::pg_dump,
};

fn slot(tenant: Uuid, row: &str) -> SecretSlot<'_> {
    SecretSlot { table: "business_secrets", column: "envelope", row, tenant }
}

#[tokio::test]
async fn sealed_secrets_open_only_where_and_with_what_they_were_sealed() {
    let app = TestApp::spawn().await;
    let kek = &app.state.keys.kek;
    let (tenant, other) = (Uuid::new_v4(), Uuid::new_v4());
    let now = app.clock_now();
    let mut conn = app.db.acquire().await.unwrap();
    let secret = "sk_test_CANARY4242424242";
    let sealed = secrets::seal(&mut conn, kek, slot(tenant, "stripe_secret_key"), secret, now).await.unwrap();
    assert!(sealed.starts_with("v1.") && !sealed.contains("CANARY"));
    let again = secrets::seal(&mut conn, kek, slot(tenant, "stripe_secret_key"), secret, now).await.unwrap();
    assert_ne!(sealed, again, "a fresh nonce every time");
    let open = |slot, value: String| {
        let db = app.db.clone();
        async move { secrets::open(&mut db.acquire().await.unwrap(), kek, slot, &value).await }
    };
    assert_eq!(open(slot(tenant, "stripe_secret_key"), sealed.clone()).await.unwrap(), secret);

    // Moved to another row or another business: does not open.
    assert_eq!(open(slot(tenant, "stripe_webhook_secret"), sealed.clone()).await, Err(SecretError::Tampered));
    assert_eq!(open(slot(other, "stripe_secret_key"), sealed.clone()).await, Err(SecretError::Tampered));
    // One flipped bit, a truncated tag, a mangled value.
    let mut parts: Vec<String> = sealed.split('.').map(str::to_owned).collect();
    // Change one character in the middle of the ciphertext: always real bits (the last
    // character may carry only padding bits).
    let mut flipped = parts.clone();
    let middle = flipped[4].len() / 2;
    let replacement = if &flipped[4][middle..=middle] == "A" { "B" } else { "A" };
    flipped[4].replace_range(middle..=middle, replacement);
    assert_eq!(open(slot(tenant, "stripe_secret_key"), flipped.join(".")).await, Err(SecretError::Tampered));
    let cut = parts[4].len() - 4;
    parts[4].truncate(cut);
    let truncated = open(slot(tenant, "stripe_secret_key"), parts.join(".")).await;
    assert!(matches!(truncated, Err(SecretError::Tampered | SecretError::Malformed)), "{truncated:?}");
    assert_eq!(open(slot(tenant, "stripe_secret_key"), "plain text".into()).await, Err(SecretError::Malformed));

    // Another master key: a clear error naming both key ids, never garbage.
    let stranger = MasterKey::from_bytes([7; 32]).derive(KeyPurpose::KeyEncryption);
    let wrong = secrets::open(&mut conn, &stranger, slot(tenant, "stripe_secret_key"), &sealed).await;
    assert!(matches!(wrong, Err(SecretError::WrongMasterKey { .. })), "{wrong:?}");

    // A data key at its usage limit is retired and the next value gets a new one.
    sqlx::query("UPDATE data_keys SET encryptions = $1").bind(DEK_ENCRYPTION_LIMIT).execute(&app.db).await.unwrap();
    let fresh = secrets::seal(&mut conn, kek, slot(tenant, "x"), "whsec_abcdefghijkl", now).await.unwrap();
    let (keys, retired): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(retired_at) FROM data_keys").fetch_one(&app.db).await.unwrap();
    assert_eq!((keys, retired), (2, 1));
    assert_ne!(fresh.split('.').nth(2), sealed.split('.').nth(2));
    assert_eq!(open(slot(tenant, "stripe_secret_key"), sealed.clone()).await.unwrap(), secret, "old values still open");

    // Rotation rewraps the data keys; the values open under the new master key only.
    let new_kek = MasterKey::from_bytes([9; 32]).derive(KeyPurpose::KeyEncryption);
    assert_eq!(secrets::rewrap_data_keys(&mut conn, kek, &new_kek).await.unwrap(), 2);
    assert_eq!(secrets::rewrap_data_keys(&mut conn, kek, &new_kek).await.unwrap(), 0, "resumable: nothing left");
    assert_eq!(secrets::open(&mut conn, &new_kek, slot(tenant, "stripe_secret_key"), &sealed).await.unwrap(), secret);
    let old = secrets::open(&mut conn, kek, slot(tenant, "stripe_secret_key"), &sealed).await;
    assert!(matches!(old, Err(SecretError::WrongMasterKey { .. })));
}

#[tokio::test]
async fn payment_secrets_are_write_only_and_never_appear_in_plaintext() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    app.log_in(&owner, "payments@secrets.example").await;
    let key = "rk_live_CANARYsecretKEY9876";
    let webhook = "whsec_CANARYwebhook5555";
    let bad = app.post_form(&owner, "/settings/payments", &[("stripe_secret_key", "pk_live_public123456")]).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("starts with sk_live_"));
    let saved = app
        .post_form(&owner, "/settings/payments", &[("stripe_secret_key", key), ("stripe_webhook_secret", webhook)])
        .await;
    assert_eq!(saved.status(), 303);
    let page = app.get(&owner, "/settings/payments?saved=1").await.text().await.unwrap();
    assert!(page.contains("ends in 9876") && page.contains("ends in 5555"), "{page}");
    // Saving with empty fields keeps both; removing one removes only it.
    app.post_form(&owner, "/settings/payments", &[("stripe_secret_key", ""), ("action", "save")]).await;
    app.post_form(&owner, "/settings/payments", &[("action", "remove:stripe_webhook_secret")]).await;
    let after = app.get(&owner, "/settings/payments").await.text().await.unwrap();
    assert!(after.contains("ends in 9876") && !after.contains("ends in 5555"));

    let (business_id, envelope): (Uuid, String) =
        sqlx::query_as("SELECT business_id, envelope FROM business_secrets").fetch_one(&app.db).await.unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    let slot = fastfaktura::payments::slot(business_id, "stripe_secret_key");
    assert_eq!(secrets::open(&mut conn, &app.state.keys.kek, slot, &envelope).await.unwrap(), key);

    let dump = std::process::Command::new(pg_dump())
        .args(["--data-only", "--no-owner", "--dbname", &app.database_url])
        .output()
        .expect("run pg_dump");
    let dump = String::from_utf8_lossy(&dump.stdout).into_owned();
    assert!(dump.contains("business_secrets"), "the dump is real");
    for canary in ["CANARYsecretKEY", "CANARYwebhook"] {
        assert!(!dump.contains(canary), "{canary} in the database dump");
        assert!(!captured_logs().contains(canary), "{canary} in the logs");
        assert!(!page.contains(canary) && !after.contains(canary), "{canary} on a page");
    }
}

#[tokio::test]
async fn keys_rotate_rewraps_the_data_keys_under_the_new_master_key() {
    let database_url = crate::helpers::fresh_database().await;
    let dir = std::env::temp_dir().join(format!("ff-keys-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old_file, new_file) = (dir.join("old.key"), dir.join("new.key"));
    std::fs::write(&old_file, hex::encode([3u8; 32])).unwrap();
    std::fs::write(&new_file, hex::encode([4u8; 32])).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fastfaktura"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("FASTFAKTURA_DATABASE_URL", &database_url)
            .env("FASTFAKTURA_MASTER_KEY_FILE", &old_file)
            .env("FASTFAKTURA_DATA_DIR", &dir)
            .output()
            .unwrap()
    };
    let migrated = run(&["migrate"]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let pool = sqlx::PgPool::connect(&database_url).await.unwrap();
    let old = MasterKey::load(&old_file).unwrap().derive(KeyPurpose::KeyEncryption);
    let new = MasterKey::load(&new_file).unwrap().derive(KeyPurpose::KeyEncryption);
    let tenant = Uuid::new_v4();
    let mut conn = pool.acquire().await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let sealed = secrets::seal(&mut conn, &old, slot(tenant, "k"), "sk_test_ROTATE12345", now).await.unwrap();

    let rotated = run(&["keys", "rotate", "--new-master-key-file", new_file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&rotated.stdout);
    assert!(rotated.status.success(), "{stdout}{}", String::from_utf8_lossy(&rotated.stderr));
    assert!(stdout.contains("1 data keys rewrapped"), "{stdout}");
    assert!(!stdout.contains("ROTATE") && !String::from_utf8_lossy(&rotated.stderr).contains("ROTATE"));
    assert_eq!(secrets::open(&mut conn, &new, slot(tenant, "k"), &sealed).await.unwrap(), "sk_test_ROTATE12345");
    let wrong = secrets::open(&mut conn, &old, slot(tenant, "k"), &sealed).await;
    assert!(matches!(wrong, Err(SecretError::WrongMasterKey { .. })));
    // A missing new key file is a clear error, and nothing changes.
    let missing = run(&["keys", "rotate", "--new-master-key-file", "/nonexistent/key"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/key"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn after_keys_rotate_and_a_restart_on_the_new_key_alone_everything_still_opens() {
    use crate::helpers::TestApp;
    let database_url = crate::helpers::fresh_database().await;
    let dir = std::env::temp_dir().join(format!("ff-rotate-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (old_file, new_file) = (dir.join("old.key"), dir.join("new.key"));
    std::fs::write(&old_file, hex::encode([5u8; 32])).unwrap();
    std::fs::write(&new_file, hex::encode([6u8; 32])).unwrap();

    // Before: an admin with TOTP, an issued invoice with its customer link, a queued mail.
    let old_key = old_file.clone();
    let app = TestApp::spawn_on(database_url.clone(), move |s| {
        s.crypto.master_key_file = Some(old_key);
        s.jobs.worker = false;
        // This instance keeps running in the test after "its restart": it must not go
        // on sealing with the old key.
        s.audit.background = false;
    })
    .await;
    // Jobs run here until the setup is done, so the mail queued last stays queued.
    let worker = app.worker.clone();
    let pump = tokio::spawn(async move {
        loop {
            let _ = fastfaktura::jobs::worker::run_next(&worker).await;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    });
    let (_, totp_secret, _) = crate::admin::enrolled_admin(&app, "ops").await;
    let owner = crate::helpers::new_client();
    let customer = crate::invoicing::set_up_business(&app, &owner, "owner@rotate.example", "EUR").await;
    let id = crate::invoicing::new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Design", "1", "100", "S", "24"]];
    assert_eq!(crate::invoicing::save_draft(&app, &owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/link"), &[]).await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    let link = page.split(r#"readonly value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let token = link.rsplit("/i/").next().unwrap().to_owned();
    pump.abort();
    let _ = pump.await;
    // A mail still waiting in the outbox (sealed), as if the worker were behind.
    let outbox_key = fastfaktura::crypto::MasterKey::load(&old_file).unwrap().derive(KeyPurpose::OutboxSealing);
    let mut conn = app.db.acquire().await.unwrap();
    let mail_id = fastfaktura::integrations::email::enqueue(
        &mut conn,
        &outbox_key,
        "later@rotate.example",
        "Waiting",
        "ROTATE-MAIL-BODY",
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    drop(conn);

    let rotated = std::process::Command::new(env!("CARGO_BIN_EXE_fastfaktura"))
        .args(["keys", "rotate", "--new-master-key-file", new_file.to_str().unwrap()])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FASTFAKTURA_DATABASE_URL", &database_url)
        .env("FASTFAKTURA_MASTER_KEY_FILE", &old_file)
        .env("FASTFAKTURA_DATA_DIR", &dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&rotated.stdout);
    assert!(rotated.status.success(), "{stdout}{}", String::from_utf8_lossy(&rotated.stderr));
    assert!(stdout.contains("1 admin TOTP secrets, 1 customer links"), "{stdout}");
    drop(app);
    std::fs::remove_file(&old_file).unwrap();

    // After: a restart on the new key alone.
    let new_key = new_file.clone();
    let app = TestApp::spawn_on(database_url, move |s| s.crypto.master_key_file = Some(new_key)).await;
    let admin = crate::helpers::new_client();
    // A later 30-second step than enrolment used (a code is accepted once).
    app.clock.advance(time::Duration::seconds(90));
    let code = crate::admin::oath(&app, &totp_secret);
    let form = [("username", "ops"), ("password", crate::admin::PASSWORD), ("code", code.as_str())];
    let signed_in = crate::admin::post(&app, &admin, "/admin/login", &form).await;
    let status = signed_in.status();
    assert_eq!(status, 303, "admin sign-in with TOTP: {}", signed_in.text().await.unwrap());
    let owner = crate::helpers::new_client();
    app.log_in(&owner, "owner@rotate.example").await;
    let page = app.get(&owner, &format!("/invoices/{id}")).await;
    assert_eq!(page.status(), 200, "the owner's invoice page");
    assert!(page.text().await.unwrap().contains(&token), "the same customer link, opened with the new key");
    assert_eq!(app.get(&crate::helpers::new_client(), &format!("/i/{token}")).await.status(), 200);
    let mail = app.smtp.wait_for_matching(1, |m| m.to == ["later@rotate.example"]).await.remove(0);
    assert!(mail.body().contains("ROTATE-MAIL-BODY"), "the queued mail went out: {mail_id}");
    // The audit log verifies with the new key, against the anchor the rotation kept.
    assert!(dir.join("audit-anchor.json").exists(), "the rotation kept the new checkpoint outside the database");
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_fastfaktura"))
        .args(["audit", "verify"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FASTFAKTURA_DATABASE_URL", &app.database_url)
        .env("FASTFAKTURA_MASTER_KEY_FILE", &new_file)
        .env("FASTFAKTURA_DATA_DIR", &dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success() && out.contains("the audit log verifies"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
