//! What the readiness check asks of the application: is the database reachable and
//! migrated to what this build expects.

use crate::{db, state::AppState};

/// Whether every migration this build knows is applied (an error: unreachable).
pub async fn database_ready(state: &AppState) -> Result<bool, sqlx::Error> {
    db::migrations_applied(&state.db).await
}
