//! Email one-time-code login (security criteria OTP-1 to OTP-12 and OTP-14).
//!
//! Requesting a code and verifying one are each a single transaction. The code is
//! drawn uniformly from the OS CSPRNG, only an HMAC (keyed with a pepper derived from
//! the master key, bound to challenge, address and purpose) is stored, and the mail is
//! queued in the same transaction. Verification counts the attempt before comparing,
//! compares in constant time, burns the code on the fifth wrong attempt, and caps
//! failures per address across codes. Sign-up and login are the same flow.

use fastfaktura_domain::{EmailAddress, OtpCode, OtpCodeError};
use time::{Duration, OffsetDateTime, format_description::well_known::Rfc2822};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome},
    crypto::{self, digests_equal, random_bytes},
    db::{
        otp::{self as challenges, NewChallenge},
        rate_limits::{self, Limit, RetryAfter},
        sessions::{self, NewSession},
        users,
    },
    i18n::{self, Lang, key},
    integrations::email,
    state::AppState,
};

pub const CODE_VALIDITY: Duration = Duration::minutes(10);
/// Wrong attempts a single code survives; the fifth burns it.
pub const MAX_ATTEMPTS: i32 = 5;
const PURPOSE_LOGIN: &str = "login";

/// Draws a code uniformly from 000000–999999 (rejection sampling, no modulo bias).
pub fn generate_code() -> OtpCode {
    loop {
        if let Some(code) = OtpCode::from_random_u32(u32::from_be_bytes(random_bytes::<4>())) {
            return code;
        }
    }
}

