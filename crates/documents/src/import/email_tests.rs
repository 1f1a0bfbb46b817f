//! Reading received emails: attachments by type and by name, a forwarded message, text
//! that is not an e-invoice, too many files, and what is not an email at all.

use base64::Engine;

use super::*;
use crate::fixtures;
use crate::import::read_received;

fn b64(bytes: &[u8]) -> String {
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n")
}

fn message(parts: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut out = String::from(
        "From: Supplier AS <invoices@supplier.example>\r\nTo: bills-acme-abc@in.example\r\nSubject: Invoice 42\r\n\
         Message-ID: <42@supplier.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find our invoice attached.\r\n",
    );
    for (content_type, name, bytes) in parts {
        out.push_str(&format!(
            "--b1\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(bytes)
        ));
    }
    out.push_str("--b1--\r\n");
    out.into_bytes()
}

#[test]
fn an_xml_attachment_arrives_byte_for_byte() {
    let ubl = crate::ubl_xml(&fixtures::sample_eur());
    let email = read_email(&message(&[("application/xml", "invoice-42.xml", ubl.as_bytes())])).unwrap();
    assert_eq!(email.from.as_deref(), Some("invoices@supplier.example"));
    assert_eq!(email.subject.as_deref(), Some("Invoice 42"));
    assert_eq!(email.message_id.as_deref(), Some("42@supplier.example"));
    assert_eq!(email.files.len(), 1);
    assert_eq!(email.files[0].file_name, "invoice-42.xml");
    assert_eq!(email.files[0].bytes, ubl.as_bytes());
    assert!(read_received(&email.files[0].bytes).is_ok());
}

#[test]
fn files_are_recognised_by_type_or_by_name_and_pictures_are_left() {
    let pdf = crate::pdf::render_pdf(&fixtures::sample_eur()).unwrap().bytes;
    let email = read_email(&message(&[
        ("image/png", "logo.png", b"\x89PNG not really"),
        ("application/octet-stream", "Faktura.PDF", &pdf),
        ("text/xml", "a.xml", b"<a/>"),
        ("application/vnd.example+xml", "b", b"<b/>"),
        ("application/octet-stream", "notes.txt", b"hello"),
    ]))
    .unwrap();
    let names: Vec<_> = email.files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(names, ["Faktura.PDF", "a.xml", "b"]);
    assert_eq!(email.files[0].bytes, pdf);
}

#[test]
fn a_forwarded_message_gives_up_its_attachments() {
    let ubl = crate::ubl_xml(&fixtures::sample_eur());
    let inner = message(&[("application/xml", "forwarded.xml", ubl.as_bytes())]);
    let outer = format!(
        "From: me@acme.example\r\nSubject: Fwd: Invoice 42\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nsee below\r\n\
         --outer\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n{}\r\n--outer--\r\n",
        String::from_utf8(inner).unwrap()
    );
    let email = read_email(outer.as_bytes()).unwrap();
    assert_eq!(email.subject.as_deref(), Some("Fwd: Invoice 42"));
    assert_eq!(email.files.len(), 1);
    assert_eq!(email.files[0].file_name, "forwarded.xml");
    assert_eq!(email.files[0].bytes, ubl.as_bytes());
}

#[test]
fn a_message_without_files_has_none_and_too_many_are_counted() {
    let plain = b"From: a@b.example\r\nSubject: hello\r\n\r\nJust text, no invoice.\r\n";
    let email = read_email(plain).unwrap();
    assert!(email.files.is_empty());
    assert_eq!(email.files_left, 0);

    let many: Vec<(&str, &str, &[u8])> =
        (0..MAX_EMAIL_FILES + 3).map(|_| ("application/xml", "x.xml", &b"<x/>"[..])).collect();
    let email = read_email(&message(&many)).unwrap();
    assert_eq!(email.files.len(), MAX_EMAIL_FILES);
    assert_eq!(email.files_left, 3);
}

#[test]
fn a_nameless_attachment_gets_a_name_and_headers_lose_control_characters() {
    let raw = b"From: a@b.example\r\nSubject: =?utf-8?q?Reikningur_=C3=BEinn=07?=\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/xml\r\nContent-Disposition: attachment\r\n\r\n<x/>\r\n--b--\r\n";
    let email = read_email(raw).unwrap();
    assert_eq!(email.subject.as_deref(), Some("Reikningur þinn"));
    assert_eq!(email.files.len(), 1);
    assert_eq!(email.files[0].file_name, "attachment-1.xml");
}

#[test]
fn what_is_not_an_email_is_refused_or_empty() {
    assert_eq!(read_email(b""), Err(EmailError::Unreadable));
    let huge = vec![b'a'; MAX_EMAIL_BYTES + 1];
    assert_eq!(read_email(&huge), Err(EmailError::TooLarge));
    // Any bytes at all: read without a panic, with no files to take.
    let noise = read_email(b"\x00\xff\xfe garbage \r\n\r\n--");
    assert!(noise.map(|e| e.files.is_empty()).unwrap_or(true));
}
