//! The admin backup panel (`/admin/backups`) and "Back up now" against the local
//! directory target: the warnings (not configured, none yet, older than 26 hours,
//! also on the home page), a backup started from the console running in the
//! background to a good backup, a second press while one runs starting nothing, and
//! the last verify drill.

use std::{path::PathBuf, time::Duration as StdDuration};

use time::Duration;

use crate::{
    admin::{enrolled_admin, post},
    helpers::TestApp,
};

fn temp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("ff-admin-backup-{}", uuid::Uuid::new_v4().simple()))
}

async fn runs(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT kind, trigger, status FROM backup_runs ORDER BY id").fetch_all(&app.db).await.unwrap()
}

#[tokio::test]
async fn without_backups_configured_the_console_says_so_and_back_up_now_explains() {
    let app = TestApp::spawn().await;
    let (admin, _, _) = enrolled_admin(&app, "bea").await;
    let home = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(home.contains("data-backup-warning") && home.contains("No backups are being taken"), "{home}");
    let pressed = post(&app, &admin, "/admin/backups/now", &[]).await;
    assert_eq!(pressed.status(), 409);
    let page = pressed.text().await.unwrap();
    assert!(page.contains("The backup was not started: backups are not configured"), "{page}");
    assert!(runs(&app).await.is_empty(), "nothing recorded as started");
}

#[tokio::test]
async fn back_up_now_runs_in_the_background_to_a_good_backup_and_the_warnings_follow_its_age() {
    let dir = temp_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let identity = dir.join("identity.txt");
    let recipient = fastfaktura::backup::keys::generate_identity(&identity).unwrap();
    let recipients = dir.join("recipients.txt");
    std::fs::write(&recipients, format!("{recipient}\n")).unwrap();
    let target = dir.join("target");
    let app = TestApp::spawn_with(|s| {
        s.backup.directory = Some(target.clone());
        s.backup.recipients_file = Some(recipients.clone());
        s.backup.schedule = false;
    })
    .await;
    let (admin, _, _) = enrolled_admin(&app, "bruno").await;
    let home = app.get(&admin, "/admin").await.text().await.unwrap();
    assert!(home.contains("there is no good backup yet"), "{home}");

    // State-changing: the Origin check applies.
    let foreign =
        admin.post(app.url("/admin/backups/now")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(foreign.status(), 403);
    assert!(runs(&app).await.is_empty());

    // A running backup (say, the schedule's): pressing starts nothing new.
    let started_at = app.clock_now();
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO backup_runs (kind, trigger, started_at) VALUES ('backup', 'schedule', $1) RETURNING id",
    )
    .bind(started_at)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let pressed = post(&app, &admin, "/admin/backups/now", &[]).await;
    assert_eq!(pressed.headers()["location"], "/admin/backups?done=running");
    assert_eq!(runs(&app).await.len(), 1);
    let page = app.get(&admin, "/admin/backups").await.text().await.unwrap();
    assert!(page.contains("running for 0 h 00 min"), "{page}");
    sqlx::query(
        "UPDATE backup_runs SET status = 'failed', finished_at = started_at, detail = 'pg_dump exited 1' WHERE id = $1",
    )
    .bind(other)
    .execute(&app.db)
    .await
    .unwrap();

    // Now it starts, returns at once with the run recorded, and finishes in the background.
    let pressed = post(&app, &admin, "/admin/backups/now", &[]).await;
    assert_eq!(pressed.status(), 303);
    assert_eq!(pressed.headers()["location"], "/admin/backups?done=started");
    let recorded = runs(&app).await;
    assert_eq!(recorded.len(), 2, "the run is recorded before the request returns");
    assert_eq!((recorded[1].0.as_str(), recorded[1].1.as_str()), ("backup", "console"));
    let mut status = String::new();
    for _ in 0..300 {
        status = runs(&app).await[1].2.clone();
        if status != "running" {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    assert_eq!(status, "succeeded");
    let backups = fastfaktura::backup::Backups::open_for_reading(
        &app.state.settings.backup,
        app.state.keys.backup_signing.clone(),
    )
    .unwrap();
    let listing =
        fastfaktura::backup::store::list(backups.store.as_ref(), &backups.prefix, &backups.signing).await.unwrap();
    assert_eq!(listing.good.len(), 1, "a real backup in the target");
    let page = app.get(&admin, "/admin/backups").await.text().await.unwrap();
    assert!(!page.contains("data-backup-warning"), "{page}");
    assert!(page.contains(&listing.good[0].id) && page.contains("0 h 00 min old"), "{page}");
    assert!(page.contains("pg_dump exited 1"), "failed runs are listed with why");
    assert!(!app.get(&admin, "/admin").await.text().await.unwrap().contains("data-backup-warning"));
    let event: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE category = 'admin' AND action = 'backup.start'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(event, 2, "both presses are recorded");

    // The last verify drill is shown with its result.
    let verify = fastfaktura::db::backup_runs::start(&app.db, "verify", "cli", app.clock_now()).await.unwrap();
    let detail = "12 tables, 40 rows, restored in 1.2 s into ff_verify_x (dropped)";
    fastfaktura::db::backup_runs::finish(&app.db, verify, true, None, None, None, Some(detail), app.clock_now())
        .await
        .unwrap();
    let page = app.get(&admin, "/admin/backups").await.text().await.unwrap();
    assert!(page.contains("Last verify drill: succeeded") && page.contains(detail), "{page}");

    // Made 26 hours and 5 minutes before now (the admin session would not last a
    // day of the clock moving), the backup is too old: both pages warn.
    sqlx::query(
        "UPDATE backup_runs SET started_at = started_at - $1, finished_at = finished_at - $1 WHERE kind = 'backup'",
    )
    .bind(Duration::hours(26) + Duration::minutes(5))
    .execute(&app.db)
    .await
    .unwrap();
    for path in ["/admin/backups", "/admin"] {
        let page = app.get(&admin, path).await.text().await.unwrap();
        assert!(page.contains("data-backup-warning") && page.contains("more than 26 hours"), "{path}: {page}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
