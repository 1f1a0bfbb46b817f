//! A business's access point connection, opened: the provider's client with the
//! business's API key (unsealed only here, for the call) and its legal entity there.

use uuid::Uuid;

use crate::{
    config::AccessPointSettings,
    db,
    integrations::{
        access_point::{AccessPoint, ProviderSecret},
        storecove::StorecoveClient,
    },
    jobs::WorkerContext,
    peppol::API_KEY,
    secrets,
};

pub struct Connection {
    /// The provider's code as stored (`storecove`).
    pub provider: &'static str,
    pub legal_entity: String,
    pub access_point: Box<dyn AccessPoint>,
}

/// The business's connection, or None when it has none (no provider, legal entity or key).
pub async fn open(ctx: &WorkerContext, business_id: Uuid) -> Result<Option<Connection>, String> {
    open_with(&ctx.db, &ctx.kek, &ctx.access_points, business_id).await
}

pub async fn open_with(
    db: &sqlx::PgPool,
    kek: &crate::crypto::DerivedKey,
    settings: &AccessPointSettings,
    business_id: Uuid,
) -> Result<Option<Connection>, String> {
    let connection = open_account(db, kek, settings, business_id).await?;
    Ok(connection.filter(|c| !c.legal_entity.is_empty()))
}

/// The business's account at its provider, with or without a legal entity there yet
/// (registering one is how a business starts to receive).
pub async fn open_account(
    db: &sqlx::PgPool,
    kek: &crate::crypto::DerivedKey,
    settings: &AccessPointSettings,
    business_id: Uuid,
) -> Result<Option<Connection>, String> {
    // A business id that names no business (a webhook's URL is anyone's to call) has
    // no connection, which is not a fault of ours.
    let row = match db::peppol::access_point(db, business_id).await {
        Err(sqlx::Error::RowNotFound) => return Ok(None),
        other => other.map_err(|e| format!("database: {e}"))?,
    };
    if row.provider.is_empty() {
        return Ok(None);
    }
    let mut conn = db.acquire().await.map_err(|e| format!("database: {e}"))?;
    let Some(sealed) =
        db::business_secrets::find(&mut *conn, business_id, API_KEY).await.map_err(|e| format!("database: {e}"))?
    else {
        return Ok(None);
    };
    let key = secrets::open(&mut conn, kek, crate::payments::slot(business_id, API_KEY), &sealed.envelope)
        .await
        .map_err(|e| format!("the access point key could not be opened: {e}"))?;
    let (provider, access_point): (&'static str, Box<dyn AccessPoint>) = match row.provider.as_str() {
        "storecove" => {
            let client = StorecoveClient::new(&settings.storecove_api_base, ProviderSecret::new(key))
                .map_err(|e| e.to_string())?
                .with_timeout(std::time::Duration::from_secs(settings.timeout_seconds));
            ("storecove", Box::new(client))
        }
        other => return Err(format!("unknown access point provider {other}")),
    };
    Ok(Some(Connection { provider, legal_entity: row.legal_entity, access_point }))
}
