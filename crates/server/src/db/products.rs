//! The catalogue: products and services with default price, unit and VAT.

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct ProductFields {
    pub name: String,
    pub unit: String,
    pub unit_price: Decimal,
    pub vat_category: String,
    pub vat_rate: Decimal,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: Uuid,
    pub name: String,
    pub unit: String,
    pub unit_price: Decimal,
    pub vat_category: String,
    pub vat_rate: Decimal,
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    p: &ProductFields,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO products (business_id, id, name, unit, unit_price, vat_category, vat_rate, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        business_id,
        id,
        p.name,
        p.unit,
        p.unit_price,
        p.vat_category,
        p.vat_rate,
        now
    )
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn update(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    p: &ProductFields,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE products SET name = $3, unit = $4, unit_price = $5, vat_category = $6, vat_rate = $7
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        id,
        p.name,
        p.unit,
        p.unit_price,
        p.vat_category,
        p.vat_rate
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Product>, sqlx::Error> {
    sqlx::query_as!(
        Product,
        "SELECT id, name, unit, unit_price, vat_category, vat_rate FROM products WHERE business_id = $1 AND id = $2",
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Product>, sqlx::Error> {
    let pattern = crate::db::like_pattern(search);
    sqlx::query_as!(
        Product,
        r#"SELECT id, name, unit, unit_price, vat_category, vat_rate FROM products
           WHERE business_id = $1 AND archived_at IS NULL AND name ILIKE $2
           ORDER BY lower(name), id LIMIT $3 OFFSET $4"#,
        business_id,
        pattern,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

pub async fn archive(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE products SET archived_at = $3 WHERE business_id = $1 AND id = $2 AND archived_at IS NULL",
        business_id,
        id,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
