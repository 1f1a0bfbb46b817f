//! Peppol below the application layer: opening a business's access point connection
//! with its sealed key (for the worker and the webhook), and the network's answer
//! about a participant as it is kept.

pub mod connection;
pub mod directory;

/// The names of a business's sealed access point secrets in `business_secrets`.
pub const API_KEY: &str = "access_point_api_key";
pub const WEBHOOK_SECRET: &str = "access_point_webhook_secret";
