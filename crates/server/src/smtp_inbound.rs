//! The SMTP listener for e-invoices sent by email: a transport like `http/`, thin over
//! the application layer. It accepts mail only for the businesses' inbound addresses
//! (`app::bills::recipient_business`, asked at RCPT so a stranger's server learns at once
//! that an address is not ours), reads the message within the announced SIZE, and hands
//! it to `app::bills::receive_email`. It answers 250 only after the files are stored; a
//! failure of ours is 451, so the sending server keeps the message and tries again.
//!
//! The commands are parsed by `smtp-proto` (Stalwart's mail server's parser, with
//! dot-unstuffing of the data); the session's rules are ours. Limits: sessions at once,
//! an idle timeout per read, recipients per message, the message size, a line length
//! (the parser's 4 KB), and a count of bad commands before we hang up. With TLS on
//! (`tls.mode` files or acme), STARTTLS is offered with the web server's certificate.
//! We do not relay, authenticate senders (SPF, DKIM) or bounce: what is not for one of
//! our addresses is refused in the session, and what arrives is kept only as e-invoices.

use std::{collections::BTreeSet, net::SocketAddr, sync::Arc, time::Duration};

use smtp_proto::{
    Request,
    request::receiver::{DataReceiver, RequestReceiver},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::Semaphore,
};
use tokio_util::either::Either;
use uuid::Uuid;

use crate::{app::bills, config::InboundEmailSettings, state::AppState};

/// Bad commands in one session before we hang up (RFC 5321 §4.3.2 lets a server close
/// on abuse with 421).
const MAX_BAD_COMMANDS: usize = 10;

/// The connection: plain, or the same after STARTTLS.
type Conn = Either<TcpStream, Box<tokio_rustls::server::TlsStream<TcpStream>>>;

/// Accepts connections until `stop` resolves; each session runs in its own task.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    tls: Option<Arc<rustls::ServerConfig>>,
    stop: impl std::future::Future<Output = ()> + Send,
) {
    let settings = state.settings.inbound_email.clone();
    let sessions = Arc::new(Semaphore::new(settings.max_sessions.max(1)));
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "inbound SMTP: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = sessions.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let mut stream = stream;
                let _ = stream.write_all(b"421 4.3.2 Too busy, try again later\r\n").await;
            });
            continue;
        };
        let session = Session::new(state.clone(), settings.clone(), tls.clone(), peer);
        tokio::spawn(async move {
            session.run(stream).await;
            drop(permit);
        });
    }
}

/// One SMTP conversation.
struct Session {
    state: AppState,
    settings: InboundEmailSettings,
    tls: Option<tokio_rustls::TlsAcceptor>,
    peer: SocketAddr,
    greeted: bool,
    secure: bool,
    /// The envelope of the message under way: sender and the businesses it is for.
    from: Option<String>,
    recipients: BTreeSet<Uuid>,
    bad_commands: usize,
}

/// What a command asks of the connection, beyond its reply.
enum Next {
    Continue,
    Data,
    StartTls,
    Quit,
}

impl Session {
    fn new(
        state: AppState,
        settings: InboundEmailSettings,
        tls: Option<tokio_rustls::TlsAcceptor>,
        peer: SocketAddr,
    ) -> Self {
        Session {
            state,
            settings,
            tls,
            peer,
            greeted: false,
            secure: false,
            from: None,
            recipients: BTreeSet::new(),
            bad_commands: 0,
        }
    }

    fn domain(&self) -> &str {
        self.settings.domain.as_deref().unwrap_or("localhost")
    }

