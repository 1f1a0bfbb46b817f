//! Getting paid the Nordic way, as users in each country meet it: the invoice carries
//! its national reference (KID, viitenumero) on the PDF, the customer page and the
//! API; the bank's statement, uploaded or posted, records each payment with a known
//! reference on its invoice once; the rest wait with suggestions, are matched with one
//! click, and an owner can undo; bad files change nothing and say why.

use fastfaktura_domain::{FinnishReference, Kid, KidMethod};
use reqwest::{
    Method,
    multipart::{Form, Part},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::api::call;
use crate::helpers::{TestApp, new_client, pdf_text};
use crate::invoicing::{new_draft, save_draft};

/// One booked credit in a generated statement.
pub(crate) struct Credit<'a> {
    pub amount: &'a str,
    pub currency: &'a str,
    pub reference: Option<&'a str>,
    pub message: &'a str,
    pub payer: &'a str,
    /// The bank's own reference (AcctSvcrRef), unique per entry.
    pub bank_ref: &'a str,
}

/// A camt.053.001.08 statement for `iban` with `credits`, as a Nordic bank writes it.
pub(crate) fn camt053(iban: &str, booked_on: &str, credits: &[Credit<'_>]) -> String {
    let entries: String = credits
        .iter()
        .map(|c| {
            let remittance = match c.reference {
                Some(r) => format!(
                    "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{r}</Ref></CdtrRefInf></Strd>"
                ),
                None => format!("<Ustrd>{}</Ustrd>", c.message),
            };
            format!(
                r#"<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>{booked_on}</Dt></BookgDt><ValDt><Dt>{booked_on}</Dt></ValDt><AcctSvcrRef>{bank_ref}</AcctSvcrRef>
<BkTxCd/><NtryDtls><TxDtls><Refs><AcctSvcrRef>{bank_ref}-1</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Pty><Nm>{payer}</Nm></Pty></Dbtr></RltdPties><RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"#,
                ccy = c.currency,
                amount = c.amount,
                bank_ref = c.bank_ref,
                payer = c.payer,
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-{booked_on}</MsgId><CreDtTm>{booked_on}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-{booked_on}-1</Id><Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>NOK</Ccy></Acct>{entries}</Stmt>
</BkToCstmrStmt></Document>"#
    )
}

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, body: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(body).file_name(name.to_owned()));
    client.post(app.url("/bank/import")).multipart(form).send().await.unwrap()
}

/// A Norwegian business (KID, NOK) with one customer; returns the customer's id.
async fn norwegian_business(app: &TestApp, client: &reqwest::Client, email: &str) -> String {
    app.log_in(client, email).await;
    let saved = app
        .post_form(
            client,
            "/settings/business",
            &[
                ("name", "Fjordkraft Design AS"),
                ("address_line", "Karl Johans gate 1"),
                ("postal_code", "0154"),
                ("city", "Oslo"),
                ("country", "NO"),
                ("registration_id", "923609016"),
                ("vat_number", "NO923609016MVA"),
                ("iban", "NO93 8601 1117 947"),
                ("default_currency", "NOK"),
                ("payment_terms_days", "14"),
                ("invoice_language", "en"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let created = app
        .post_form(
            client,
            "/customers",
            &[
                ("kind", "business"),
                ("name", "Nordlys Handel AS"),
                ("email", "faktura@nordlys.example"),
                ("country", "NO"),
                ("language", "en"),
                ("currency", "NOK"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap());
    let list = app.get(client, "/customers").await.text().await.unwrap();
    let marker = "<td class=\"lead\"><a href=\"/customers/";
    let start = list.find(marker).expect("a customer link") + marker.len();
    list[start..start + 36].to_owned()
}

async fn issue(app: &TestApp, client: &reqwest::Client, customer: &str, price: &str) -> String {
    let id = new_draft(app, client, customer, "net").await;
    let issued = save_draft(app, client, &id, customer, "NOK", &[["Design", "1", price, "S", "25"]], "issue").await;
    assert_eq!(issued.status(), 303, "{}", issued.text().await.unwrap());
    id
}

async fn reference_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar::<_, String>("SELECT payment_reference FROM invoices WHERE id = $1")
        .bind(id.parse::<Uuid>().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_norwegian_invoice_carries_a_kid_and_the_bank_statement_pays_it_once() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = norwegian_business(&app, client, "owner@fjordkraft.example").await;
    // 1,000 + 25 % VAT = 1,250 NOK; the second 400 + 100 = 500 NOK.
    let first = issue(&app, client, &customer, "1000").await;
    let second = issue(&app, client, &customer, "400").await;

    // The KID is generated at issue, valid under MOD10, and different per invoice.
    let kid = reference_of(&app, &first).await;
    assert!(Kid::parse(&kid, KidMethod::Mod10).is_ok(), "{kid}");
    assert_ne!(kid, reference_of(&app, &second).await);
    // On the PDF under its own name, with the domestic account number.
    let pdf = app.get(client, &format!("/invoices/{first}/pdf")).await.bytes().await.unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("KID") && text.contains(&kid), "{text}");
    assert!(text.contains("8601.11.17947"), "the kontonummer: {text}");
    // In the UBL as the payment id (BT-83).
    let ubl = app.get(client, &format!("/invoices/{first}/ubl")).await.text().await.unwrap();
    assert!(ubl.contains(&format!("<cbc:PaymentID>{kid}</cbc:PaymentID>")), "{ubl}");
    // On the customer's page, with a copy button.
    assert_eq!(app.post_form(client, &format!("/invoices/{first}/link"), &[]).await.status(), 303);
    let view = app.get(client, &format!("/invoices/{first}")).await.text().await.unwrap();
    let start = view.find("readonly value=\"").expect("the customer link is shown") + "readonly value=\"".len();
    let url = view[start..].split('"').next().unwrap().to_owned();
    let page = new_client().get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("data-copy=\"{kid}\"")), "{page}");
    assert!(page.contains(">KID<") && page.contains("8601.11.17947"), "{page}");
    let script = page.split("<script src=\"").nth(1).and_then(|s| s.split('"').next()).expect("the copy script");
    let served = new_client().get(app.url(script)).send().await.unwrap();
    assert_eq!(served.status(), 200, "{script}");
    assert!(served.text().await.unwrap().contains("navigator.clipboard"));

    // The statement: part of the first invoice, then the rest with 10 NOK too much, a
    // payment without a reference for the second invoice's amount, and interest.
    let iban = "NO9386011117947";
    let statement = camt053(
        iban,
        "2026-12-04",
        &[
            Credit {
                amount: "250.00",
                currency: "NOK",
                reference: Some(&kid),
                message: "",
                payer: "NORDLYS HANDEL AS",
                bank_ref: "A1",
            },
            Credit {
                amount: "1010.00",
                currency: "NOK",
                reference: Some(&kid),
                message: "",
                payer: "NORDLYS HANDEL AS",
                bank_ref: "A2",
            },
            Credit {
                amount: "500.00",
                currency: "NOK",
                reference: None,
                message: "Faktura design",
                payer: "NORDLYS HANDEL AS",
                bank_ref: "A3",
            },
            Credit {
                amount: "3.12",
                currency: "NOK",
                reference: None,
                message: "Renter",
                payer: "DNB",
                bank_ref: "A4",
            },
        ],
    );
    let imported = upload(&app, client, "dnb-2026-12-04.xml", statement.clone().into_bytes()).await;
    assert_eq!(imported.status(), 303, "{}", imported.text().await.unwrap());
    let summary = imported.headers()["location"].to_str().unwrap().to_owned();
    let page = app.get(client, &summary).await.text().await.unwrap();
    assert!(
        page.contains("dnb-2026-12-04.xml: 4 new payments, 2 recorded on their invoices, 0 already imported"),
        "{page}"
    );
    let invoice = app.get(client, &format!("/invoices/{first}")).await.text().await.unwrap();
    assert!(invoice.contains(">Paid<"), "{invoice}");
    assert!(invoice.contains("NORDLYS HANDEL AS"), "the payment history names the bank entry");
    assert!(page.contains("more than was open"), "the 10 NOK overpayment is shown: {page}");
    assert_eq!(count(&app, "SELECT count(*) FROM audit_events WHERE action = 'payment.matched'").await, 2);

    // The same file again, and again as a notification would: nothing twice.
    let again = upload(&app, client, "dnb-again.xml", statement.into_bytes()).await;
    let page = app.get(client, again.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
    assert!(page.contains("dnb-again.xml: 0 new payments, 0 recorded on their invoices, 4 already imported"), "{page}");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 2);

    // What waits is on the dashboard and the Bank page, with the second invoice suggested.
    let dashboard = app.get(client, "/").await.text().await.unwrap();
    assert!(dashboard.contains("2 bank payments wait to be matched"), "{dashboard}");
    let page = app.get(client, "/bank").await.text().await.unwrap();
    let number = format!("{}-0002", app.clock_now().year());
    assert!(page.contains(&format!("data-suggestion=\"{number}\"")), "{page}");
    let waiting: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, coalesce(message, '') FROM bank_entries WHERE state = 'unmatched' ORDER BY amount DESC",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let (for_second, interest) = (waiting[0].0, waiting[1].0);
    let matched = app.post_form(client, &format!("/bank/entries/{for_second}/match"), &[("invoice_id", &second)]).await;
    assert_eq!(matched.status(), 303);
    assert!(app.get(client, &format!("/invoices/{second}")).await.text().await.unwrap().contains(">Paid<"));
    // Interest is not an invoice payment; a wrong number is refused at its row.
    let wrong = app.post_form(client, &format!("/bank/entries/{interest}/match"), &[("number", "9999-0001")]).await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("No issued invoice has that number"));
    let set_aside = app.post_form(client, &format!("/bank/entries/{interest}/dismiss"), &[]).await;
    assert_eq!(set_aside.status(), 303);
    let dashboard = app.get(client, "/").await.text().await.unwrap();
    assert!(!dashboard.contains("wait to be matched"));

    // The owner undoes the automatic match of the first payment: the invoice is partly open again.
    let first_entry: Uuid =
        sqlx::query_scalar("SELECT id FROM bank_entries WHERE bank_id LIKE '%A2-1'").fetch_one(&app.db).await.unwrap();
    let undone = app.post_form(client, &format!("/bank/entries/{first_entry}/undo"), &[]).await;
    assert_eq!(undone.status(), 303);
    assert!(app.get(client, &format!("/invoices/{first}")).await.text().await.unwrap().contains("Partially paid"));
    assert_eq!(count(&app, "SELECT count(*) FROM audit_events WHERE action = 'payment.unmatched'").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM bank_entries WHERE state = 'unmatched'").await, 1);
}

#[tokio::test]
async fn a_bad_bank_file_changes_nothing_and_says_why() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = norwegian_business(&app, client, "careful@fjordkraft.example").await;
    let invoice = issue(&app, client, &customer, "100").await;
    let kid = reference_of(&app, &invoice).await;
    let credit = |bank_ref| Credit {
        amount: "125.00",
        currency: "NOK",
        reference: Some(&kid),
        message: "",
        payer: "X",
        bank_ref,
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("foreign.xml", camt053("DE89370400440532013000", "2026-12-04", &[credit("F1")]).into_bytes(), "which is not this business"),
        ("empty.xml", Vec::new(), "The file is empty"),
        ("sheet.csv", b"date;amount\n2026-12-04;125".to_vec(), "not a bank file we can read"),
        (
            "bomb.xml",
            b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>".to_vec(),
            "could not be read, so nothing was imported",
        ),
        (
            "external.xml",
            b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".to_vec(),
            "could not be read, so nothing was imported",
        ),
        ("cut.xml", camt053("NO9386011117947", "2026-12-04", &[credit("C1")]).as_bytes()[..600].to_vec(), "could not be read"),
    ];
    for (name, body, says) in cases {
        let response = upload(&app, client, name, body).await;
        assert_eq!(response.status(), 422, "{name}");
        let page = response.text().await.unwrap();
        assert!(page.contains("data-file-error") && page.contains(says), "{name}: {page}");
        assert!(!page.contains("root:"), "{name}: no file content leaks");
    }
    // Too large for the reader: refused before it is read.
    let huge = vec![b' '; fastfaktura_documents::bank_statements::MAX_STATEMENT_BYTES + 100 * 1024];
    let response = upload(&app, client, "huge.xml", huge).await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("larger than 50 MB"));
    for table in ["bank_imports", "bank_entries", "payments"] {
        assert_eq!(count(&app, &format!("SELECT count(*) FROM {table}")).await, 0, "{table}");
    }
    // A payment in another currency than its invoice waits and says so.
    let euro = Credit { currency: "EUR", ..credit("E1") };
    let response =
        upload(&app, client, "eur.xml", camt053("NO9386011117947", "2026-12-04", &[euro]).into_bytes()).await;
    assert_eq!(response.status(), 303);
    let page = app.get(client, "/bank").await.text().await.unwrap();
    assert!(page.contains("In another currency than the invoice it names"), "{page}");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 0);
}

