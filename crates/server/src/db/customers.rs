//! Customers of a business. Every query is scoped by `business_id`.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct CustomerFields {
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub vat_number: String,
    /// National registration id: kennitala, organisationsnummer, CVR (BT-47).
    pub registration_id: String,
    /// Peppol participant id as typed and checked (`0192:987654325`); empty: derived.
    pub peppol_id: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub language: String,
    pub currency: String,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub vat_number: String,
    /// National registration id: kennitala, organisationsnummer, CVR (BT-47).
    pub registration_id: String,
    /// Peppol participant id as typed and checked (`0192:987654325`); empty: derived.
    pub peppol_id: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub language: String,
    pub currency: String,
    pub archived: bool,
}

impl Customer {
    /// The Peppol participant id documents name the customer by: the one typed on the
    /// customer, else the one their registration or VAT id gives (None: unknown).
    pub fn participant(&self) -> Option<fastfaktura_domain::ParticipantId> {
        fastfaktura_domain::ParticipantId::parse(&self.peppol_id).ok().or_else(|| {
            fastfaktura_domain::ParticipantId::for_party(&self.country, &self.registration_id, &self.vat_number)
        })
    }

    pub fn fields(&self) -> CustomerFields {
        CustomerFields {
            kind: self.kind.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            vat_number: self.vat_number.clone(),
            registration_id: self.registration_id.clone(),
            peppol_id: self.peppol_id.clone(),
            address_line: self.address_line.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            language: self.language.clone(),
            currency: self.currency.clone(),
        }
    }
}

pub async fn create(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    c: &CustomerFields,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO customers (business_id, id, kind, name, email, phone, vat_number, address_line, postal_code,
                                 city, country, language, currency, created_at, registration_id, peppol_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"#,
        business_id,
        id,
        c.kind,
        c.name,
        c.email,
        c.phone,
        c.vat_number,
        c.address_line,
        c.postal_code,
        c.city,
        c.country,
        c.language,
        c.currency,
        now,
        c.registration_id,
        c.peppol_id
    )
    .execute(db)
    .await?;
    Ok(id)
}

pub async fn update(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    c: &CustomerFields,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        r#"UPDATE customers SET kind = $3, name = $4, email = $5, phone = $6, vat_number = $7, address_line = $8,
                  postal_code = $9, city = $10, country = $11, language = $12, currency = $13, registration_id = $14,
                  peppol_id = $15
           WHERE business_id = $1 AND id = $2"#,
        business_id,
        id,
        c.kind,
        c.name,
        c.email,
        c.phone,
        c.vat_number,
        c.address_line,
        c.postal_code,
        c.city,
        c.country,
        c.language,
        c.currency,
        c.registration_id,
        c.peppol_id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn find(db: impl PgExecutor<'_>, business_id: Uuid, id: Uuid) -> Result<Option<Customer>, sqlx::Error> {
    sqlx::query_as!(
        Customer,
        r#"SELECT id, kind, name, email, phone, vat_number, registration_id, peppol_id, address_line, postal_code, city, country, language, currency,
                  archived_at IS NOT NULL AS "archived!"
           FROM customers WHERE business_id = $1 AND id = $2"#,
        business_id,
        id
    )
    .fetch_optional(db)
    .await
}

/// Active customers matching `search` (name or email, case-insensitive), by name.
pub async fn list(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Customer>, sqlx::Error> {
    let pattern = crate::db::like_pattern(search);
    sqlx::query_as!(
        Customer,
        r#"SELECT id, kind, name, email, phone, vat_number, registration_id, peppol_id, address_line, postal_code, city, country, language, currency,
                  archived_at IS NOT NULL AS "archived!"
           FROM customers
           WHERE business_id = $1 AND archived_at IS NULL AND (name ILIKE $2 OR email ILIKE $2)
           ORDER BY lower(name), id
           LIMIT $3 OFFSET $4"#,
        business_id,
        pattern,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// Archives instead of deleting: invoices keep referring to the customer.
pub async fn archive(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE customers SET archived_at = $3 WHERE business_id = $1 AND id = $2 AND archived_at IS NULL",
        business_id,
        id,
        now
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
