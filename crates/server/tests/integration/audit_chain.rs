//! The audit log's hash chain (issue 7, 19): verify names the first altered, deleted or
//! inserted event; the retention purge deletes whole days and records itself; a restore
//! runs verify; with SQL alone the newest events cannot be cut, purged or rewritten
//! unnoticed, and a rollback is caught by the anchor kept outside. Split from audit.rs.

use fastfaktura::audit::{
    self, AuditEvent, Category,
    chain::{self, ProblemKind},
    checkpoints::Guard,
    retention,
};
use sqlx::{Connection, PgConnection};
use time::{Duration, OffsetDateTime, macros::datetime};

use crate::{
    audit::{attacker, event, guard, quiet_app, seal, verify},
    helpers::TestApp,
};

async fn three_sealed_days(app: &TestApp) -> OffsetDateTime {
    let start = datetime!(2026-03-01 09:00 UTC);
    for day in 0..3 {
        app.clock.set(start + Duration::days(day));
        for n in 0..4 {
            event(app, Category::Auth, "auth.login.success", day * 10 + n).await;
        }
        event(app, Category::Dispatch, "dispatch.email.sent", day).await;
        seal(app).await;
    }
    app.clock.set(start + Duration::days(2) + Duration::hours(1));
    seal(app).await;
    start
}

