//! Health, readiness and the behaviour of the service under bad input or outages.

use crate::helpers::TestApp;

#[tokio::test]
async fn health_and_readiness_report_ok() {
    let app = TestApp::spawn().await;
    let health = app.get(&app.client, "/healthz").await;
    assert_eq!(health.status(), 200);
    let ready = app.get(&app.client, "/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready\n");
    // With a database URL configured, no embedded cluster is started.
    assert!(!app.data_dir.join("postgres").exists());
}

#[tokio::test]
async fn pending_migrations_make_the_service_not_ready() {
    let app = TestApp::spawn().await;
    sqlx::query("DELETE FROM _sqlx_migrations").execute(&app.db).await.unwrap();
    let ready = app.get(&app.client, "/readyz").await;
    assert_eq!(ready.status(), 503);
    assert!(ready.text().await.unwrap().contains("migrations"));
}

#[tokio::test]
async fn a_database_outage_gives_503_and_a_friendly_page_never_a_panic() {
    let app = TestApp::spawn().await;
    app.request_code_mail(&app.client, "outage@example.com").await;
    // Close the application's pool (new queries fail at once, as in an outage); the
    // close itself completes only when borrowed connections come back, so don't wait.
    let pool = app.state.db.clone();
    tokio::spawn(async move { pool.close().await });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let ready = app.get(&app.client, "/readyz").await;
    assert_eq!(ready.status(), 503);
    let page = app.get(&app.client, "/login/code").await;
    assert_eq!(page.status(), 503);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.text().await.unwrap().contains("cannot reach its database"));
    let post = app.request_code(&app.client, "outage@example.com").await;
    assert_eq!(post.status(), 503);
    assert_eq!(app.get(&app.client, "/healthz").await.status(), 200, "the process itself is alive");
}

#[tokio::test]
async fn oversized_and_unreadable_bodies_get_clear_4xx_answers() {
    let app = TestApp::spawn().await;
    let huge = "a".repeat(200 * 1024);
    let response = app.request_code(&app.client, &huge).await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("too large"));
    let garbage = app
        .client
        .post(app.url("/login"))
        .header("content-type", "application/json")
        .body("{\"email\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    assert!(garbage.text().await.unwrap().contains("could not be read"));
    app.log_in(&app.client, "lists@example.com").await;
    let bad_page = app.get(&app.client, "/invoices?page=abc").await;
    assert_eq!(bad_page.status(), 400);
    assert!(bad_page.text().await.unwrap().contains("could not read"));
    let missing = app.get(&app.client, "/no/such/page").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn pages_carry_protective_headers() {
    let app = TestApp::spawn().await;
    let page = app.get(&app.client, "/login").await;
    let headers = page.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(headers["cache-control"], "no-store");
}
