//! The dashboard as the owner opens it: what needs attention (overdue, unsent, drafts),
//! money received per month and what is owed by age, drawn without script; and the
//! customer's page with their balance, documents, payments and account statement.

use time::Duration;

use reqwest::multipart::{Form, Part};

use crate::{
    bank_payments::{Credit, camt053},
    helpers::{TestApp, new_client, pdf_text},
    invoicing::{new_draft, pay, save_draft, set_up_business},
};

#[tokio::test]
async fn the_dashboard_says_what_needs_attention_and_charts_the_money() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@dashboard.example", "EUR").await;
    let empty = app.get(&owner, "/").await.text().await.unwrap();
    assert!(empty.contains("Nothing needs your attention"), "{empty}");

    // Two invoices issued 40 days ago (due after 14): one paid then, one still open.
    let start = app.clock_now();
    app.clock.set(start - Duration::days(40));
    let paid = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &paid, &customer, "EUR", &[["Design", "1", "100", "S", "24"]], "issue").await;
    assert_eq!(pay(&app, &owner, &paid, "124").await.status(), 303);
    let late = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &late, &customer, "EUR", &[["Design", "2", "100", "S", "24"]], "issue").await;
    app.clock.set(start);
    new_draft(&app, &owner, &customer, "net").await;

    let page = app.get(&owner, "/").await.text().await.unwrap();
    assert!(page.contains("1 overdue invoice"), "{page}");
    assert!(page.contains("2 issued documents not sent or shared yet"), "{page}");
    assert!(page.contains("1 draft waiting"), "{page}");
    assert!(page.contains(r#"data-chart="paid-EUR""#) && page.contains("124.00 EUR"), "{page}");
    let aging = page.split(r#"data-chart="aging-EUR""#).nth(1).unwrap();
    // 248.00 EUR is 26 days late (due 14 days after issue, 40 days ago).
    let late_row = aging.split("<tr>").find(|row| row.contains("1–30 days late")).unwrap();
    assert!(late_row.contains("248.00 EUR"), "{late_row}");
    assert!(page.contains("Latest documents"));
    assert!(!page.contains("<script"), "the charts need no script");

    // The customer's page: what they owe, their documents and their payments.
    let customer_page = app.get(&owner, &format!("/customers/{customer}")).await.text().await.unwrap();
    let overview = customer_page.split("data-customer-overview").nth(1).unwrap();
    assert!(overview.contains("<strong>248.00 EUR</strong>"), "the balance: {overview}");
    assert_eq!(overview.matches("data-customer-document").count(), 3, "two invoices and a draft");
    assert!(overview.contains("124.00 EUR") && overview.contains("Bank transfer"), "the payment: {overview}");
    assert!(customer_page.contains(r#"name="name""#), "the form is still there");
}

#[tokio::test]
async fn a_customer_statement_lists_every_entry_with_the_running_balance() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@statement.example", "EUR").await;
    let year = app.clock_now().year();
    let first = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &first, &customer, "EUR", &[["Design", "1", "100", "S", "24"]], "issue").await;
    assert_eq!(pay(&app, &owner, &first, "124").await.status(), 303);
    let second = new_draft(&app, &owner, &customer, "net").await;
    save_draft(&app, &owner, &second, &customer, "EUR", &[["Design", "2", "100", "S", "24"]], "issue").await;
    assert_eq!(pay(&app, &owner, &second, "48").await.status(), 303);
    new_draft(&app, &owner, &customer, "net").await;

    let page = app.get(&owner, &format!("/customers/{customer}")).await.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/customers/{customer}/statement""#)), "{page}");
    let response = app.get(&owner, &format!("/customers/{customer}/statement")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("inline; filename=\"statement-"));
    let text = pdf_text(&response.bytes().await.unwrap());
    for expected in [
        "STATEMENT".to_owned(),
        format!("Invoice {year}-0001"),
        format!("Invoice {year}-0002"),
        format!("Payment for {year}-0002"),
        "372.00".to_owned(),
        "Balance due".to_owned(),
        "200.00 EUR".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} missing from the statement: {text}");
    }
    assert_eq!(text.matches("Invoice ").count(), 2, "the draft is not on it: {text}");

    // Another business cannot read it.
    let stranger = new_client();
    set_up_business(&app, &stranger, "other@statement.example", "EUR").await;
    assert_eq!(app.get(&stranger, &format!("/customers/{customer}/statement")).await.status(), 404);
}

/// The dashboard's statement runs on the page pool (`db::page_read_pool`): without a
/// transaction, so its connection itself must refuse writes and plan generically.
#[tokio::test]
async fn the_dashboards_connection_only_reads_and_plans_generically() {
    use fastfaktura::db::replica::ReadAfter;
    let app = TestApp::spawn().await;
    let mut conn = app.state.reads.page_read(ReadAfter::Primary).await.unwrap();
    assert!(!conn.from_replica());
    let plan: String = sqlx::query_scalar("SHOW plan_cache_mode").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(plan, "force_generic_plan");
    let write = sqlx::query("CREATE TEMPORARY TABLE page_write (n int)").execute(&mut *conn).await;
    let refused = write.expect_err("a page read cannot write");
    assert_eq!(refused.as_database_error().and_then(|e| e.code()).as_deref(), Some("25006"), "{refused}");
    // The main pool is not affected: its statements keep PostgreSQL's own choice of plan.
    let main: String = sqlx::query_scalar("SHOW plan_cache_mode").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(main, "auto");
}

/// Requests the client gives up on at any point (here: timeouts from 1 to 40 ms) must not
/// leave a connection in the pool inside a transaction: writes on it would fail from then
/// on. (The dashboard once read in a transaction of its own; it still must not leave one.)
#[tokio::test]
async fn dashboards_abandoned_mid_way_leave_no_connection_inside_their_transaction() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "impatient@dashboard.example").await;
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
    for round in 0..4u64 {
        let abandoned = (1..=40u64).map(|ms| {
            let request = client.get(app.url("/")).timeout(std::time::Duration::from_millis(ms + round)).send();
            async move {
                let _ = request.await;
            }
        });
        futures::future::join_all(abandoned).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let stuck: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND state LIKE 'idle in transaction%' AND state_change < now() - interval '300 milliseconds'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stuck, 0, "no connection was left inside a transaction");
    // And the pool still serves writes: every connection is used by a burst of changes.
    let forms: Vec<[(&str, String); 2]> =
        (0..24).map(|n| [("name", format!("after {n}")), ("scope", "read".to_owned())]).collect();
    let changes = forms.iter().map(|form| client.post(app.url("/settings/api-tokens")).form(form).send());
    for response in futures::future::join_all(changes).await {
        assert_eq!(response.unwrap().status(), 200, "a write after the abandoned reads succeeds");
    }
}

