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
