//! The admin payment log (`/admin/payments`): card payments, webhook events and
//! Checkout attempts of every business, filtered, paged and newest first, with
//! amounts in their currency and no Checkout URL on the page.

use time::Duration;
use uuid::Uuid;

use crate::{
    admin::enrolled_admin,
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
};

/// A business named `name` with one issued invoice; returns (business id, invoice id).
async fn business(app: &TestApp, name: &str, currency: &str) -> (Uuid, Uuid) {
    let owner = new_client();
    let email = format!("owner@{}.example", Uuid::new_v4().simple());
    let customer = set_up_business(app, &owner, &email, currency).await;
    let invoice = new_draft(app, &owner, &customer, "net").await;
    let lines: &[[&str; 5]] = &[["Work", "10", "85", "S", "24"]];
    assert_eq!(save_draft(app, &owner, &invoice, &customer, currency, lines, "issue").await.status(), 303);
    let invoice: Uuid = invoice.parse().unwrap();
    let id: Uuid = sqlx::query_scalar("SELECT business_id FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE businesses SET name = $2 WHERE id = $1").bind(id).bind(name).execute(&app.db).await.unwrap();
    (id, invoice)
}

#[tokio::test]
async fn the_payment_log_lists_card_payments_events_and_checkouts_filtered_and_paged() {
    let app = TestApp::spawn().await;
    let (admin, _, _) = enrolled_admin(&app, "paula").await;
    let (alpha, alpha_invoice) = business(&app, "Alpha Bakery", "EUR").await;
    let (beta, beta_invoice) = business(&app, "Beta Books", "ISK").await;
    let now = app.clock_now();
    let yesterday = now - Duration::days(1);
    // What the webhook handler writes (tests/integration/card_payments.rs drives it through Stripe).
    let insert_payment = "INSERT INTO payments (business_id, id, invoice_id, paid_on, amount, method, created_at, provider_ref, refunded)
                          VALUES ($1, $2, $3, $4, $5, 'card', $6, $7, $8)";
    for (business, invoice, amount, at, pi, refunded) in [
        (alpha, alpha_invoice, "850", yesterday, "pi_alpha_1", "100"),
        (beta, beta_invoice, "12500", now, "pi_beta_1", "0"),
    ] {
        sqlx::query(insert_payment)
            .bind(business)
            .bind(Uuid::new_v4())
            .bind(invoice)
            .bind(at.date())
            .bind(amount.parse::<fastfaktura_domain::Decimal>().unwrap())
            .bind(at)
            .bind(pi)
            .bind(refunded.parse::<fastfaktura_domain::Decimal>().unwrap())
            .execute(&app.db)
            .await
            .unwrap();
    }
    // 55 events for Alpha (more than a page), one for Beta.
    for n in 0..55 {
        let kind = if n % 2 == 0 { "payment_intent.succeeded" } else { "charge.refunded" };
        sqlx::query("INSERT INTO stripe_events (business_id, event_id, type, received_at, outcome) VALUES ($1, $2, $3, $4, 'recorded')")
            .bind(alpha)
            .bind(format!("evt_alpha_{n:02}"))
            .bind(kind)
            .bind(yesterday + Duration::minutes(n))
            .execute(&app.db)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO stripe_events (business_id, event_id, type, received_at, outcome) VALUES ($1, 'evt_beta', 'customer.created', $2, 'ignored: event type not used')")
        .bind(beta)
        .bind(now)
        .execute(&app.db)
        .await
        .unwrap();
    let secret_url = "https://checkout.stripe.example/c/pay/cs_test_SECRETLINK";
    sqlx::query("INSERT INTO stripe_checkouts (business_id, id, invoice_id, amount, currency, session_id, url, created_at) VALUES ($1, $2, $3, 850, 'EUR', 'cs_test_1', $4, $5)")
        .bind(alpha)
        .bind(Uuid::new_v4())
        .bind(alpha_invoice)
        .bind(secret_url)
        .bind(now)
        .execute(&app.db)
        .await
        .unwrap();

    // Card payments, newest first, amounts in their currency's decimals.
    let page = app.get(&admin, "/admin/payments").await.text().await.unwrap();
    assert_eq!(page.matches("data-payment").count(), 2, "{page}");
    let (beta_at, alpha_at) = (page.find("Beta Books").unwrap(), page.find("Alpha Bakery").unwrap());
    assert!(beta_at < alpha_at, "newest first");
    for shown in ["850.00 EUR", "100.00 EUR", "12500 ISK", "pi_alpha_1", "pi_beta_1"] {
        assert!(page.contains(shown), "{shown} missing");
    }
    let only_alpha = app.get(&admin, "/admin/payments?business=alpha").await.text().await.unwrap();
    assert_eq!(only_alpha.matches("data-payment").count(), 1);
    assert!(only_alpha.contains("pi_alpha_1") && !only_alpha.contains("pi_beta_1"));
    let by_id = app.get(&admin, &format!("/admin/payments?business={beta}")).await.text().await.unwrap();
    assert!(by_id.contains("pi_beta_1") && !by_id.contains("pi_alpha_1"));
    let today = now.date().to_string();
    let since_today = app.get(&admin, &format!("/admin/payments?from={today}")).await.text().await.unwrap();
    assert!(since_today.contains("pi_beta_1") && !since_today.contains("pi_alpha_1"));
    let until_yesterday =
        app.get(&admin, &format!("/admin/payments?to={}", yesterday.date())).await.text().await.unwrap();
    assert!(until_yesterday.contains("pi_alpha_1") && !until_yesterday.contains("pi_beta_1"));

    // Events: a page of 50 with a link to the older rest, filters by type or outcome.
    let events = app.get(&admin, "/admin/payments?view=events").await.text().await.unwrap();
    assert_eq!(events.matches("data-event").count(), 50);
    assert!(events.find("evt_beta").unwrap() < events.find("evt_alpha_54").unwrap());
    assert!(!events.contains("evt_alpha_04"), "the oldest are on page 2");
    assert!(events.contains("view=events&#38;page=2"), "{events}");
    let older = app.get(&admin, "/admin/payments?view=events&page=2").await.text().await.unwrap();
    assert_eq!(older.matches("data-event").count(), 6);
    assert!(older.contains("evt_alpha_00") && !older.contains("rel=\"next\""));
    let refunds = app.get(&admin, "/admin/payments?view=events&kind=charge.").await.text().await.unwrap();
    assert_eq!(refunds.matches("data-event").count(), 27);
    let ignored = app.get(&admin, "/admin/payments?view=events&kind=Ignored").await.text().await.unwrap();
    assert_eq!(ignored.matches("data-event").count(), 1);
    assert!(ignored.contains("evt_beta"));
    // LIKE wildcards typed by the operator match only themselves.
    let wildcard = app.get(&admin, "/admin/payments?view=events&kind=%25").await.text().await.unwrap();
    assert_eq!(wildcard.matches("data-event").count(), 0);

    // Checkouts: shown, their pay link never.
    let checkouts = app.get(&admin, "/admin/payments?view=checkouts").await.text().await.unwrap();
    assert_eq!(checkouts.matches("data-checkout").count(), 1);
    assert!(checkouts.contains("850.00 EUR") && checkouts.contains("open"));
    assert!(!checkouts.contains("SECRETLINK"));

    // Bad filters: a 400 that says what is wrong, with what was typed kept.
    for (query, says) in [
        ("from=24.11.2026", "YYYY-MM-DD"),
        ("from=2026-11-25&to=2026-11-24", "after the to date"),
        ("page=0", "whole number"),
        ("page=abc", "whole number"),
    ] {
        let response = app.get(&admin, &format!("/admin/payments?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        assert!(response.text().await.unwrap().contains(says), "{query}");
    }

    // Not for anyone without an admin session.
    let stranger = app.get(&new_client(), "/admin/payments").await;
    assert_eq!(stranger.headers()["location"], "/admin/login");
}
