//! SMS through a provider's HTTP API: 46elks and Twilio, as their documentation
//! describes them, with the API origin configurable (`sms.*_base_url`) so tests speak
//! to local fake servers.
//!
//! Neither provider takes an idempotency key, so besides sending this module can ask
//! a provider's message log whether a given text already went to a number
//! ([`SmsClient::find_sent`]); the delivery job uses it to settle a send that a crash
//! left in doubt (docs/decisions.md). Errors are sentences for the invoice page: they
//! name the provider and what it said, never the credentials.

use std::{fmt, time::Duration};

use fastfaktura_domain::PhoneNumber;
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime, format_description::well_known::Rfc2822, macros::format_description};

use crate::config::SmsSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Elks,
    Twilio,
}

impl Provider {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "46elks" => Some(Self::Elks),
            "twilio" => Some(Self::Twilio),
            _ => None,
        }
    }

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Elks => "46elks",
            Self::Twilio => "twilio",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::Elks => "46elks",
            Self::Twilio => "Twilio",
        }
    }
}

/// An account at a provider, with its secret opened. Debug output hides the secret.
#[derive(Clone)]
pub struct Credentials {
    pub provider: Provider,
    /// 46elks API username, or Twilio Account SID.
    pub account: String,
    /// 46elks API password, or Twilio Auth Token.
    pub secret: String,
    /// The sender: an E.164 number or an alphanumeric name of at most 11 characters.
    pub sender: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("provider", &self.provider)
            .field("account", &self.account)
            .field("secret", &"[hidden]")
            .field("sender", &self.sender)
            .finish()
    }
}

/// A sender ID as both providers accept it: an E.164 number, or 1 to 11 letters,
/// digits and spaces (alphanumeric senders cannot be replied to, which suits invoices).
pub fn check_sender(sender: &str) -> Result<String, &'static str> {
    if let Ok(number) = PhoneNumber::parse(sender)
        && sender.trim_start().starts_with('+')
    {
        return Ok(number.as_str().to_owned());
    }
    let sender = sender.trim();
    let alnum = sender.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
    if !sender.is_empty() && sender.len() <= 11 && alnum && sender.chars().any(|c| c.is_ascii_alphabetic()) {
        Ok(sender.to_owned())
    } else {
        Err(crate::i18n::key("sms-bad-sender"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsError {
    /// Worth retrying later: the provider is down, slow or busy.
    Temporary(String),
    /// The provider refused this message or these credentials; retrying will not help.
    Rejected(String),
}

impl fmt::Display for SmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SmsError::Temporary(s) | SmsError::Rejected(s) => f.write_str(s),
        }
    }
}

pub struct SmsClient {
    http: reqwest::Client,
    elks_base_url: String,
    twilio_base_url: String,
}

#[derive(Deserialize)]
struct ElksMessage {
    id: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    created: String,
}

#[derive(Deserialize)]
struct ElksHistory {
    data: Vec<ElksMessage>,
}

#[derive(Deserialize)]
struct TwilioMessage {
    sid: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    date_created: Option<String>,
}

#[derive(Deserialize)]
struct TwilioList {
    messages: Vec<TwilioMessage>,
}

#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

/// How far before our own "sending" mark a provider's timestamp may be and still
/// count: the provider's clock is not ours.
const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

