//! Outgoing email: queued in the database, delivered by the job worker.
//!
//! `enqueue` writes the message (body sealed with a key derived from the master key,
//! since a login mail carries a code) and its delivery job in the caller's transaction.
//! `deliver` sends it over SMTP with lettre, or in development writes an RFC 5322
//! `.eml` file to the outbox directory. A message already marked sent is never sent
//! again, and its body is erased once SMTP has accepted it.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    config::{EmailSettings, SmtpTls},
    crypto::DerivedKey,
    jobs::{self, Job},
};

/// Where mail goes: a real SMTP server, or (development) files plus the console.
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Outbox { dir: PathBuf, console: bool, from: Mailbox },
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("email.from is not a valid mailbox ({0}); write it as `Name <address@example.com>`")]
    BadFrom(String),
    #[error("cannot set up SMTP to {host}: {message}")]
    Smtp { host: String, message: String },
    #[error("cannot create the outbox directory {path}: {source}")]
    Outbox { path: PathBuf, source: std::io::Error },
}

impl Mailer {
    pub fn from_settings(settings: &EmailSettings, data_dir: &Path) -> Result<Self, MailerError> {
        let from: Mailbox =
            settings.from.parse().map_err(|e: lettre::address::AddressError| MailerError::BadFrom(e.to_string()))?;
        let Some(smtp) = &settings.smtp else {
            let dir = data_dir.join("outbox");
            std::fs::create_dir_all(&dir).map_err(|source| MailerError::Outbox { path: dir.clone(), source })?;
            return Ok(Mailer::Outbox { dir, console: settings.console, from });
        };
        let smtp_error =
            |e: lettre::transport::smtp::Error| MailerError::Smtp { host: smtp.host.clone(), message: e.to_string() };
        let mut builder = match smtp.tls {
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(smtp_error)?
            }
            SmtpTls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(smtp_error)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        };
        if let Some(port) = smtp.port {
            builder = builder.port(port);
        }
        if let Some(username) = &smtp.username {
            let password = smtp.password.as_ref().map(|p| p.expose().to_owned()).unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        let transport = builder.timeout(Some(Duration::from_secs(smtp.timeout_seconds))).build();
        Ok(Mailer::Smtp { transport, from })
    }

