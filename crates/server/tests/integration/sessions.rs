//! Server-side sessions: timeouts, logout everywhere (security criteria OTP-12).

use time::Duration;

use crate::helpers::{TestApp, new_client};

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes() {
    let app = TestApp::spawn().await;
    app.log_in(&app.client, "idle@example.com").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get(&app.client, "/").await.status(), 200, "activity at 29 min keeps it alive");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get(&app.client, "/").await.status(), 200);
    app.clock.advance(Duration::minutes(31));
    let response = app.get(&app.client, "/").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login");
}

#[tokio::test]
async fn a_session_ends_after_12_hours_however_active() {
    let app = TestApp::spawn().await;
    app.log_in(&app.client, "busy@example.com").await;
    for _ in 0..(12 * 3 - 1) {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(app.get(&app.client, "/").await.status(), 200);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(app.get(&app.client, "/").await.headers()["location"], "/login");
}

#[tokio::test]
async fn configured_timeouts_are_honoured() {
    let app = TestApp::spawn_with(|s| s.session.idle_timeout_minutes = 5).await;
    app.log_in(&app.client, "short@example.com").await;
    app.clock.advance(Duration::minutes(6));
    assert_eq!(app.get(&app.client, "/").await.headers()["location"], "/login");
}

#[tokio::test]
async fn log_out_everywhere_ends_every_session_of_the_user_only() {
    let app = TestApp::spawn().await;
    let laptop = new_client();
    let phone = new_client();
    let someone_else = new_client();
    app.log_in(&laptop, "many@example.com").await;
    app.log_in(&phone, "many@example.com").await;
    app.log_in(&someone_else, "else@example.com").await;
    let response = app.post_form(&laptop, "/logout/everywhere", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.get(&laptop, "/").await.headers()["location"], "/login");
    assert_eq!(app.get(&phone, "/").await.headers()["location"], "/login");
    assert_eq!(app.get(&someone_else, "/").await.status(), 200);
}

#[tokio::test]
async fn a_signed_in_user_visiting_login_goes_to_the_dashboard() {
    let app = TestApp::spawn().await;
    app.log_in(&app.client, "back@example.com").await;
    assert_eq!(app.get(&app.client, "/login").await.headers()["location"], "/");
}

#[tokio::test]
async fn over_https_cookies_are_host_prefixed_and_secure() {
    let app = TestApp::spawn_with(|s| s.public_base_url = Some("https://app.example.test".into())).await;
    let response = app.request_code(&app.client, "secure@example.com").await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-ff_challenge="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"), "__Host- cookies carry no Domain");
}
