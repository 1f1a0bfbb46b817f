//! "Download all your data" (Art. 15 and 20) as the owner sees it: the recent
//! exports, asking for a new one, and reading a finished one back chunk by chunk.
//! Building the archive is the job's work (`gdpr::export`); these operations keep the
//! page and its download off the database and the transaction.

use futures::{Stream, stream};
use uuid::Uuid;

use super::{Caller, Error, error::Result};
pub use crate::gdpr::export::ExportRow;
use crate::{audit::RequestMeta, gdpr::export, state::AppState};

/// The business's exports not yet expired, newest first (at most five).
pub async fn list_exports(state: &AppState, caller: &Caller) -> Result<Vec<ExportRow>> {
    Ok(export::list(&state.db, caller.business_id, state.clock.now()).await?)
}

/// Queues a new export (audited as `export.requested`); `user_id` is the owner who
/// asked and receives the mail when it is ready.
pub async fn request_export(state: &AppState, caller: &Caller, user_id: Uuid, meta: &RequestMeta) -> Result<Uuid> {
    super::quotas::take(state, caller.business_id, &caller.actor, super::quotas::Quota::Export).await?;
    Ok(export::request(&state.db, caller.business_id, user_id, meta, state.clock.now()).await?)
}

/// A finished, unexpired export of the business and its ZIP as a stream of stored
/// chunks, read one at a time so the archive never sits in memory. A database error
/// ends the stream early (a truncated download, which the ZIP's central directory
/// makes evident).
pub async fn ready_export(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<(ExportRow, impl Stream<Item = std::result::Result<Vec<u8>, sqlx::Error>> + use<>)> {
    let business_id = caller.business_id;
    let found = export::find_ready(&state.db, business_id, id, state.clock.now()).await?.ok_or(Error::NotFound)?;
    let db = state.db.clone();
    let chunks = stream::try_unfold(0, move |seq| {
        let db = db.clone();
        async move { Ok(export::chunk(&db, business_id, id, seq).await?.map(|bytes| (bytes, seq + 1))) }
    });
    Ok((found, chunks))
}
