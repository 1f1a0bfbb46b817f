//! GDPR export (issue 7 §6a): an owner asks for it, a job builds the ZIP with progress
//! stored as it goes, the owner is mailed a link, and the download is a valid ZIP
//! with the business's data as JSON and every issued document as PDF, UBL and CII.

use std::time::Duration;

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
};

#[tokio::test]
async fn an_owner_exports_all_data_as_a_zip_with_documents_and_is_mailed_a_link() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@export.example", "EUR").await;
    let mut issued = Vec::new();
    for _ in 0..2 {
        let id = new_draft(&app, &owner, &customer, "net").await;
        let lines = [["Ráðgjöf", "3", "120", "S", "24"]];
        assert_eq!(save_draft(&app, &owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
        issued.push(id);
    }
    let draft = new_draft(&app, &owner, &customer, "net").await;
    // Another business's data must not be in it.
    let other = new_client();
    set_up_business(&app, &other, "other@else.example", "EUR").await;

    assert_eq!(app.post_form(&owner, "/settings/export", &[]).await.status(), 303);
    let mail = app
        .smtp
        .wait_for_matching(1, |m| m.to == ["owner@export.example"] && m.body().contains("/settings/export"))
        .await
        .remove(0);
    assert!(mail.body().contains(&format!("{}/settings/export", app.address)), "{}", mail.body());

    let page = app.get(&owner, "/settings/export").await.text().await.unwrap();
    assert!(page.contains("data-export-status>Ready"), "{page}");
    let start = page.find("/settings/export/").unwrap();
    let link = page[start..].split('"').next().unwrap().to_owned();
    assert!(link.ends_with("/download"));
    // Not for another business, nor without a session.
    assert_eq!(app.get(&other, &link).await.status(), 404);
    assert_eq!(app.get(&new_client(), &link).await.status(), 303);

    let response = app.get(&owner, &link).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let path = app.data_dir.join("export.zip");
    std::fs::create_dir_all(&app.data_dir).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    // Python's zipfile checks every CRC and reads the central directory.
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import json,sys,zipfile\n\
             z=zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             inv=json.loads(z.read('data/invoices.json'))\n\
             print(len(inv))\n\
             print(json.loads(z.read('data/business.json'))['id'])\n\
             print(' '.join(sorted(i['id'] for i in inv)))\n\
             print(' '.join(sorted(n for n in z.namelist())))\n\
             for n in z.namelist():\n\
             \x20   if n.endswith('.pdf'): assert z.read(n).startswith(b'%PDF'), n\n\
             print(z.read('data/customers.json').decode())",
            path.to_str().unwrap(),
        ])
        .output()
        .expect("python3");
    let out = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(check.status.success(), "{out}{}", String::from_utf8_lossy(&check.stderr));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("3"), "two issued invoices and one draft");
    let (business_id,): (uuid::Uuid,) = sqlx::query_as(
        "SELECT m.business_id FROM business_members m JOIN users u ON u.id = m.user_id WHERE u.email = 'owner@export.example'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(lines.next(), Some(business_id.to_string().as_str()));
    let ids = lines.next().unwrap();
    for id in issued.iter().chain([&draft]) {
        assert!(ids.contains(id.as_str()), "{id} in {ids}");
    }
    let names = lines.next().unwrap();
    assert_eq!(names.matches(".pdf").count(), 2, "{names}");
    assert_eq!(names.matches(".ubl.xml").count(), 2, "{names}");
    assert_eq!(names.matches(".cii.xml").count(), 2, "{names}");
    for table in ["business_members", "customers", "products", "payments", "audit_events", "api_tokens"] {
        assert!(names.contains(&format!("data/{table}.json")), "{table}: {names}");
    }
    assert!(!names.contains("business_secrets"));
    assert!(!out.contains("other@else.example"), "another business's data");

    // The request, the build and the download are in the business's activity log.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let actions: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_events WHERE business_id = $1 AND action LIKE 'export.%' ORDER BY id")
            .bind(business_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(actions, ["export.requested", "export.ready", "export.download"]);
}

#[tokio::test]
async fn only_the_owner_may_export() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    app.log_in(&owner, "boss@firm.example").await;
    let invite =
        app.post_form(&owner, "/settings/members", &[("email", "staff@firm.example"), ("role", "member")]).await;
    assert_eq!(invite.status(), 200);
    let member = new_client();
    app.sign_in_and_join(&member, "staff@firm.example").await;
    assert_eq!(app.get(&member, "/settings/export").await.status(), 403);
    assert_eq!(app.post_form(&member, "/settings/export", &[]).await.status(), 403);
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM data_exports").fetch_one(&app.db).await.unwrap();
    assert_eq!(n, 0);
}

