//! E-invoices sent by email to a business's own address: a real SMTP client (lettre)
//! delivers to our listener, and raw SMTP conversations check what the listener refuses
//! (unknown and replaced addresses, other domains, commands out of order, a message over
//! the size limit) and that nothing is kept from them.

use std::net::SocketAddr;

use base64::Engine;
use fastfaktura_documents::{fixtures, model::InvoiceDocument, pdf::render_copy_pdf};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor, address::Envelope};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

use crate::{
    api::token,
    bills::{to_us, ubl},
    helpers::TestApp,
};

const DOMAIN: &str = "in.fastfaktura.test";

async fn app_receiving_email(max_message_bytes: Option<usize>) -> TestApp {
    TestApp::spawn_with(|s| {
        s.inbound_email.listen = Some("127.0.0.1:0".parse().unwrap());
        s.inbound_email.domain = Some(DOMAIN.into());
        if let Some(max) = max_message_bytes {
            s.inbound_email.max_message_bytes = max;
        }
    })
    .await
}

/// The address the Bills page gives.
async fn address_on_page(app: &TestApp, client: &reqwest::Client) -> String {
    let page = app.get(client, "/bills").await.text().await.unwrap();
    let start = page.find("data-inbound-address>").expect("the page shows the address") + "data-inbound-address>".len();
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

fn b64(bytes: &[u8]) -> String {
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("\r\n")
}

/// A message from a supplier with these attachments.
fn email_to(to: &str, subject: &str, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut out = format!(
        "From: Nordlicht Billing <billing@nordlicht.example>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n\
         --sep\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOur invoice is attached.\r\n"
    );
    for (content_type, name, bytes) in files {
        out.push_str(&format!(
            "--sep\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(bytes)
        ));
    }
    out.push_str("--sep--\r\n");
    out.into_bytes()
}

async fn send(smtp: SocketAddr, to: &str, message: &[u8]) -> Result<(), lettre::transport::smtp::Error> {
    let transport =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.ip().to_string()).port(smtp.port()).build();
    let envelope =
        Envelope::new(Some("billing@nordlicht.example".parse().unwrap()), vec![to.parse().unwrap()]).unwrap();
    transport.send_raw(&envelope, message).await.map(|_| ())
}

/// A raw SMTP conversation: send a line, read the reply (all lines of a multi-line one).
struct Conversation {
    reader: BufReader<TcpStream>,
}

impl Conversation {
    async fn open(smtp: SocketAddr) -> (Self, String) {
        let mut c = Conversation { reader: BufReader::new(TcpStream::connect(smtp).await.unwrap()) };
        let greeting = c.reply().await;
        (c, greeting)
    }

    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).await.unwrap() == 0 {
                return all;
            }
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    async fn say(&mut self, line: &str) -> String {
        self.reader.get_mut().write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        self.reply().await
    }
}

