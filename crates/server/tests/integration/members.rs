//! Members and roles: invitations by email, answered (joined or declined) by their
//! invitee after the code login and never accepted by signing in, the read-only
//! accountant, removal, and switching between businesses.

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
    app.sign_in_and_join(&bob, "bob@studio.example").await;
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
    app.sign_in_and_join(&carol, "carol@books.example").await;
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
    // Signing in again lands in her own business; the invitation waits for her answer.
    let dana2 = new_client();
    app.log_in(&dana2, "dana@own.example").await;
    let dashboard = app.get(&dana2, "/").await.text().await.unwrap();
    assert!(dashboard.contains("<h1>My business</h1>"), "{dashboard}");
    assert!(dashboard.contains("You have an invitation to answer."), "{dashboard}");
    app.join_first_invitation(&dana2).await;
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

/// The attack of issue 19: an invitation was accepted by merely signing in, and the next
/// sign-in landed in the inviting business. Now it waits for its invitee's answer.
#[tokio::test]
async fn signing_in_never_accepts_an_invitation_and_only_its_invitee_answers_it() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    let victim = new_client();
    app.log_in(&victim, "victim@own.example").await;
    assert_eq!(invite(&app, &owner, "victim@own.example", "member").await.status(), 200);
    let memberships = |email: &'static str| {
        let db = app.db.clone();
        async move {
            let count: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM business_members m JOIN users u ON u.id = m.user_id WHERE u.email = $1",
            )
            .bind(email)
            .fetch_one(&db)
            .await
            .unwrap();
            count
        }
    };
    // Signing in again does not join; she lands in her own business.
    let again = new_client();
    app.log_in(&again, "victim@own.example").await;
    assert!(app.get(&again, "/").await.text().await.unwrap().contains("<h1>My business</h1>"));
    assert_eq!(memberships("victim@own.example").await, 1, "no membership appears by signing in");

    // Someone else cannot answer it, even knowing its address.
    let page = app.get(&again, "/invitations").await.text().await.unwrap();
    assert!(page.contains("Studio Norð invites you to join as member."), "{page}");
    assert!(page.contains("Sent by owner@studio.example"), "{page}");
    let join =
        page.split("action=\"").filter_map(|r| r.split('"').next()).find(|a| a.ends_with("/join")).unwrap().to_owned();
    let stranger = new_client();
    app.log_in(&stranger, "stranger@elsewhere.example").await;
    assert_eq!(app.post_form(&stranger, &join, &[]).await.status(), 404);
    assert_eq!(app.post_form(&stranger, &join.replace("/join", "/decline"), &[]).await.status(), 404);
    assert_eq!(memberships("stranger@elsewhere.example").await, 1);
    assert_eq!(app.post_form(&stranger, "/invitations/not-a-uuid/x/join", &[]).await.status(), 404);

    // Her decline closes it: the owner no longer lists it, and it cannot be joined after.
    assert_eq!(app.post_form(&again, &join.replace("/join", "/decline"), &[]).await.status(), 303);
    assert_eq!(app.post_form(&again, &join, &[]).await.status(), 404);
    assert_eq!(memberships("victim@own.example").await, 1);
    let members = app.get(&owner, "/settings/members").await.text().await.unwrap();
    assert!(!members.contains("victim@own.example"), "{members}");
    let answers: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'invitation.%' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(answers, ["invitation.declined"]);
    // Invited again, she may now join.
    assert_eq!(invite(&app, &owner, "victim@own.example", "accountant").await.status(), 200);
    app.join_first_invitation(&again).await;
    let dashboard = app.get(&again, "/").await.text().await.unwrap();
    assert!(dashboard.contains("Studio Norð") && dashboard.contains("(accountant)"), "{dashboard}");
}

#[tokio::test]
async fn a_new_invitee_chooses_before_anything_else_and_may_start_their_own_business() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    assert_eq!(invite(&app, &owner, "newbie@fresh.example", "member").await.status(), 200);
    let newbie = new_client();
    let mail = app.request_code_mail(&newbie, "newbie@fresh.example").await;
    let landed = app.submit_code(&newbie, &mail.code()).await;
    assert_eq!(landed.headers()["location"], "/invitations");
    // Without a business the session opens only the invitations page (and signing out).
    for path in ["/", "/invoices", "/customers", "/settings/business"] {
        let response = app.get(&newbie, path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/invitations", "{path}");
    }
    let created = app
        .post_form(&newbie, "/customers", &[("kind", "person"), ("name", "X"), ("country", "IS"), ("currency", "ISK")])
        .await;
    assert_eq!(created.headers()["location"], "/invitations");
    let no_business: i64 = sqlx::query_scalar("SELECT count(*) FROM businesses").fetch_one(&app.db).await.unwrap();
    assert_eq!(no_business, 1, "no business was made for the invitee");
    let page = app.get(&newbie, "/invitations").await.text().await.unwrap();
    assert!(page.contains("Join Studio Norð") && page.contains("Start my own business"), "{page}");

    // Declining leaves them choosing; starting their own business opens the app.
    let decline = page
        .split("action=\"")
        .filter_map(|r| r.split('"').next())
        .find(|a| a.ends_with("/decline"))
        .unwrap()
        .to_owned();
    assert_eq!(app.post_form(&newbie, &decline, &[]).await.headers()["location"], "/invitations");
    let page = app.get(&newbie, "/invitations").await.text().await.unwrap();
    assert!(page.contains("There are no open invitations for you."), "{page}");
    let own = app.post_form(&newbie, "/invitations/own-business", &[]).await;
    assert_eq!(own.headers()["location"], "/");
    assert!(app.get(&newbie, "/").await.text().await.unwrap().contains("<h1>My business</h1>"));
    let twice = app.post_form(&newbie, "/invitations/own-business", &[]).await;
    assert_eq!(twice.status(), 409, "one business on demand, not many");
    assert_eq!(app.post_form(&newbie, "/logout", &[]).await.status(), 303);
}

#[tokio::test]
async fn an_invitation_expires_after_fourteen_days_and_can_be_sent_again() {
    let app = TestApp::spawn().await;
    let owner = new_client();
    owner_with_business(&app, &owner).await;
    assert_eq!(invite(&app, &owner, "late@slow.example", "member").await.status(), 200);
    app.clock.set(app.clock_now() + time::Duration::days(15));
    app.log_in(&owner, "owner@studio.example").await; // the old session has expired
    let members = app.get(&owner, "/settings/members").await.text().await.unwrap();
    assert!(!members.contains("late@slow.example"), "an expired invitation is not listed: {members}");
    // Signing in after expiry: nothing to answer, so the usual own business.
    let late = new_client();
    app.log_in(&late, "late@slow.example").await;
    assert!(!app.get(&late, "/").await.text().await.unwrap().contains("invitation to answer"));
    assert!(app.get(&late, "/invitations").await.text().await.unwrap().contains("There are no open invitations"));
    // The owner invites again, and the new one can be joined.
    assert_eq!(invite(&app, &owner, "late@slow.example", "member").await.status(), 200);
    app.join_first_invitation(&late).await;
    assert!(app.get(&late, "/").await.text().await.unwrap().contains("Studio Norð"));
}
