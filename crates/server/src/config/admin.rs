//! The admin console's settings (`[admin]`): TOTP policy, session lifetimes, the
//! login limit, the security contact (ADM-11) and where the console is served. Kept
//! apart from `config.rs` so that file stays about loading.

use std::net::SocketAddr;

use serde::Deserialize;

/// The admin console (`/admin`, security criteria ADM-1 to ADM-11).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminSettings {
    /// Until an admin has enrolled TOTP they reach only the enrolment page (ADM-1).
    pub require_totp: bool,
    pub idle_timeout_minutes: u32,
    pub absolute_timeout_hours: u32,
    /// Login attempts per client IP per minute (ADM-4).
    pub login_attempts_per_ip_minute: u32,
    /// Told when an admin account is created (ADM-11); none: only the log says so.
    pub security_alert_email: Option<String>,
    /// Serve `/admin` only on this address (e.g. on a VPN or loopback interface); the
    /// public listener then answers 404 there. Same TLS mode as the public listener.
    pub listen: Option<SocketAddr>,
    /// Serve `/admin` only when the request's Host is this name (any port).
    pub hostname: Option<String>,
}

impl Default for AdminSettings {
    fn default() -> Self {
        // On in every profile, not only production: a console without a second factor
        // is something to opt into knowingly (FASTFAKTURA_ADMIN_REQUIRE_TOTP=false).
        Self {
            require_totp: true,
            idle_timeout_minutes: 15,
            absolute_timeout_hours: 8,
            login_attempts_per_ip_minute: 10,
            security_alert_email: None,
            listen: None,
            hostname: None,
        }
    }
}
