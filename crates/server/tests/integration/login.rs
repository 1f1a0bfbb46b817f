//! The email one-time-code login as a user meets it (security criteria OTP-1 to
//! OTP-7, OTP-9 to OTP-12).

use time::Duration;

use crate::helpers::{TestApp, new_client, retry_after, set_cookie};

#[tokio::test]
async fn a_new_user_signs_up_with_an_emailed_code_and_lands_on_their_dashboard() {
    let app = TestApp::spawn().await;
    let client = &app.client;

    let page = app.get(client, "/login").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("name=\"email\""));
    assert_eq!(app.get(client, "/").await.headers()["location"], "/login");

    let response = app.request_code(client, "  New.User@Example.com ").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login/code");
    let challenge = set_cookie(&response, "ff_challenge").expect("a challenge cookie");
    assert!(challenge.len() >= 32, "a 128-bit+ challenge token");

    let mail = app.smtp.wait_for(1).await.remove(0);
    assert_eq!(mail.to, vec!["new.user@example.com".to_owned()]);
    let subject = mail.header("subject").unwrap();
    let code = mail.code();
    assert_eq!(code.len(), 6);
    assert!(!subject.contains(&code), "the code is not in the subject: {subject}");
    let body = mail.body();
    assert!(body.contains("127.0.0.1"), "the mail names the requesting IP");
    assert!(body.contains("(UTC)"), "the mail names the time");
    assert!(body.contains("If this wasn't you"));
    assert!(!body.contains("http://") && !body.contains("https://"), "no login link carries the code");

    let code_page = app.get(client, "/login/code").await;
    assert_eq!(code_page.status(), 200);
    assert!(code_page.text().await.unwrap().contains("new.user@example.com"));

    let response = app.submit_code(client, &code).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    let session = set_cookie(&response, "ff_session").expect("a session cookie");
    assert!(session.len() >= 32);
    assert_eq!(set_cookie(&response, "ff_challenge").as_deref(), Some(""), "the challenge cookie is removed");
    let cookie_header =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(
        cookie_header
            .iter()
            .any(|c| c.starts_with("ff_session=") && c.contains("HttpOnly") && c.contains("SameSite=Lax"))
    );

    let dashboard = app.get(client, "/").await;
    assert_eq!(dashboard.status(), 200);
    let html = dashboard.text().await.unwrap();
    assert!(html.contains("My business"));
    assert!(html.contains("new.user@example.com"));
    assert!(html.contains("owner"));

    // Another browser is not signed in.
    let other = new_client();
    assert_eq!(app.get(&other, "/").await.headers()["location"], "/login");

    // Logging out ends the session on the server, not just in the browser.
    let logout = app.post_form(client, "/logout", &[]).await;
    assert_eq!(logout.status(), 303);
    assert_eq!(app.get(client, "/").await.headers()["location"], "/login");
    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let replayed = replay.get(app.url("/")).header("cookie", format!("ff_session={session}")).send().await.unwrap();
    assert_eq!(replayed.headers()["location"], "/login", "a logged-out token is dead");
}

#[tokio::test]
async fn logging_in_again_finds_the_same_business_with_a_new_session_token() {
    let app = TestApp::spawn().await;
    app.log_in(&app.client, "repeat@example.com").await;
    let second = new_client();
    let mail = app.request_code_mail(&second, "REPEAT@example.com").await;
    let response = app.submit_code(&second, &mail.code()).await;
    assert_eq!(response.status(), 303);
    let businesses: i64 = sqlx::query_scalar("SELECT count(*) FROM businesses").fetch_one(&app.db).await.unwrap();
    assert_eq!(businesses, 1);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&app.db).await.unwrap();
    assert_eq!(users, 1);
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT token_hash) FROM sessions").fetch_one(&app.db).await.unwrap();
    assert_eq!(sessions, 2);
}

