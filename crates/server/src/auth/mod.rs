//! Authentication: email one-time codes and the sessions they open.

pub mod otp;
pub mod session;