/// The figures of a business with two currencies, invoices of every age, payments in
/// and out of the chart's six months, a partial credit note, a quote, drafts, a pending
/// invitation and a second business: each number the page shows, checked by hand.
#[tokio::test]
async fn the_dashboard_shows_each_figure_of_a_busy_business() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@figures.example", "EUR").await;
    let start = app.clock_now();
    let issue = |currency: &'static str, quantity: &'static str, days_ago: i64| {
        let (app, owner, customer) = (&app, &owner, &customer);
        async move {
            app.clock.set(start - Duration::days(days_ago));
            let id = new_draft(app, owner, customer, "net").await;
            let line = [["Design", quantity, "100", "S", "24"]];
            assert_eq!(save_draft(app, owner, &id, customer, currency, &line, "issue").await.status(), 303);
            id
        }
    };
    // Due 14 days after issue. A: 124 EUR, 24 paid the same day, long before the chart.
    let a = issue("EUR", "1", 200).await;
    assert_eq!(pay(&app, &owner, &a, "24").await.status(), 303);
    // B: 248 USD, 86 days late. C: 372 EUR, 72 paid, 56 days late.
    issue("USD", "2", 100).await;
    let c = issue("EUR", "3", 70).await;
    assert_eq!(pay(&app, &owner, &c, "72").await.status(), 303);
    // D: 124 EUR, 62 of it credited, 26 days late.
    let d = issue("EUR", "1", 40).await;
    let credit = app.post_form(&owner, &format!("/invoices/{d}/credit-note"), &[]).await;
    let credit = credit.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    let half = [["Design", "1", "50", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &credit, &customer, "EUR", &half, "issue").await.status(), 303);
    // E: 1,240 EUR, paid in full today. F: 12.40 USD, 2.40 paid today, not yet due.
    let e = issue("EUR", "10", 20).await;
    let f = issue("USD", "0.1", 0).await;
    assert_eq!(pay(&app, &owner, &e, "1240").await.status(), 303);
    assert_eq!(pay(&app, &owner, &f, "2.40").await.status(), 303);
    let quote = app.post_form(&owner, "/invoices", &[("customer_id", customer.as_str()), ("kind", "quote")]).await;
    let quote = quote.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    let website = [["Website", "1", "2000", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &quote, &customer, "EUR", &website, "issue").await.status(), 303);
    new_draft(&app, &owner, &customer, "net").await;
    new_draft(&app, &owner, &customer, "net").await;

    // Another business the owner joined, and one whose invitation waits.
    for (email, name) in [("second@figures.example", "Second ehf."), ("third@figures.example", "Third ehf.")] {
        let other = new_client();
        app.log_in(&other, email).await;
        let form = [("name", name), ("country", "IS"), ("default_currency", "ISK"), ("payment_terms_days", "14")];
        assert_eq!(app.post_form(&other, "/settings/business", &form).await.status(), 303);
        let invited =
            app.post_form(&other, "/settings/members", &[("email", "owner@figures.example"), ("role", "member")]);
        assert_eq!(invited.await.status(), 200);
        if name == "Second ehf." {
            let own_business = business_of(&app, "owner@figures.example").await;
            app.join_first_invitation(&owner).await;
            let back = own_business.to_string();
            assert_eq!(app.post_form(&owner, "/switch-business", &[("business_id", &back)]).await.status(), 303);
        }
    }

    // A bank payment nobody recognises, and a mail of A's that failed for good (how a
    // delivery fails is delivery.rs's subject; here only its row matters).
    let statement = camt053(
        "IS140159260076545510730339",
        &start.date().to_string(),
        &[Credit {
            amount: "5.00",
            currency: "EUR",
            reference: None,
            message: "who knows",
            payer: "Someone",
            bank_ref: "B-1",
        }],
    );
    let file = Part::bytes(statement.into_bytes()).file_name("statement.xml");
    let imported = owner.post(app.url("/bank/import")).multipart(Form::new().part("file", file)).send().await.unwrap();
    assert!(imported.status().is_success() || imported.status().is_redirection(), "{}", imported.status());
    sqlx::query(
        "INSERT INTO invoice_deliveries (business_id, id, invoice_id, channel, recipient, status, attempts, created_at)
         SELECT business_id, gen_random_uuid(), id, 'email', 'billing@acme.example', 'failed', 5, now()
           FROM invoices WHERE id = $1::uuid",
    )
    .bind(&a)
    .execute(&app.db)
    .await
    .unwrap();

    let page = app.get(&owner, "/").await.text().await.unwrap();
    let figure = |name: &str| {
        let marker = format!(r#"data-figure="{name}">"#);
        page.split(&marker).nth(1).and_then(|rest| rest.split('<').next()).unwrap_or_else(|| panic!("{name}: {page}"))
    };
    assert_eq!(figure("outstanding-EUR"), "462.00 EUR", "100 of A, 300 of C, 62 of D");
    assert_eq!(figure("overdue-EUR"), "462.00 EUR");
    assert_eq!(figure("paid-EUR"), "1,240.00 EUR");
    assert_eq!(figure("outstanding-USD"), "258.00 USD", "248 of B, 10 of F");
    assert_eq!(figure("overdue-USD"), "248.00 USD");
    assert_eq!(figure("paid-USD"), "2.40 USD");
    assert!(page.contains("4 overdue invoices"), "{page}");
    assert!(page.contains("6 issued documents not sent or shared yet"), "five invoices and the quote: {page}");
    assert!(page.contains("1 delivery failed; open the invoice to retry"), "{page}");
    assert!(page.contains("1 bank payment waits to be matched"), "{page}");
    assert!(page.contains("2 drafts waiting"), "{page}");
    let aging = |currency: &str| -> Vec<String> {
        let table = page.split(&format!(r#"data-chart="aging-{currency}""#)).nth(1).unwrap();
        let table = table.split("</table>").next().unwrap();
        table.split(r#"<td class="num">"#).skip(1).map(|cell| cell.split('<').next().unwrap().to_owned()).collect()
    };
    assert_eq!(aging("EUR"), ["0.00 EUR", "62.00 EUR", "300.00 EUR", "0.00 EUR", "100.00 EUR"]);
    assert_eq!(aging("USD"), ["10.00 USD", "0.00 USD", "0.00 USD", "248.00 USD", "0.00 USD"]);
    let chart = |currency: &str| -> Vec<String> {
        let svg = page.split(&format!(r#"data-chart="paid-{currency}""#)).nth(1).unwrap();
        let svg = svg.split("</svg>").next().unwrap();
        svg.split("<title>")
            .skip(1)
            .map(|t| t.split("</title>").next().unwrap().split(": ").nth(1).unwrap().to_owned())
            .collect()
    };
    let mut eur = vec!["0.00 EUR".to_owned(); 6];
    let months_back = |date: time::OffsetDateTime| {
        (start.year() - date.year()) * 12 + i32::from(u8::from(start.month())) - i32::from(u8::from(date.month()))
    };
    eur[5 - months_back(start - Duration::days(70)) as usize] = "72.00 EUR".to_owned();
    eur[5] = "1,240.00 EUR".to_owned();
    assert_eq!(chart("EUR"), eur, "24 EUR paid 200 days ago is before the chart");
    assert_eq!(chart("USD"), ["0.00 USD", "0.00 USD", "0.00 USD", "0.00 USD", "0.00 USD", "2.40 USD"]);
    let recent = page.split(r#"aria-label="Latest documents""#).nth(1).unwrap().split("</table>").next().unwrap();
    assert_eq!(recent.matches("<tr>").count(), 5, "{recent}");
    for id in [&quote, &f] {
        assert!(recent.contains(&format!("/invoices/{id}")), "{id}: {recent}");
    }
    assert!(page.contains("You have an invitation to answer."), "Third's, still open: {page}");
    assert!(page.contains("Switch to Second ehf.") && !page.contains("Switch to Third ehf."), "{page}");
    assert!(!page.contains("Switch to Fjörður"), "not the business it shows: {page}");
}

/// The business `email` owns.
async fn business_of(app: &TestApp, email: &str) -> uuid::Uuid {
    sqlx::query_scalar(
        "SELECT m.business_id FROM business_members m JOIN users u ON u.id = m.user_id
          WHERE u.email = $1 AND m.role = 'owner'",
    )
    .bind(email)
    .fetch_one(&app.db)
    .await
    .unwrap()
}