impl SmsClient {
    pub fn new(settings: &SmsSettings) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            http,
            elks_base_url: settings.elks_base_url.trim_end_matches('/').to_owned(),
            twilio_base_url: settings.twilio_base_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends `text` to `to`; returns the provider's id for the message.
    pub async fn send(&self, creds: &Credentials, to: &PhoneNumber, text: &str) -> Result<String, SmsError> {
        let name = creds.provider.display_name();
        let request = match creds.provider {
            Provider::Elks => self.http.post(format!("{}/a1/sms", self.elks_base_url)).form(&[
                ("from", creds.sender.as_str()),
                ("to", to.as_str()),
                ("message", text),
            ]),
            Provider::Twilio => self
                .http
                .post(format!(
                    "{}/2010-04-01/Accounts/{}/Messages.json",
                    self.twilio_base_url,
                    path_segment(&creds.account)
                ))
                .form(&[("To", to.as_str()), ("From", creds.sender.as_str()), ("Body", text)]),
        };
        let response =
            request.basic_auth(&creds.account, Some(&creds.secret)).send().await.map_err(|e| {
                SmsError::Temporary(format!("{name} could not be reached ({})", connection_problem(&e)))
            })?;
        let status = response.status();
        let body = response.text().await.map_err(|_| SmsError::Temporary(format!("{name} did not answer in full")))?;
        if status.is_success() {
            let id = match creds.provider {
                Provider::Elks => serde_json::from_str::<ElksMessage>(&body).map(|m| m.id),
                Provider::Twilio => serde_json::from_str::<TwilioMessage>(&body).map(|m| m.sid),
            };
            // Accepted but unreadable: the message is on its way, so this is not a failure.
            return Ok(id.unwrap_or_default());
        }
        Err(classify(creds.provider, status.as_u16(), &body))
    }

    /// The provider's ids of messages to `to` whose text has the SHA-256 `digest`,
    /// created since `since` (less a clock-skew margin), oldest first.
    pub async fn find_sent(
        &self,
        creds: &Credentials,
        to: &PhoneNumber,
        digest: &[u8],
        since: OffsetDateTime,
    ) -> Result<Vec<String>, SmsError> {
        let name = creds.provider.display_name();
        let earliest = since - CLOCK_SKEW;
        let url = match creds.provider {
            Provider::Elks => reqwest::Url::parse_with_params(
                &format!("{}/a1/sms", self.elks_base_url),
                &[("to", to.as_str()), ("end", elks_time(earliest).as_str()), ("limit", "100")],
            ),
            Provider::Twilio => reqwest::Url::parse_with_params(
                &format!("{}/2010-04-01/Accounts/{}/Messages.json", self.twilio_base_url, path_segment(&creds.account)),
                &[("To", to.as_str()), ("PageSize", "100")],
            ),
        }
        .map_err(|_| SmsError::Rejected(format!("{name}'s API address is not a valid URL")))?;
        let request = self.http.get(url);
        let response =
            request.basic_auth(&creds.account, Some(&creds.secret)).send().await.map_err(|e| {
                SmsError::Temporary(format!("{name} could not be reached ({})", connection_problem(&e)))
            })?;
        let status = response.status();
        let body = response.text().await.map_err(|_| SmsError::Temporary(format!("{name} did not answer in full")))?;
        if !status.is_success() {
            return Err(classify(creds.provider, status.as_u16(), &body));
        }
        let unreadable = |_| SmsError::Temporary(format!("{name}'s message log could not be read"));
        let found = match creds.provider {
            Provider::Elks => serde_json::from_str::<ElksHistory>(&body)
                .map_err(unreadable)?
                .data
                .into_iter()
                .filter(|m| {
                    m.to == to.as_str()
                        && same_text(&m.message, digest)
                        && parse_elks_time(&m.created).is_some_and(|t| t >= earliest)
                })
                .map(|m| m.id)
                .collect::<Vec<_>>(),
            Provider::Twilio => serde_json::from_str::<TwilioList>(&body)
                .map_err(unreadable)?
                .messages
                .into_iter()
                .filter(|m| {
                    m.to == to.as_str()
                        && same_text(&m.body, digest)
                        && m.date_created
                            .as_deref()
                            .and_then(|d| OffsetDateTime::parse(d, &Rfc2822).ok())
                            .is_some_and(|t| t >= earliest)
                })
                .map(|m| m.sid)
                .collect::<Vec<_>>(),
        };
        // Both logs list the newest first.
        let mut found = found;
        found.reverse();
        Ok(found)
    }
}

