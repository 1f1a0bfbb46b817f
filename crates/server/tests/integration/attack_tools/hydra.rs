//! hydra against the admin login (password) and the one-time code form. The real
//! secret sits at position 31 of hydra's list, and the limits (the admin per-address
//! and per-name back-off, the code's five attempts and then the lock) must stop hydra
//! long before it gets there. A control run with the secret at position 2 on a fresh
//! instance shows that hydra, with this very command line, does find it.
//!
//! hydra 9.4 wants the condition string last (after `H=`), and aborts on a 401 to a
//! form POST (it takes it for HTTP auth); our forms answer 200/422/429 instead.

use std::process::Command;

use super::{run_tool, scratch_dir};
use crate::helpers::{TestApp, captured_logs, set_cookie};

const ADMIN: &str = "hydra-ops";
const ADMIN_PASSWORD: &str = "Hydra-target-Pw-7c2e91 staple battery";
/// Where the real secret goes in the "late" lists: well past every limit.
const LATE: usize = 31;

/// Runs hydra sequentially (`-t 1`) over `words` against the form `form` (hydra's
/// `path:body:options:condition` string); returns (output, found anything).
async fn hydra(app: &TestApp, words: &[String], form: &str) -> (String, bool) {
    let dir = scratch_dir("hydra");
    std::fs::write(dir.join("words.txt"), words.join("\n") + "\n").unwrap();
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let mut command = Command::new("hydra");
    // hydra writes `hydra.restore` into the working directory.
    command
        .current_dir(&dir)
        .env("HOME", &dir)
        .args(["-I", "-V", "-f", "-t", "1", "-l", ADMIN, "-P", "words.txt", "-s", &port, "127.0.0.1"])
        .args(["http-post-form", form]);
    let (_, output) = run_tool(command, "hydra").await;
    std::fs::remove_dir_all(&dir).ok();
    // hydra's summary line: "1 of 1 target successfully completed, 1 valid password found".
    let found = !output.contains("0 valid password") && output.contains("valid password found");
    assert!(output.contains("of 1 target"), "hydra did not finish its run:\n{output}");
    (output, found)
}

/// `count` wrong entries, with `secret` at 1-based `position`.
fn word_list(count: usize, position: usize, secret: &str, wrong: impl Fn(usize) -> String) -> Vec<String> {
    let mut words: Vec<String> = (0..count).map(wrong).filter(|w| w != secret).take(count - 1).collect();
    words.insert(position - 1, secret.to_owned());
    words
}

async fn admin_app() -> TestApp {
    let app = TestApp::spawn().await;
    fastfaktura::admin_cli::create(&app.db, ADMIN, ADMIN_PASSWORD.into()).await.unwrap();
    app
}

/// The admin login form for hydra: success is the redirect to enrolment (this admin
/// has no TOTP yet); the console wants its own Origin on every POST.
fn admin_form(app: &TestApp) -> String {
    let origin = app.address.replace(':', "\\:");
    format!("/admin/login:username=^USER^&password=^PASS^&code=:H=Origin\\: {origin}:S=/admin/enrol")
}

fn wrong_password(i: usize) -> String {
    format!("Wrong-password-{i:02} staple battery")
}

#[tokio::test]
async fn hydra_finds_an_admin_password_early_in_its_list_so_the_tool_really_works() {
    let app = admin_app().await;
    let (output, found) = hydra(&app, &word_list(5, 2, ADMIN_PASSWORD, wrong_password), &admin_form(&app)).await;
    assert!(found && output.contains(ADMIN_PASSWORD), "hydra missed the password at position 2:\n{output}");
}

#[tokio::test]
async fn hydra_is_stopped_by_the_admin_login_limits_long_before_the_password() {
    let app = admin_app().await;
    let words = word_list(LATE + 4, LATE, ADMIN_PASSWORD, wrong_password);
    let (output, found) = hydra(&app, &words, &admin_form(&app)).await;
    assert!(!found, "hydra got in with the password at position {LATE}:\n{output}");
    // It did try the real password, and the server had long been refusing.
    assert!(output.contains(&format!("pass \"{ADMIN_PASSWORD}\"")), "hydra never tried it:\n{output}");
    // What stopped it is the limit: even the right password is refused now.
    let response = crate::helpers::new_client()
        .post(app.url("/admin/login"))
        .header("origin", &app.address)
        .form(&[("username", ADMIN), ("password", ADMIN_PASSWORD), ("code", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(!captured_logs().contains(ADMIN_PASSWORD), "the password reached the logs");
}

/// Requests a code for `email` as a fresh browser; returns the challenge cookie's
/// value and the real code from the mail.
async fn code_challenge(app: &TestApp, email: &str) -> (String, String) {
    let client = crate::helpers::new_client();
    let response = app.request_code(&client, email).await;
    assert_eq!(response.status(), 303);
    let challenge = set_cookie(&response, "ff_challenge").expect("a challenge cookie");
    let mail = app.smtp.wait_for_matching(1, |m| m.to.iter().any(|t| t == email)).await;
    (challenge, mail.last().unwrap().code())
}

/// The code form for hydra: the challenge cookie rides along, and success is the
/// redirect a correct code gets (`location: /`; a bare "location" would also match
/// the Permissions-Policy's `geolocation`, hydra matching case-insensitively).
fn code_form(challenge: &str) -> String {
    format!("/login/code:code=^PASS^:H=Cookie\\: ff_challenge={challenge}:S=location\\: /")
}

fn wrong_code(i: usize) -> String {
    format!("{:06}", 100_000 + i * 7919)
}

#[tokio::test]
async fn hydra_finds_a_sign_in_code_early_in_its_list_so_the_tool_really_works() {
    let app = TestApp::spawn().await;
    let (challenge, code) = code_challenge(&app, "control@hydra.example").await;
    let (output, found) = hydra(&app, &word_list(5, 2, &code, wrong_code), &code_form(&challenge)).await;
    assert!(found && output.contains(&format!("password: {code}")), "hydra missed the code at position 2:\n{output}");
}

#[tokio::test]
async fn hydra_is_stopped_by_the_code_attempt_limit_and_lock_long_before_the_code() {
    let app = TestApp::spawn().await;
    let (challenge, code) = code_challenge(&app, "target@hydra.example").await;
    let words = word_list(LATE + 4, LATE, &code, wrong_code);
    let (output, found) = hydra(&app, &words, &code_form(&challenge)).await;
    assert!(!found, "hydra got in with the code at position {LATE}:\n{output}");
    assert!(output.contains(&format!("pass \"{code}\"")), "hydra never tried the code:\n{output}");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&app.db).await.unwrap();
    assert_eq!(sessions, 0, "no session was opened");
    // What stopped it is the limit: even the right code is refused now.
    let response = crate::helpers::new_client()
        .post(app.url("/login/code"))
        .header("cookie", format!("ff_challenge={challenge}"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    // The code is a form field: it never appears in a logged URL.
    assert!(!captured_logs().contains(&format!("code={code}")), "the code reached the logs");
}
