//! Authentication: email one-time codes (the sessions they open are read by
//! `http::session`); the admin console's passwords, TOTP and sessions.

pub mod admin;
pub mod admin_alerts;
pub mod otp;
pub mod password;
pub mod totp;
