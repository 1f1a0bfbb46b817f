//! English and Icelandic: the language follows Accept-Language until the user picks
//! one in the header (the `ff_lang` cookie); forms, error pages and the sign-in mail
//! follow it too. English stays the default.

use base64::Engine;

use crate::{
    helpers::{TestApp, new_client, set_cookie},
    smtp_sink::ReceivedMail,
};

fn client_accepting(language: &str) -> reqwest::Client {
    crate::helpers::client_with_header("accept-language", language)
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

async fn choose(app: &TestApp, client: &reqwest::Client, lang: &str, back: &str) -> reqwest::Response {
    app.post_form(client, "/language", &[("lang", lang), ("back", back)]).await
}

/// The text of a mail body, whatever transfer encoding lettre chose for it.
fn decoded_body(mail: &ReceivedMail) -> String {
    let encoding = mail.header("content-transfer-encoding").unwrap_or_default().to_ascii_lowercase();
    let raw = mail.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    match encoding.as_str() {
        "base64" => {
            let compact: String = raw.split_whitespace().collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap()
        }
        "quoted-printable" => {
            let joined = raw.replace("=\r\n", "");
            let mut bytes = Vec::new();
            let mut rest = joined.as_bytes();
            while let Some((&b, tail)) = rest.split_first() {
                if b == b'=' && tail.len() >= 2 {
                    bytes.push(u8::from_str_radix(std::str::from_utf8(&tail[..2]).unwrap(), 16).unwrap());
                    rest = &tail[2..];
                } else {
                    bytes.push(b);
                    rest = tail;
                }
            }
            String::from_utf8(bytes).unwrap()
        }
        _ => raw.to_owned(),
    }
}

#[tokio::test]
async fn the_login_page_follows_accept_language() {
    let app = TestApp::spawn().await;
    let english = page(&app, &new_client(), "/login").await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("Sign in or create your account"));
    for accepted in ["is", "is-IS,is;q=0.9,en;q=0.8", "de, is;q=0.5"] {
        let icelandic = page(&app, &client_accepting(accepted), "/login").await;
        assert!(icelandic.contains("<html lang=\"is\">"), "{accepted}: {icelandic}");
        assert!(icelandic.contains("Skráðu þig inn eða stofnaðu aðgang"), "{accepted}");
        assert!(icelandic.contains("<label for=\"email\">Netfang</label>"), "{accepted}");
        // The switch is there before signing in, and no isolation marks are.
        assert!(icelandic.contains("action=\"/language\"") && icelandic.contains("value=\"/login\""), "{accepted}");
        assert!(!icelandic.contains(['\u{2068}', '\u{2069}']));
    }
    let prefers_english = page(&app, &client_accepting("en-GB,en;q=0.9,is;q=0.8"), "/login").await;
    assert!(prefers_english.contains("<html lang=\"en\">"));
    // Error pages are translated too.
    let missing = client_accepting("is").get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.unwrap();
    assert!(missing.contains("<html lang=\"is\">") && missing.contains("Engin síða er á þessari slóð."), "{missing}");
}

#[tokio::test]
async fn the_sign_in_mail_and_code_page_are_in_the_language_of_the_login_page() {
    let app = TestApp::spawn().await;
    let client = client_accepting("is");
    let response = app.request_code(&client, "anna@daemi.example").await;
    assert_eq!(response.status(), 303);
    let code_page = page(&app, &client, "/login/code").await;
    assert!(code_page.contains("Við sendum sex stafa kóða á"), "{code_page}");
    let mail = app.smtp.wait_for_matching(1, |m| m.to.iter().any(|t| t.starts_with("anna@"))).await.remove(0);
    let body = decoded_body(&mail);
    assert!(body.contains("Innskráningarkóðinn þinn fyrir FastFaktura er:"), "{body}");
    assert!(!mail.header("subject").unwrap().contains("Your FastFaktura sign-in code"));
    let code = body.split("er:").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    // A wrong code is explained in Icelandic, with the plural of what is left.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let response = app.submit_code(&client, wrong).await;
    assert_eq!(response.status(), 422);
    let text = response.text().await.unwrap();
    assert!(text.contains("Kóðinn er ekki réttur") && text.contains("Þú átt 4 tilraunir eftir"), "{text}");
    let response = app.submit_code(&client, &code).await;
    assert_eq!(response.status(), 303);
    let dashboard = page(&app, &client, "/").await;
    assert!(dashboard.contains("Innskráð netfang:") && dashboard.contains("(eigandi)"), "{dashboard}");
}

