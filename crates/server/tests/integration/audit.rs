//! The audit log (issue 7): append-only in the database, automatic access events for
//! the routes marked sensitive, the hash chain catching altered, deleted and inserted
//! rows, and the retention purge by category with an injected clock.

use fastfaktura::audit::{
    self, Actor, AuditEvent, Category,
    chain::{self, ProblemKind},
    checkpoints::Guard,
    retention,
};
use sqlx::{Connection, PgConnection};
use time::{Duration, OffsetDateTime, macros::datetime};

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
};

/// action, actor_kind, actor, business_id, target, outcome, request_id
type AccessRow = (String, String, String, Option<uuid::Uuid>, String, String, String);

pub(crate) async fn quiet_app() -> TestApp {
    // No background sealer or purge: each test drives them with the manual clock.
    TestApp::spawn_with(|s| s.audit.background = false).await
}

fn guard(app: &TestApp) -> Guard<'_> {
    Guard {
        key: &app.state.keys.audit_checkpoint,
        retention: &app.state.settings.audit.retention_months,
        now: app.clock_now(),
        anchor: None,
    }
}

async fn verify(app: &TestApp) -> chain::VerifyReport {
    let mut conn = app.db.acquire().await.unwrap();
    chain::verify(&mut conn, app.clock_now(), Some(&guard(app))).await.unwrap()
}

pub(crate) async fn seal(app: &TestApp) -> chain::SealReport {
    chain::seal_pending(&app.db, app.clock_now(), Some(&app.state.keys.audit_checkpoint)).await.unwrap()
}

async fn event(app: &TestApp, category: Category, action: &str, n: i64) {
    let e = AuditEvent::new(app.clock_now(), category, action)
        .actor(Actor::System)
        .target(format!("thing-{n}"))
        .details(serde_json::json!({ "n": n }));
    audit::record(&app.db, &e).await.unwrap();
}

/// A connection that bypasses the triggers, as a superuser attacker would.
pub(crate) async fn attacker(app: &TestApp) -> PgConnection {
    let mut conn = PgConnection::connect(&app.database_url).await.unwrap();
    sqlx::query("SET session_replication_role = replica").execute(&mut conn).await.unwrap();
    conn
}

