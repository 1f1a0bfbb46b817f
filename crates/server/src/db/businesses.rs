//! The business profile: who issues the invoices, and their defaults.

use sqlx::PgExecutor;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct BusinessProfile {
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_number: String,
    pub registration_id: String,
    pub iban: String,
    pub bic: String,
    pub default_currency: String,
    pub payment_terms_days: i32,
    pub invoice_language: String,
    /// A `ReferenceScheme` code.
    pub payment_reference_scheme: String,
    /// Sweden: the Bankgiro number OCR payments go to (digits), or empty.
    pub bankgiro: String,
    /// Denmark: the 8-digit FI creditor number (kreditornummer), or empty.
    pub fik_creditor: String,
    /// Who to contact at the business, printed on its documents (may be empty).
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The business's Peppol participant id as typed in Settings → E-invoicing; empty:
    /// derived from its registration or VAT number. Read here, saved there.
    pub peppol_id: String,
}

pub async fn profile(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<BusinessProfile, sqlx::Error> {
    sqlx::query_as!(
        BusinessProfile,
        r#"SELECT name, address_line, postal_code, city, country, vat_number, registration_id, iban, bic,
                  default_currency, payment_terms_days, invoice_language, payment_reference_scheme, bankgiro,
                  fik_creditor, contact_name, contact_email, contact_phone, peppol_id
           FROM businesses WHERE id = $1"#,
        business_id
    )
    .fetch_one(db)
    .await
}

pub async fn update_profile(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    p: &BusinessProfile,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE businesses SET name = $2, address_line = $3, postal_code = $4, city = $5, country = $6,
                  vat_number = $7, registration_id = $8, iban = $9, bic = $10, default_currency = $11,
                  payment_terms_days = $12, invoice_language = $13, payment_reference_scheme = $14, bankgiro = $15,
                  fik_creditor = $16, contact_name = $17, contact_email = $18, contact_phone = $19
           WHERE id = $1"#,
        business_id,
        p.name,
        p.address_line,
        p.postal_code,
        p.city,
        p.country,
        p.vat_number,
        p.registration_id,
        p.iban,
        p.bic,
        p.default_currency,
        p.payment_terms_days,
        p.invoice_language,
        p.payment_reference_scheme,
        p.bankgiro,
        p.fik_creditor,
        p.contact_name,
        p.contact_email,
        p.contact_phone
    )
    .execute(db)
    .await?;
    Ok(())
}
