//! Members and roles: invitations by email, joining through the code login, the
//! read-only accountant, removal, and switching between businesses.

use crate::helpers::{TestApp, new_client};

async fn owner_with_business(app: &TestApp, client: &reqwest::Client) {
    app.log_in(client, "owner@studio.example").await;
    let form = [
        ("name", "Studio Norð"),
        ("country", "IS"),
        ("default_currency", "ISK"),
        ("payment_terms_days", "14"),
        ("invoice_language", "is"),
    ];
    assert_eq!(app.post_form(client, "/settings/business", &form).await.status(), 303);
}

async fn invite(app: &TestApp, client: &reqwest::Client, email: &str, role: &str) -> reqwest::Response {
    app.post_form(client, "/settings/members", &[("email", email), ("role", role)]).await
}

#[tokio::test]
async fn an_invited_member_joins_by_signing_in_and_can_work() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    let response = invite(&app, &owner, "Bob@Studio.example", "member").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Invitation sent to bob@studio.example"));
    let mail = app.smtp.wait_for_matching(1, |m| m.to == ["bob@studio.example"]).await.remove(0);
    assert!(mail.header("subject").unwrap().contains("Studio"));
    assert!(mail.body().contains("/login"));

    let bob = new_client();
    app.log_in(&bob, "bob@studio.example").await;
    let dashboard = app.get(&bob, "/").await.text().await.unwrap();
    assert!(dashboard.contains("Studio Norð") && dashboard.contains("(member)"), "{dashboard}");
    let created = app
        .post_form(
            &bob,
            "/customers",
            &[("kind", "person"), ("name", "Jón"), ("country", "IS"), ("language", "is"), ("currency", "ISK")],
        )
        .await;
    assert_eq!(created.status(), 303);
    // Bob is not the owner: he cannot invite.
    assert_eq!(invite(&app, &bob, "eve@studio.example", "member").await.status(), 403);
    // Nor revoke, remove or renumber: each of these operations checks the role itself.
    let nil = uuid::Uuid::nil();
    for path in [format!("/settings/members/invitations/{nil}/revoke"), format!("/settings/members/{nil}/remove")] {
        assert_eq!(app.post_form(&bob, &path, &[]).await.status(), 403, "{path}");
    }
    let series = [("kind", "invoice"), ("prefix", "B-"), ("padding", "4")];
    assert_eq!(app.post_form(&bob, "/settings/numbering", &series).await.status(), 403);
    let members = app.get(&owner, "/settings/members").await.text().await.unwrap();
    assert!(members.contains("bob@studio.example"));

    // Removing Bob ends his access at once.
    let bob_id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'bob@studio.example'").fetch_one(&app.db).await.unwrap();
    assert_eq!(app.post_form(&owner, &format!("/settings/members/{bob_id}/remove"), &[]).await.status(), 303);
    assert_eq!(app.get(&bob, "/").await.headers()["location"], "/login");
}

#[tokio::test]
async fn an_accountant_sees_everything_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    assert_eq!(invite(&app, &owner, "carol@books.example", "accountant").await.status(), 200);
    let carol = new_client();
    app.log_in(&carol, "carol@books.example").await;
    for path in ["/", "/invoices", "/customers", "/settings/business", "/settings/members"] {
        assert_eq!(app.get(&carol, path).await.status(), 200, "{path}");
    }
    for (path, form) in [
        (
            "/customers",
            vec![("kind", "person"), ("name", "X"), ("country", "IS"), ("language", "is"), ("currency", "ISK")],
        ),
        ("/settings/business", vec![("name", "Hijacked")]),
        ("/invoices", vec![("customer_id", "00000000-0000-0000-0000-000000000000")]),
    ] {
        let response = app.post_form(&carol, path, &form).await;
        assert_eq!(response.status(), 403, "{path}");
        assert!(response.text().await.unwrap().contains("read-only"), "{path}");
    }
    let name: String = sqlx::query_scalar("SELECT name FROM businesses").fetch_one(&app.db).await.unwrap();
    assert_eq!(name, "Studio Norð");
    assert_eq!(app.post_form(&carol, "/logout", &[]).await.status(), 303, "logging out is allowed");
}

#[tokio::test]
async fn a_user_with_two_businesses_switches_between_them() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    // Dana already has her own business.
    let dana = new_client();
    app.log_in(&dana, "dana@own.example").await;
    assert!(app.get(&dana, "/").await.text().await.unwrap().contains("My business"));
    assert_eq!(invite(&app, &owner, "dana@own.example", "member").await.status(), 200);
    // Signing in again accepts the invitation and lands her in the inviting business.
    let dana2 = new_client();
    app.log_in(&dana2, "dana@own.example").await;
    let dashboard = app.get(&dana2, "/").await.text().await.unwrap();
    assert!(dashboard.contains("Studio Norð") && dashboard.contains("Switch to My business"), "{dashboard}");
    let own_id: String = sqlx::query_scalar("SELECT id::text FROM businesses WHERE name = 'My business'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(app.post_form(&dana2, "/switch-business", &[("business_id", own_id.as_str())]).await.status(), 303);
    assert!(app.get(&dana2, "/").await.text().await.unwrap().contains("<h1>My business</h1>"));
    // She cannot switch into a business she does not belong to.
    let studio_id: String = sqlx::query_scalar("SELECT id::text FROM businesses WHERE name = 'Studio Norð'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let stranger = new_client();
    app.log_in(&stranger, "stranger@x.example").await;
    assert_eq!(
        app.post_form(&stranger, "/switch-business", &[("business_id", studio_id.as_str())]).await.status(),
        404
    );
}

#[tokio::test]
async fn invitations_are_validated() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    let bad = invite(&app, &owner, "not-an-address", "member").await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("does not look like an email address"));
    let bad_role = invite(&app, &owner, "x@y.example", "admin").await;
    assert_eq!(bad_role.status(), 422);
    assert_eq!(invite(&app, &owner, "x@y.example", "member").await.status(), 200);
    let twice = invite(&app, &owner, "x@y.example", "member").await;
    assert_eq!(twice.status(), 422);
    assert!(twice.text().await.unwrap().contains("already has an open invitation"));
    let myself = invite(&app, &owner, "owner@studio.example", "member").await;
    assert!(myself.text().await.unwrap().contains("already a member"));
}
