//! FastFaktura: hosted invoicing for freelancers and small businesses.
//!
//! The server library. `main.rs` is a thin CLI over it; the integration tests start
//! the same [`startup::Application`] on port 0. See docs/ARCHITECTURE.md for the
//! layout and the path of a request and of a job.
#![forbid(unsafe_code)]
// The OpenAPI document (http::api::openapi) is one large `json!` literal.
#![recursion_limit = "256"]

pub mod admin_cli;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bank_drop;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod gdpr;
pub mod health_probe;
pub mod http;
pub mod i18n;
pub mod integrations;
pub mod invoicing;
pub mod jobs;
pub mod key_rotation;
pub mod logo;
pub mod metrics;
pub mod payments;
pub mod peppol;
pub mod quotas;
pub mod secrets;
pub mod security_headers;
pub mod smtp_inbound;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tls;
pub mod webhooks;
