//! The audit log's settings: retention in months per category (issue 7, RET-*), and
//! how often the sealer and the purge run; and how long a closed business's issued
//! invoices are kept, by country. Kept apart from `config.rs` so that file stays
//! about loading.

use serde::Deserialize;

use crate::audit::Category;

/// `audit.retention_months.<category>`: how long events of each category are kept.
/// The Security page promises 6 to 36 months, so values outside are refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionMonths {
    pub access: u32,
    pub auth: u32,
    pub admin: u32,
    pub dispatch: u32,
    pub payment: u32,
    pub security: u32,
}

impl Default for RetentionMonths {
    fn default() -> Self {
        Self { access: 6, auth: 12, admin: 24, dispatch: 12, payment: 36, security: 24 }
    }
}

impl RetentionMonths {
    pub fn months(&self, category: Category) -> u32 {
        match category {
            Category::Access => self.access,
            Category::Auth => self.auth,
            Category::Admin => self.admin,
            Category::Dispatch => self.dispatch,
            Category::Payment => self.payment,
            Category::Security => self.security,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    pub retention_months: RetentionMonths,
    /// How often each instance tries to seal new events (only one at a time does).
    pub seal_interval_seconds: u64,
    /// Run the sealer and the daily purge in this process.
    pub background: bool,
    /// Where the newest keyed checkpoint is kept outside the database (keep it on
    /// storage the database's administrators cannot write). Default:
    /// `<data_dir>/audit-anchor.json`.
    pub anchor_file: Option<std::path::PathBuf>,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            retention_months: RetentionMonths::default(),
            seal_interval_seconds: 2,
            background: true,
            anchor_file: None,
        }
    }
}

/// The bounds the Security page promises ("6 to 36 months depending on their nature").
pub const MIN_RETENTION_MONTHS: u32 = 6;
pub const MAX_RETENTION_MONTHS: u32 = 36;

impl AuditSettings {
    pub fn check(&self) -> Result<(), String> {
        for category in Category::ALL {
            let months = self.retention_months.months(category);
            if !(MIN_RETENTION_MONTHS..=MAX_RETENTION_MONTHS).contains(&months) {
                return Err(format!(
                    "audit.retention_months.{} is {months}, but it must be between {MIN_RETENTION_MONTHS} and {MAX_RETENTION_MONTHS} (the Security page promises that range)",
                    category.as_str()
                ));
            }
        }
        if self.seal_interval_seconds == 0 {
            return Err("audit.seal_interval_seconds must be at least 1".into());
        }
        Ok(())
    }
}

/// `gdpr.retention_years`: how many years after the end of the year of its last issued
/// document a closed business's invoices are kept, by its country (ISO 3166 alpha-2);
/// `gdpr.default_years` for any other country.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GdprSettings {
    pub retention_years: std::collections::BTreeMap<String, u32>,
    pub default_years: u32,
}

impl Default for GdprSettings {
    fn default() -> Self {
        let years = [("IS", 7), ("SE", 7), ("DK", 5), ("NO", 5), ("FI", 6), ("DE", 10), ("FR", 10)];
        Self {
            retention_years: years.into_iter().map(|(c, y)| (c.to_owned(), y)).collect(),
            // The longest period in the table: unknown countries are never cut short.
            default_years: 10,
        }
    }
}

impl GdprSettings {
    pub fn years_for(&self, country: &str) -> u32 {
        self.retention_years.get(country).copied().unwrap_or(self.default_years)
    }

    pub fn check(&self) -> Result<(), String> {
        for (country, years) in &self.retention_years {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!("gdpr.retention_years: {country:?} is not a two-letter country code like IS"));
            }
            if !(1..=30).contains(years) {
                return Err(format!("gdpr.retention_years.{country} is {years}; give 1 to 30 years"));
            }
        }
        if !(1..=30).contains(&self.default_years) {
            return Err("gdpr.default_years must be 1 to 30".into());
        }
        Ok(())
    }
}
