//! A small SMTP server on loopback that records what lettre sends it.
//!
//! It speaks real SMTP (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA with dot-unstuffing),
//! so tests exercise the production delivery path. It can require credentials and
//! can answer a number of deliveries with a temporary failure (451).

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use base64::Engine;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::Notify,
};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    /// The raw RFC 5322 message.
    pub data: String,
}

impl ReceivedMail {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .split("\r\n\r\n")
            .next()?
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    pub fn body(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        // lettre may use quoted-printable for long lines: undo soft breaks.
        body.replace("=\r\n", "").replace("=3D", "=")
    }

    /// The six-digit code in a sign-in mail.
    pub fn code(&self) -> String {
        self.sign_in_code().expect("a sign-in mail")
    }

    /// The one-time code of a sign-in mail in any language: the line that is six digits.
    pub fn sign_in_code(&self) -> Option<String> {
        let body = self.body();
        body.lines()
            .map(str::trim)
            .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    }
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    arrived: Arc<Notify>,
    failures_left: Arc<AtomicUsize>,
}

impl SmtpSink {
    /// `credentials`: when set, MAIL is refused until AUTH succeeds with them.
    pub async fn start(credentials: Option<(&str, &str)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = Self {
            port: listener.local_addr().unwrap().port(),
            mails: Arc::default(),
            arrived: Arc::default(),
            failures_left: Arc::default(),
        };
        let credentials = credentials.map(|(u, p)| (u.to_owned(), p.to_owned()));
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                let credentials = credentials.clone();
                tokio::spawn(async move {
                    let _ = server.session(stream, credentials).await;
                });
            }
        });
        sink
    }

    /// Answers the next `n` messages with "451 try again later".
    pub fn fail_next(&self, n: usize) {
        self.failures_left.store(n, Ordering::SeqCst);
    }

    /// Forgets what arrived so far.
    pub fn clear(&self) {
        self.mails.lock().unwrap().clear();
    }

    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits (up to 15 s) until at least `count` messages have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        self.wait_for_matching(count, |_| true).await
    }

    /// Waits (up to 15 s) until at least `count` messages matching `keep` have arrived;
    /// returns those, oldest first.
    pub async fn wait_for_matching(&self, count: usize, keep: impl Fn(&ReceivedMail) -> bool) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let notified = self.arrived.notified();
            let mails: Vec<ReceivedMail> = self.mails().into_iter().filter(|m| keep(m)).collect();
            if mails.len() >= count {
                return mails;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("expected {count} mails, got {}: {:#?}", mails.len(), mails);
            }
        }
    }

    async fn session(
        &self,
        stream: tokio::net::TcpStream,
        credentials: Option<(String, String)>,
    ) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP\r\n").await?;
        let mut authed = credentials.is_none();
        let mut to = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_ascii_uppercase();
            let reply: String = if upper.starts_with("EHLO") {
                "250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n".into()
            } else if upper.starts_with("HELO") {
                "250 sink.test\r\n".into()
            } else if upper.starts_with("AUTH PLAIN") {
                let given = command.split_whitespace().nth(2).unwrap_or("");
                let decoded = base64::engine::general_purpose::STANDARD.decode(given).unwrap_or_default();
                let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
                authed = matches!((&credentials, parts.as_slice()), (Some((u, p)), [_, gu, gp]) if u.as_bytes() == *gu && p.as_bytes() == *gp);
                if authed {
                    "235 2.7.0 Authentication successful\r\n".into()
                } else {
                    "535 5.7.8 Authentication failed\r\n".into()
                }
            } else if upper.starts_with("MAIL FROM") {
                if authed { "250 OK\r\n".into() } else { "530 5.7.0 Authentication required\r\n".into() }
            } else if upper.starts_with("RCPT TO") {
                to.push(command[8..].trim().trim_matches(['<', '>', ':']).to_owned());
                "250 OK\r\n".into()
            } else if upper == "DATA" {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
                }
                let fail =
                    self.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                if fail {
                    to.clear();
                    "451 4.3.0 Try again later\r\n".into()
                } else {
                    self.mails.lock().unwrap().push(ReceivedMail { to: std::mem::take(&mut to), data });
                    self.arrived.notify_waiters();
                    "250 OK queued\r\n".into()
                }
            } else if upper == "RSET" {
                to.clear();
                "250 OK\r\n".into()
            } else if upper == "NOOP" {
                "250 OK\r\n".into()
            } else if upper == "QUIT" {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            } else {
                "502 Command not implemented\r\n".into()
            };
            write.write_all(reply.as_bytes()).await?;
        }
    }
}