#[tokio::test]
async fn a_malformed_email_shows_the_form_again_with_a_clear_message() {
    let app = TestApp::spawn().await;
    for (typed, needle) in
        [("", "Please enter your email address"), ("not-an-email", "does not look like an email address")]
    {
        let response = app.request_code(&app.client, typed).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains(needle), "{html}");
        assert!(html.contains("name=\"email\""));
    }
    assert!(app.smtp.mails().is_empty());
}

#[tokio::test]
async fn a_code_that_is_not_six_digits_gets_a_clear_message_and_counts_as_an_attempt() {
    let app = TestApp::spawn().await;
    let mail = app.request_code_mail(&app.client, "typo@example.com").await;
    let response = app.submit_code(&app.client, "12345").await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("exactly 6 digits"), "{html}");
    assert!(html.contains("4 more tries"), "{html}");
    // Spaces and dashes people type are fine.
    let code = mail.code();
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    assert_eq!(app.submit_code(&app.client, &spaced).await.status(), 303);
}

#[tokio::test]
async fn the_fifth_wrong_code_burns_it_and_then_even_the_right_code_gets_429() {
    let app = TestApp::spawn().await;
    let mail = app.request_code_mail(&app.client, "brute@example.com").await;
    let code = mail.code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=4 {
        let response = app.submit_code(&app.client, wrong).await;
        assert_eq!(response.status(), 422, "attempt {attempt}");
        assert!(response.text().await.unwrap().contains(&format!("{} more", 5 - attempt)));
    }
    let fifth = app.submit_code(&app.client, wrong).await;
    assert_eq!(fifth.status(), 400);
    assert!(fifth.text().await.unwrap().contains("no longer works"));
    let sixth = app.submit_code(&app.client, &code).await;
    assert_eq!(sixth.status(), 429);
    assert!(retry_after(&sixth).is_some());
    assert!(sixth.text().await.unwrap().contains("request a new code"));
    assert_eq!(app.get(&app.client, "/").await.headers()["location"], "/login");
    let reason: String =
        sqlx::query_scalar("SELECT consumed_reason FROM otp_challenges").fetch_one(&app.db).await.unwrap();
    assert_eq!(reason, "locked");
}

#[tokio::test]
async fn a_code_is_valid_for_ten_minutes_on_the_server_clock() {
    let app = TestApp::spawn().await;
    let mail = app.request_code_mail(&app.client, "clock@example.com").await;
    app.clock.advance(Duration::seconds(599));
    assert_eq!(app.submit_code(&app.client, &mail.code()).await.status(), 303, "valid at t+599 s");

    let late = new_client();
    let mail = app.request_code_mail(&late, "clock@example.com").await;
    let wrong = if mail.code() == "000000" { "111111" } else { "000000" };
    let wrong_html = app.submit_code(&late, wrong).await.text().await.unwrap();
    app.clock.advance(Duration::seconds(600));
    let expired = app.submit_code(&late, &mail.code()).await;
    assert_eq!(expired.status(), 422, "expired at t+600 s");
    let expired_html = expired.text().await.unwrap();
    // The same generic message as a wrong code (only the count of tries left differs).
    let generic = "That code is not right, or it has expired.";
    assert!(wrong_html.contains(generic) && expired_html.contains(generic));
    assert_eq!(app.get(&late, "/").await.headers()["location"], "/login");
}

#[tokio::test]
async fn ten_concurrent_correct_submissions_open_exactly_one_session() {
    let app = TestApp::spawn().await;
    let mail = app.request_code_mail(&app.client, "race@example.com").await;
    let code = mail.code();
    let submissions = (0..10).map(|_| app.submit_code(&app.client, &code));
    let responses = futures_join_all(submissions).await;
    let winners = responses.iter().filter(|r| r.status() == 303).count();
    assert_eq!(winners, 1, "statuses: {:?}", responses.iter().map(|r| r.status()).collect::<Vec<_>>());
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&app.db).await.unwrap();
    assert_eq!(sessions, 1);
    // A used code cannot be replayed.
    let replay = app.submit_code(&new_client(), &code).await;
    assert_eq!(replay.status(), 400);
}

