//! sqlmap on the main query parameters and forms: the invoice and customer lists (web
//! with a signed-in session, API with a token), the login and code forms, the customer
//! link path `/i/{token}` and the Stripe webhook path. For every target the test asserts
//! from sqlmap's output that each named parameter was tested and judged "not
//! injectable", and that no injection point was reported (its exit code says neither).

use std::process::Command;

use super::{SeededBusiness, run_tool, scratch_dir, seeded_business};
use crate::helpers::{TestApp, set_cookie};

/// One sqlmap run: the URL (with `*` marking a path injection point), optional POST
/// data and headers, and the parameters it must report on.
struct Target<'a> {
    url: String,
    data: Option<&'a str>,
    headers: Vec<String>,
    parameters: &'a [&'a str],
}

async fn sqlmap(target: Target<'_>) -> String {
    let dir = scratch_dir("sqlmap");
    let mut command = Command::new("sqlmap");
    command.current_dir(&dir).env("HOME", &dir);
    command.args([
        "-u",
        &target.url,
        "--batch",
        "--disable-coloring",
        "--flush-session",
        "--level",
        "1",
        "--risk",
        "1",
    ]);
    // We run PostgreSQL: other databases' payloads would only cost time.
    command.args(["--dbms", "PostgreSQL", "--output-dir"]).arg(dir.join("out"));
    if let Some(data) = target.data {
        command.args(["--data", data]);
    }
    for header in &target.headers {
        command.args(["-H", header]);
    }
    let named: Vec<&str> = target.parameters.iter().copied().filter(|p| !p.starts_with('#')).collect();
    if !named.is_empty() {
        command.args(["-p", &named.join(",")]);
    }
    let (_, output) = run_tool(command, "sqlmap").await;
    std::fs::remove_dir_all(&dir).ok();
    for found in ["identified the following injection point", "is vulnerable", "appears to be injectable"] {
        assert!(!output.contains(found), "sqlmap found an injection ({found}) at {}:\n{output}", target.url);
    }
    // It met the real pages: the session and the token were accepted throughout.
    assert!(!output.contains("401 (Unauthorized)"), "sqlmap was not signed in at {}:\n{output}", target.url);
    assert!(
        !output.contains("/login'. Do you want to follow"),
        "sqlmap was sent to the login page from {}:\n{output}",
        target.url
    );
    for parameter in target.parameters {
        assert!(
            output.contains(&format!("parameter '{parameter}' does not seem to be injectable")),
            "sqlmap did not test {parameter} at {}:\n{output}",
            target.url
        );
    }
    output
}

/// A second session of the business's owner, as the cookie value sqlmap sends.
async fn session_cookie(app: &TestApp, email: &str) -> String {
    let client = crate::helpers::new_client();
    let mail = app.request_code_mail(&client, email).await;
    let response = app.submit_code(&client, &mail.code()).await;
    set_cookie(&response, "ff_session").expect("a session cookie")
}

/// The issued invoice's customer link token, created the way the owner does.
async fn customer_link_token(app: &TestApp, business: &SeededBusiness) -> String {
    let created = app.post_form(&business.client, &format!("/invoices/{}/link", business.issued_id), &[]).await;
    assert_eq!(created.status(), 303);
    let page = app.get(&business.client, &format!("/invoices/{}", business.issued_id)).await.text().await.unwrap();
    let start = page.find("/i/").expect("the link is shown") + 3;
    page[start..start + 64].to_owned()
}

#[tokio::test]
async fn sqlmap_finds_nothing_injectable_in_the_main_parameters_and_forms() {
    // The sign-in limits are raised so sqlmap's hundreds of requests reach the code
    // behind them; the limits themselves are the hydra tests' subject.
    let app = TestApp::spawn_with(|s| {
        s.login.codes_per_email_15min = 10_000;
        s.login.codes_per_email_24h = 10_000;
        s.login.codes_per_ip_15min = 10_000;
        s.login.failures_per_email_24h = 10_000;
        s.login.failures_per_ip_hour = 10_000;
    })
    .await;
    let email = "sqlmap@seller.example";
    let business = seeded_business(&app, email).await;
    let session = format!("Cookie: ff_session={}", session_cookie(&app, email).await);
    let bearer = format!("Authorization: Bearer {}", business.token);
    let first_page: serde_json::Value = reqwest::Client::new()
        .get(app.url("/api/v1/invoices?limit=1"))
        .bearer_auth(&business.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = first_page["next_cursor"].as_str().expect("a second page").to_owned();
    let link = customer_link_token(&app, &business).await;
    let business_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM businesses").fetch_one(&app.db).await.unwrap();
    let login_client = crate::helpers::new_client();
    let challenge =
        set_cookie(&app.request_code(&login_client, "someone@buyer.example").await, "ff_challenge").unwrap();

    let targets = [
        Target {
            url: app.url("/invoices?q=Consulting&status=draft&page=1"),
            data: None,
            headers: vec![session.clone()],
            parameters: &["q", "status", "page"],
        },
        Target {
            url: app.url("/customers?q=K%C3%A4ufer&page=1"),
            data: None,
            headers: vec![session.clone()],
            parameters: &["q", "page"],
        },
        Target {
            url: app.url(&format!(
                "/api/v1/invoices?status=issued&customer_id={}&limit=10&cursor={cursor}",
                business.customer_id
            )),
            data: None,
            headers: vec![bearer.clone()],
            parameters: &["status", "customer_id", "limit", "cursor"],
        },
        Target {
            url: app.url("/api/v1/customers?q=K%C3%A4ufer&limit=10&offset=0"),
            data: None,
            headers: vec![bearer.clone()],
            parameters: &["q", "limit", "offset"],
        },
        Target {
            url: app.url("/login"),
            data: Some("email=buyer%40example.com"),
            headers: vec![],
            parameters: &["email"],
        },
        Target {
            url: app.url("/login/code"),
            data: Some("code=123456"),
            headers: vec![format!("Cookie: ff_challenge={challenge}")],
            parameters: &["code"],
        },
        Target { url: app.url(&format!("/i/{link}*")), data: None, headers: vec![], parameters: &["#1*"] },
        Target {
            url: app.url(&format!("/webhooks/stripe/{business_id}*")),
            data: Some("{}"),
            headers: vec!["Stripe-Signature: t=1,v1=00".into()],
            parameters: &["#1*"],
        },
    ];
    for target in targets {
        let started = std::time::Instant::now();
        let url = target.url.clone();
        sqlmap(target).await;
        eprintln!("sqlmap: {url} clean in {:.1} s", started.elapsed().as_secs_f64());
    }
}
