//! E-invoices by email: each business has its own inbound address,
//! `<name>-<token>@<inbound domain>`, which suppliers send e-invoices to. The SMTP
//! listener (`smtp_inbound`) asks [`recipient_business`] whether an address is one of
//! ours before it accepts a message, then hands the message to [`receive_email`], which
//! files every XML and PDF attachment through the same operation as an upload.
//!
//! Only the token says which business an address is: it is random (50 bits), so an
//! address cannot be guessed from a name, and the owner can replace it ("new address")
//! when it attracts spam; the old one then stops receiving. The name in front is for
//! people and may go stale when the business is renamed.
//!
//! Every accepted email is recorded with what became of each file (a bill, already
//! received, kept without a bill, or refused with the reason in English and Icelandic),
//! so the owner can see that a supplier's email arrived even when it carried no
//! e-invoice. A database failure is an error, so the listener answers "try again later"
//! and the sender's server retries; the files already filed are found again by their
//! hash, so nothing is recorded twice.

use fastfaktura_documents::import::{EmailError, read_email};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Arrival, Source, receive};
use crate::{
    app::{Caller, Error},
    audit::{self, AuditEvent, Category, RequestMeta},
    db,
    i18n::{Lang, Text, Tr},
    state::AppState,
};

/// How many emails the Bills page lists.
const RECENT_EMAILS: i64 = 10;

/// The letters of a token: lower-case base32, no look-alikes to mistype (no 0, 1, 8, 9).
const TOKEN_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const TOKEN_LENGTH: usize = 10;

fn new_token() -> String {
    let bytes = crate::crypto::random_bytes::<TOKEN_LENGTH>();
    bytes.iter().map(|b| char::from(TOKEN_ALPHABET[usize::from(b % 32)])).collect()
}

/// The business's name as the front of an address: ASCII letters and digits, Nordic
/// letters spelled out (þ → th, æ → ae), everything else one hyphen, at most 24 long.
/// Small enough not to need a transliteration library: the name is decoration only.
fn address_name(business_name: &str) -> String {
    let mut out = String::new();
    for c in business_name.to_lowercase().chars() {
        let spelled: &str = match c {
            'þ' => "th",
            'ð' => "d",
            'æ' | 'ä' => "ae",
            'ø' | 'ö' => "o",
            'å' | 'á' | 'à' | 'â' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ó' | 'ò' | 'ô' | 'õ' => "o",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if spelled == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(spelled);
        }
    }
    let name: String = out.chars().take(24).collect();
    let name = name.trim_matches('-');
    if name.is_empty() { "bills".to_owned() } else { name.to_owned() }
}

/// The business's inbound address, made on first asking; `None` when this server does
/// not receive email (no `inbound_email` listener and domain).
pub async fn inbound_address(state: &AppState, caller: &Caller) -> Result<Option<String>, Error> {
    let Some(domain) = state.settings.inbound_email.enabled_domain() else { return Ok(None) };
    let token = db::received_emails::token_or_set(&state.db, caller.business_id, &new_token()).await?;
    let profile = db::businesses::profile(&state.db, caller.business_id).await?;
    Ok(Some(format!("{}-{token}@{}", address_name(&profile.name), domain.to_ascii_lowercase())))
}

/// Replaces the business's inbound address (the owner's, audited): the old one stops
/// receiving at once.
pub async fn new_inbound_address(state: &AppState, caller: &Caller, meta: &RequestMeta) -> Result<(), Error> {
    caller.require_owner()?;
    if state.settings.inbound_email.enabled_domain().is_none() {
        return Err(Error::field("inbound", Text::key("bills-email-not-set-up")));
    }
    let mut tx = state.db.begin().await?;
    db::received_emails::replace_token(&mut *tx, caller.business_id, &new_token()).await?;
    let event = AuditEvent::new(state.clock.now(), Category::Security, "bills.inbound_address.replaced")
        .actor(caller.actor.clone())
        .request(meta)
        .business(caller.business_id)
        .target(caller.business_id.to_string());
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// The business an address belongs to: our domain (any letter case) and a token some
/// open business has. The name in front is not compared.
pub async fn recipient_business(state: &AppState, address: &str) -> Result<Option<Uuid>, Error> {
    let Some(domain) = state.settings.inbound_email.enabled_domain() else { return Ok(None) };
    let Some((local, at_domain)) = address.trim().rsplit_once('@') else { return Ok(None) };
    if !at_domain.eq_ignore_ascii_case(domain) {
        return Ok(None);
    }
    let local = local.to_ascii_lowercase();
    let token = local.rsplit_once('-').map_or(local.as_str(), |(_, token)| token);
    if token.len() != TOKEN_LENGTH || !token.bytes().all(|b| TOKEN_ALPHABET.contains(&b)) {
        return Ok(None);
    }
    Ok(db::received_emails::business_by_token(&state.db, token).await?)
}

/// What became of one file in an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileOutcome {
    /// Filed as a new bill.
    Bill,
    /// The same file was received before.
    AlreadyReceived,
    /// Kept, but required information is missing, so no bill.
    NoBill,
    /// Not an e-invoice, or one for another business: not kept.
    Refused,
}

/// One file of a received email, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailFileRecord {
    pub file_name: String,
    pub outcome: FileOutcome,
    pub document_id: Option<Uuid>,
    pub bill_id: Option<Uuid>,
    /// Why it was refused, in each language we speak (`{"en": …, "is": …}`).
    pub reason: Option<std::collections::BTreeMap<String, String>>,
}

