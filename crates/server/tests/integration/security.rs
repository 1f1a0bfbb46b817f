//! Security headers on every kind of response, `security.txt`, and the Security and
//! Privacy pages generated from the configuration.

use crate::helpers::{TestApp, captured_logs, new_client};

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(get("content-security-policy"), CSP, "{what}: CSP");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("cross-origin-opener-policy"), "same-origin", "{what}");
    assert_eq!(get("cross-origin-resource-policy"), "same-origin", "{what}");
    assert!(get("permissions-policy").contains("camera=()"), "{what}: Permissions-Policy");
    assert!(["same-origin", "no-referrer"].contains(&get("referrer-policy").as_str()), "{what}: Referrer-Policy");
}

#[tokio::test]
async fn every_page_type_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let anonymous = new_client();
    let cases = [
        ("/login", 200, "an HTML page"),
        ("/", 303, "a redirect"),
        ("/no-such-page", 404, "an error page"),
        ("/api/v1/invoices", 401, "an API error"),
        ("/healthz", 200, "a health check"),
        ("/i/not-a-token", 404, "a customer page miss"),
        ("/security", 200, "the Security page"),
        ("/privacy", 200, "the Privacy page"),
    ];
    for (path, status, what) in cases {
        let response = app.get(&anonymous, path).await;
        assert_eq!(response.status(), status, "{what} ({path})");
        assert_security_headers(&response, what);
        assert!(response.headers().get("strict-transport-security").is_none(), "no HSTS over plain http");
    }
    // A signed-in page, and a refused cross-origin form post.
    let client = new_client();
    app.log_in(&client, "headers@example.com").await;
    let response = app.get(&client, "/").await;
    assert_eq!(response.status(), 200);
    assert_security_headers(&response, "the dashboard");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let response = client.post(app.url("/logout")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert_security_headers(&response, "a refused cross-origin post");
}

#[tokio::test]
async fn pages_need_no_inline_style_and_the_stylesheet_is_cached() {
    let app = TestApp::spawn().await;
    let client = new_client();
    for page in ["/admin/login", "/security"] {
        let other = app.get(&client, page).await.text().await.unwrap();
        assert!(!other.contains("<style") && !other.contains("style="), "{page}: inline style would be blocked");
        assert!(other.contains("/static/app.css?v="), "{page} links the stylesheet");
    }
    let html = app.get(&client, "/login").await.text().await.unwrap();
    assert!(!html.contains("<style") && !html.contains("style="), "inline style would need 'unsafe-inline'");
    assert!(!html.contains("<script"), "no script at all");
    let href = html.split("<link rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(href.starts_with("/static/app.css?v="), "{href}");
    let css = app.get(&client, &href).await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_security_headers(&css, "the stylesheet");
    assert!(css.text().await.unwrap().contains("--accent"));
}

#[tokio::test]
async fn security_txt_follows_rfc_9116_from_the_settings() {
    let expires = (time::OffsetDateTime::now_utc() + time::Duration::days(180))
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let app = TestApp::spawn_with(|s| {
        s.public_base_url = Some("https://app.fastfaktura.test".into());
        s.security_txt.contact = vec!["security@fastfaktura.test".into(), "https://fastfaktura.test/report".into()];
        s.security_txt.expires = Some(expires.clone());
    })
    .await;
    let client = new_client();
    let response = app.get(&client, "/.well-known/security.txt").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    assert_security_headers(&response, "security.txt");
    let text = response.text().await.unwrap();
    let fields: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once(": ").expect("field: value"))
        .collect();
    let all = |name: &str| fields.iter().filter(|(n, _)| *n == name).map(|(_, v)| *v).collect::<Vec<_>>();
    assert_eq!(all("Contact"), ["mailto:security@fastfaktura.test", "https://fastfaktura.test/report"]);
    assert_eq!(all("Expires").len(), 1, "exactly one Expires");
    let parsed =
        time::OffsetDateTime::parse(all("Expires")[0], &time::format_description::well_known::Rfc3339).unwrap();
    let left = parsed - time::OffsetDateTime::now_utc();
    assert!(left > time::Duration::days(30) && left < time::Duration::days(365), "{left}");
    assert_eq!(all("Canonical"), ["https://app.fastfaktura.test/.well-known/security.txt"]);
    assert_eq!(all("Policy"), ["https://app.fastfaktura.test/security"]);
    assert_eq!(all("Preferred-Languages"), ["en, is"]);
    let legacy = app.get(&client, "/security.txt").await;
    assert_eq!(legacy.status(), 308);
    assert_eq!(legacy.headers()["location"], "/.well-known/security.txt");

    // Without a contact there is no file.
    let bare = TestApp::spawn().await;
    assert_eq!(bare.get(&client, "/.well-known/security.txt").await.status(), 404);
}

#[tokio::test]
async fn the_security_page_states_what_this_deployment_does() {
    let plain = TestApp::spawn().await;
    let client = new_client();
    let page = plain.get(&client, "/security").await.text().await.unwrap();
    assert!(page.contains("does not encrypt traffic"), "plain http must say so");
    assert!(!page.contains("HSTS"), "no HSTS promise without HTTPS");
    assert!(page.contains("has not configured a security contact"));

    let proxied = TestApp::spawn_with(|s| {
        s.public_base_url = Some("https://app.fastfaktura.test".into());
        s.tls.hsts_preload = false;
        s.session.idle_timeout_minutes = 17;
        s.security_txt.contact = vec!["security@fastfaktura.test".into()];
        s.security_txt.expires = Some(
            (time::OffsetDateTime::now_utc() + time::Duration::days(90))
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap(),
        );
    })
    .await;
    let response = proxied.get(&client, "/security").await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains",
        "behind an https proxy our responses carry HSTS, preload as configured"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("terminated by the operator"), "{page}");
    assert!(page.contains("730 days") && page.contains("every subdomain") && !page.contains("preload list"));
    assert!(page.contains("17 minutes"));
    assert!(page.contains("security@fastfaktura.test"));
    let icelandic = client.get(proxied.url("/security")).header("accept-language", "is").send().await.unwrap();
    let page = icelandic.text().await.unwrap();
    assert!(page.contains("<html lang=\"is\">") && page.contains("Öryggi") && page.contains("17 mínútur"));
    let privacy = client.get(proxied.url("/privacy")).header("accept-language", "is").send().await.unwrap();
    assert!(privacy.text().await.unwrap().contains("Persónuvernd"));
}

/// security.txt lapsing within 30 days: the service warns at start, naming the setting.
#[tokio::test]
async fn security_txt_expiry_is_warned_about() {
    let expires = time::OffsetDateTime::now_utc() + time::Duration::days(11) + time::Duration::hours(12);
    let shown = expires.format(&time::format_description::well_known::Rfc3339).unwrap();
    let _app = TestApp::spawn_with(|s| {
        s.security_txt.contact = vec!["security@fastfaktura.test".into()];
        s.security_txt.expires = Some(shown.clone());
    })
    .await;
    let expected =
        format!("security.txt expires on {} (11 days left): set security_txt.expires to a new date", expires.date());
    let mut logged = false;
    for _ in 0..100 {
        logged = captured_logs().lines().any(|l| l.contains(&expected) && l.contains("security_txt.expires"));
        if logged {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(logged, "no warning {expected:?} in the log");
}
