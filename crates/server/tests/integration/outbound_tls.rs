//! Security criterion TLS-6: our outbound TLS clients check the server's certificate.
//! A real TLS server on loopback with a self-signed certificate (rcgen) stands in for
//! Stripe (the key check must refuse it, report "could not be reached" with the
//! reason in the log, and keep the key out of both) and for an SMTP server with
//! implicit TLS (delivery fails with the reason, without the password).

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use fastfaktura::{
    config::{Secret, SmtpSettings, SmtpTls},
    integrations::email,
};
use rcgen::{CertificateParams, KeyPair};
use rustls::{
    ServerConfig,
    pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer},
};
use tokio::{io::AsyncWriteExt, net::TcpListener};
use tokio_rustls::TlsAcceptor;

use crate::helpers::{TestApp, captured_logs, new_client};

/// An HTTPS server with a self-signed certificate for 127.0.0.1 that would answer
/// every request with `{}`; returns its base URL and how many handshakes completed.
async fn self_signed_server() -> (String, Arc<AtomicUsize>) {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let completed = Arc::new(AtomicUsize::new(0));
    let counter = completed.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, counter) = (acceptor.clone(), counter.clone());
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
                        .await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    (url, completed)
}

#[tokio::test]
async fn stripe_behind_a_self_signed_certificate_is_refused() {
    let (url, completed) = self_signed_server().await;
    let app = TestApp::spawn_with(|s| s.stripe.api_base = url.clone()).await;
    let owner = new_client();
    app.log_in(&owner, "tls6@stripe.example").await;
    let secret = "sk_test_selfsigned0123456789abcdef";
    let response = app.post_form(&owner, "/settings/payments", &[("stripe_secret_key", secret)]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("could not be reached"), "{page}");
    assert!(!page.contains(secret));
    assert_eq!(completed.load(Ordering::SeqCst), 0, "no TLS session with an untrusted server");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM business_secrets").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, 0, "nothing was saved");

    let logs = captured_logs();
    let line = logs
        .lines()
        .find(|l| l.contains("Stripe key not saved") && l.contains("certificate"))
        .expect("the log says why: the certificate");
    assert!(line.contains("Stripe could not be reached") && line.contains("UnknownIssuer"), "{line}");
    assert!(!logs.contains(secret), "the key never reaches the log");
}

/// The same for SMTP with implicit TLS: lettre checks the certificate, the delivery
/// fails with the reason, and the SMTP password stays out of the error.
#[tokio::test]
async fn smtp_behind_a_self_signed_certificate_is_refused() {
    let (url, completed) = self_signed_server().await;
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let password = "smtp-password-never-shown";
    let app = TestApp::spawn_with(|s| {
        s.jobs.worker = false;
        s.email.smtp = Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: SmtpTls::Implicit,
            username: Some("mailer".into()),
            password: Some(Secret::new(password)),
            ..SmtpSettings::default()
        });
    })
    .await;
    let mut tx = app.db.begin().await.unwrap();
    let id = email::enqueue(&mut tx, &app.state.keys.outbox, "tls6@example.com", "Hello", "body", app.clock_now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mailer = email::Mailer::from_settings(&app.state.settings.email, &app.data_dir).unwrap();
    let err = email::deliver(&app.db, &mailer, &app.state.keys.outbox, id).await.unwrap_err();
    assert!(err.contains("certificate"), "{err}");
    assert!(!err.contains(password), "{err}");
    assert_eq!(completed.load(Ordering::SeqCst), 0, "no TLS session with an untrusted server");
    let status: String = sqlx::query_scalar("SELECT status FROM outgoing_emails WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "queued", "not sent");
}
