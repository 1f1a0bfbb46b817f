//! The machinery behind invoicing that runs outside a user's request or below one:
//! building the checked document (PDF, UBL, CII) from stored rows, delivering it by
//! email and SMS from the job queue, and the daily reminder pass. The user
//! operations themselves are `app::invoicing`.

pub mod customer_links;
pub mod delivery;
mod delivery_attempt;
pub mod delivery_peppol;
pub mod delivery_sms;
pub mod documents;
pub mod payee;
pub mod reminders;