#[tokio::test]
async fn a_finnish_invoice_has_a_viitenumero_and_barcode_and_the_api_imports_its_payment() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "kirjanpito@kallio.example").await;
    let saved = app
        .post_form(
            &client,
            "/settings/business",
            &[
                ("name", "Kallio Oy"),
                ("address_line", "Mannerheimintie 1"),
                ("postal_code", "00100"),
                ("city", "Helsinki"),
                ("country", "FI"),
                ("vat_number", "FI02012566"),
                ("iban", "FI79 4405 2020 0360 82"),
                ("default_currency", "EUR"),
                ("payment_terms_days", "14"),
                ("invoice_language", "en"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let page = app.post_form(&client, "/settings/api-tokens", &[("name", "ERP"), ("scope", "write")]).await;
    let page = page.text().await.unwrap();
    let start = page.find("data-new-token>").unwrap() + "data-new-token>".len();
    let token = page[start..].split('<').next().unwrap().to_owned();

    let customer = json!({"kind": "business", "name": "Suomen Kauppa Oy", "country": "FI", "currency": "EUR"});
    let (status, customer, _) = call(&app, &token, Method::POST, "/api/v1/customers", Some(customer)).await;
    assert_eq!(status, 201, "{customer}");
    let draft = json!({"customer_id": customer["id"], "lines": [
        {"description": "Audit", "quantity": "1", "unit_price": "400", "vat_category": "S", "vat_rate": "25.5"}]});
    let (status, invoice, _) = call(&app, &token, Method::POST, "/api/v1/invoices", Some(draft)).await;
    assert_eq!(status, 201, "{invoice}");
    let id = invoice["id"].as_str().unwrap().to_owned();
    let (status, invoice, _) = call(&app, &token, Method::POST, &format!("/api/v1/invoices/{id}/issue"), None).await;
    assert!(status.is_success(), "{invoice}");
    let reference = invoice["payment_reference"].as_str().unwrap().to_owned();
    assert!(FinnishReference::parse(&reference).is_ok(), "{reference}");
    assert_eq!(invoice["payment"]["domestic"]["country"], "fi");
    let barcode = invoice["payment"]["domestic"]["virtual_barcode"].as_str().unwrap();
    assert!(barcode.starts_with("4794405202003608200050200"), "version 4, the account, 502.00 EUR: {barcode}");

    // The bank's notification, posted by the integrator's system, twice.
    let statement = camt053(
        "FI7944052020036082",
        "2026-12-04",
        &[Credit {
            amount: "502.00",
            currency: "EUR",
            reference: Some(&reference),
            message: "",
            payer: "SUOMEN KAUPPA OY",
            bank_ref: "N1",
        }],
    );
    for (matched, duplicates) in [(1, 0), (0, 1)] {
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/bank-statements"))
            .bearer_auth(&token)
            .header("content-type", "application/xml")
            .header("x-file-name", "op-notification.xml")
            .body(statement.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            (body["matched"].as_u64(), body["duplicates"].as_u64()),
            (Some(matched), Some(duplicates)),
            "{body}"
        );
        assert_eq!(body["format"], "camt.053");
    }
    let (_, invoice, _) = call(&app, &token, Method::GET, &format!("/api/v1/invoices/{id}"), None).await;
    assert_eq!(invoice["open"], "0.00", "{invoice}");
    let (_, entries, _) = call(&app, &token, Method::GET, "/api/v1/bank-entries?state=matched", None).await;
    assert_eq!(entries["items"][0]["matched_automatically"], true, "{entries}");
    assert_eq!(entries["items"][0]["invoice_id"], id.as_str());
    // A file that is not a statement is a problem, not a 500.
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/bank-statements"))
        .bearer_auth(&token)
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn the_accountant_reconciles_and_only_the_owner_undoes() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = norwegian_business(&app, &owner, "owner@reconcile.example").await;
    let invoice = issue(&app, &owner, &customer, "200").await;
    let invited =
        app.post_form(&owner, "/settings/members", &[("email", "carol@books.example"), ("role", "accountant")]);
    assert_eq!(invited.await.status(), 200);
    let carol = new_client();
    app.sign_in_and_join(&carol, "carol@books.example").await;

    // Carol imports the bank's file and matches the payment that came without a reference.
    let statement = camt053(
        "NO9386011117947",
        "2026-12-04",
        &[Credit {
            amount: "250.00",
            currency: "NOK",
            reference: None,
            message: "design",
            payer: "NORDLYS",
            bank_ref: "K1",
        }],
    );
    assert_eq!(upload(&app, &carol, "k.xml", statement.into_bytes()).await.status(), 303);
    let entry: Uuid = sqlx::query_scalar("SELECT id FROM bank_entries").fetch_one(&app.db).await.unwrap();
    let matched = app.post_form(&carol, &format!("/bank/entries/{entry}/match"), &[("invoice_id", &invoice)]).await;
    assert_eq!(matched.status(), 303);
    assert!(app.get(&carol, &format!("/invoices/{invoice}")).await.text().await.unwrap().contains(">Paid<"));
    let page = app.get(&carol, "/bank").await.text().await.unwrap();
    assert!(!page.contains("/undo"), "the accountant is not offered undo");

    // Undoing is the owner's: refused for Carol even when she forges the request.
    let forged = app.post_form(&carol, &format!("/bank/entries/{entry}/undo"), &[]).await;
    assert_eq!(forged.status(), 403);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    // Carol still changes nothing else.
    assert_eq!(app.post_form(&carol, "/settings/business", &[("name", "X")]).await.status(), 403);
    assert_eq!(app.post_form(&owner, &format!("/bank/entries/{entry}/undo"), &[]).await.status(), 303);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 0);
    let actors: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'payment.%matched' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(actors, ["payment.matched", "payment.unmatched"]);
}

#[tokio::test]
async fn files_dropped_in_the_business_folder_are_imported_once_and_refusals_say_why() {
    let app = TestApp::spawn().await;
    let client = &app.client;
    let customer = norwegian_business(&app, client, "owner@dropfolder.example").await;
    let invoice = issue(&app, client, &customer, "80").await;
    let kid = reference_of(&app, &invoice).await;
    let business: Uuid = sqlx::query_scalar("SELECT business_id FROM invoices").fetch_one(&app.db).await.unwrap();
    let folder = std::env::temp_dir().join(format!("ff-bank-drop-{}", Uuid::new_v4().simple()));
    let inbox = folder.join(business.to_string());
    std::fs::create_dir_all(&inbox).unwrap();
    let paid = Credit {
        amount: "100.00",
        currency: "NOK",
        reference: Some(&kid),
        message: "",
        payer: "NORDLYS",
        bank_ref: "D1",
    };
    std::fs::write(inbox.join("dnb-1.xml"), camt053("NO9386011117947", "2026-12-04", &[paid])).unwrap();
    std::fs::write(inbox.join("notes.txt"), "not a statement").unwrap();
    std::fs::write(inbox.join("still-uploading.xml.part"), "<").unwrap();
    // A folder for no business: its files are refused, never imported elsewhere.
    let stranger = folder.join(Uuid::new_v4().to_string());
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("x.xml"), camt053("NO9386011117947", "2026-12-04", &[])).unwrap();

    let report = fastfaktura::bank_drop::import_folder(&app.db, &folder).await.unwrap();
    assert_eq!((report.imported, report.failed, report.matched), (1, 2, 1), "{report:?}");
    assert!(app.get(client, &format!("/invoices/{invoice}")).await.text().await.unwrap().contains(">Paid<"));
    assert!(inbox.join("imported/dnb-1.xml").exists());
    let why = std::fs::read_to_string(inbox.join("failed/notes.txt.txt")).unwrap();
    assert!(why.contains("not a bank file we can read"), "{why}");
    assert!(std::fs::read_to_string(stranger.join("failed/x.xml.txt")).unwrap().contains("no such business"));
    assert!(inbox.join("still-uploading.xml.part").exists(), "a file still being written waits");

    // The same file dropped again records nothing twice.
    std::fs::copy(inbox.join("imported/dnb-1.xml"), inbox.join("dnb-1-again.xml")).unwrap();
    let report = fastfaktura::bank_drop::import_folder(&app.db, &folder).await.unwrap();
    assert_eq!((report.imported, report.payments, report.matched), (1, 0, 0), "{report:?}");
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    let actor: String = sqlx::query_scalar("SELECT actor_kind FROM audit_events WHERE action = 'payment.matched'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(actor, "system");
    std::fs::remove_dir_all(&folder).unwrap();
}