fn same_text(text: &str, digest: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).as_slice() == digest
}

/// Account names go into a URL path; anything but letters and digits is escaped.
fn path_segment(account: &str) -> String {
    account
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn connection_problem(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused or failed"
    } else {
        "network error"
    }
}

/// A provider's refusal as a sentence: 429 and 5xx are temporary; 401/403 are the
/// credentials; other 4xx are this message. Only the provider's own words are kept
/// (shortened), which never contain our secret.
fn classify(provider: Provider, status: u16, body: &str) -> SmsError {
    let name = provider.display_name();
    let said = match provider {
        Provider::Twilio => serde_json::from_str::<TwilioError>(body)
            .ok()
            .map(|e| match (e.code, e.message) {
                (Some(code), Some(m)) => format!("{m} (error {code})"),
                (None, Some(m)) => m,
                (Some(code), None) => format!("error {code}"),
                (None, None) => String::new(),
            })
            .unwrap_or_default(),
        // 46elks answers errors in plain text.
        Provider::Elks => body.trim().to_owned(),
    };
    let said: String = said.chars().filter(|c| !c.is_control()).take(200).collect();
    let detail = if said.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status}: {said}") };
    match status {
        429 | 500..=599 => SmsError::Temporary(format!("{name} is unavailable ({detail})")),
        401 | 403 => SmsError::Rejected(format!("{name} refused the API credentials ({detail})")),
        _ => SmsError::Rejected(format!("{name} refused the message ({detail})")),
    }
}

const ELKS_TIME: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]");

/// 46elks writes UTC times without a zone, with microseconds.
fn elks_time(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time()).format(ELKS_TIME).unwrap_or_default()
}

fn parse_elks_time(text: &str) -> Option<OffsetDateTime> {
    let parsed = PrimitiveDateTime::parse(text, ELKS_TIME)
        .or_else(|_| {
            PrimitiveDateTime::parse(text, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        })
        .ok()?;
    Some(parsed.assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_become_sentences_without_secrets() {
        let twilio = classify(
            Provider::Twilio,
            400,
            r#"{"code": 21211, "message": "The 'To' number +3545551234 is not a valid phone number.", "status": 400}"#,
        );
        assert_eq!(
            twilio,
            SmsError::Rejected(
                "Twilio refused the message (HTTP 400: The 'To' number +3545551234 is not a valid phone number. (error 21211))".into()
            )
        );
        assert!(
            matches!(classify(Provider::Elks, 401, "Unauthorized"), SmsError::Rejected(s) if s.contains("credentials"))
        );
        assert!(
            matches!(classify(Provider::Elks, 503, ""), SmsError::Temporary(s) if s == "46elks is unavailable (HTTP 503)")
        );
        assert!(matches!(classify(Provider::Twilio, 429, "{}"), SmsError::Temporary(_)));
    }

    #[test]
    fn senders_are_numbers_or_short_names() {
        assert_eq!(check_sender("+46 70 123 45 67"), Ok("+46701234567".into()));
        assert_eq!(check_sender("Acme ehf"), Ok("Acme ehf".into()));
        assert!(check_sender("A very long sender").is_err());
        assert!(check_sender("12345").is_err());
        assert!(check_sender("Ac<me>").is_err());
    }

    #[test]
    fn elks_times_round_trip() {
        let at = time::macros::datetime!(2026-11-24 09:52:07.302 UTC);
        assert_eq!(elks_time(at), "2026-11-24T09:52:07.302000");
        assert_eq!(parse_elks_time("2026-11-24T09:52:07.302000"), Some(at));
        assert!(
            format!(
                "{:?}",
                Credentials {
                    provider: Provider::Elks,
                    account: "u".into(),
                    secret: "hunter2".into(),
                    sender: "x".into()
                }
            )
            .contains("[hidden]")
        );
    }
}