#[tokio::test]
async fn the_table_refuses_update_delete_and_truncate_but_lets_the_sealer_seal_once() {
    let app = quiet_app().await;
    event(&app, Category::Security, "config.changed", 1).await;
    for sql in [
        "UPDATE audit_events SET details = '{}'",
        "UPDATE audit_events SET outcome = 'failure'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "TRUNCATE audit_heads",
    ] {
        let err = sqlx::query(sql).execute(&app.db).await.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(seal(&app).await.sealed, 1);
    // Sealed once; sealing again (or changing the seal) is refused like any update.
    let err = sqlx::query("UPDATE audit_events SET hash = '\\x00'").execute(&app.db).await.unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
    assert!(verify(&app).await.ok());
}

#[tokio::test]
async fn every_route_marked_sensitive_is_listed_and_records_who_accessed_what() {
    // The list of marked routes, reviewed here whenever it changes.
    let marked: Vec<String> =
        fastfaktura::http::access_log::SENSITIVE_ROUTES.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert_eq!(
        marked,
        [
            "GET /invoices/{id}",
            "GET /invoices/{id}/pdf",
            "GET /invoices/{id}/view",
            "GET /invoices/{id}/preview.pdf",
            "GET /invoices/{id}/ubl",
            "GET /invoices/{id}/cii",
            "GET /customers/{id}",
            "GET /bills/{id}",
            "GET /bills/{id}/original",
            "GET /bills/{id}/pdf",
            "GET /bills/export.csv",
            "GET /bills/export.zip",
            "GET /settings/payments",
            "GET /settings/api-tokens",
            "GET /settings/audit",
            "GET /settings/export/{id}/download",
            "GET /i/{token}",
            "GET /i/{token}/{format}",
            "GET /api/v1/customers",
            "POST /api/v1/customers",
            "GET /api/v1/customers/{id}",
            "PUT /api/v1/customers/{id}",
            "GET /api/v1/products",
            "POST /api/v1/products",
            "GET /api/v1/products/{id}",
            "PUT /api/v1/products/{id}",
            "GET /api/v1/invoices",
            "POST /api/v1/invoices",
            "GET /api/v1/invoices/{id}",
            "PUT /api/v1/invoices/{id}",
            "POST /api/v1/invoices/{id}/issue",
            "POST /api/v1/invoices/{id}/payments",
            "POST /api/v1/invoices/{id}/credit-notes",
            "POST /api/v1/invoices/{id}/convert",
            "GET /api/v1/invoices/{id}/pdf",
            "GET /api/v1/invoices/{id}/ubl",
            "GET /api/v1/invoices/{id}/cii",
            "GET /admin/users/{id}",
            "GET /admin/audit",
            "GET /admin/audit.csv",
        ]
    );

    let app = quiet_app().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@seller.example", "EUR").await;
    let invoice = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Design", "1", "100", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &invoice, &customer, "EUR", &lines, "issue").await.status(), 303);
    let (user_id, business_id): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT user_id, business_id FROM business_members LIMIT 1").fetch_one(&app.db).await.unwrap();

    for path in [
        format!("/invoices/{invoice}"),
        format!("/invoices/{invoice}/pdf"),
        format!("/customers/{customer}"),
        "/settings/payments".to_owned(),
    ] {
        let response = app.get(&owner, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers().contains_key("x-request-id"));
    }
    // A page that is not sensitive records nothing.
    assert_eq!(app.get(&owner, "/invoices").await.status(), 200);
    // Without a session: recorded as denied, nobody named.
    assert_eq!(app.get(&new_client(), &format!("/invoices/{invoice}/ubl")).await.status(), 303);

    // The customer link: the token is a credential and must not be logged.
    let shared = app.post_form(&owner, &format!("/invoices/{invoice}/link"), &[]).await;
    assert_eq!(shared.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{invoice}")).await.text().await.unwrap();
    let token = page.split("/i/").nth(1).unwrap().split(['"', '<', '/']).next().unwrap().to_owned();
    assert_eq!(app.get(&new_client(), &format!("/i/{token}/pdf")).await.status(), 200);

    let rows: Vec<AccessRow> = sqlx::query_as(
        "SELECT action, actor_kind, actor, business_id, target, outcome, request_id FROM audit_events
         WHERE category = 'access' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let find = |action: &str, target: &str| {
        rows.iter()
            .find(|r| r.0 == action && r.4 == target)
            .unwrap_or_else(|| panic!("no {action} of {target} in {rows:?}"))
            .clone()
    };
    let view = find("invoice.view", &format!("/invoices/{invoice}"));
    assert_eq!(
        (view.1.as_str(), view.2.clone(), view.3, view.5.as_str()),
        ("user", user_id.to_string(), Some(business_id), "success")
    );
    assert_eq!(view.6.len(), 32, "a request id");
    find("invoice.download", &format!("/invoices/{invoice}/pdf"));
    find("customer.view", &format!("/customers/{customer}"));
    find("settings.payments.view", "/settings/payments");
    let denied = find("invoice.download", &format!("/invoices/{invoice}/ubl"));
    assert_eq!((denied.1.as_str(), denied.3, denied.5.as_str()), ("anonymous", None, "denied"));
    let link = find("customer_link.download", "/i/{token}/pdf");
    assert_eq!((link.1.as_str(), link.3, link.5.as_str()), ("customer_link", Some(business_id), "success"));
    assert!(!rows.iter().any(|r| r.0 == "invoices.list" || r.4 == "/invoices"));
    let dump: (String,) =
        sqlx::query_as("SELECT string_agg(a::text, ' ') FROM audit_events a").fetch_one(&app.db).await.unwrap();
    assert!(!dump.0.contains(&token), "the customer-link token reached the audit log");
}

#[tokio::test]
async fn an_api_token_use_is_recorded_with_the_token_id_never_its_value() {
    let app = quiet_app().await;
    let client = new_client();
    app.log_in(&client, "api@seller.example").await;
    let page = app
        .post_form(&client, "/settings/api-tokens", &[("name", "Sync"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("data-new-token>").unwrap() + "data-new-token>".len();
    let token = page[start..].split('<').next().unwrap().to_owned();
    let response = reqwest::Client::new().get(app.url("/api/v1/customers")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let bad = reqwest::Client::new().get(app.url("/api/v1/customers")).bearer_auth("fft_wrong").send().await.unwrap();
    assert_eq!(bad.status(), 401);
    let (token_id,): (uuid::Uuid,) = sqlx::query_as("SELECT id FROM api_tokens").fetch_one(&app.db).await.unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor_kind, actor, outcome FROM audit_events WHERE action = 'api.customers.list' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            ("api_token".to_owned(), token_id.to_string(), "success".to_owned()),
            ("anonymous".to_owned(), "anonymous".to_owned(), "denied".to_owned())
        ]
    );
    let dump: (String,) =
        sqlx::query_as("SELECT string_agg(a::text, ' ') FROM audit_events a").fetch_one(&app.db).await.unwrap();
    assert!(!dump.0.contains(&token[4..]));
}

/// Three days of events in two categories, sealed, the first two days closed.
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
async fn the_console_filters_and_exports_the_log_and_reading_it_is_recorded() {
    let app = quiet_app().await;
    let (admin, _, _) = crate::admin::enrolled_admin(&app, "auditor").await;
    let a = new_client();
    app.log_in(&a, "a@one.example").await;
    let b = new_client();
    app.log_in(&b, "b@two.example").await;
    let (business_a,): (uuid::Uuid,) = sqlx::query_as(
        "SELECT m.business_id FROM business_members m JOIN users u ON u.id = m.user_id WHERE u.email = 'a@one.example'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    // A user agent that would be a formula in a spreadsheet.
    let evil = reqwest::Client::builder().user_agent("=cmd|' /C calc'!A0").build().unwrap();
    evil.get(app.url("/invoices/00000000-0000-0000-0000-000000000000")).send().await.unwrap();

    let page = app.get(&admin, &format!("/admin/audit?category=auth&action=auth.login&business={business_a}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("data-event=").count(), 1, "{html}");
    assert!(html.contains("auth.login.success") && html.contains(&business_a.to_string()));

    let bad = app.get(&admin, "/admin/audit?from=yesterday").await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("From must be a date like 2026-11-24"));
    assert_eq!(app.get(&admin, "/admin/audit.csv?category=nonsense").await.status(), 400);

    let csv = app.get(&admin, "/admin/audit.csv?category=access").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let body = csv.text().await.unwrap();
    let mut lines = body.lines();
    assert!(lines.next().unwrap().starts_with("id,at,category,action"));
    assert!(body.contains("\"'=cmd|' /C calc'!A0\""), "formula defused: {body}");
    assert!(body.lines().skip(1).all(|l| l.contains("\"access\"")));

    // Reading the log is an access event, by the admin (LOG-9).
    let reads: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor FROM audit_events WHERE action IN ('admin.audit.view', 'admin.audit.export') ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(reads.len(), 4, "{reads:?}");
    assert!(reads.iter().all(|(_, actor)| actor == "auditor"));
    // Without an admin session, nothing is shown.
    assert_eq!(app.get(&new_client(), "/admin/audit.csv").await.status(), 303);
}

#[tokio::test]
async fn an_owner_sees_their_own_business_log_only_and_members_do_not() {
    let app = quiet_app().await;
    let owner = new_client();
    app.log_in(&owner, "owner@one.example").await;
    let stranger = new_client();
    app.log_in(&stranger, "stranger@two.example").await;
    let page = app.get(&owner, "/settings/audit").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("auth.login.success"), "{html}");
    let (stranger_id,): (uuid::Uuid,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'stranger@two.example'").fetch_one(&app.db).await.unwrap();
    assert!(!html.contains(&stranger_id.to_string()), "another business's events are not shown");
    let only_security = app.get(&owner, "/settings/audit?category=security").await.text().await.unwrap();
    assert!(!only_security.contains("auth.login.success"));
    // Icelandic too.
    let is = owner.get(app.url("/settings/audit")).header("accept-language", "is").send().await.unwrap();
    assert!(is.text().await.unwrap().contains("Atburðaskrá"));

    // A member who is not the owner is refused.
    let invite =
        app.post_form(&owner, "/settings/members", &[("email", "member@one.example"), ("role", "member")]).await;
    assert_eq!(invite.status(), 200, "{}", invite.text().await.unwrap());
    let member = new_client();
    app.sign_in_and_join(&member, "member@one.example").await;
    assert_eq!(app.get(&member, "/settings/audit").await.status(), 403);
}

#[tokio::test]
async fn the_security_and_privacy_pages_state_the_configured_retention() {
    let app = TestApp::spawn_with(|s| {
        s.audit.background = false;
        s.audit.retention_months.access = 7;
    })
    .await;
    for page in ["/security", "/privacy"] {
        let html = app.get(&app.client, page).await.text().await.unwrap();
        assert_eq!(html.matches("data-retention").count(), 6, "{page}");
        for line in ["Views and downloads: 7 months", "Sign-ins: 12 months", "Payments: 36 months"] {
            assert!(html.contains(line), "{page} lacks {line:?}");
        }
    }
    let privacy = app.get(&app.client, "/privacy").await.text().await.unwrap();
    assert!(privacy.contains("DE 10, DK 5, FI 6, FR 10, IS 7, NO 5, SE 7, * 10"), "{privacy}");
    let is = app.client.get(app.url("/security")).header("accept-language", "is").send().await.unwrap();
    assert!(is.text().await.unwrap().contains("Greiðslur: 36 mánuðir"));
    // Outside the promised 6 to 36 months the service refuses to start.
    let error = TestApp::build_error(|s| s.audit.retention_months.payment = 48).await;
    assert!(error.contains("audit.retention_months.payment is 48"), "{error}");
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
