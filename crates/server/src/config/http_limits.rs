//! `[http]`: the limits every listener (app, admin, plain-HTTP redirect) puts on a
//! connection, so slow or idle clients cannot hold the server's connections (slowloris).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpLimits {
    /// A request's headers must arrive within this many seconds of the server starting
    /// to wait for them; with HTTP/1.1 keep-alive this is also how long an idle
    /// connection stays open.
    pub header_read_timeout_seconds: u64,
    /// A request (its body and our answer) must finish within this many seconds (408).
    pub request_timeout_seconds: u64,
    /// At most this many connections per listener at once; more wait in the kernel's
    /// backlog until one closes.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self { header_read_timeout_seconds: 10, request_timeout_seconds: 60, max_connections: 4096 }
    }
}
