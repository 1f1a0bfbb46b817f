//! Authentication: email one-time codes and the sessions they open; the admin
//! console's passwords, TOTP and sessions.

pub mod otp;
pub mod session;
pub mod admin;
pub mod password;
pub mod totp;
