//! The customer's link as both sides meet it: the owner creates, copies, replaces and
//! turns off the link; the customer opens it without an account and sees only this
//! document; views are counted (not the owner's own); guessing is rate limited.

use crate::{
    helpers::{TestApp, new_client},
    invoicing::{new_draft, save_draft, set_up_business},
};

fn attribute(page: &str, marker: &str) -> String {
    let start = page.find(marker).unwrap_or_else(|| panic!("{marker} in {page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

fn text_after(page: &str, marker: &str) -> String {
    let start = page.find(marker).unwrap_or_else(|| panic!("{marker} in {page}")) + marker.len();
    page[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_customer_opens_the_link_without_an_account_and_the_owner_controls_it() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    let customer = set_up_business(&app, &owner, "owner@link.example", "EUR").await;
    let id = new_draft(&app, &owner, &customer, "net").await;
    let draft_link = app.post_form(&owner, &format!("/invoices/{id}/link"), &[]).await;
    assert_eq!(draft_link.status(), 409, "a draft can still change, so it is not shared");

    let lines = [["Design work", "10", "85", "S", "24"]];
    assert_eq!(save_draft(&app, &owner, &id, &customer, "EUR", &lines, "issue").await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("Create customer link"), "{page}");
    let total = text_after(&page, "data-total>");
    let number = text_after(&page, "<h1>Invoice ").trim().to_owned();

    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/link"), &[]).await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    let url = attribute(&page, r#"readonly value=""#);
    let path = url.strip_prefix(&app.address).expect("the link is on our origin").to_owned();
    let token = path.strip_prefix("/i/").unwrap();
    assert!(token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()), "256 random bits: {token}");
    // Asking again keeps the same link (it is what the customer already has).
    app.post_form(&owner, &format!("/invoices/{id}/link"), &[]).await;
    let again = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert_eq!(attribute(&again, r#"readonly value=""#), url);

    // The owner checking the link is not a customer view.
    assert_eq!(app.get(&owner, &path).await.status(), 200);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("Not opened by the customer yet."));

    let visitor = new_client();
    let view = app.get(&visitor, &path).await;
    assert_eq!(view.status(), 200);
    assert_eq!(view.headers()["x-robots-tag"], "noindex, nofollow");
    assert_eq!(view.headers()["referrer-policy"], "no-referrer");
    let body = view.text().await.unwrap();
    assert!(body.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
    assert_eq!(text_after(&body, "data-total>"), total, "the same amount as the owner sees");
    for expected in
        [number.as_str(), "Fjörður ehf.", "Acme AB", "Design work", "NBIIISRE", "Please pay by bank transfer"]
    {
        assert!(body.contains(expected), "{expected} on the customer page");
    }
    for private in ["/invoices", "/customers", "/settings", "Log out"] {
        assert!(!body.contains(private), "the customer page shows nothing of the app: {private}");
    }
    // The visitor's own language choice wins over the customer's language (English here).
    let icelandic = visitor.get(app.url(&path)).header("cookie", "ff_lang=is").send().await.unwrap();
    assert!(icelandic.text().await.unwrap().contains("Vinsamlegast greiðið með millifærslu"));
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("Opened 2 times, first on"), "{page}");

    // Replacing the link ends the old one at once; turning it off ends the new one.
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/link/rotate"), &[]).await.status(), 303);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    let new_path = attribute(&page, r#"readonly value=""#).strip_prefix(&app.address).unwrap().to_owned();
    assert_ne!(new_path, path);
    assert_eq!(app.get(&visitor, &path).await.status(), 404);
    assert_eq!(app.get(&visitor, &new_path).await.status(), 200);
    assert_eq!(app.post_form(&owner, &format!("/invoices/{id}/link/revoke"), &[]).await.status(), 303);
    assert_eq!(app.get(&visitor, &new_path).await.status(), 404);
    let page = app.get(&owner, &format!("/invoices/{id}")).await.text().await.unwrap();
    assert!(page.contains("Create customer link"));

    // Another business cannot create, replace or end this document's link.
    let mallory = new_client();
    set_up_business(&app, &mallory, "mallory@link.example", "EUR").await;
    for action in ["link", "link/rotate", "link/revoke"] {
        let response = app.post_form(&mallory, &format!("/invoices/{id}/{action}"), &[]).await;
        assert_eq!(response.status(), 404, "{action}");
    }
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT token_sealed FROM invoice_links LIMIT 1").fetch_one(&app.db).await.unwrap();
    assert!(!sealed.windows(16).any(|w| token.as_bytes().windows(16).any(|t| t == w)), "the token is stored sealed");
}

#[tokio::test]
async fn unknown_tokens_are_plain_not_found_and_guessing_is_rate_limited() {
    let app = TestApp::spawn().await;
    let visitor = new_client();
    for i in 0..20 {
        let guess = format!("{i:064x}");
        assert_eq!(app.get(&visitor, &format!("/i/{guess}")).await.status(), 404);
    }
    let limited = app.get(&visitor, "/i/not-even-a-token").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert!(limited.text().await.unwrap().contains("Too many requests from your network"));
}
