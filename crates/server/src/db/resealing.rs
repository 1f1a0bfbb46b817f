//! Every value sealed with a key derived straight from the master key, read and
//! written back for `fastfaktura keys rotate` (`crate::key_rotation`): admins' TOTP
//! secrets, customer-link tokens, queued email bodies and the ACME cache. (Provider
//! secrets sit behind data keys, which `secrets::rewrap_data_keys` rewraps instead.)

use sqlx::PgConnection;
use uuid::Uuid;

pub async fn admin_totp(conn: &mut PgConnection) -> Result<Vec<(Uuid, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, totp_secret_sealed AS "sealed!" FROM admin_users WHERE totp_secret_sealed IS NOT NULL ORDER BY id"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.sealed)).collect())
}

pub async fn set_admin_totp(conn: &mut PgConnection, id: Uuid, sealed: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE admin_users SET totp_secret_sealed = $2 WHERE id = $1", id, sealed).execute(conn).await?;
    Ok(())
}

pub async fn invoice_links(conn: &mut PgConnection) -> Result<Vec<(Uuid, Uuid, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!("SELECT business_id, id, token_sealed FROM invoice_links ORDER BY business_id, id")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.business_id, r.id, r.token_sealed)).collect())
}

pub async fn set_invoice_link(
    conn: &mut PgConnection,
    business_id: Uuid,
    id: Uuid,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoice_links SET token_sealed = $3 WHERE business_id = $1 AND id = $2",
        business_id,
        id,
        sealed
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn outbox(conn: &mut PgConnection) -> Result<Vec<(Uuid, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, body_sealed AS "sealed!" FROM outgoing_emails WHERE body_sealed IS NOT NULL ORDER BY id"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.sealed)).collect())
}

pub async fn set_outbox(conn: &mut PgConnection, id: Uuid, sealed: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE outgoing_emails SET body_sealed = $2 WHERE id = $1", id, sealed).execute(conn).await?;
    Ok(())
}

pub async fn acme_cache(conn: &mut PgConnection) -> Result<Vec<(String, String, Vec<u8>)>, sqlx::Error> {
    let rows =
        sqlx::query!("SELECT kind, cache_key, sealed FROM acme_cache ORDER BY kind, cache_key").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| (r.kind, r.cache_key, r.sealed)).collect())
}

pub async fn set_acme_cache(
    conn: &mut PgConnection,
    kind: &str,
    cache_key: &str,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE acme_cache SET sealed = $3 WHERE kind = $1 AND cache_key = $2", kind, cache_key, sealed)
        .execute(conn)
        .await?;
    Ok(())
}

/// Purged day heads with their purge MACs.
pub async fn purged_heads(
    conn: &mut PgConnection,
) -> Result<Vec<(String, time::Date, Vec<u8>, Option<Vec<u8>>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT category, day, head_hash, purge_mac FROM audit_heads WHERE purged_at IS NOT NULL ORDER BY category, day"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.category, r.day, r.head_hash, r.purge_mac)).collect())
}

/// Lets this transaction change audit heads and remove checkpoints (the purge switch
/// the append-only triggers honour), or stops it again.
pub async fn audit_purge_switch(conn: &mut PgConnection, on: bool) -> Result<(), sqlx::Error> {
    let value = if on { "on" } else { "off" };
    sqlx::query_scalar!("SELECT set_config('fastfaktura.audit_purge', $1, true)", value).fetch_one(conn).await?;
    Ok(())
}

pub async fn set_purge_mac(
    conn: &mut PgConnection,
    category: &str,
    day: time::Date,
    mac: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE audit_heads SET purge_mac = $3 WHERE category = $1 AND day = $2", category, day, mac)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes every checkpoint (they are keyed with the old key; a new one follows).
pub async fn drop_checkpoints(conn: &mut PgConnection) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM audit_checkpoints").execute(conn).await?.rows_affected())
}
