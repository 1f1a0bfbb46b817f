//! The operators' console as operations: the reads its pages show (audit log, payment
//! log, backup runs, the dispatch log) and the platform's own SMS account. Sign-in,
//! step-up and the admins' own events are `auth::admin`; the console's account tools
//! are `app::admin_tools`.

use crate::{
    db,
    integrations::{sms::Credentials, sms_accounts},
    state::AppState,
};

use super::{Error, error::Result};
pub use crate::db::{
    audit::{Filter as AuditFilter, Row as AuditRow},
    backup_runs::BackupRun,
    deliveries::DispatchRow,
    payment_log::{CardPaymentRow, CheckoutRow, EventRow as PaymentEventRow, Filter as PaymentFilter},
    sms_providers::StoredProvider as PlatformSmsAccount,
};

/// One page of audit events matching `filter`, newest first.
pub async fn audit_events(state: &AppState, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    db::audit::search(&state.db, filter, limit).await
}

pub async fn card_payments(state: &AppState, filter: &PaymentFilter) -> Result<Vec<CardPaymentRow>> {
    Ok(db::payment_log::card_payments(&state.db, filter).await?)
}

pub async fn payment_events(state: &AppState, filter: &PaymentFilter) -> Result<Vec<PaymentEventRow>> {
    Ok(db::payment_log::events(&state.db, filter).await?)
}

pub async fn checkouts(state: &AppState, filter: &PaymentFilter) -> Result<Vec<CheckoutRow>> {
    Ok(db::payment_log::checkouts(&state.db, filter).await?)
}

/// The newest backup that finished well, if any.
pub async fn newest_good_backup(state: &AppState) -> Result<Option<BackupRun>> {
    Ok(db::backup_runs::newest_good_backup(&state.db).await?)
}

/// The last restore drill (verify run), whatever its outcome.
pub async fn last_verify(state: &AppState) -> Result<Option<BackupRun>> {
    Ok(db::backup_runs::last_since(&state.db, "verify", time::OffsetDateTime::UNIX_EPOCH).await?)
}

pub async fn recent_backup_runs(state: &AppState, limit: i64) -> Result<Vec<BackupRun>> {
    Ok(db::backup_runs::recent(&state.db, limit).await?)
}

/// Every document recently sent to a customer, by email or SMS, with its outcome.
pub async fn recent_dispatches(state: &AppState, limit: i64) -> Result<Vec<DispatchRow>> {
    Ok(db::deliveries::recent_dispatches(&state.db, limit).await?)
}

/// The platform's SMS account (never its secret), if one is set.
pub async fn platform_sms_account(state: &AppState) -> Result<Option<PlatformSmsAccount>> {
    Ok(db::sms_providers::platform(&state.db).await?)
}

/// Saves the platform's SMS account, its secret sealed.
pub async fn save_platform_sms_account(state: &AppState, credentials: &Credentials) -> Result<()> {
    let mut tx = state.db.begin().await?;
    sms_accounts::save(&mut tx, &state.keys.kek, None, credentials, state.clock.now())
        .await
        .map_err(|e| Error::Unexpected(e.into()))?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_platform_sms_account(state: &AppState) -> Result<()> {
    db::sms_providers::remove_platform(&state.db).await?;
    Ok(())
}