fn code_hmac(state: &AppState, challenge_id: Uuid, email: &str, purpose: &str, code: &OtpCode) -> [u8; 32] {
    state.keys.otp_pepper.mac(&[
        challenge_id.as_bytes(),
        email.as_bytes(),
        purpose.as_bytes(),
        code.expose_digits().as_bytes(),
    ])
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// `message` is a key of the UI catalogue.
    #[error("too many requests")]
    TooMany { retry_after: Duration, message: &'static str },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn limited(RetryAfter(retry_after): RetryAfter, message: &'static str) -> LoginError {
    LoginError::TooMany { retry_after, message }
}

/// Issues a login code for `email` and queues the mail. Returns the challenge token
/// for the browser's pre-authentication cookie. Unknown and known addresses take the
/// same path (a new address is a sign-up), so the response reveals nothing. The mail
/// is written in `lang`, the language of the page the code was asked for on.
pub async fn request_login_code(
    state: &AppState,
    email: &EmailAddress,
    ip: &str,
    lang: Lang,
) -> Result<String, LoginError> {
    let now = state.clock.now();
    let limits = &state.settings.login;
    let pseudonym = state.keys.email_pseudonym(email.as_str());
    let mut tx = state.db.begin().await?;
    rate_limits::hit(
        &mut tx,
        &format!("otp-issue:email:{pseudonym}"),
        &[
            Limit::new(limits.codes_per_email_15min, Duration::minutes(15)),
            Limit::new(limits.codes_per_email_24h, Duration::hours(24)),
        ],
        now,
    )
    .await?
    .map_err(|r| limited(r, key("login-too-many-for-address")))?;
    rate_limits::hit(
        &mut tx,
        &format!("otp-issue:ip:{}", rate_limits::client_of(ip)),
        &[Limit::new(limits.codes_per_ip_15min, Duration::minutes(15))],
        now,
    )
    .await?
    .map_err(|r| limited(r, key("login-too-many-from-network")))?;

    // Only this client's earlier code is replaced: a code asked for elsewhere (by the
    // person themselves) stays usable until it expires or fails five times.
    let superseded = challenges::supersede_open(&mut tx, email.as_str(), PURPOSE_LOGIN, ip, now).await?;
    let challenge_id = Uuid::new_v4();
    let token = crypto::new_token();
    let code = generate_code();
    challenges::insert(
        &mut tx,
        NewChallenge {
            id: challenge_id,
            challenge_hash: &crypto::token_hash(&token),
            email: email.as_str(),
            purpose: PURPOSE_LOGIN,
            code_hmac: &code_hmac(state, challenge_id, email.as_str(), PURPOSE_LOGIN, &code),
            created_at: now,
            expires_at: now + CODE_VALIDITY,
            requested_ip: ip,
        },
    )
    .await?;
    let body = login_mail_body(lang, &code, now, ip);
    let subject = i18n::message(lang, key("mail-code-subject"), None);
    email::enqueue(&mut tx, &state.keys.outbox, email.as_str(), &subject, &body, now).await?;
    let event = auth_event(now, "auth.otp.issued", ip, "", &pseudonym)
        .target(challenge_id.to_string())
        .details(serde_json::json!({ "email": pseudonym, "superseded": superseded }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%challenge_id, email = %pseudonym, ip, superseded, "login code issued");
    Ok(token)
}

/// The mail text: the code in the body only (never the subject or a link), with the
/// time and address of the request and what to do if it was not you (OTP-11).
fn login_mail_body(lang: Lang, code: &OtpCode, now: OffsetDateTime, ip: &str) -> String {
    let when = now.format(&Rfc2822).unwrap_or_else(|_| now.to_string());
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("code", code.expose_digits().to_owned());
    args.set("when", when);
    args.set("ip", ip.to_owned());
    i18n::message(lang, key("mail-code-body"), Some(&args)) + "\n"
}

/// Why a code was not accepted; each maps to a page and a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No usable challenge (no cookie, unknown, already used or replaced): start again.
    StartAgain,
    /// Wrong or expired code (one message for both, OTP-3).
    WrongCode { attempts_left: i32 },
    /// Not six digits; still counted as an attempt.
    Malformed { error: OtpCodeError, attempts_left: i32 },
    /// That was the fifth wrong attempt: this code is burned.
    Burned,
    /// The code was burned earlier: even the right code is refused (OTP-5).
    Locked,
    /// Too many failures for this address or network in 24 hours (OTP-8).
    Suspended { retry_after: Duration },
    /// An operator suspended this user (admin console).
    AccountSuspended,
}

/// A sign-in's event names the business only when the session has one.
fn with_business(event: AuditEvent, business_id: Option<Uuid>) -> AuditEvent {
    match business_id {
        Some(business_id) => event.business(business_id),
        None => event,
    }
}

pub enum Verified {
    /// A new session: the token for the session cookie.
    LoggedIn {
        session_token: String,
        /// The user has invitations to answer and no business yet: they land on the
        /// invitations page.
        choosing: bool,
    },
    Rejected(Rejection),
}

/// Checks a typed code against the browser's challenge and opens a session.
pub async fn verify_login_code(
    state: &AppState,
    challenge_token: &str,
    typed: &str,
    ip: &str,
    user_agent: &str,
) -> Result<Verified, LoginError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(attempt) = challenges::register_attempt(&mut tx, &crypto::token_hash(challenge_token)).await? else {
        return Ok(Verified::Rejected(Rejection::StartAgain));
    };
    let pseudonym = state.keys.email_pseudonym(&attempt.email);
    let challenge_id = attempt.id;
    match attempt.consumed_reason.as_deref() {
        Some("locked") => {
            let event = auth_event(now, "auth.otp.verify.locked", ip, user_agent, &pseudonym)
                .target(challenge_id.to_string())
                .outcome(Outcome::Denied);
            audit::record(&mut *tx, &event).await?;
            tx.commit().await?;
            tracing::warn!(%challenge_id, email = %pseudonym, ip, attempt = attempt.attempts, "login code refused: burned by earlier wrong attempts");
            return Ok(Verified::Rejected(Rejection::Locked));
        }
        Some(_) => {
            tx.commit().await?;
            tracing::info!(%challenge_id, email = %pseudonym, ip, "login code refused: already used or replaced");
            return Ok(Verified::Rejected(Rejection::StartAgain));
        }
        None => {}
    }
    let limits = &state.settings.login;
    // Failures count per address *and client*: a stranger typing wrong codes for
    // someone's address spends their own budget, never the person's (who asks for and
    // types their code elsewhere). Guessing stays bounded by the codes an address can
    // be sent (`codes_per_email_24h`) times five attempts each.
    let client = rate_limits::client_of(ip);
    let email_failures = format!("otp-fail:email:{pseudonym}:client:{client}");
    let ip_failures = format!("otp-fail:ip:{client}");
    let email_limit = [Limit::new(limits.failures_per_email_24h, Duration::hours(24))];
    let ip_limit = [Limit::new(limits.failures_per_ip_hour, Duration::hours(1))];
    for (key, limit) in [(&email_failures, &email_limit[..]), (&ip_failures, &ip_limit[..])] {
        if let Err(RetryAfter(retry_after)) = rate_limits::check(&mut tx, key, limit, now).await? {
            let event = auth_event(now, "ratelimit.triggered", ip, user_agent, &pseudonym)
                .target(challenge_id.to_string())
                .outcome(Outcome::Denied)
                .details(serde_json::json!({ "email": pseudonym, "limit": "otp_failures" }));
            audit::record(&mut *tx, &event).await?;
            tx.commit().await?;
            tracing::warn!(%challenge_id, email = %pseudonym, ip, "login suspended: too many failed codes");
            return Ok(Verified::Rejected(Rejection::Suspended { retry_after }));
        }
    }

    let parsed = OtpCode::parse(typed);
    let correct = parsed.as_ref().is_ok_and(|code| {
        digests_equal(&code_hmac(state, challenge_id, &attempt.email, &attempt.purpose, code), &attempt.code_hmac)
    });
    let expired = now >= attempt.expires_at;
    if correct && !expired && attempt.attempts <= MAX_ATTEMPTS {
        if !challenges::consume(&mut tx, challenge_id, "used", now).await? {
            return Ok(Verified::Rejected(Rejection::StartAgain));
        }
        let landing = users::find_or_create_for_login(&mut tx, &attempt.email, now).await?;
        if crate::db::operator::is_suspended(&mut *tx, landing.user_id).await? {
            // Suspended by an operator: the code is right but no session opens.
            let event =
                with_business(auth_event(now, "auth.login.failure", ip, user_agent, &pseudonym), landing.business_id)
                    .actor(Actor::User(landing.user_id))
                    .target(landing.user_id.to_string())
                    .outcome(Outcome::Denied)
                    .details(serde_json::json!({ "email": pseudonym, "reason": "account_suspended" }));
            audit::record(&mut *tx, &event).await?;
            tx.commit().await?;
            tracing::warn!(%challenge_id, user_id = %landing.user_id, ip, "login refused: the user is suspended");
            return Ok(Verified::Rejected(Rejection::AccountSuspended));
        }
        let session_token = crypto::new_token();
        sessions::create(
            &mut *tx,
            NewSession {
                token_hash: &crypto::token_hash(&session_token),
                user_id: landing.user_id,
                business_id: landing.business_id,
                now,
                expires_at: now + Duration::hours(i64::from(state.settings.session.absolute_timeout_hours)),
                ip,
                user_agent,
            },
        )
        .await?;
        let event =
            with_business(auth_event(now, "auth.login.success", ip, user_agent, &pseudonym), landing.business_id)
                .actor(Actor::User(landing.user_id))
                .target(landing.user_id.to_string());
        audit::record(&mut *tx, &event).await?;
        tx.commit().await?;
        tracing::info!(%challenge_id, email = %pseudonym, user_id = %landing.user_id, ip, "login code verified; session opened");
        return Ok(Verified::LoggedIn { session_token, choosing: landing.business_id.is_none() });
    }

    rate_limits::record(&mut tx, &email_failures, now).await?;
    rate_limits::record(&mut tx, &ip_failures, now).await?;
    let attempts_left = (MAX_ATTEMPTS - attempt.attempts).max(0);
    let reason = match (&parsed, expired) {
        (Err(_), _) => "malformed",
        (Ok(_), true) => "expired",
        (Ok(_), false) => "wrong",
    };
    tracing::warn!(%challenge_id, email = %pseudonym, ip, user_agent, attempt = attempt.attempts, reason, "login code rejected");
    let event = auth_event(now, "auth.otp.verify.failure", ip, user_agent, &pseudonym)
        .target(challenge_id.to_string())
        .outcome(Outcome::Failure)
        .details(serde_json::json!({ "email": pseudonym, "reason": reason, "attempt": attempt.attempts }));
    audit::record(&mut *tx, &event).await?;
    let rejection = if attempts_left == 0 {
        challenges::consume(&mut tx, challenge_id, "locked", now).await?;
        let event = auth_event(now, "auth.otp.verify.locked", ip, user_agent, &pseudonym)
            .target(challenge_id.to_string())
            .outcome(Outcome::Denied);
        audit::record(&mut *tx, &event).await?;
        tracing::warn!(%challenge_id, email = %pseudonym, ip, "login code burned after the fifth wrong attempt");
        Rejection::Burned
    } else {
        match parsed {
            Err(e) => Rejection::Malformed { error: e, attempts_left },
            Ok(_) => Rejection::WrongCode { attempts_left },
        }
    };
    if let Err(RetryAfter(_)) = rate_limits::check(&mut tx, &email_failures, &email_limit, now).await? {
        // This failure used up the address's daily budget: tell its owner (OTP-8).
        let body = format!(
            "Hello,\n\nThere were {} wrong sign-in codes for your FastFaktura account in the last 24 hours, \
             the last one from the IP address {ip}. Sign-in with a code is paused for this address for up to 24 hours.\n\n\
             If this was you, wait and try again later. If it was not you, nobody got in: the codes were wrong.\n\nFastFaktura\n",
            limits.failures_per_email_24h
        );
        email::enqueue(&mut tx, &state.keys.outbox, &attempt.email, "FastFaktura sign-in paused", &body, now).await?;
        tracing::warn!(email = %pseudonym, ip, "login suspended for this address: failure budget used up");
    }
    tx.commit().await?;
    Ok(Verified::Rejected(rejection))
}

