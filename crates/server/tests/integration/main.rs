//! The one integration-test binary: the real application against real PostgreSQL
//! and a real SMTP peer. One binary keeps link time down (see kanidm's testkit).

mod admin;
mod admin_alerts;
mod admin_backups;
mod admin_listener;
mod admin_payments;
mod api;
mod backup;
mod card_payments;
mod cli;
mod customer_page;
mod delivery;
mod documents;
mod exactly_once;
mod helpers;
mod i18n;
mod invoicing;
mod jobs;
mod login;
mod login_limits;
mod logo;
mod members;
mod recurring_send;
mod reminders;
mod s3_server;
mod secrets;
mod security;
mod service;
mod sessions;
mod sms;
mod sms_fake;
mod sms_settings;
mod smtp_sink;
mod stripe_server;
mod tls;
