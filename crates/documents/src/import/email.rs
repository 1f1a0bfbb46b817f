//! E-invoices sent by email: reads a received message (RFC 5322 with MIME) and picks out
//! the files that may be e-invoices (XML and PDF attachments, also inside a forwarded
//! message), so that each goes through the same recognition as an upload.
//!
//! The message comes from a stranger, so everything is bounded: its size (checked by
//! the SMTP listener before this is called, and again here), the number of files we
//! take from it, and how deep forwarded messages nest. The MIME parsing is
//! `mail-parser`'s (Stalwart's mail server uses it), not ours.

use mail_parser::{MessageParser, MessagePart, MimeHeaders};

/// The largest message we read: a 50 MB document in base64 is about 68 MB.
pub const MAX_EMAIL_BYTES: usize = 70 * 1024 * 1024;

/// At most this many files are taken from one message; the rest are said to be left.
pub const MAX_EMAIL_FILES: usize = 20;

/// Forwarded messages inside forwarded messages: followed this deep, no deeper.
const MAX_NESTING: usize = 3;

/// What a received message says about itself and the files that may be e-invoices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceivedEmail {
    /// The `From:` address (never trusted: anyone can write any address there).
    pub from: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// XML and PDF attachments, in the order they appear.
    pub files: Vec<EmailFile>,
    /// How many further files were not taken, beyond [`MAX_EMAIL_FILES`].
    pub files_left: usize,
}

/// One attached file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailFile {
    /// The name it was attached with, or one we give it (`attachment-2.xml`).
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the message is larger than {} MB", MAX_EMAIL_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the message could not be read as an email")]
    Unreadable,
}

/// Reads a received message and picks out its XML and PDF files.
pub fn read_email(raw: &[u8]) -> Result<ReceivedEmail, EmailError> {
    if raw.len() > MAX_EMAIL_BYTES {
        return Err(EmailError::TooLarge);
    }
    let message = MessageParser::default().parse(raw).ok_or(EmailError::Unreadable)?;
    let mut email = ReceivedEmail {
        from: message.from().and_then(|a| a.first()).and_then(|a| a.address()).map(clean),
        subject: message.subject().map(clean),
        message_id: message.message_id().map(clean),
        ..ReceivedEmail::default()
    };
    collect_files(&message, 0, &mut email);
    Ok(email)
}

fn collect_files(message: &mail_parser::Message<'_>, depth: usize, email: &mut ReceivedEmail) {
    for part in message.attachments() {
        if let Some(forwarded) = part.message() {
            if depth < MAX_NESTING {
                collect_files(forwarded, depth + 1, email);
            }
            continue;
        }
        let Some(extension) = e_invoice_kind(part) else { continue };
        if email.files.len() >= MAX_EMAIL_FILES {
            email.files_left += 1;
            continue;
        }
        let position = email.files.len() + email.files_left + 1;
        let file_name = part
            .attachment_name()
            .map(clean)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("attachment-{position}.{extension}"));
        email.files.push(EmailFile { file_name, bytes: part.contents().to_vec() });
    }
}

/// `xml` or `pdf` when a part may be an e-invoice: by its content type, or by its
/// name when the sender labelled it `application/octet-stream` (many mail programs do).
fn e_invoice_kind(part: &MessagePart<'_>) -> Option<&'static str> {
    let name = part.attachment_name().unwrap_or_default().to_ascii_lowercase();
    let (ctype, subtype) = part
        .content_type()
        .map(|c| (c.ctype().to_ascii_lowercase(), c.subtype().unwrap_or_default().to_ascii_lowercase()))
        .unwrap_or_default();
    let by_type = match (ctype.as_str(), subtype.as_str()) {
        ("application" | "text", "xml") => Some("xml"),
        ("application", s) if s.ends_with("+xml") => Some("xml"),
        ("application", "pdf") => Some("pdf"),
        _ => None,
    };
    by_type.or(if name.ends_with(".xml") {
        Some("xml")
    } else if name.ends_with(".pdf") {
        Some("pdf")
    } else {
        None
    })
}

/// Header text as we keep it: no control characters, at most 300 characters.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect::<String>().trim().to_owned()
}

#[cfg(test)]
#[path = "email_tests.rs"]
mod tests;