#[tokio::test]
async fn choosing_icelandic_translates_the_app_and_english_comes_back() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "owner@fjordur.example").await;
    let customer =
        [("kind", "business"), ("name", "Hekla hf."), ("country", "IS"), ("language", "is"), ("currency", "ISK")];
    assert_eq!(app.post_form(&client, "/customers", &customer).await.status(), 303);
    assert!(page(&app, &client, "/").await.contains("<html lang=\"en\">"));

    let response = choose(&app, &client, "is", "/invoices?status=open").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/invoices?status=open");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_eq!(set_cookie(&response, "ff_lang").as_deref(), Some("is"));
    assert!(
        cookie.contains("Path=/") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=31536000"),
        "{cookie}"
    );

    let dashboard = page(&app, &client, "/").await;
    assert!(dashboard.contains("<html lang=\"is\">"), "{dashboard}");
    for text in ["Yfirlit", ">Reikningar<", ">Viðskiptavinir<", "Vörur og þjónusta", "Útskrá", "Nýr reikningur"]
    {
        assert!(dashboard.contains(text), "dashboard lacks {text}");
    }
    let list = page(&app, &client, "/invoices").await;
    for text in ["<h1>Reikningar</h1>", "Nýr reikningur eða tilboð", "Gjaldfallna", "Engir reikningar."] {
        assert!(list.contains(text), "invoice list lacks {text}: {list}");
    }
    let new_page = page(&app, &client, "/invoices/new").await;
    let customer_id = new_page.split("<option value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let created = app.post_form(&client, "/invoices", &[("customer_id", &customer_id), ("price_entry", "net")]).await;
    let editor_path = created.headers()["location"].to_str().unwrap().to_owned();
    let editor = page(&app, &client, &editor_path).await;
    for text in ["<h1>Drög að reikningi</h1>", "Vista og reikna aftur", "Gefa út reikning", "Einingarverð", "24 %"]
    {
        assert!(editor.contains(text), "editor lacks {text}");
    }
    // Form errors made in Rust are Icelandic as well.
    let version = editor.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = [
        ("version", version.as_str()),
        ("customer_id", customer_id.as_str()),
        ("currency", "ISK"),
        ("price_entry", "net"),
        ("lines[0][description]", "Ráðgjöf"),
        ("lines[0][quantity]", "2"),
        ("lines[0][unit_price]", "-5"),
        ("lines[0][vat_category]", "S"),
        ("lines[0][vat_rate]", "24"),
        ("action", "save"),
    ];
    let refused = app.post_form(&client, &editor_path, &form).await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("Lína 1, einingarverð: má ekki vera neikvætt"), "{refused}");

    let response = choose(&app, &client, "en", "/").await;
    assert_eq!(response.status(), 303);
    let dashboard = page(&app, &client, "/").await;
    assert!(dashboard.contains("<html lang=\"en\">") && dashboard.contains(">Invoices<"), "{dashboard}");
    assert!(page(&app, &client, &editor_path).await.contains("<h1>Draft invoice</h1>"));
}

#[tokio::test]
async fn the_switch_returns_only_to_local_pages_and_refuses_unknown_languages() {
    let app = TestApp::spawn().await;
    let client = new_client();
    for back in ["//evil.example", "/\\evil.example", "https://evil.example/", "", "evil"] {
        let response = choose(&app, &client, "is", back).await;
        assert_eq!(response.status(), 303, "{back}");
        assert_eq!(response.headers()["location"], "/", "{back}");
    }
    let fresh = new_client();
    for lang in ["de", "", "is-IS"] {
        let response = choose(&app, &fresh, lang, "/").await;
        assert_eq!(response.status(), 400, "{lang:?}");
        assert!(set_cookie(&response, "ff_lang").is_none());
        assert!(response.text().await.unwrap().contains("Unknown language: choose English or Icelandic."));
    }
    // The switch is a form post like any other: another site cannot make it.
    let forged =
        fresh.post(app.url("/language")).header("origin", "https://evil.example").form(&[("lang", "is")]).send().await;
    assert_eq!(forged.unwrap().status(), 403);
}

