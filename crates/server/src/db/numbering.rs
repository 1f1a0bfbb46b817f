//! Numbering series settings: prefix, zero padding and yearly reset per kind of
//! document. The counter itself is advanced only by `invoices::take_number`.

use sqlx::PgExecutor;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Series {
    pub kind: String,
    pub prefix: String,
    pub padding: i32,
    pub yearly_reset: bool,
    pub last_number: i64,
}

/// The business's series, with defaults for kinds not used yet.
pub async fn list(db: impl PgExecutor<'_>, business_id: Uuid) -> Result<Vec<Series>, sqlx::Error> {
    let stored = sqlx::query_as!(
        Series,
        "SELECT kind, prefix, padding, yearly_reset, last_number FROM numbering_series WHERE business_id = $1",
        business_id
    )
    .fetch_all(db)
    .await?;
    Ok(["invoice", "credit_note", "quote"]
        .into_iter()
        .map(|kind| {
            stored.iter().find(|s| s.kind == kind).cloned().unwrap_or_else(|| Series {
                kind: kind.to_owned(),
                prefix: default_prefix(kind).to_owned(),
                padding: 4,
                yearly_reset: true,
                last_number: 0,
            })
        })
        .collect())
}

pub fn default_prefix(kind: &str) -> &'static str {
    match kind {
        "credit_note" => "CN-",
        "quote" => "Q-",
        _ => "",
    }
}

/// Saves a series' pattern; the counter is kept.
pub async fn save(
    db: impl PgExecutor<'_>,
    business_id: Uuid,
    kind: &str,
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
        kind,
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