async fn stored(app: &TestApp) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM received_documents), (SELECT count(*) FROM bills),
                (SELECT count(*) FROM received_emails)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_e_invoice_emailed_to_the_business_address_becomes_a_bill() {
    let app = app_receiving_email(None).await;
    let smtp = app.inbound_smtp.expect("the SMTP listener is up");
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let address = address_on_page(&app, &client).await;
    assert!(address.starts_with("seller-gmbh-") && address.ends_with(&format!("@{DOMAIN}")), "{address}");
    assert_eq!(address_on_page(&app, &client).await, address, "the same address every time");

    let invoice = ubl(to_us("MAIL-1"));
    let no_xml = render_copy_pdf(&InvoiceDocument::new(fixtures::sample_eur_data()).unwrap()).unwrap().bytes;
    let message = email_to(
        &address.to_uppercase(),
        "Invoice MAIL-1",
        &[
            ("application/xml", "MAIL-1.xml", &invoice),
            ("application/pdf", "brochure.pdf", &no_xml),
            ("image/png", "logo.png", b"\x89PNG"),
        ],
    );
    send(smtp, &address.to_uppercase(), &message).await.expect("the listener accepts the message");

    let (documents, bills, emails) = stored(&app).await;
    assert_eq!((documents, bills, emails), (1, 1, 1), "accepted only after it was stored");
    let (source, original): (String, Vec<u8>) =
        sqlx::query_as("SELECT source, original FROM received_documents").fetch_one(&app.db).await.unwrap();
    assert_eq!(source, "email");
    assert_eq!(original, invoice, "kept byte for byte");
    let (from, subject, files): (String, Option<String>, serde_json::Value) =
        sqlx::query_as("SELECT envelope_from, subject, files FROM received_emails").fetch_one(&app.db).await.unwrap();
    assert_eq!((from.as_str(), subject.as_deref()), ("billing@nordlicht.example", Some("Invoice MAIL-1")));
    assert_eq!(files[0]["outcome"], "bill");
    assert_eq!(files[1]["outcome"], "refused");
    assert_eq!(files.as_array().unwrap().len(), 2, "the picture is not an e-invoice file");

    let page = app.get(&client, "/bills").await.text().await.unwrap();
    assert!(page.contains("MAIL-1") && page.contains("Invoice MAIL-1"), "{page}");
    assert!(
        page.contains("filed as a bill")
            && page.contains("brochure.pdf</span>: <span class=\"wrap-anywhere\">not filed: "),
        "{page}"
    );
    assert!(
        page.contains("The PDF carries no e-invoice") || page.contains("no embedded"),
        "the reason is said: {page}"
    );
    let page_is = client.get(app.url("/bills")).header("accept-language", "is").send().await.unwrap();
    let page_is = page_is.text().await.unwrap();
    assert!(page_is.contains("skráð sem reikningur til greiðslu"), "{page_is}");

    // The same email again (a sender's retry): one more email, no second bill.
    send(smtp, &address, &message).await.unwrap();
    assert_eq!(stored(&app).await, (1, 1, 2));
    let page = app.get(&client, "/bills").await.text().await.unwrap();
    assert!(page.contains("received before, not filed again"), "{page}");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'bills.email.received'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn the_listener_refuses_what_is_not_for_one_of_our_addresses() {
    let app = app_receiving_email(None).await;
    let smtp = app.inbound_smtp.unwrap();
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let address = address_on_page(&app, &client).await;
    let token_part = address.split('@').next().unwrap().rsplit('-').next().unwrap().to_owned();

    let (mut c, greeting) = Conversation::open(smtp).await;
    assert!(greeting.starts_with("220 "), "{greeting}");
    assert!(c.say("MAIL FROM:<a@b.example>").await.starts_with("503 "), "EHLO first");
    let ehlo = c.say("EHLO sender.example").await;
    assert!(ehlo.contains("250-SIZE ") && ehlo.contains("PIPELINING"), "{ehlo}");
    assert!(!ehlo.contains("STARTTLS"), "no TLS configured, none offered: {ehlo}");
    assert!(c.say("RCPT TO:<x@y.example>").await.starts_with("503 "), "MAIL first");
    assert!(c.say("MAIL FROM:<a@b.example> SIZE=999999999999").await.starts_with("552 "), "announced too large");
    assert!(c.say("MAIL FROM:<a@b.example>").await.starts_with("250 "));
    for stranger in [
        format!("someone-{token_part}@other.example"),
        format!("nobody-aaaaaaaaaa@{DOMAIN}"),
        format!("postmaster@{DOMAIN}"),
        format!("{token_part}x@{DOMAIN}"),
    ] {
        let reply = c.say(&format!("RCPT TO:<{stranger}>")).await;
        assert!(reply.starts_with("550 5.1.1"), "{stranger}: {reply}");
    }
    assert!(c.say("DATA").await.starts_with("503 "), "no valid recipient, no data");
    // Only the token counts: another name in front still reaches the business.
    assert!(c.say(&format!("RCPT TO:<renamed-{token_part}@{DOMAIN}>")).await.starts_with("250 "));
    assert!(c.say("HELP").await.starts_with("502 "));
    assert!(c.say("QUIT").await.starts_with("221 "));

    // A new address: the old one stops receiving at once.
    let owner_page = app.post_form(&client, "/bills/inbound-address", &[]).await;
    assert_eq!(owner_page.status(), 303);
    let new_address = address_on_page(&app, &client).await;
    assert_ne!(new_address, address);
    let refused =
        send(smtp, &address, &email_to(&address, "old", &[("application/xml", "a.xml", &ubl(to_us("OLD-1")))])).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("550")), "the old address is refused");
    send(smtp, &new_address, &email_to(&new_address, "new", &[("application/xml", "a.xml", &ubl(to_us("NEW-1")))]))
        .await
        .unwrap();
    assert_eq!(stored(&app).await, (1, 1, 1));
    let replaced: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'bills.inbound_address.replaced'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(replaced, 1);

    // Bad commands over and over: the listener hangs up.
    let (mut c, _) = Conversation::open(smtp).await;
    let mut last = String::new();
    for _ in 0..12 {
        last = c.say("NONSENSE").await;
        if last.starts_with("421") || last.is_empty() {
            break;
        }
    }
    assert!(last.starts_with("421 "), "{last}");
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_refused_and_nothing_is_kept() {
    let app = app_receiving_email(Some(20_000)).await;
    let smtp = app.inbound_smtp.unwrap();
    let (client, _) = token(&app, "ap@seller.example", "write").await;
    let address = address_on_page(&app, &client).await;

    let (mut c, _) = Conversation::open(smtp).await;
    c.say("EHLO sender.example").await;
    assert!(c.say("MAIL FROM:<a@b.example>").await.starts_with("250 "));
    assert!(c.say(&format!("RCPT TO:<{address}>")).await.starts_with("250 "));
    assert!(c.say("DATA").await.starts_with("354 "));
    let big = email_to(&address, "big", &[("application/xml", "big.xml", &vec![b'x'; 40_000])]);
    c.reader.get_mut().write_all(&big).await.unwrap();
    let reply = c.say(".").await;
    assert!(reply.starts_with("552 5.3.4"), "{reply}");
    assert_eq!(stored(&app).await, (0, 0, 0), "nothing kept");
    // The session is still in step: pipelined commands after a message are answered.
    c.reader.get_mut().write_all(b"RSET\r\nNOOP\r\n").await.unwrap();
    assert!(c.reply().await.starts_with("250 "));
    assert!(c.reply().await.starts_with("250 "));

    // A small message with a dot-stuffed line arrives whole, then the next is pipelined.
    let invoice = ubl(to_us("SMALL-1"));
    let message = email_to(&address, "small", &[("application/xml", "small.xml", &invoice)]);
    let text = String::from_utf8(message).unwrap().replace("Our invoice is attached.", "..a line with a dot");
    c.say("MAIL FROM:<a@b.example>").await;
    c.say(&format!("RCPT TO:<{address}>")).await;
    assert!(c.say("DATA").await.starts_with("354 "));
    c.reader.get_mut().write_all(text.as_bytes()).await.unwrap();
    c.reader.get_mut().write_all(b".\r\nQUIT\r\n").await.unwrap();
    assert!(c.reply().await.starts_with("250 "));
    assert!(c.reply().await.starts_with("221 "));
    assert_eq!(stored(&app).await, (1, 1, 1));
}