async fn ids_of_day(app: &TestApp, category: &str, day: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM audit_events WHERE category = $1 AND chain_day = $2::date ORDER BY seq")
        .bind(category)
        .bind(day)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

fn the_problem(report: &chain::VerifyReport) -> (ProblemKind, Option<i64>) {
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    (report.problems[0].kind, report.problems[0].event_id)
}

#[tokio::test]
async fn verify_names_the_first_altered_deleted_or_inserted_event() {
    let app = quiet_app().await;
    three_sealed_days(&app).await;
    let heads: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_heads").fetch_one(&app.db).await.unwrap();
    assert_eq!(heads, 4, "two closed days of two categories have heads; today is open");
    let clean = verify(&app).await;
    assert!(clean.ok(), "{:?}", clean.problems);
    assert_eq!(clean.events, 15);
    let day2 = ids_of_day(&app, "auth", "2026-03-02").await;
    let mut evil = attacker(&app).await;

    // Altered: one field of a sealed event.
    sqlx::query("UPDATE audit_events SET ip = '10.0.0.1' WHERE id = $1")
        .bind(day2[1])
        .execute(&mut evil)
        .await
        .unwrap();
    assert_eq!(the_problem(&verify(&app).await), (ProblemKind::Altered, Some(day2[1])));
    sqlx::query("UPDATE audit_events SET ip = '' WHERE id = $1").bind(day2[1]).execute(&mut evil).await.unwrap();
    assert!(verify(&app).await.ok());

    // Deleted from the middle of a day: the next event's link is broken.
    sqlx::query("CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE id = $1")
        .bind(day2[1])
        .execute(&mut evil)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = $1").bind(day2[1]).execute(&mut evil).await.unwrap();
    assert_eq!(the_problem(&verify(&app).await), (ProblemKind::Deleted, Some(day2[2])));
    sqlx::query("INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM saved")
        .execute(&mut evil)
        .await
        .unwrap();
    assert!(verify(&app).await.ok());

    // Deleted from the end of a closed day: the head counts more.
    sqlx::query("TRUNCATE saved").execute(&mut evil).await.unwrap();
    sqlx::query("INSERT INTO saved SELECT * FROM audit_events WHERE id = $1")
        .bind(day2[3])
        .execute(&mut evil)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = $1").bind(day2[3]).execute(&mut evil).await.unwrap();
    let report = verify(&app).await;
    assert_eq!(the_problem(&report), (ProblemKind::Deleted, None));
    assert!(report.problems[0].to_string().contains("auth 2026-03-02"), "{}", report.problems[0]);
    sqlx::query("INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM saved")
        .execute(&mut evil)
        .await
        .unwrap();
    assert!(verify(&app).await.ok());

    // Inserted through the normal path into a day already closed: never sealed, reported.
    let backdated = AuditEvent::new(datetime!(2026-03-02 12:00 UTC), Category::Auth, "auth.login.success");
    audit::record(&app.db, &backdated).await.unwrap();
    assert_eq!(seal(&app).await.sealed, 0, "nothing is sealed into a closed day");
    let (kind, id) = the_problem(&verify(&app).await);
    assert_eq!(kind, ProblemKind::Inserted);
    sqlx::query("DELETE FROM audit_events WHERE id = $1").bind(id.unwrap()).execute(&mut evil).await.unwrap();
    assert!(verify(&app).await.ok());

    // Inserted as a forged, sealed-looking copy at the end of a closed day.
    sqlx::query(
        "INSERT INTO audit_events (at, category, action, actor_kind, actor, outcome, chain_day, seq, prev_hash, hash)
         SELECT at, category, action, actor_kind, actor, outcome, chain_day, seq + 1, hash, hash
         FROM audit_events WHERE id = $1",
    )
    .bind(day2[3])
    .execute(&mut evil)
    .await
    .unwrap();
    let (kind, id) = the_problem(&verify(&app).await);
    assert_eq!(kind, ProblemKind::Altered);
    sqlx::query("DELETE FROM audit_events WHERE id = $1").bind(id.unwrap()).execute(&mut evil).await.unwrap();
    assert!(verify(&app).await.ok());

    // A whole middle day removed with its head: the chain of heads breaks.
    sqlx::query("DELETE FROM audit_events WHERE category = 'dispatch' AND chain_day = '2026-03-01'")
        .execute(&mut evil)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_heads WHERE category = 'dispatch' AND day = '2026-03-01'")
        .execute(&mut evil)
        .await
        .unwrap();
    let report = verify(&app).await;
    assert_eq!(the_problem(&report), (ProblemKind::HeadBroken, None));
    // The command line's parallel variant finds the same.
    let parallel = chain::verify_pool(&app.db, app.clock_now(), 3, Some(&guard(&app))).await.unwrap();
    assert_eq!((parallel.problems, parallel.events), (report.problems.clone(), report.events));
    assert!(report.problems[0].to_string().starts_with("dispatch 2026-03-02"), "{}", report.problems[0]);
}

#[tokio::test]
async fn the_purge_deletes_whole_expired_days_per_category_records_itself_and_verify_still_passes() {
    let app = quiet_app().await;
    let retention = app.state.settings.audit.retention_months.clone();
    assert_eq!((retention.access, retention.auth, retention.payment), (6, 12, 36));
    // Access events on 1 and 3 March; auth events on 1 March.
    app.clock.set(datetime!(2026-03-01 09:00 UTC));
    event(&app, Category::Access, "invoice.view", 1).await;
    event(&app, Category::Auth, "auth.login.success", 2).await;
    app.clock.set(datetime!(2026-03-03 09:00 UTC));
    event(&app, Category::Access, "invoice.view", 3).await;
    seal(&app).await;
    app.clock.set(datetime!(2026-03-04 09:00 UTC));
    seal(&app).await;

    // On 2 September the 1 March segment is six months and one day old, 3 March not yet.
    app.clock.set(datetime!(2026-09-02 03:00 UTC));
    let report =
        retention::purge_expired(&app.db, &retention, app.clock_now(), &app.state.keys.audit_checkpoint).await.unwrap();
    assert_eq!(report.segments.len(), 1, "{report:?}");
    assert_eq!(report.segments[0].0, Category::Access);
    assert_eq!(report.segments[0].1.to_string(), "2026-03-01");
    let left: Vec<(String, String)> =
        sqlx::query_as("SELECT category, chain_day::text FROM audit_events WHERE hash IS NOT NULL ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(left, [("auth".to_owned(), "2026-03-01".to_owned()), ("access".to_owned(), "2026-03-03".to_owned())]);
    let purge: (String, serde_json::Value) = sqlx::query_as(
        "SELECT target, details FROM audit_events WHERE category = 'security' AND action = 'audit.purge'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(purge.0, "access/2026-03-01");
    assert_eq!(purge.1["events"], 1);
    // Idempotent: a second run (or another instance) finds nothing to do.
    assert!(
        retention::purge_expired(&app.db, &retention, app.clock_now(), &app.state.keys.audit_checkpoint)
            .await
            .unwrap()
            .segments
            .is_empty()
    );
    seal(&app).await;
    let report = verify(&app).await;
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.purged_segments, 1);

    // The purge path's permission is its own transaction's: outside it, deletes fail.
    let err = sqlx::query("DELETE FROM audit_events WHERE category = 'auth'").execute(&app.db).await.unwrap_err();
    assert!(err.to_string().contains("append-only"));
}

#[tokio::test]
async fn restoring_a_backup_runs_audit_verify_and_refuses_an_altered_log() {
    use fastfaktura::{
        backup::{BackupError, Backups, keys, restore},
        config::BackupSettings,
    };
    let app = quiet_app().await;
    three_sealed_days(&app).await;
    let dir = std::env::temp_dir().join(format!("ff-audit-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let identity = dir.join("identity.txt");
    let recipient = keys::generate_identity(&identity).unwrap();
    std::fs::write(dir.join("recipients.txt"), format!("{recipient}\n")).unwrap();
    let settings = BackupSettings {
        directory: Some(dir.join("backups")),
        recipients_file: Some(dir.join("recipients.txt")),
        schedule: false,
        ..BackupSettings::default()
    };
    let backups = Backups::open(&settings, crate::backup::signing_key()).unwrap();
    let ids = keys::load_identities(&identity).unwrap();

    let good = backups.back_up(&app.db, &app.database_url, "cli", &app.clock).await.unwrap();
    let report =
        restore::restore(&backups.store, &good, &backups.signing, &ids, &crate::helpers::empty_database().await, false)
            .await
            .unwrap();
    assert_eq!(report.audit_events_verified, 15);

    let mut evil = attacker(&app).await;
    sqlx::query("UPDATE audit_events SET target = 'forged' WHERE id = (SELECT min(id) FROM audit_events)")
        .execute(&mut evil)
        .await
        .unwrap();
    let altered = backups.back_up(&app.db, &app.database_url, "cli", &app.clock).await.unwrap();
    let err = restore::restore(
        &backups.store,
        &altered,
        &backups.signing,
        &ids,
        &crate::helpers::empty_database().await,
        false,
    )
    .await
    .err()
    .expect("an altered audit log is refused");
    assert!(matches!(err, BackupError::Damaged(_)), "{err}");
    assert!(err.to_string().contains("audit log does not verify") && err.to_string().contains("was altered"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn with_sql_alone_the_newest_events_cannot_be_cut_purged_or_rewritten_unnoticed() {
    let app = quiet_app().await;
    three_sealed_days(&app).await;
    assert!(verify(&app).await.ok());
    let mut evil = attacker(&app).await;

    // 1. Cutting the tail: the application's own purge switch, then the newest sealed
    //    events of today deleted. The chain alone still holds; the checkpoint does not.
    let today = ids_of_day(&app, "auth", "2026-03-03").await;
    sqlx::query("CREATE TEMP TABLE tail AS SELECT * FROM audit_events WHERE id = ANY($1)")
        .bind(&today[2..])
        .execute(&mut evil)
        .await
        .unwrap();
    let mut purger = PgConnection::connect(&app.database_url).await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut purger).await.unwrap();
    sqlx::query("SELECT set_config('fastfaktura.audit_purge', 'on', true)").execute(&mut *tx).await.unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = ANY($1)").bind(&today[2..]).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let report = verify(&app).await;
    assert!(report.problems.is_empty(), "the unkeyed chain alone cannot tell: {:?}", report.problems);
    assert!(
        report.checkpoint_problems.iter().any(|p| p.contains("auth 2026-03-03") && p.contains("were deleted")),
        "{:?}",
        report.checkpoint_problems
    );
    sqlx::query("INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM tail")
        .execute(&mut evil)
        .await
        .unwrap();
    assert!(verify(&app).await.ok());

    // 2. A purge marker on a day still within retention (and without our MAC): its
    //    events are simply missing.
    let mut tx = sqlx::Connection::begin(&mut purger).await.unwrap();
    sqlx::query("SELECT set_config('fastfaktura.audit_purge', 'on', true)").execute(&mut *tx).await.unwrap();
    sqlx::query("UPDATE audit_heads SET purged_at = now() WHERE category = 'auth' AND day = '2026-03-02'")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE category = 'auth' AND chain_day = '2026-03-02'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let report = verify(&app).await;
    assert_eq!(report.purged_segments, 0, "the forged marker is not honoured");
    assert!(report.problems.iter().any(|p| p.kind == ProblemKind::Deleted), "{:?}", report.problems);

    // 3. A rewritten chain: today's second event changed and every hash after it
    //    recomputed, so the chain verifies on its own. The checkpoint's tip does not match.
    let app = quiet_app().await;
    three_sealed_days(&app).await;
    let mut evil = attacker(&app).await;
    let today = ids_of_day(&app, "auth", "2026-03-03").await;
    sqlx::query("UPDATE audit_events SET target = 'rewritten' WHERE id = $1")
        .bind(today[1])
        .execute(&mut evil)
        .await
        .unwrap();
    let mut prev: Vec<u8> = sqlx::query_scalar("SELECT hash FROM audit_events WHERE id = $1")
        .bind(today[0])
        .fetch_one(&mut evil)
        .await
        .unwrap();
    for (n, id) in today.iter().enumerate().skip(1) {
        let e: chain::ChainedEvent = sqlx::query_as(
            "SELECT id, at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent,
                    request_id, details::text AS details FROM audit_events WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut evil)
        .await
        .unwrap();
        let hash = chain::event_hash(&prev, &e, time::macros::date!(2026 - 03 - 03), n as i64 + 1).to_vec();
        sqlx::query("UPDATE audit_events SET prev_hash = $2, hash = $3 WHERE id = $1")
            .bind(id)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut evil)
            .await
            .unwrap();
        prev = hash;
    }
    let report = verify(&app).await;
    assert!(report.problems.is_empty(), "the rewrite fools the unkeyed chain: {:?}", report.problems);
    assert!(report.checkpoint_problems.iter().any(|p| p.contains("rewritten")), "{:?}", report.checkpoint_problems);

    // 4. A forged checkpoint (SQL can insert one, but not its MAC).
    sqlx::query("INSERT INTO audit_checkpoints (at, state, mac) VALUES (now(), '[]', '\\x00')")
        .execute(&mut evil)
        .await
        .unwrap();
    assert!(verify(&app).await.checkpoint_problems.iter().any(|p| p.contains("forged")));
}

#[tokio::test]
async fn a_rollback_of_events_and_checkpoints_is_caught_by_the_anchor_kept_outside() {
    let app = quiet_app().await;
    three_sealed_days(&app).await;
    // The anchor the operator kept: the newest checkpoint, as the sealer wrote it.
    event(&app, Category::Auth, "auth.login.success", 99).await;
    let anchor = seal(&app).await.checkpoint.expect("a checkpoint after sealing");
    let mut evil = attacker(&app).await;
    // The newest event and the newest checkpoint deleted together: the database is
    // consistent with its older checkpoint.
    sqlx::query("DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
        .execute(&mut evil)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_checkpoints WHERE at = (SELECT max(at) FROM audit_checkpoints)")
        .execute(&mut evil)
        .await
        .unwrap();
    assert!(verify(&app).await.ok(), "without the anchor this cannot be seen (documented)");
    let mut conn = app.db.acquire().await.unwrap();
    let with_anchor = Guard { anchor: Some(anchor), ..guard(&app) };
    let report = chain::verify(&mut conn, app.clock_now(), Some(&with_anchor)).await.unwrap();
    assert!(report.checkpoint_problems.iter().any(|p| p.contains("rolled back")), "{:?}", report.checkpoint_problems);
}

#[tokio::test]
async fn old_checkpoints_are_pruned_and_the_newest_always_stays() {
    let app = quiet_app().await;
    app.clock.set(datetime!(2026-03-01 09:00 UTC));
    event(&app, Category::Auth, "auth.login.success", 1).await;
    assert!(seal(&app).await.checkpoint.is_some());
    app.clock.set(datetime!(2026-03-10 09:00 UTC));
    event(&app, Category::Auth, "auth.login.success", 2).await;
    let newest = seal(&app).await.checkpoint.expect("a checkpoint");
    let pruned = fastfaktura::audit::checkpoints::prune_checkpoints(&app.db, app.clock_now()).await.unwrap();
    assert_eq!(pruned, 1, "the one from nine days ago");
    let left: Vec<(time::OffsetDateTime,)> =
        sqlx::query_as("SELECT at FROM audit_checkpoints").fetch_all(&app.db).await.unwrap();
    assert_eq!(left, [(newest.at,)]);
    // Long after: the newest still stays.
    app.clock.set(datetime!(2026-06-01 09:00 UTC));
    assert_eq!(fastfaktura::audit::checkpoints::prune_checkpoints(&app.db, app.clock_now()).await.unwrap(), 0);
    assert!(verify(&app).await.ok());
}