    async fn run(mut self, tcp: TcpStream) {
        let mut stream: Conn = Either::Left(tcp);
        let greeting = format!("220 {} FastFaktura ESMTP\r\n", self.domain());
        if stream.write_all(greeting.as_bytes()).await.is_err() {
            return;
        }
        let idle = Duration::from_secs(self.settings.idle_timeout_seconds.max(1));
        let mut receiver = RequestReceiver::default();
        let mut chunk = vec![0u8; 64 * 1024];
        // What arrived and is not yet handled (a pipelining client sends several
        // commands at once, and may follow the end of a message with its next command).
        let mut pending: Vec<u8> = Vec::new();
        loop {
            if pending.is_empty() {
                match tokio::time::timeout(idle, stream.read(&mut chunk)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => return,
                    Ok(Ok(n)) => pending.extend_from_slice(&chunk[..n]),
                    Err(_) => {
                        let _ = stream.write_all(b"421 4.4.2 Idle too long, closing\r\n").await;
                        return;
                    }
                }
            }
            let input = std::mem::take(&mut pending);
            let mut bytes = input.iter();
            loop {
                let request = match receiver.ingest(&mut bytes) {
                    Ok(request) => Ok(request.into_owned()),
                    Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                    Err(e) => Err(e),
                };
                let (reply, next) = match request {
                    Ok(request) => self.command(request).await,
                    Err(e) => (self.refuse(e), Next::Continue),
                };
                if stream.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
                match next {
                    Next::Continue => {}
                    Next::Quit => return,
                    Next::StartTls => {
                        // Nothing sent before the handshake may count after it (the
                        // STARTTLS command injection of CVE-2011-0411): `pending` stays empty.
                        let (Some(acceptor), Either::Left(tcp)) = (self.tls.clone(), stream) else { return };
                        match tokio::time::timeout(idle, acceptor.accept(tcp)).await {
                            Ok(Ok(tls)) => stream = Either::Right(Box::new(tls)),
                            _ => return,
                        }
                        self.secure = true;
                        self.greeted = false;
                        self.reset();
                        receiver = RequestReceiver::default();
                        break;
                    }
                    Next::Data => {
                        let Some((reply, rest)) = self.read_data(&mut stream, bytes.as_slice(), idle).await else {
                            return;
                        };
                        if stream.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                        pending = rest;
                        break;
                    }
                }
                if self.bad_commands >= MAX_BAD_COMMANDS {
                    let _ = stream.write_all(b"421 4.7.0 Too many errors, closing\r\n").await;
                    return;
                }
            }
        }
    }

    fn reset(&mut self) {
        self.from = None;
        self.recipients.clear();
    }

    fn refuse(&mut self, error: smtp_proto::Error) -> String {
        self.bad_commands += 1;
        match error {
            smtp_proto::Error::UnknownCommand => "500 5.5.1 Command not recognised\r\n".into(),
            smtp_proto::Error::ResponseTooLong => "500 5.5.2 Line too long\r\n".into(),
            smtp_proto::Error::InvalidSenderAddress => "501 5.1.7 Bad sender address\r\n".into(),
            smtp_proto::Error::InvalidRecipientAddress => "501 5.1.3 Bad recipient address\r\n".into(),
            smtp_proto::Error::UnsupportedParameter { .. } | smtp_proto::Error::InvalidParameter { .. } => {
                "555 5.5.4 Parameter not supported\r\n".into()
            }
            _ => "501 5.5.4 Syntax error\r\n".into(),
        }
    }

