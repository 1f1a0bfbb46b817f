//! The business's logo: one image per business, replaced or removed as a whole.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::logo::CheckedLogo;

pub struct StoredLogo {
    pub content_type: String,
    pub image: Vec<u8>,
    pub width: i32,
    pub height: i32,
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Option<StoredLogo>, sqlx::Error> {
    sqlx::query_as!(
        StoredLogo,
        "SELECT content_type, image, width, height FROM business_logos WHERE business_id = $1",
        business_id
    )
    .fetch_optional(db)
    .await
}

/// Whether the business has a logo, without reading the image.
pub async fn exists(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM business_logos WHERE business_id = $1) AS "exists!""#,
        business_id
    )
    .fetch_one(db)
    .await
}

pub async fn replace(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    logo: &CheckedLogo,
    image: &[u8],
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO business_logos (business_id, content_type, image, width, height, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (business_id) DO UPDATE
           SET content_type = $2, image = $3, width = $4, height = $5, updated_at = $6"#,
        business_id,
        logo.content_type,
        image,
        logo.width as i32,
        logo.height as i32,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM business_logos WHERE business_id = $1", business_id).execute(db).await?;
    Ok(())
}
