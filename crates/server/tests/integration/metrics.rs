//! `/metrics` as a Prometheus scraper meets it (issue 22 item 2): only with the bearer
//! token, on the admin listener; after real requests, an invoice delivered by email,
//! jobs, a quota refusal and a rejected webhook, the exposition parses with the
//! official Prometheus Python client's parser and says what happened, and no label
//! carries an id, a path a client typed or the token.

use std::{collections::BTreeMap, io::Write, process::Stdio, time::Duration};

use serde::Deserialize;

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
    tls::{TestPki, https_client, temp_dir},
};

const TOKEN: &str = "scrape-token-0123456789abcdef0123456789";

#[derive(Debug, Deserialize)]
struct Family {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    samples: Vec<Sample>,
}

#[derive(Debug, Deserialize)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The exposition as the Prometheus client's parser reads it (tests/metrics/parse.py).
fn parse(exposition: &str) -> Vec<Family> {
    let script = format!("{}/tests/metrics/parse.py", env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (scripts/install-deps installs prometheus_client)");
    child.stdin.take().unwrap().write_all(exposition.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the parser refused the exposition: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn family<'a>(families: &'a [Family], name: &str, kind: &str) -> &'a Family {
    let family = families.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no family {name}"));
    assert_eq!(family.kind, kind, "{name}");
    family
}

/// The value of the sample `name` whose labels include all of `labels`.
fn value(families: &[Family], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    families
        .iter()
        .flat_map(|f| &f.samples)
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|s| s.value)
}