/// An `auth` event about a sign-in attempt: the address only as its keyed pseudonym.
fn auth_event(now: OffsetDateTime, action: &str, ip: &str, user_agent: &str, pseudonym: &str) -> AuditEvent {
    AuditEvent::new(now, Category::Auth, action)
        .actor(Actor::Anonymous)
        .ip(ip)
        .user_agent(user_agent)
        .details(serde_json::json!({ "email": pseudonym }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_uniform_and_include_leading_zeros() {
        // OTP-1: over 10^6 codes each leading digit is 10 % ± 0.3 %.
        const N: usize = 1_000_000;
        let mut leading = [0usize; 10];
        let mut zero_led = 0;
        for _ in 0..N {
            let code = generate_code();
            let digits = code.expose_digits().as_bytes();
            assert_eq!(digits.len(), 6);
            leading[usize::from(digits[0] - b'0')] += 1;
            zero_led += usize::from(digits[0] == b'0');
        }
        for (digit, count) in leading.iter().enumerate() {
            let share = *count as f64 / N as f64;
            assert!((0.097..=0.103).contains(&share), "leading digit {digit}: {share}");
        }
        assert!(zero_led > 0);
    }

    #[test]
    fn the_mail_carries_time_ip_and_advice() {
        let code = OtpCode::parse("012345").unwrap();
        let when = time::macros::datetime!(2026-11-24 10:00 UTC);
        let body = login_mail_body(Lang::En, &code, when, "203.0.113.9");
        assert!(body.contains("Your FastFaktura sign-in code is:\n\n    012345\n"), "{body}");
        assert!(body.contains("203.0.113.9"));
        assert!(body.contains("24 Nov 2026 10:00"));
        assert!(body.contains("If this wasn't you"));
        let body = login_mail_body(Lang::Is, &code, when, "203.0.113.9");
        assert!(body.contains("Innskráningarkóðinn þinn fyrir FastFaktura er:\n\n    012345\n"), "{body}");
        assert!(body.contains("203.0.113.9") && body.contains("Ef þetta varst ekki þú"), "{body}");
    }
}
