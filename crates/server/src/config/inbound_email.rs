//! The [inbound_email] settings: where FastFaktura listens for e-invoices sent by email
//! to a business's own address (`<name>-<token>@<domain>`), and the limits a stranger's
//! SMTP session must keep. Off until both the listener and the domain are set; the
//! listener that uses them is `smtp_inbound`.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// Receiving e-invoices by email.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct InboundEmailSettings {
    /// Where the SMTP listener binds (`FASTFAKTURA_INBOUND_EMAIL_LISTEN`), such as
    /// `0.0.0.0:25`, or a local port behind the operator's mail server.
    pub listen: Option<SocketAddr>,
    /// The domain of the businesses' addresses (`FASTFAKTURA_INBOUND_EMAIL_DOMAIN`),
    /// whose MX record points at the listener; mail for any other domain is refused.
    pub domain: Option<String>,
    /// The largest message accepted (announced with SIZE): a 50 MB e-invoice in
    /// base64 is about 68 MB.
    pub max_message_bytes: usize,
    /// Recipients in one message; one business's address is the usual.
    pub max_recipients: usize,
    /// Sessions at once; beyond it a new connection is told to come back later.
    pub max_sessions: usize,
    /// How long a session may wait for the sender's next command or data.
    pub idle_timeout_seconds: u64,
}

impl InboundEmailSettings {
    /// The domain, when receiving by email is set up.
    pub fn enabled_domain(&self) -> Option<&str> {
        self.listen.and(self.domain.as_deref()).filter(|d| !d.trim().is_empty())
    }
}

impl Default for InboundEmailSettings {
    fn default() -> Self {
        Self {
            listen: None,
            domain: None,
            max_message_bytes: fastfaktura_documents::import::MAX_EMAIL_BYTES,
            max_recipients: 10,
            max_sessions: 64,
            idle_timeout_seconds: 120,
        }
    }
}
