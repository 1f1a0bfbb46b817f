//! Server-rendered pages for signed-in users and the login flow.

pub mod api_tokens;
pub mod audit_log;
pub mod bank;
pub mod bills;
pub mod customer_page;
pub mod customers;
pub mod dashboard;
pub mod data_export;
pub mod draft_actions;
pub mod forms;
pub mod invitations;
pub mod invoice_views;
pub mod invoices;
pub mod language;
pub mod login;
pub mod logo;
pub mod members;
pub mod numbering;
pub mod pages;
pub mod payment_settings;
pub mod peppol_settings;
pub mod products;
pub mod reminder_settings;
pub mod settings;
pub mod sharing;
pub mod sms_settings;
pub mod trust_pages;
pub mod webhooks;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(language::router())
        .merge(dashboard::router())
        .merge(settings::router())
        .merge(logo::router())
        .merge(bank::router())
        .merge(bills::router())
        .merge(payment_settings::router())
        .merge(sms_settings::router())
        .merge(peppol_settings::router())
        .merge(reminder_settings::router())
        .merge(api_tokens::router())
        .merge(webhooks::router())
        .merge(audit_log::router())
        .merge(data_export::router())
        .merge(members::router())
        .merge(invitations::router())
        .merge(numbering::router())
        .merge(customers::router())
        .merge(products::router())
        .merge(invoices::router())
        .merge(draft_actions::router())
        .merge(sharing::router())
        .merge(customer_page::router())
        .merge(trust_pages::router())
}