    async fn command(&mut self, request: Request<String>) -> (String, Next) {
        let reply = |text: &str| (format!("{text}\r\n"), Next::Continue);
        match request {
            Request::Ehlo { .. } => {
                self.greeted = true;
                self.reset();
                let mut lines = vec![
                    format!("{} at your service", self.domain()),
                    "PIPELINING".to_owned(),
                    format!("SIZE {}", self.settings.max_message_bytes),
                    "8BITMIME".to_owned(),
                    "ENHANCEDSTATUSCODES".to_owned(),
                ];
                if self.tls.is_some() && !self.secure {
                    lines.push("STARTTLS".to_owned());
                }
                let last = lines.len() - 1;
                let text = lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| format!("250{}{line}\r\n", if i == last { ' ' } else { '-' }))
                    .collect();
                (text, Next::Continue)
            }
            Request::Helo { .. } | Request::Lhlo { .. } => {
                self.greeted = true;
                self.reset();
                reply(&format!("250 {}", self.domain()))
            }
            Request::StartTls if self.tls.is_some() && !self.secure => {
                ("220 2.0.0 Ready to start TLS\r\n".into(), Next::StartTls)
            }
            Request::StartTls => reply("454 4.7.0 TLS not available"),
            Request::Mail { .. } if !self.greeted => reply("503 5.5.1 Say EHLO first"),
            Request::Mail { .. } if self.from.is_some() => reply("503 5.5.1 A message is already under way"),
            Request::Mail { from } => {
                if from.size > self.settings.max_message_bytes {
                    return reply("552 5.3.4 Message too large");
                }
                self.from = Some(from.address);
                reply("250 2.1.0 Sender OK")
            }
            Request::Rcpt { .. } if self.from.is_none() => reply("503 5.5.1 Say MAIL first"),
            Request::Rcpt { .. } if self.recipients.len() >= self.settings.max_recipients => {
                reply("452 4.5.3 Too many recipients")
            }
            Request::Rcpt { to } => match bills::recipient_business(&self.state, &to.address).await {
                Ok(Some(business)) => {
                    self.recipients.insert(business);
                    reply("250 2.1.5 Recipient OK")
                }
                Ok(None) => {
                    self.bad_commands += 1;
                    reply("550 5.1.1 No such mailbox here")
                }
                Err(e) => {
                    tracing::error!(error = %e, "inbound SMTP: looking up a recipient failed");
                    reply("451 4.3.0 Try again later")
                }
            },
            Request::Data if self.recipients.is_empty() => reply("503 5.5.1 No valid recipients"),
            Request::Data => ("354 Send the message, end with <CRLF>.<CRLF>\r\n".into(), Next::Data),
            Request::Rset => {
                self.reset();
                reply("250 2.0.0 OK")
            }
            Request::Noop { .. } => reply("250 2.0.0 OK"),
            Request::Quit => (format!("221 2.0.0 {} closing\r\n", self.domain()), Next::Quit),
            Request::Vrfy { .. } => reply("252 2.5.2 Cannot verify, send and see"),
            _ => {
                self.bad_commands += 1;
                reply("502 5.5.1 Not implemented")
            }
        }
    }

    /// Reads the message up to `<CRLF>.<CRLF>`, beginning with what already arrived,
    /// and receives it: the reply to send and what arrived after the message, or None
    /// when the connection is gone.
    async fn read_data(&mut self, stream: &mut Conn, already: &[u8], idle: Duration) -> Option<(String, Vec<u8>)> {
        let mut data = DataReceiver::new();
        let mut message = Vec::new();
        let mut too_large = false;
        let limit = self.settings.max_message_bytes;
        let mut bytes = already.iter();
        let mut done = data.ingest(&mut bytes, &mut message);
        let mut rest = bytes.as_slice().to_vec();
        let mut chunk = vec![0u8; 64 * 1024];
        while !done {
            if message.len() > limit {
                // Read to the end so the session stays in step, keeping nothing.
                too_large = true;
                message.clear();
            }
            let n = match tokio::time::timeout(idle, stream.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return None,
                Ok(Ok(n)) => n,
            };
            let mut bytes = chunk[..n].iter();
            done = data.ingest(&mut bytes, &mut message);
            rest = bytes.as_slice().to_vec();
        }
        too_large |= message.len() > limit;
        let from = self.from.take().unwrap_or_default();
        let recipients = std::mem::take(&mut self.recipients);
        if too_large {
            return Some(("552 5.3.4 Message too large\r\n".into(), rest));
        }
        for business in recipients {
            if let Err(e) = bills::receive_email(&self.state, business, &from, &message).await {
                tracing::error!(error = %e, peer = %self.peer, "inbound SMTP: receiving a message failed");
                return Some(("451 4.3.0 Try again later\r\n".into(), rest));
            }
        }
        Some(("250 2.0.0 Received\r\n".into(), rest))
    }
}
