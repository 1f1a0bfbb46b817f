//! The operators' console as operations: the reads its pages show (audit log, payment
//! log, backup runs, the dispatch log) and the platform's own SMS account. Sign-in,
//! step-up and the admins' own events are `auth::admin`; the console's account tools
//! are `app::admin_tools`.

use super::{
    Error,
    admin_tools::{ConsoleAction, record_in},
    error::Result,
};
pub use crate::backup::on_demand::Started;
pub use crate::db::{
    audit::{Filter as AuditFilter, Row as AuditRow},
    backup_runs::BackupRun,
    deliveries::DispatchRow,
    payment_log::{CardPaymentRow, CheckoutRow, EventRow as PaymentEventRow, Filter as PaymentFilter},
    sms_providers::StoredProvider as PlatformSmsAccount,
};
use crate::{
    backup::{BackupError, on_demand},
    db,
    integrations::{sms::Credentials, sms_accounts},
    state::AppState,
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
/// Saves the platform's SMS account and records the admin who did, in one transaction.
pub async fn save_platform_sms_account(
    state: &AppState,
    credentials: &Credentials,
    action: ConsoleAction<'_>,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    sms_accounts::save(&mut tx, &state.keys.kek, None, credentials, state.clock.now())
        .await
        .map_err(|e| Error::Unexpected(e.into()))?;
    record_in(&mut tx, state, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes the platform's SMS account and records the admin who did, in one transaction.
pub async fn remove_platform_sms_account(state: &AppState, action: ConsoleAction<'_>) -> Result<()> {
    let mut tx = state.db.begin().await?;
    db::sms_providers::remove_platform(&mut *tx).await?;
    record_in(&mut tx, state, action, serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// "Back up now": records the running run and the admin's request in one transaction,
/// then starts the backup in the background (nothing new when one is running).
pub async fn back_up_now(state: &AppState, action: ConsoleAction<'_>) -> Result<Started, BackupError> {
    let db_err = |e: sqlx::Error| BackupError::Database(format!("backup now: {e}"));
    let signing = state.keys.backup_signing.clone();
    let mut tx = state.db.begin().await.map_err(db_err)?;
    let (backups, started) =
        on_demand::reserve(&state.settings.backup, signing, &mut tx, "console", state.clock.now()).await?;
    let details = match &started {
        Started::Run(run) => serde_json::json!({ "run": run }),
        Started::AlreadyRunning => serde_json::json!({ "already_running": true }),
    };
    record_in(&mut tx, state, action, details).await.map_err(|e| BackupError::Database(e.to_string()))?;
    tx.commit().await.map_err(db_err)?;
    let url = state.database_url.expose().to_owned();
    on_demand::launch(backups, &started, &state.db, url, "console", state.clock.clone());
    Ok(started)
}