/// What receiving one email did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailReceipt {
    pub email_id: Uuid,
    pub files: Vec<EmailFileRecord>,
}

/// Receives one email for a business (the listener found it by the recipient): every
/// XML and PDF file in it is received like an upload, by `system`, and the email is
/// recorded with the outcome of each. An unreadable message is recorded too, with no
/// files; only a failure of ours (the database) is an error.
pub async fn receive_email(
    state: &AppState,
    business_id: Uuid,
    envelope_from: &str,
    raw: &[u8],
) -> Result<EmailReceipt, Error> {
    let now = state.clock.now();
    let owned = raw.to_vec();
    let email = tokio::task::spawn_blocking(move || read_email(&owned))
        .await
        .unwrap_or(Err(EmailError::Unreadable))
        .unwrap_or_default();
    let caller = Caller::system(business_id);
    let meta = RequestMeta::default();
    let mut files = Vec::new();
    for file in &email.files {
        let arrival = Arrival { db: &state.db, now, meta: &meta };
        let record = match receive(arrival, &caller, Source::Email, &file.file_name, &file.bytes).await {
            Ok(received) => EmailFileRecord {
                file_name: file.file_name.clone(),
                outcome: match (received.already_received, received.bill_id) {
                    (true, _) => FileOutcome::AlreadyReceived,
                    (false, Some(_)) => FileOutcome::Bill,
                    (false, None) => FileOutcome::NoBill,
                },
                document_id: Some(received.document_id),
                bill_id: received.bill_id,
                reason: None,
            },
            Err(Error::Invalid(errors)) => EmailFileRecord {
                file_name: file.file_name.clone(),
                outcome: FileOutcome::Refused,
                document_id: None,
                bill_id: None,
                reason: Some(
                    Lang::ALL
                        .iter()
                        .map(|lang| {
                            let read = errors.clone().read_in(&Tr::new(*lang, "/bills"));
                            let text = read.entries().map(|(_, m)| m).collect::<Vec<_>>().join("; ");
                            (lang.code().to_owned(), text)
                        })
                        .collect(),
                ),
            },
            Err(other) => return Err(other),
        };
        files.push(record);
    }
    let email_id = Uuid::new_v4();
    let files_json = serde_json::to_value(&files).map_err(anyhow::Error::from)?;
    let mut tx = state.db.begin().await?;
    db::received_emails::insert(
        &mut *tx,
        business_id,
        &db::received_emails::NewEmail {
            id: email_id,
            envelope_from: &clip(envelope_from),
            header_from: email.from.as_deref(),
            subject: email.subject.as_deref(),
            message_id: email.message_id.as_deref(),
            files: files_json,
            files_left: i32::try_from(email.files_left).unwrap_or(i32::MAX),
        },
        now,
    )
    .await?;
    let event = AuditEvent::new(now, Category::Payment, "bills.email.received")
        .actor(caller.actor.clone())
        .business(business_id)
        .target(email_id.to_string())
        .details(serde_json::json!({
            "envelope_from": clip(envelope_from),
            "files": files.len(),
            "bills": files.iter().filter(|f| f.outcome == FileOutcome::Bill).count(),
            "refused": files.iter().filter(|f| f.outcome == FileOutcome::Refused).count(),
        }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %email_id, files = files.len(), "email received");
    Ok(EmailReceipt { email_id, files })
}

fn clip(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// An email as the Bills page shows it.
#[derive(Debug, Clone)]
pub struct ReceivedEmailView {
    pub id: Uuid,
    pub received_at: OffsetDateTime,
    /// The From: header's address, else the envelope's.
    pub from: String,
    pub subject: Option<String>,
    pub files: Vec<EmailFileRecord>,
    pub files_left: i32,
}

/// The newest emails received at the business's address.
pub async fn recent_emails(state: &AppState, caller: &Caller) -> Result<Vec<ReceivedEmailView>, Error> {
    let rows = db::received_emails::recent(&state.db, caller.business_id, RECENT_EMAILS).await?;
    Ok(rows
        .into_iter()
        .map(|row| ReceivedEmailView {
            id: row.id,
            received_at: row.received_at,
            from: row.header_from.filter(|f| !f.is_empty()).unwrap_or(row.envelope_from),
            subject: row.subject,
            // Written by `receive_email` above; a row it cannot read shows no files.
            files: serde_json::from_value(row.files).unwrap_or_default(),
            files_left: row.files_left,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_name_is_the_business_name_in_plain_letters() {
        assert_eq!(address_name("Þórður & Ævar ehf."), "thordur-aevar-ehf");
        assert_eq!(address_name("Nordlicht Software GmbH"), "nordlicht-software-gmbh");
        assert_eq!(address_name("!!!"), "bills");
        assert_eq!(address_name("Ab Åkerö Ölverk Oy"), "ab-akero-olverk-oy");
        assert!(address_name("A very long business name indeed, much longer").len() <= 24);
    }

    #[test]
    fn a_token_is_ten_letters_of_the_alphabet_and_never_the_same() {
        let a = new_token();
        assert_eq!(a.len(), TOKEN_LENGTH);
        assert!(a.bytes().all(|b| TOKEN_ALPHABET.contains(&b)));
        assert_ne!(a, new_token());
    }
}