#[tokio::test]
async fn a_read_only_accountant_can_still_switch_language() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    app.log_in(&owner, "owner@bok.example").await;
    let invited = app.post_form(&owner, "/settings/members", &[("email", "carol@bok.example"), ("role", "accountant")]);
    assert_eq!(invited.await.status(), 200);
    let carol = new_client();
    app.sign_in_and_join(&carol, "carol@bok.example").await;
    let response = choose(&app, &carol, "is", "/invoices").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/invoices");
    // Still read-only, now said in Icelandic.
    let refused = app.post_form(&carol, "/settings/business", &[("name", "Hijacked")]).await;
    assert_eq!(refused.status(), 403);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("<html lang=\"is\">") && refused.contains("aðeins lesaðgangur (bókari)"), "{refused}");
}

/// Saves a one-line draft typed on the page as a person would, then returns the response.
async fn type_line(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    customer: &str,
    quantity: &str,
    price: &str,
) -> reqwest::Response {
    let editor = page(app, client, &format!("/invoices/{id}")).await;
    let version =
        editor.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let form = [
        ("version", version.as_str()),
        ("customer_id", customer),
        ("currency", "ISK"),
        ("price_entry", "net"),
        ("action", "save"),
        ("lines[0][description]", "Ráðgjöf"),
        ("lines[0][quantity]", quantity),
        ("lines[0][unit]", "klst"),
        ("lines[0][unit_price]", price),
        ("lines[0][vat_category]", "S"),
        ("lines[0][vat_rate]", "24"),
    ];
    app.post_form(client, &format!("/invoices/{id}"), &form).await
}