async fn scrape(client: &reqwest::Client, url: &str) -> Vec<Family> {
    let response = client.get(url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    parse(&response.text().await.unwrap())
}

#[tokio::test]
async fn scrape_with_the_token_after_requests_a_delivery_and_jobs() {
    let app = TestApp::spawn_with(|s| {
        s.admin.listen = Some("127.0.0.1:0".parse().unwrap());
        s.metrics.token = Some(fastfaktura::config::Secret::new(TOKEN));
        // Sealing is driven by hand below, to see the lag before and after.
        s.audit.background = false;
    })
    .await;
    let console = app.admin_address.clone().expect("the admin listener is bound");
    let metrics_url = format!("{console}/metrics");
    let scraper = reqwest::Client::new();

    // Only with the token, and only on the admin listener.
    assert_eq!(scraper.get(&metrics_url).send().await.unwrap().status(), 401);
    let wrong = scraper.get(&metrics_url).bearer_auth("scrape-token-0123456789abcdef0123456788").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.headers()["www-authenticate"], "Bearer realm=\"metrics\"");
    let basic = scraper.get(&metrics_url).basic_auth("prometheus", Some(TOKEN)).send().await.unwrap();
    assert_eq!(basic.status(), 401, "the token only as a bearer token");
    let public = scraper.get(app.url("/metrics")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(public.status(), 404, "not on the public listener when the console has its own");

    // An invoice issued and delivered by email (a job), then a second send refused by a
    // quota of one email a day.
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@metrics.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Ráðgjöf", "2", "500", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    let send = [("send_email", "1"), ("recipient", "billing@acme.example")];
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/send"), &send).await.status(), 303);
    assert_eq!(app.get(&owner, "/").await.status(), 200, "the dashboard, from the page pool");
    let is_invoice = |m: &crate::smtp_sink::ReceivedMail| m.to.iter().any(|t| t == "billing@acme.example");
    app.smtp.wait_for_matching(1, is_invoice).await;
    let business_id: uuid::Uuid = sqlx::query_scalar("SELECT business_id FROM invoices WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO business_quotas (business_id, kind, per_day, set_by, set_at) VALUES ($1, 'email', 1, 'test', now())",
    )
    .bind(business_id)
    .execute(&app.db)
    .await
    .unwrap();
    let refused = app.post_form(&owner, &format!("/invoices/{id}/send"), &send).await;
    assert_ne!(refused.status(), 303, "the second email of the day is refused");
    // An unsigned Stripe webhook (rejected), a page by id, and paths no route matches.
    let webhook =
        new_client().post(app.url(&format!("/webhooks/stripe/{business_id}"))).body("{}").send().await.unwrap();
    assert_eq!(webhook.status(), 400);
    assert_eq!(app.get(&owner, &format!("/invoices/{id}")).await.status(), 200);
    let typed = format!("/no-such-page/{}", uuid::Uuid::new_v4());
    assert_eq!(app.get(&owner, &typed).await.status(), 404);
    // Shared state the scrape reads from PostgreSQL: a job waiting for five minutes
    // (due later, so the worker leaves it), and a backup that finished two hours ago.
    sqlx::query(
        "INSERT INTO jobs (kind, payload, max_attempts, run_at, created_at)
         VALUES ('build_export', '{}', 3, now() + interval '1 hour', now() - interval '5 minutes')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let finished = app.clock_now() - time::Duration::hours(2);
    sqlx::query(
        "INSERT INTO backup_runs (kind, trigger, status, backup_id, started_at, finished_at)
         VALUES ('backup', 'cli', 'succeeded', 'b1', $1, $1)",
    )
    .bind(finished)
    .execute(&app.db)
    .await
    .unwrap();
    // The delivery job is recorded as finished once the worker has stored its outcome.
    for _ in 0..100 {
        let open: i64 =
            sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'deliver_invoice' AND status <> 'done'")
                .fetch_one(&app.db)
                .await
                .unwrap();
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let families = scrape(&scraper, &metrics_url).await;
    family(&families, "fastfaktura_http_request_duration_seconds", "histogram");
    let page = [("method", "GET"), ("route", "/invoices/{id}"), ("status", "200")];
    assert!(value(&families, "fastfaktura_http_request_duration_seconds_count", &page).unwrap() >= 1.0);
    let inf = [("method", "GET"), ("route", "/invoices/{id}"), ("status", "200"), ("le", "+Inf")];
    assert_eq!(
        value(&families, "fastfaktura_http_request_duration_seconds_bucket", &inf),
        value(&families, "fastfaktura_http_request_duration_seconds_count", &page),
        "every request is in the +Inf bucket"
    );
    let sent = [("method", "POST"), ("route", "/invoices/{id}/send"), ("status", "303")];
    assert_eq!(value(&families, "fastfaktura_http_request_duration_seconds_count", &sent), Some(1.0));
    let unmatched = [("method", "GET"), ("route", "unmatched"), ("status", "404")];
    assert!(value(&families, "fastfaktura_http_request_duration_seconds_count", &unmatched).unwrap() >= 1.0);
    let webhook_route = [("route", "/webhooks/stripe/{business_id}"), ("status", "400")];
    assert_eq!(value(&families, "fastfaktura_http_request_duration_seconds_count", &webhook_route), Some(1.0));

    family(&families, "fastfaktura_deliveries", "counter");
    let email_sent = [("channel", "email"), ("outcome", "sent")];
    assert_eq!(value(&families, "fastfaktura_deliveries_total", &email_sent), Some(1.0));
    assert_eq!(value(&families, "fastfaktura_quota_refusals_total", &[("kind", "email")]), Some(1.0));
    let rejected = [("source", "stripe"), ("outcome", "rejected")];
    assert_eq!(value(&families, "fastfaktura_webhooks_total", &rejected), Some(1.0));
    let delivered = [("kind", "deliver_invoice"), ("outcome", "done")];
    assert_eq!(value(&families, "fastfaktura_jobs_finished_total", &delivered), Some(1.0));

    family(&families, "fastfaktura_jobs_queued", "gauge");
    for kind in fastfaktura::jobs::Job::KINDS {
        assert!(value(&families, "fastfaktura_jobs_queued", &[("kind", kind)]).is_some(), "{kind} is listed");
    }
    assert_eq!(value(&families, "fastfaktura_jobs_queued", &[("kind", "build_export")]), Some(1.0));
    let oldest = value(&families, "fastfaktura_jobs_oldest_age_seconds", &[("kind", "build_export")]).unwrap();
    assert!((299.0..400.0).contains(&oldest), "{oldest}");
    assert_eq!(value(&families, "fastfaktura_jobs_queued", &[("kind", "deliver_invoice")]), Some(0.0));
    let backup_age = value(&families, "fastfaktura_backup_age_seconds", &[]).unwrap();
    assert!((7199.0..7300.0).contains(&backup_age), "{backup_age}");

    let in_use = value(&families, "fastfaktura_db_pool_connections", &[("state", "in_use")]).unwrap();
    let idle = value(&families, "fastfaktura_db_pool_connections", &[("state", "idle")]).unwrap();
    assert!(in_use + idle >= 1.0 && in_use <= 20.0, "{in_use} {idle}");
    assert_eq!(value(&families, "fastfaktura_db_pool_max_connections", &[]), Some(20.0));
    // The dashboard's pool beside it, a quarter of the limit; the view above opened it.
    assert_eq!(value(&families, "fastfaktura_db_page_pool_max_connections", &[]), Some(5.0));
    let pages =
        ["in_use", "idle"].map(|state| value(&families, "fastfaktura_db_page_pool_connections", &[("state", state)]));
    assert!(matches!(pages, [Some(in_use), Some(idle)] if in_use + idle >= 1.0), "{pages:?}");
    assert_eq!(value(&families, "fastfaktura_http_requests_in_flight", &[]), Some(1.0), "the scrape itself");
    assert_eq!(value(&families, "fastfaktura_shared_readings_ok", &[]), Some(1.0));
    assert!(value(&families, "fastfaktura_tls_certificate_days_left", &[]).is_none(), "no TLS, no certificate");

    // The audit log's events wait for the sealer; once it has run, nothing is left.
    let unsealed = value(&families, "fastfaktura_audit_unsealed_events", &[]).unwrap();
    assert!(unsealed >= 3.0, "sign-in, dispatch, quota refusal: {unsealed}");
    assert!(value(&families, "fastfaktura_audit_seal_lag_seconds", &[]).unwrap() >= 0.0);
    app.clock.advance(time::Duration::seconds(30));
    let report =
        fastfaktura::audit::chain::seal_pending(&app.db, app.clock_now(), Some(&app.state.keys.audit_checkpoint))
            .await
            .unwrap();
    assert!(report.sealed >= 3);
    let families = scrape(&scraper, &metrics_url).await;
    assert_eq!(value(&families, "fastfaktura_audit_unsealed_events", &[]), Some(0.0));
    assert_eq!(value(&families, "fastfaktura_audit_seal_lag_seconds", &[]), Some(0.0));

    // Every metric the Grafana dashboard queries is one we expose.
    let dashboard =
        std::fs::read_to_string(format!("{}/../../docs/grafana-dashboard.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let queried: std::collections::BTreeSet<&str> = dashboard
        .match_indices("fastfaktura_")
        .map(|(at, _)| {
            let rest = &dashboard[at..];
            &rest[..rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len())]
        })
        .filter(|name| *name != "fastfaktura_" && !name.starts_with("fastfaktura_overview"))
        .collect();
    assert!(queried.len() >= 10, "{queried:?}");
    for name in queried {
        let exposed = name == "fastfaktura_tls_certificate_days_left"
            || families.iter().any(|f| f.samples.iter().any(|s| s.name == name));
        assert!(exposed, "the dashboard queries {name}, which is not exposed");
    }

    // No label holds an id, a path someone typed, an address or the token.
    let forbidden = [id.as_str(), &business_id.to_string(), &typed, "no-such-page", "acme.example", TOKEN];
    for sample in families.iter().flat_map(|f| &f.samples) {
        for (name, label) in &sample.labels {
            assert!(
                !forbidden.iter().any(|f| label.contains(f)),
                "{}{{{name}={label:?}}} carries something it must not",
                sample.name
            );
            assert!(label.len() <= 64, "{}: {label}", sample.name);
        }
    }
}

#[tokio::test]
async fn without_a_token_or_with_metrics_off_there_is_no_endpoint() {
    let app = TestApp::spawn().await;
    assert_eq!(new_client().get(app.url("/metrics")).bearer_auth(TOKEN).send().await.unwrap().status(), 404);

    let off = TestApp::spawn_with(|s| {
        s.metrics.enabled = false;
        s.metrics.token = Some(fastfaktura::config::Secret::new(TOKEN));
    })
    .await;
    assert_eq!(new_client().get(off.url("/metrics")).bearer_auth(TOKEN).send().await.unwrap().status(), 404);
    let error = TestApp::build_error(|s| s.metrics.token = Some(fastfaktura::config::Secret::new("short"))).await;
    assert!(error.contains("metrics.token") && !error.contains("short"), "{error}");
}

#[tokio::test]
async fn the_certificate_in_use_has_its_days_left() {
    let dir = temp_dir("metrics");
    let pki = TestPki::new(&dir);
    let (cert, key) = (pki.cert.clone(), pki.key.clone());
    // No admin listener: /metrics is on the public one, over HTTPS.
    let app = TestApp::spawn_with(move |s| {
        s.tls.mode = fastfaktura::config::TlsMode::Files;
        s.tls.cert_file = Some(cert);
        s.tls.key_file = Some(key);
        s.metrics.token = Some(fastfaktura::config::Secret::new(TOKEN));
    })
    .await;
    let families = scrape(&https_client(&pki.ca_pem), &app.url("/metrics")).await;
    family(&families, "fastfaktura_tls_certificate_days_left", "gauge");
    let days = value(&families, "fastfaktura_tls_certificate_days_left", &[]).unwrap();
    // rcgen's default validity runs to 4096-01-01.
    assert!(days > 365.0 * 2000.0, "{days}");
    // A scrape is measured like any request, under its route (seen by the next scrape).
    let again = scrape(&https_client(&pki.ca_pem), &app.url("/metrics")).await;
    let scrapes = [("method", "GET"), ("route", "/metrics"), ("status", "200")];
    assert_eq!(value(&families, "fastfaktura_http_request_duration_seconds_count", &scrapes), None);
    assert_eq!(value(&again, "fastfaktura_http_request_duration_seconds_count", &scrapes), Some(1.0));
}

#[tokio::test]
async fn in_a_database_outage_the_instance_still_reports_its_own_figures() {
    let app = TestApp::spawn_with(|s| s.metrics.token = Some(fastfaktura::config::Secret::new(TOKEN))).await;
    let scraper = reqwest::Client::new();
    assert_eq!(app.get(&app.client, "/healthz").await.status(), 200);
    // Close the application's pool, as the outage test in service.rs does.
    let pool = app.state.db.clone();
    tokio::spawn(async move { pool.close().await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.get(&app.client, "/readyz").await.status(), 503);
    let families = scrape(&scraper, &app.url("/metrics")).await;
    assert_eq!(value(&families, "fastfaktura_shared_readings_ok", &[]), Some(0.0));
    assert!(value(&families, "fastfaktura_jobs_queued", &[("kind", "send_email")]).is_none(), "not a made-up 0");
    assert!(value(&families, "fastfaktura_audit_seal_lag_seconds", &[]).is_none());
    let ready = [("method", "GET"), ("route", "/readyz"), ("status", "503")];
    assert_eq!(value(&families, "fastfaktura_http_request_duration_seconds_count", &ready), Some(1.0));
    assert!(value(&families, "fastfaktura_db_pool_max_connections", &[]).is_some());
}

#[tokio::test]
async fn a_request_that_waits_for_a_connection_is_measured_as_waiting() {
    let app = TestApp::spawn_with(|s| {
        s.metrics.token = Some(fastfaktura::config::Secret::new(TOKEN));
        s.database.max_connections = 2;
        s.database.acquire_timeout_seconds = 30;
        // Nothing in the background takes a connection meanwhile.
        s.jobs.worker = false;
        s.audit.background = false;
    })
    .await;
    let scraper = reqwest::Client::new();
    let waits = |families: &[Family], le: &str| {
        value(families, "fastfaktura_db_pool_acquire_seconds_bucket", &[("le", le)]).unwrap_or_else(|| panic!("{le}"))
    };
    let before = scrape(&scraper, &app.url("/metrics")).await;
    family(&before, "fastfaktura_db_pool_acquire_seconds", "histogram");
    let slow_before = waits(&before, "+Inf") - waits(&before, "0.25");

    // The test holds every connection of the instance's pool (its own checkouts are not
    // the instance's), so the readiness check queues for one until they are let go.
    let pool = app.state.db.clone();
    let mut held = Vec::new();
    while held.len() < 2 {
        held.push(pool.acquire().await.unwrap());
    }
    let url = app.url("/readyz");
    let waiting = tokio::spawn(async move { reqwest::get(url).await.unwrap().status() });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!waiting.is_finished(), "the request waits for a connection");
    drop(held);
    assert_eq!(waiting.await.unwrap(), 200);

    let after = scrape(&scraper, &app.url("/metrics")).await;
    let slow_after = waits(&after, "+Inf") - waits(&after, "0.25");
    // The request reached the pool a little after the test began to wait: its checkout
    // waited nearly the 0.4 s, and at least the 0.25 s of a bucket boundary.
    assert_eq!(slow_after - slow_before, 1.0, "one checkout waited longer than 0.25 s");
    let count = |f: &[Family]| value(f, "fastfaktura_db_pool_acquire_seconds_count", &[]).unwrap();
    assert!(count(&after) >= count(&before) + 2.0, "the readiness check's and the scrape's checkouts");
    let sum = |f: &[Family]| value(f, "fastfaktura_db_pool_acquire_seconds_sum", &[]).unwrap();
    assert!(sum(&after) - sum(&before) >= 0.25, "{} {}", sum(&before), sum(&after));
}