#[tokio::test]
async fn with_tls_on_the_listener_offers_starttls_and_forgets_what_came_before_it() {
    let dir = crate::tls::temp_dir("smtp");
    let pki = crate::tls::TestPki::new(&dir);
    let (cert, key) = (pki.cert.clone(), pki.key.clone());
    let app = TestApp::spawn_with(move |s| {
        s.tls.mode = fastfaktura::config::TlsMode::Files;
        s.tls.cert_file = Some(cert);
        s.tls.key_file = Some(key);
        s.inbound_email.listen = Some("127.0.0.1:0".parse().unwrap());
        s.inbound_email.domain = Some(DOMAIN.into());
    })
    .await;
    let (mut c, _) = Conversation::open(app.inbound_smtp.unwrap()).await;
    assert!(c.say("EHLO sender.example").await.contains("STARTTLS\r\n"), "offered");
    // A command sent with STARTTLS, before the handshake, must not count after it
    // (the plaintext command injection of CVE-2011-0411).
    c.reader.get_mut().write_all(b"STARTTLS\r\nNOOP\r\n").await.unwrap();
    assert!(c.reply().await.starts_with("220 "));
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(pki.ca_der())).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = connector.connect(name, c.reader.into_inner()).await.expect("the handshake with our certificate");
    let mut tls = BufReader::new(tls);
    let mut say = async |line: &str| {
        tls.get_mut().write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        let mut all = String::new();
        loop {
            let mut l = String::new();
            if tls.read_line(&mut l).await.unwrap() == 0 {
                return all;
            }
            all.push_str(&l);
            if l.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    };
    let ehlo = say("EHLO sender.example").await;
    assert!(ehlo.starts_with("250-") && !ehlo.contains("STARTTLS"), "the first reply is to EHLO, not NOOP: {ehlo}");
    assert!(say("MAIL FROM:<a@b.example>").await.starts_with("250 "));
    assert!(say(&format!("RCPT TO:<nobody-aaaaaaaaaa@{DOMAIN}>")).await.starts_with("550 "));
    assert!(say("QUIT").await.starts_with("221 "));
}
