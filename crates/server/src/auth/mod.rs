//! Authentication: email one-time codes and the sessions they open; the admin
//! console's passwords, TOTP and sessions.

pub mod admin;
pub mod admin_alerts;
pub mod otp;
pub mod password;
pub mod session;
pub mod totp;
