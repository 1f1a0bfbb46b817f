//! Numbering series settings: prefix, zero padding and yearly reset per kind of
//! document. The counter itself is advanced only by `invoices::take_number`.

use fastfaktura_domain::InvoiceKind;
use sqlx::PgExecutor;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Series {
    pub kind: InvoiceKind,
    pub prefix: String,
    pub padding: i32,
    pub yearly_reset: bool,
    pub last_number: i64,
}

/// The business's series, one per kind of document, with defaults for kinds not used
/// yet (the table's check admits only the three kinds).
pub async fn list(db: &sqlx::PgPool, business_id: Uuid) -> Result<Vec<Series>, sqlx::Error> {
    let language =
        sqlx::query_scalar!("SELECT invoice_language FROM businesses WHERE id = $1", business_id).fetch_one(db).await?;
    let stored = sqlx::query!(
        "SELECT kind, prefix, padding, yearly_reset, last_number FROM numbering_series WHERE business_id = $1",
        business_id
    )
    .fetch_all(db)
    .await?;
    Ok(InvoiceKind::ALL
        .into_iter()
        .map(|kind| match stored.iter().find(|s| s.kind == kind.as_str()) {
            Some(s) => Series {
                kind,
                prefix: s.prefix.clone(),
                padding: s.padding,
                yearly_reset: s.yearly_reset,
                last_number: s.last_number,
            },
            None => Series {
                kind,
                prefix: default_prefix(kind, &language).to_owned(),
                padding: 4,
                yearly_reset: true,
                last_number: 0,
            },
        })
        .collect())
}

/// The prefix a series starts with until the owner changes it, in the business's
/// document language: CN- (credit note) and Q- (quote) in English, KR-
/// (kreditreikningur) and TB- (tilboð) in Icelandic.
pub fn default_prefix(kind: InvoiceKind, language: &str) -> &'static str {
    match (kind, language) {
        (InvoiceKind::CreditNote, "is") => "KR-",
        (InvoiceKind::Quote, "is") => "TB-",
        (InvoiceKind::CreditNote, _) => "CN-",
        (InvoiceKind::Quote, _) => "Q-",
        (InvoiceKind::Invoice, _) => "",
    }
}

/// Saves a series' pattern; the counter is kept.
pub async fn save(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    kind: InvoiceKind,
    prefix: &str,
    padding: i32,
    yearly_reset: bool,
    year: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO numbering_series (business_id, kind, prefix, padding, yearly_reset, counter_year)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (business_id, kind) DO UPDATE SET prefix = $3, padding = $4, yearly_reset = $5"#,
        business_id,
        kind.as_str(),
        prefix,
        padding,
        yearly_reset,
        year
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How the next number of a series will look (for the settings page).
pub fn preview(series: &Series, year: i32) -> String {
    let width = usize::try_from(series.padding).unwrap_or(4);
    let next = series.last_number + 1;
    if series.yearly_reset {
        format!("{}{year}-{:0width$}", series.prefix, next)
    } else {
        format!("{}{:0width$}", series.prefix, next)
    }
}