async fn customer_row(app: &TestApp, id: &str) -> (String, String, String, Option<time::OffsetDateTime>, String) {
    sqlx::query_as("SELECT name, email, address_line, erased_at, erasure_note FROM customers WHERE id = $1::uuid")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn erasing_a_customer_anonymises_drafts_keeps_issued_invoices_and_records_why() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@erase.example", "EUR").await;
    let (name, email, _, _, _) = customer_row(&app, &customer).await;
    assert!(!name.is_empty() && !email.is_empty());
    let issued = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Hönnun", "1", "500", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &issued, &customer, "EUR", &lines, "issue").await.status(), 303);
    let draft = new_draft(&app, &owner, &customer, "net").await;
    let pdf_before = app.get(&owner, &format!("/invoices/{issued}/pdf")).await.bytes().await.unwrap();

    assert_eq!(app.post_form(&owner, &format!("/customers/{customer}/erase"), &[]).await.status(), 303);
    // The issued invoice still names the customer, unchanged; the draft does not.
    let (_, _, _, erased_at, note) = customer_row(&app, &customer).await;
    assert!(erased_at.is_some() && note.contains("1 issued document"), "{note}");
    let (draft_customer,): (uuid::Uuid,) = sqlx::query_as("SELECT customer_id FROM invoices WHERE id = $1::uuid")
        .bind(&draft)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let copy = customer_row(&app, &draft_customer.to_string()).await;
    assert_eq!((copy.0.as_str(), copy.1.as_str(), copy.2.as_str()), ("—", "", ""));
    let draft_page = app.get(&owner, &format!("/invoices/{draft}")).await.text().await.unwrap();
    assert!(!draft_page.contains(&name), "the draft no longer shows the name");
    let pdf_after = app.get(&owner, &format!("/invoices/{issued}/pdf")).await;
    assert_eq!(pdf_after.status(), 200);
    assert_eq!(pdf_after.bytes().await.unwrap().len(), pdf_before.len(), "the issued document is unchanged");
    let list = app.get(&owner, "/customers").await.text().await.unwrap();
    assert!(!list.contains(&name), "hidden from the customer list");

    // Recorded with the reason, never the erased details; a second request changes nothing.
    assert_eq!(app.post_form(&owner, &format!("/customers/{customer}/erase"), &[]).await.status(), 303);
    let events: Vec<(String,)> = sqlx::query_as(
        "SELECT details::text FROM audit_events WHERE action = 'customer.erased' AND target = $1 ORDER BY id",
    )
    .bind(&customer)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(events.len(), 1, "the second request is a no-op");
    assert!(
        events[0].0.contains("bookkeeping law") && events[0].0.contains("\"issued_documents_kept\": 1"),
        "{}",
        events[0].0
    );
    assert!(!events.iter().any(|(d,)| d.contains(&name) || d.contains(&email)));
    let customers: (i64,) = sqlx::query_as("SELECT count(*) FROM customers").fetch_one(&app.db).await.unwrap();
    assert_eq!(customers.0, 2, "one copy only, even after the second request");

    // A customer with nothing issued is anonymised in place.
    let fresh = app
        .post_form(
            &owner,
            "/customers",
            &[
                ("kind", "person"),
                ("name", "Anna Jónsdóttir"),
                ("email", "anna@example.is"),
                ("country", "IS"),
                ("language", "is"),
                ("currency", "EUR"),
            ],
        )
        .await;
    assert_eq!(fresh.status(), 303);
    let (anna,): (uuid::Uuid,) =
        sqlx::query_as("SELECT id FROM customers WHERE email = 'anna@example.is'").fetch_one(&app.db).await.unwrap();
    assert_eq!(app.post_form(&owner, &format!("/customers/{anna}/erase"), &[]).await.status(), 303);
    let row = customer_row(&app, &anna.to_string()).await;
    assert_eq!((row.0.as_str(), row.1.as_str()), ("—", ""));
}