#[tokio::test]
async fn numbers_are_typed_and_shown_as_the_pages_language_writes_them() {
    let app = TestApp::spawn().await;
    let client = new_client();
    let customer = crate::invoicing::set_up_business(&app, &client, "tolur@fjordur.example", "ISK").await;
    assert_eq!(choose(&app, &client, "is", "/").await.status(), 303);
    let id = crate::invoicing::new_draft(&app, &client, &customer, "net").await;

    // "18.500" on an Icelandic page is eighteen thousand five hundred.
    assert_eq!(type_line(&app, &client, &id, &customer, "1,5", "18.500").await.status(), 303);
    let editor = page(&app, &client, &format!("/invoices/{id}")).await;
    assert!(editor.contains(r#"value="18.500""#), "the price is shown back as typed: {editor}");
    assert!(editor.contains(r#"value="1,5""#), "and the quantity");
    // 1.5 × 18,500 = 27,750; VAT 24 % = 6,660; 34,410 in all.
    assert!(editor.contains("27.750 kr.") && editor.contains("34.410 kr."), "{editor}");
    let stored: rust_decimal::Decimal =
        sqlx::query_scalar("SELECT unit_price FROM invoice_lines WHERE invoice_id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, rust_decimal::Decimal::from(18500));

    // "18.5" could be 18,5 or 185: refused at its field, in Icelandic, keeping what was typed.
    let refused = type_line(&app, &client, &id, &customer, "1", "18.5").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("gæti þýtt 18,5 eða 185"), "{page}");
    assert!(page.contains(r#"value="18.5""#), "what was typed stays");

    // The same draft on an English page shows English numbers.
    assert_eq!(choose(&app, &client, "en", "/").await.status(), 303);
    let editor = page_of(&app, &client, &id).await;
    assert!(editor.contains(r#"value="18,500""#) && editor.contains("34,410 ISK"), "{editor}");
}

async fn page_of(app: &TestApp, client: &reqwest::Client, id: &str) -> String {
    page(app, client, &format!("/invoices/{id}")).await
}

#[tokio::test]
async fn field_errors_are_worded_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let client = new_client();
    crate::invoicing::set_up_business(&app, &client, "villur@fjordur.example", "ISK").await;
    assert_eq!(choose(&app, &client, "is", "/").await.status(), 303);
    let refused = app
        .post_form(
            &client,
            "/customers",
            &[
                ("kind", "business"),
                ("name", "Hagstofan"),
                ("email", "not-an-address"),
                ("country", "IS"),
                ("registration_id", "550101-2345"),
                ("vat_number", "hello"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    for icelandic in ["hefur ranga vartölu", "lítur ekki út eins og netfang", "ætti að líta út eins og 12345"] {
        assert!(page.contains(icelandic), "{icelandic} missing: {page}");
    }
    for english in ["check digit", "does not look like", "should look like"] {
        assert!(!page.contains(english), "English left on an Icelandic page: {english}");
    }
}

#[tokio::test]
async fn what_keeps_an_invoice_from_being_issued_is_said_in_icelandic() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "autt@fjordur.example").await;
    app.post_form(&client, "/customers", &[("kind", "business"), ("name", "Kaupandi ehf."), ("country", "IS")]).await;
    assert_eq!(choose(&app, &client, "is", "/").await.status(), 303);
    let list = page(&app, &client, "/customers").await;
    let customer = list.split("<td class=\"lead\"><a href=\"/customers/").nth(1).unwrap()[..36].to_owned();
    let id = crate::invoicing::new_draft(&app, &client, &customer, "net").await;
    assert_eq!(type_line(&app, &client, &id, &customer, "1", "1000").await.status(), 303);
    let refused = app.post_form(&client, &format!("/invoices/{id}/issue"), &[]).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    for icelandic in ["Áður en hægt er að gefa þetta út", "Seljandi: heimilisfang og staður", "Seljandi: IBAN vantar"]
    {
        assert!(page.contains(icelandic), "{icelandic} missing: {page}");
    }
    assert!(!page.contains("Seller:"), "no English left: {page}");
}

#[tokio::test]
async fn refusals_and_calculation_errors_are_said_in_icelandic_at_their_field() {
    let app = TestApp::spawn().await;
    let client = new_client();
    let customer = crate::invoicing::set_up_business(&app, &client, "hafnad@fjordur.example", "ISK").await;
    assert_eq!(choose(&app, &client, "is", "/").await.status(), 303);
    let id = crate::invoicing::new_draft(&app, &client, &customer, "net").await;

    // An exempt line without its reason: the calculation refuses it at the reason's cell.
    let editor = page(&app, &client, &format!("/invoices/{id}")).await;
    let version =
        editor.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let form = [
        ("version", version.as_str()),
        ("customer_id", customer.as_str()),
        ("currency", "ISK"),
        ("price_entry", "net"),
        ("action", "save"),
        ("lines[0][description]", "Kennsla"),
        ("lines[0][quantity]", "1"),
        ("lines[0][unit_price]", "10.000"),
        ("lines[0][vat_category]", "E"),
        ("lines[0][vat_rate]", "0"),
    ];
    let refused = app.post_form(&client, &format!("/invoices/{id}"), &form).await;
    assert_eq!(refused.status(), 422);
    let page_text = refused.text().await.unwrap();
    assert!(
        page_text.contains("Lína 1, ástæða undanþágu: verður að segja hvers vegna línan er undanþegin VSK"),
        "{page_text}"
    );
    assert!(
        page_text.contains(r#"name="lines[0][exemption_reason]" aria-invalid="true""#),
        "marked at its cell: {page_text}"
    );
    assert!(!page_text.contains("must state the reason"), "no English left: {page_text}");

    // Issued for 18.500 + 24 % VAT = 22.940 kr.; paying 30.000 is refused at the amount, in Icelandic.
    assert_eq!(type_line(&app, &client, &id, &customer, "1", "18.500").await.status(), 303);
    assert_eq!(app.post_form(&client, &format!("/invoices/{id}/issue"), &[]).await.status(), 303);
    let over = crate::invoicing::pay(&app, &client, &id, "30000").await;
    assert_eq!(over.status(), 422);
    let page_text = over.text().await.unwrap();
    assert!(page_text.contains("Aðeins 22.940 kr. er ógreitt á þessum reikningi"), "{page_text}");
    assert!(!page_text.contains("still open"), "no English left: {page_text}");
}