async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(|f| Box::pin(f)).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    // Poll all concurrently on this task.
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for slot in pending.iter_mut() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        out.push(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    out
}

#[tokio::test]
async fn a_code_is_bound_to_its_browser_and_its_address() {
    let app = TestApp::spawn().await;
    let alice = new_client();
    let alice_mail = app.request_code_mail(&alice, "alice@example.com").await;
    // Another browser (no challenge cookie) cannot use Alice's code.
    let thief = new_client();
    let response = app.submit_code(&thief, &alice_mail.code()).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("start"));
    // Bob's challenge does not accept Alice's code.
    let bob = new_client();
    let bob_mail = app.request_code_mail(&bob, "bob@example.com").await;
    if bob_mail.code() != alice_mail.code() {
        assert_eq!(app.submit_code(&bob, &alice_mail.code()).await.status(), 422);
    }
    assert_eq!(app.submit_code(&alice, &alice_mail.code()).await.status(), 303);
}

#[tokio::test]
async fn requesting_a_new_code_invalidates_the_old_one() {
    let app = TestApp::spawn().await;
    let first_browser = new_client();
    let first = app.request_code(&first_browser, "resend@example.com").await;
    let first_cookie = set_cookie(&first, "ff_challenge").unwrap();
    let first_code = app.smtp.wait_for(1).await[0].code();
    let second_code = app.request_code_mail(&app.client, "resend@example.com").await.code();
    // The old challenge with its own code no longer works.
    let response = app.submit_code(&first_browser, &first_code).await;
    assert_eq!(response.status(), 400, "old challenge refused");
    assert!(!first_cookie.is_empty());
    // The old code on the new challenge is simply wrong.
    if first_code != second_code {
        assert_eq!(app.submit_code(&app.client, &first_code).await.status(), 422);
    }
    assert_eq!(app.submit_code(&app.client, &second_code).await.status(), 303);
}

#[tokio::test]
async fn without_a_challenge_cookie_the_user_is_asked_to_start_again() {
    let app = TestApp::spawn().await;
    let page = app.get(&app.client, "/login/code").await;
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("Please start again"));
    let post = app.submit_code(&app.client, "123456").await;
    assert_eq!(post.status(), 400);
    // An expired challenge too.
    app.request_code_mail(&app.client, "late@example.com").await;
    app.clock.advance(Duration::minutes(11));
    let page = app.get(&app.client, "/login/code").await;
    assert_eq!(page.status(), 400);
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_response() {
    let app = TestApp::spawn().await;
    app.log_in(&app.client, "known@example.com").await;
    let shape = |r: &reqwest::Response| {
        let mut headers: Vec<String> = r
            .headers()
            .iter()
            // The date and the request id differ per request by nature.
            .filter(|(k, _)| *k != "date" && *k != "x-request-id")
            .map(|(k, v)| {
                let v = v.to_str().unwrap();
                // The challenge token differs per request by design; compare its shape.
                let v = if k == "set-cookie" { v.split_once(';').map(|(_, rest)| rest).unwrap_or(v) } else { v };
                format!("{k}: {v}")
            })
            .collect();
        headers.sort();
        (r.status(), headers)
    };
    let known = app.request_code(&new_client(), "known@example.com").await;
    let unknown = app.request_code(&new_client(), "nobody-yet@example.com").await;
    assert_eq!(shape(&known), shape(&unknown));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn a_cross_site_login_post_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", "victim@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("came from another website"));
    let fetch_metadata = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "victim@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_metadata.status(), 403);
    let same_origin = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.address.clone())
        .form(&[("email", "victim@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 303);
    app.smtp.wait_for(1).await;
    // Logout is state-changing too.
    app.log_in(&app.client, "victim@example.com").await;
    let forged = app.client.post(app.url("/logout")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.get(&app.client, "/").await.status(), 200, "still signed in");
}
