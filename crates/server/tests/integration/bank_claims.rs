//! Icelandic bank claims as a business meets them, against the fake bank that speaks
//! the claims API (IOBWS 3): the owner connects the bank on Settings → Payments; an ISK
//! invoice to a customer with a kennitala becomes a claim in the payer's online bank
//! (printed on the PDF); paid there, the invoice turns paid by itself, once; paid
//! partly another way, the claim asks for the rest; credited, the claim is cancelled;
//! a bank that is down is retried.

use fastfaktura::jobs::worker::run_next;
use fastfaktura::payments::claims::poll;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{TestApp, new_client, pdf_text};
use crate::invoicing::{new_draft, pay, save_draft, set_up_business};
use crate::iobws_bank::{BankAccount, base_url};

async fn run_jobs(app: &TestApp) {
    while run_next(&app.worker).await.unwrap() {}
}

/// A customer with a kennitala, who can receive claims in their online bank.
async fn icelandic_customer(app: &TestApp, owner: &reqwest::Client) -> String {
    let created = app
        .post_form(
            owner,
            "/customers",
            &[
                ("kind", "business"),
                ("name", "Jón Jónsson ehf."),
                ("email", "jon@jon.example"),
                ("registration_id", "551073-0339"),
                ("address_line", "Hafnarstræti 5"),
                ("postal_code", "101"),
                ("city", "Reykjavík"),
                ("country", "IS"),
                ("language", "is"),
                ("currency", "ISK"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    sqlx::query_scalar::<_, Uuid>("SELECT id FROM customers WHERE name = 'Jón Jónsson ehf.'")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .to_string()
}

async fn issue(app: &TestApp, owner: &reqwest::Client, customer: &str, price: &str) -> String {
    let id = new_draft(app, owner, customer, "net").await;
    let issued = save_draft(app, owner, &id, customer, "ISK", &[["Vefhönnun", "1", price, "S", "24"]], "issue").await;
    assert_eq!(issued.status(), 303, "{}", issued.text().await.unwrap());
    id
}

async fn claim(app: &TestApp, invoice: &str) -> (String, Option<String>, Option<String>) {
    sqlx::query_as("SELECT state, claim_id, last_error FROM bank_claims WHERE invoice_id = $1::uuid")
        .bind(invoice)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn payments(app: &TestApp, invoice: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM payments WHERE invoice_id = $1::uuid")
        .bind(invoice)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// An Icelandic business (kennitala 590269-7199, its IBAN at bank 0159) with a customer
/// who has a kennitala, connected to its own account at the fake bank; jobs run only
/// when the test says (signing in runs them while it waits for its code mail).
async fn connected_business(email: &str) -> (TestApp, reqwest::Client, BankAccount, String) {
    let app = TestApp::spawn_with(|s| s.jobs.worker = false).await;
    let owner = new_client();
    let bank = BankAccount::with(json!({"claimantId": "5902697199"})).await;
    let pump = {
        let worker = app.worker.clone();
        tokio::spawn(async move {
            loop {
                let _ = run_next(&worker).await;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        })
    };
    set_up_business(&app, &owner, email, "ISK").await;
    pump.abort();
    let _ = pump.await;
    let customer = icelandic_customer(&app, &owner).await;
    (app, owner, bank, customer)
}

async fn connect(app: &TestApp, owner: &reqwest::Client, bank: &BankAccount) {
    let form = [("claims_api_url", base_url()), ("claims_template_code", "001"), ("iobws_token", bank.token.as_str())];
    assert_eq!(app.post_form(owner, "/settings/payments/claims", &form).await.status(), 303);
}

#[tokio::test]
async fn an_invoice_becomes_a_claim_in_the_online_bank_and_is_paid_there_once() {
    let (app, owner, bank, customer) = connected_business("owner@krafa.example").await;

    // A wrong address is refused at its field; the token is write-only.
    let bad = [("claims_api_url", "ftp://bank.example"), ("claims_template_code", "001"), ("iobws_token", "t")];
    let refused = app.post_form(&owner, "/settings/payments/claims", &bad).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("must start with https://"));
    connect(&app, &owner, &bank).await;
    let page = app.get(&owner, "/settings/payments").await.text().await.unwrap();
    assert!(page.contains("data-saved-claims-token") && !page.contains(&bank.token), "write-only");

    // Issued: the claim is on the PDF at once and reaches the bank through the job.
    let invoice = issue(&app, &owner, &customer, "10000").await;
    assert_eq!(claim(&app, &invoice).await.0, "pending");
    let pdf = pdf_text(&app.get(&owner, &format!("/invoices/{invoice}/pdf")).await.bytes().await.unwrap());
    assert!(pdf.contains("Krafa í netbanka") && pdf.contains("0159-66-000001"), "{pdf}");
    run_jobs(&app).await;
    let (state, claim_id, error) = claim(&app, &invoice).await;
    assert_eq!((state.as_str(), error), ("open", None));
    let claim_id = claim_id.unwrap();
    assert!(claim_id.starts_with("5902697199015966000001+"), "{claim_id}");
    let created: Vec<_> = bank.requests().await.into_iter().filter(|r| r["method"] == "POST").collect();
    assert_eq!(created.len(), 1, "{created:?}");

    // The customer pays it in their online bank: recorded once, however often we ask.
    let (status, _) = bank.pay(&claim_id, None).await;
    assert_eq!(status, 200);
    assert_eq!(poll(&app.worker).await.unwrap().recorded, 1);
    assert_eq!(poll(&app.worker).await.unwrap().recorded, 0);
    assert_eq!(payments(&app, &invoice).await, 1);
    let view = app.get(&owner, &format!("/invoices/{invoice}")).await.text().await.unwrap();
    assert!(view.contains(">Greitt<") || view.contains(">Paid<"), "{view}");
    assert_eq!(claim(&app, &invoice).await.0, "paid");
    assert!(view.contains("data-claim>Claim in your online bank: 0159-66-000001 · paid in the online bank"), "{view}");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'payment.recorded' AND actor_kind = 'system'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_claim_follows_its_invoice_and_a_bank_that_is_down_is_retried() {
    let (app, owner, bank, customer) = connected_business("owner@fylgir.example").await;
    connect(&app, &owner, &bank).await;

    // The bank is down when the claim is first sent: the job fails and is retried.
    let invoice = issue(&app, &owner, &customer, "20000").await;
    bank.fail_next(1, 503).await;
    run_jobs(&app).await;
    assert_eq!(claim(&app, &invoice).await.0, "pending", "still to be created");
    sqlx::query("UPDATE jobs SET run_at = now() WHERE status = 'pending'").execute(&app.db).await.unwrap();
    run_jobs(&app).await;
    assert_eq!(claim(&app, &invoice).await.0, "open");

    // Part paid by bank transfer: the claim now asks for the rest (24,800 - 4,800).
    assert_eq!(pay(&app, &owner, &invoice, "4800").await.status(), 303);
    run_jobs(&app).await;
    let amount: fastfaktura_domain::Decimal =
        sqlx::query_scalar("SELECT bank_amount FROM bank_claims WHERE invoice_id = $1::uuid")
            .bind(&invoice)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(amount, fastfaktura_domain::Decimal::from(20_000));
    // Credited in full: the claim leaves the payer's online bank.
    let credit = app.post_form(&owner, &format!("/invoices/{invoice}/credit-note"), &[]).await;
    let credit_id = credit.headers()["location"].to_str().unwrap().trim_start_matches("/invoices/").to_owned();
    let issued =
        save_draft(&app, &owner, &credit_id, &customer, "ISK", &[["Vefhönnun", "1", "20000", "S", "24"]], "issue")
            .await;
    assert_eq!(issued.status(), 303, "{}", issued.text().await.unwrap());
    run_jobs(&app).await;
    assert_eq!(claim(&app, &invoice).await.0, "cancelled");
    let patches: Vec<_> = bank.requests().await.into_iter().filter(|r| r["method"] == "PATCH").collect();
    assert_eq!(patches.len(), 2, "a new amount, then the cancellation: {patches:?}");
}

#[tokio::test]
async fn a_claim_key_taken_at_the_bank_is_ours_only_when_it_is_the_same_claim() {
    let (app, owner, bank, customer) = connected_business("owner@lykill.example").await;
    connect(&app, &owner, &bank).await;
    let key = |number: u64, due: time::Date| {
        fastfaktura_domain::ClaimKey::new(
            "5902697199",
            "0159",
            fastfaktura_domain::ClaimNumber::for_invoice(number).unwrap(),
            due,
        )
        .unwrap()
    };
    let due_of = |invoice: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, time::Date>("SELECT due_date FROM bank_claims WHERE invoice_id = $1::uuid")
                .bind(invoice)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let new_claim = |number: u64, due: time::Date, amount: i64| fastfaktura::integrations::iobws_claims::NewClaim {
        key: key(number, due),
        payor: "5510730339".into(),
        amount: fastfaktura_domain::Decimal::from(amount),
        final_due_date: due,
        template_code: "001".into(),
        reference: String::new(),
        bill_number: None,
        request_id: Uuid::new_v4(),
    };

    // The same claim is already there (our create's answer was lost): it is ours.
    let first = issue(&app, &owner, &customer, "1000").await;
    let due = due_of(first.clone()).await;
    bank.client().create_claim(&new_claim(1, due, 1240)).await.unwrap();
    run_jobs(&app).await;
    assert_eq!(claim(&app, &first).await.0, "open");

    // Another claim holds the key (other software): refused, and the page says why.
    let second = issue(&app, &owner, &customer, "2000").await;
    let due = due_of(second.clone()).await;
    bank.client().create_claim(&new_claim(2, due, 999)).await.unwrap();
    run_jobs(&app).await;
    let (state, _, error) = claim(&app, &second).await;
    assert_eq!(state, "failed");
    assert!(error.unwrap().contains("already has a claim with this number"));
    let view = app.get(&owner, &format!("/invoices/{second}")).await.text().await.unwrap();
    assert!(view.contains("refused by the bank"), "{view}");
}
