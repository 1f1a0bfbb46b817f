//! The audit log (issue 7): append-only in the database, automatic access events for
//! the routes marked sensitive, API token use, the console and the owner's log, the
//! stated retention. The hash chain and the purge are audit_chain.rs.

use fastfaktura::audit::{self, Actor, AuditEvent, Category, chain, checkpoints::Guard};
use sqlx::{Connection, PgConnection};

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

pub(crate) fn guard(app: &TestApp) -> Guard<'_> {
    Guard {
        key: &app.state.keys.audit_checkpoint,
        retention: &app.state.settings.audit.retention_months,
        now: app.clock_now(),
        anchor: None,
    }
}

pub(crate) async fn verify(app: &TestApp) -> chain::VerifyReport {
    let mut conn = app.db.acquire().await.unwrap();
    chain::verify(&mut conn, app.clock_now(), Some(&guard(app))).await.unwrap()
}

pub(crate) async fn seal(app: &TestApp) -> chain::SealReport {
    chain::seal_pending(&app.db, app.clock_now(), Some(&app.state.keys.audit_checkpoint)).await.unwrap()
}

pub(crate) async fn event(app: &TestApp, category: Category, action: &str, n: i64) {
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
            "GET /api/v1/customers/{id}/statement",
            "GET /api/v1/bills/{id}",
            "GET /api/v1/bills/{id}/original",
            "GET /api/v1/bills/{id}/pdf",
            "GET /api/v1/bills/export.csv",
            "GET /api/v1/bills/export.zip",
            "GET /api/v1/audit-events",
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