#[tokio::test]
async fn closing_removes_what_bookkeeping_does_not_need_keeps_issued_invoices_then_purges_them() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "closer@shop.example", "EUR").await;
    let issued = new_draft(&app, &owner, &customer, "net").await;
    let lines = [["Vinna", "2", "300", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &issued, &customer, "EUR", &lines, "issue").await.status(), 303);
    new_draft(&app, &owner, &customer, "net").await;
    let unused = app
        .post_form(
            &owner,
            "/customers",
            &[
                ("kind", "person"),
                ("name", "Unused Person"),
                ("email", "unused@example.is"),
                ("country", "IS"),
                ("language", "is"),
                ("currency", "EUR"),
            ],
        )
        .await;
    assert_eq!(unused.status(), 303);
    app.post_form(&owner, "/settings/api-tokens", &[("name", "Sync"), ("scope", "read")]).await;
    let (business_id, country): (uuid::Uuid, String) = sqlx::query_as(
        "SELECT b.id, b.country FROM businesses b JOIN business_members m ON m.business_id = b.id
         JOIN users u ON u.id = m.user_id WHERE u.email = 'closer@shop.example'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();

    // The business has its own SMS account (credentials stored, sealed).
    let sms = [("provider", "46elks"), ("account", "u0123"), ("secret", "closing-secret-1"), ("sender", "Closing")];
    assert_eq!(app.post_form(&owner, "/settings/sms", &sms).await.status(), 303);
    let sms_rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM business_sms_providers").fetch_one(&app.db).await.unwrap();
    assert_eq!(sms_rows, 1);

    // What it owns beyond invoices: a payment, an imported bank file, a received document
    // and an email (the purge below must take these too; their tables once kept it).
    assert_eq!(crate::invoicing::pay(&app, &owner, &issued, "100").await.status(), 303);
    for sql in [
        "INSERT INTO bank_imports (business_id, id, format, file_name, file_sha256, payments, matched, duplicates,
                                   imported_by, imported_at)
         VALUES ($1, gen_random_uuid(), 'camt053', 'day.xml', 'x', 0, 0, 0, 'test', now())",
        "INSERT INTO received_documents (business_id, id, received_at, source, file_name, original, sha256, format,
                                         validation, status, received_by)
         VALUES ($1, gen_random_uuid(), now(), 'email', 'a.xml', '\\x00', 'y', 'ubl', '[]', 'invalid', 'system')",
        "INSERT INTO received_emails (business_id, id, received_at, envelope_from, files)
         VALUES ($1, gen_random_uuid(), now(), 'a@b.example', '[]')",
    ] {
        sqlx::query(sql).bind(business_id).execute(&app.db).await.unwrap();
    }

    // Not without the confirmation.
    assert_eq!(app.post_form(&owner, "/settings/close", &[]).await.status(), 400);
    let page = app.get(&owner, "/settings/close").await.text().await.unwrap();
    let years = app.state.settings.gdpr.years_for(&country);
    assert!(page.contains(&format!("{years} years")), "{page}");
    let closed = app.post_form(&owner, "/settings/close", &[("confirm", "yes")]).await;
    assert_eq!((closed.status().as_u16(), closed.headers()["location"].to_str().unwrap()), (303, "/login"));
    assert_eq!(app.get(&owner, "/").await.headers()["location"], "/login", "the session is gone");

    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(business_id).fetch_one(&db).await.unwrap() }
    };
    assert_eq!(count("SELECT count(*) FROM invoices WHERE business_id = $1").await, 1, "only the issued invoice");
    assert_eq!(count("SELECT count(*) FROM customers WHERE business_id = $1").await, 1, "only its customer");
    assert_eq!(count("SELECT count(*) FROM api_tokens WHERE business_id = $1").await, 0);
    assert_eq!(count("SELECT count(*) FROM business_sms_providers WHERE business_id = $1").await, 0, "SMS keys go");
    assert_eq!(count("SELECT count(*) FROM business_members WHERE business_id = $1").await, 0);
    let (retain_until,): (time::Date,) = sqlx::query_as("SELECT retain_until FROM businesses WHERE id = $1")
        .bind(business_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let issue_year = app.clock_now().year();
    assert_eq!(retain_until.to_string(), format!("{}-12-31", issue_year + years as i32));

    // Signing in again opens a new, empty business, not the closed one.
    app.log_in(&owner, "closer@shop.example").await;
    let dashboard = app.get(&owner, "/invoices").await.text().await.unwrap();
    assert!(!dashboard.contains(&issued), "the closed business is hidden");

    // A second closure is a no-op.
    let again = fastfaktura::gdpr::closure::close_business(
        &app.db,
        &app.state.settings.gdpr,
        business_id,
        uuid::Uuid::new_v4(),
        &Default::default(),
        app.clock_now(),
    )
    .await
    .unwrap();
    assert!(matches!(again, fastfaktura::gdpr::closure::Closed::AlreadyClosed { .. }), "{again:?}");

    // The day before retain_until nothing is purged; the day after, everything is.
    let at = |d: time::Date| d.with_hms(12, 0, 0).unwrap().assume_utc();
    assert_eq!(fastfaktura::gdpr::closure::purge_expired(&app.db, at(retain_until)).await.unwrap(), 0);
    assert_eq!(count("SELECT count(*) FROM invoices WHERE business_id = $1").await, 1);
    let after = at(retain_until + time::Duration::days(1));
    assert_eq!(fastfaktura::gdpr::closure::purge_expired(&app.db, after).await.unwrap(), 1);
    assert_eq!(count("SELECT count(*) FROM invoices WHERE business_id = $1").await, 0);
    assert_eq!(count("SELECT count(*) FROM businesses WHERE id = $1").await, 0);
    for table in ["payments", "bank_imports", "received_documents", "received_emails"] {
        let rows: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table} WHERE business_id = $1")))
                .bind(business_id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(rows, 0, "{table} purged with the business");
    }
    let actions: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_events WHERE business_id = $1 AND action LIKE 'account.%' ORDER BY id",
    )
    .bind(business_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(actions, [("account.closed".to_owned(),), ("account.purged".to_owned(),)]);
    // Outside the purge, issued invoices still cannot be deleted.
    let other = new_client();
    let c2 = set_up_business(&app, &other, "keeper@shop.example", "EUR").await;
    let kept = new_draft(&app, &other, &c2, "net").await;
    assert_eq!(save_draft(&app, &other, &kept, &c2, "EUR", &lines, "issue").await.status(), 303);
    let err = sqlx::query("DELETE FROM invoices WHERE id = $1::uuid").bind(&kept).execute(&app.db).await.unwrap_err();
    assert!(err.to_string().contains("issued invoices cannot be deleted"), "{err}");
}