    pub(crate) fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
        }
    }

    /// Hands one message to SMTP or the outbox; `id` names the outbox file, `body` is
    /// what the development console prints.
    pub(crate) async fn send(&self, message: Message, email_id: Uuid, body: &str) -> Result<(), String> {
        match self {
            Mailer::Smtp { transport, .. } => transport.send(message).await.map(drop).map_err(|e| smtp_failure(&e)),
            Mailer::Outbox { dir, console, .. } => {
                let stamp = OffsetDateTime::now_utc().unix_timestamp();
                let path = dir.join(format!("{stamp}-{email_id}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| format!("outbox {}: {e}", path.display()))?;
                if *console {
                    // Development only (production refuses `email.console`): the console is
                    // the developer's mailbox, so this deliberately bypasses the logs.
                    let to = message.envelope().to().iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                    println!(
                        "\n----- dev outbox: mail to {to} ({}) -----\n{body}\n----- end of mail -----\n",
                        path.display()
                    );
                }
                Ok(())
            }
        }
    }
}

/// A notice that is not a document delivery (an invitation, an alert to owners or
/// admins, an export being ready): queued like any mail, and recorded as a dispatch in
/// the audit log in the same transaction (kind, masked recipient, the mail's id), so
/// every mail the platform sends on someone's behalf can be accounted for.
pub struct Notice<'a> {
    /// `invitation`, `payment_details_alert`, `quote_answer`, `export_ready`, `admin_alert`, ...
    pub kind: &'a str,
    pub business_id: Option<Uuid>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn queue_notice(
    conn: &mut PgConnection,
    sealing_key: &DerivedKey,
    notice: Notice<'_>,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = enqueue(&mut *conn, sealing_key, notice.recipient, notice.subject, notice.body, now).await?;
    let mut event = crate::audit::AuditEvent::new(now, crate::audit::Category::Dispatch, "dispatch.email.queued")
        .actor(crate::audit::Actor::System)
        .target(id.to_string())
        .details(
            serde_json::json!({ "kind": notice.kind, "recipient": crate::audit::mask_recipient(notice.recipient) }),
        );
    if let Some(business_id) = notice.business_id {
        event = event.business(business_id);
    }
    crate::audit::record(&mut *conn, &event).await?;
    Ok(id)
}

/// What went wrong with an SMTP send, without the server's words: its reply text can
/// quote the recipient's address, and this reason is stored and logged with the job.
fn smtp_failure(e: &lettre::transport::smtp::Error) -> String {
    // The error chain's own words are ours to judge (rustls' reasons name no address).
    let chain = std::iter::successors(Some(e as &dyn std::error::Error), |e| e.source())
        .map(|e| e.to_string().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let kind = if chain.contains("certificate") {
        "presented a TLS certificate that is not trusted (check its certificate and the host name)"
    } else if e.is_permanent() {
        "refused the message permanently"
    } else if e.is_transient() {
        "refused the message for now"
    } else if e.is_timeout() {
        "did not answer in time"
    } else if e.is_tls() {
        "could not be reached over TLS"
    } else {
        "could not be reached or did not speak SMTP"
    };
    match e.status() {
        Some(code) => format!("SMTP: the mail server {kind} (reply code {code})"),
        None => format!("SMTP: the mail server {kind}"),
    }
}

/// Queues a plain-text message in the caller's transaction. Returns its id.
pub async fn enqueue(
    conn: &mut PgConnection,
    sealing_key: &DerivedKey,
    recipient: &str,
    subject: &str,
    body: &str,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let sealed = sealing_key.seal(body.as_bytes(), &body_aad(id));
    sqlx::query!(
        "INSERT INTO outgoing_emails (id, recipient, subject, body_sealed, created_at) VALUES ($1, $2, $3, $4, $5)",
        id,
        recipient,
        subject,
        sealed,
        now
    )
    .execute(&mut *conn)
    .await?;
    jobs::enqueue(conn, &Job::SendEmail { email_id: id }).await?;
    Ok(id)
}

pub(crate) fn body_aad(id: Uuid) -> Vec<u8> {
    format!("outgoing_emails:body_sealed:{id}").into_bytes()
}

/// Sends one queued message. Idempotent: a message already sent is not sent again.
pub async fn deliver(db: &PgPool, mailer: &Mailer, sealing_key: &DerivedKey, email_id: Uuid) -> Result<(), String> {
    let row =
        sqlx::query!("SELECT recipient, subject, body_sealed, status FROM outgoing_emails WHERE id = $1", email_id)
            .fetch_optional(db)
            .await
            .map_err(|e| format!("database: {e}"))?
            .ok_or_else(|| format!("outgoing email {email_id} does not exist"))?;
    if row.status == "sent" {
        return Ok(());
    }
    let sealed = row.body_sealed.ok_or("the message body is gone")?;
    let body = sealing_key.open(&sealed, &body_aad(email_id)).map_err(|e| e.to_string())?;
    let body = String::from_utf8(body).map_err(|_| "the message body is not UTF-8".to_owned())?;
    let to: Mailbox = row.recipient.parse().map_err(|e| format!("recipient address: {e}"))?;
    let message = Message::builder()
        .from(mailer.from().clone())
        .to(to)
        .subject(row.subject)
        .message_id(Some(format!("<{email_id}@fastfaktura>")))
        .header(ContentType::TEXT_PLAIN)
        .body(body.clone())
        .map_err(|e| format!("building the message: {e}"))?;
    mailer.send(message, email_id, &body).await?;
    sqlx::query!(
        "UPDATE outgoing_emails SET status = 'sent', sent_at = now(), body_sealed = NULL, last_error = NULL WHERE id = $1",
        email_id
    )
    .execute(db)
    .await
    .map_err(|e| format!("database after sending: {e}"))?;
    tracing::info!(%email_id, "email delivered");
    Ok(())
}

/// Records that a message could not be delivered, with the reason, and erases its body.
pub async fn mark_failed(db: &PgPool, email_id: Uuid, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outgoing_emails SET status = 'failed', last_error = $2, body_sealed = NULL WHERE id = $1 AND status = 'queued'",
        email_id,
        reason
    )
    .execute(db)
    .await?;
    Ok(())
}
