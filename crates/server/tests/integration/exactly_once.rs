//! The delivery guarantee under a hard crash: the real `fastfaktura serve` binary works
//! through a batch of 30 emails and 30 SMS, is killed with SIGKILL in the middle, and
//! is started again. Every message must then have arrived at the SMTP sink and at the
//! fake 46elks exactly once (docs/decisions.md, "Exactly once at the SMS provider").
//!
//! The kill is placed at the worst moment for SMS: the fake provider has taken a
//! message and holds its answer back, so the delivery is left `sending` with the
//! message already out. All 30 SMS go to one number with one text (one invoice), the hardest case for
//! telling a message in the provider's log apart from its siblings.

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{
    helpers::{TestApp, new_client},
    sms::{issued_invoice, use_platform_account},
    sms_fake::{FakeSms, Kind},
};

const BATCH: usize = 30;

/// The running binary; killed (SIGKILL) when dropped, so a failing test leaves none behind.
struct Serving(Child);

impl Serving {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.kill();
    }
}

fn serve(app: &TestApp, fake: &FakeSms, data_dir: &std::path::Path) -> Serving {
    let child = Command::new(env!("CARGO_BIN_EXE_fastfaktura"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("FASTFAKTURA_DATABASE_URL", &app.database_url)
        .env("FASTFAKTURA_MASTER_KEY_FILE", app.data_dir.join("master.key"))
        .env("FASTFAKTURA_PUBLIC_BASE_URL", &app.address)
        .env("FASTFAKTURA_SMTP_HOST", "127.0.0.1")
        .env("FASTFAKTURA_SMTP_PORT", app.smtp.port.to_string())
        .env("FASTFAKTURA_SMTP_TLS", "none")
        .env("FASTFAKTURA_EMAIL_CONSOLE", "false")
        .env("FASTFAKTURA_SMS_46ELKS_URL", &fake.url)
        // A job a killed worker held is taken over after this long.
        .env("FASTFAKTURA_JOBS_LEASE_SECONDS", "2")
        .env("FASTFAKTURA_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fastfaktura serve");
    Serving(child)
}

async fn sent_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries WHERE status = 'sent'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_worker_killed_mid_batch_delivers_every_message_exactly_once_after_restart() {
    let fake = FakeSms::start(Kind::Elks).await;
    let url = fake.url.clone();
    // The in-process app only takes the clicks; the child binary does the sending.
    let app = TestApp::spawn_with(|s| {
        s.jobs.worker = false;
        s.sms.elks_base_url = url;
    })
    .await;
    use_platform_account(&app, &fake).await;
    // Signing in needs its code mail: run jobs in-process until the batch is queued.
    let worker = app.worker.clone();
    let pump = tokio::spawn(async move {
        loop {
            let _ = fastfaktura::jobs::worker::run_next(&worker).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let owner = new_client();
    let id = issued_invoice(&app, &owner, "batch@exactly-once.example").await;
    pump.abort();
    let _ = pump.await;
    app.smtp.clear();
    // An operator has raised this business's quotas for the batch (a new business may
    // send only 20 in ten minutes).
    sqlx::query(
        "INSERT INTO business_quotas (business_id, kind, per_day, set_by, set_at)
         SELECT i.business_id, q.k, 1000, 'test', now() FROM invoices i, unnest(ARRAY['email', 'sms']) q(k) WHERE i.id = $1::uuid",
    )
    .bind(id.to_string())
    .execute(&app.db)
    .await
    .unwrap();
    for i in 0..BATCH {
        let email = format!("billing+{i}@acme.example");
        let form = [("send_email", "1"), ("recipient", &email), ("send_sms", "1"), ("phone", "+3545551234")];
        assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/send"), &form).await.status(), 303);
    }

    // The 10th SMS is taken by the provider but its answer never comes: the worker
    // dies after the provider accepted and before it could record that.
    fake.stall_at(BATCH / 3);
    let data_dir = std::env::temp_dir().join(format!("ff-exactly-once-{}", uuid::Uuid::new_v4().simple()));
    let mut first = serve(&app, &fake, &data_dir);
    let started = Instant::now();
    while fake.accepted().len() < BATCH / 3 {
        assert!(started.elapsed() < Duration::from_secs(60), "the first worker made no progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill(); // SIGKILL: no shutdown, no cleanup.
    let at_kill = (app.smtp.mails().len(), fake.accepted().len(), sent_count(&app).await);
    assert!(at_kill.2 < 2 * BATCH as i64, "killed in the middle of the batch: {at_kill:?}");
    let in_doubt: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries WHERE status = 'sending'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(in_doubt, 1, "the SMS the provider took is left in doubt");

    let mut second = serve(&app, &fake, &data_dir);
    let restarted = Instant::now();
    while sent_count(&app).await < 2 * BATCH as i64 {
        if restarted.elapsed() > Duration::from_secs(60) {
            panic!("not all deliveries were sent after the restart (at kill: {at_kill:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    second.kill();
    let _ = std::fs::remove_dir_all(&data_dir);

    let settled: i64 = sqlx::query_scalar("SELECT count(*) FROM invoice_deliveries WHERE interrupted > 0")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(settled, 1, "the one in doubt was settled (from the provider's log), not resent");

    // Email: each delivery's Message-ID arrived once.
    let rows: Vec<(uuid::Uuid, String, i32, Option<String>)> =
        sqlx::query_as("SELECT id, channel, interrupted, provider_message_id FROM invoice_deliveries")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let mut by_message_id: HashMap<String, usize> = HashMap::new();
    for mail in app.smtp.mails() {
        *by_message_id.entry(mail.header("message-id").unwrap()).or_default() += 1;
    }
    let emails: Vec<_> = rows.iter().filter(|r| r.1 == "email").collect();
    assert_eq!(emails.len(), BATCH);
    for (id, _, interrupted, _) in &emails {
        let copies = by_message_id.get(&format!("<{id}@fastfaktura>")).copied().unwrap_or(0);
        assert_eq!(copies, 1, "email {id} arrived {copies} times (in doubt {interrupted} times; at kill {at_kill:?})");
    }
    assert_eq!(app.smtp.mails().len(), BATCH, "no other mail");

    // SMS: the provider took exactly 30, and each delivery claims a different one.
    let accepted = fake.accepted();
    assert_eq!(accepted.len(), BATCH, "the provider took each SMS once (at kill {at_kill:?})");
    let mut claimed: Vec<String> = rows.iter().filter(|r| r.1 == "sms").filter_map(|r| r.3.clone()).collect();
    claimed.sort();
    let mut taken: Vec<String> = accepted.iter().map(|m| m.id.clone()).collect();
    taken.sort();
    assert_eq!(claimed, taken, "every accepted SMS belongs to exactly one delivery");
}
