//! Bills for the bookkeeper: a CSV of the bills issued in a period (one row each, the
//! amounts as plain decimals with a point and the dates in ISO 8601, so any bookkeeping
//! program reads them), and a ZIP of their originals exactly as received, with that CSV.

use time::Date;

use super::view::{file_stem, media_of};
use crate::{
    app::{Caller, Error},
    db,
    gdpr::zip::ZipWriter,
    i18n::Text,
    state::AppState,
};

/// Bills issued from `from` to `to`, both included; an empty end is open.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Period {
    pub from: String,
    pub to: String,
}

impl Period {
    fn days(&self) -> Result<(Date, Date), Error> {
        let parse = |value: &str, field: &str, open: Date| {
            let value = value.trim();
            if value.is_empty() {
                return Ok(open);
            }
            Date::parse(value, &time::format_description::well_known::Iso8601::DATE)
                .map_err(|_| Error::field(field, Text::key("bills-date-invalid")))
        };
        // The widest period PostgreSQL's dates and any bookkeeping need.
        let earliest = Date::from_calendar_date(1900, time::Month::January, 1).expect("a date");
        let latest = Date::from_calendar_date(9999, time::Month::December, 31).expect("a date");
        let from = parse(&self.from, "from", earliest)?;
        let to = parse(&self.to, "to", latest)?;
        if from > to {
            return Err(Error::field("to", Text::key("bills-period-reversed")));
        }
        Ok((from, to))
    }
}

const HEADER: &[&str] = &[
    "id",
    "supplier",
    "supplier_vat_id",
    "supplier_registration_id",
    "number",
    "type",
    "issue_date",
    "due_date",
    "currency",
    "net",
    "vat",
    "total",
    "payable",
    "payment_reference",
    "iban",
    "bic",
    "state",
    "scheduled_for",
    "paid_on",
    "duplicate_of",
    "document_status",
    "document_format",
    "received_document_id",
];

/// The CSV of the bills issued in `period`.
pub async fn export_bills_csv(state: &AppState, caller: &Caller, period: &Period) -> Result<String, Error> {
    let (from, to) = period.days()?;
    let mut reads = crate::app::reads(state, caller).await?;
    let bills = db::bills::issued_between(&mut *reads, caller.business_id, from, to).await?;
    drop(reads);
    let mut out = HEADER.join(",");
    out.push('\n');
    for b in &bills {
        let text = |s: &str| csv_text(s);
        let opt = |s: &Option<String>| csv_text(s.as_deref().unwrap_or(""));
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let fields = [
            b.id.to_string(),
            text(&b.supplier_name),
            opt(&b.supplier_vat_id),
            opt(&b.supplier_registration_id),
            text(&b.number),
            if b.credit_note { "credit_note".into() } else { "invoice".into() },
            b.issue_date.to_string(),
            date(b.due_date),
            text(&b.currency),
            b.net.normalize().to_string(),
            b.vat.normalize().to_string(),
            b.total.normalize().to_string(),
            b.payable.normalize().to_string(),
            opt(&b.payment_reference),
            opt(&b.iban),
            opt(&b.bic),
            b.state.clone(),
            date(b.scheduled_for),
            date(b.paid_at.map(|p| p.date())),
            b.duplicate_of.map(|d| d.to_string()).unwrap_or_default(),
            b.document_status.clone(),
            b.document_format.clone(),
            b.received_document_id.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// RFC 4180 quoting for text a supplier wrote, with a leading `'` before `= + - @` (and
/// tab, CR) so a spreadsheet never runs it as a formula. Amounts are written unquoted.
fn csv_text(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// A ZIP of the originals of the bills issued in `period`, byte for byte as received,
/// with `bills.csv` beside them.
pub async fn export_originals_zip(state: &AppState, caller: &Caller, period: &Period) -> Result<Vec<u8>, Error> {
    let csv = export_bills_csv(state, caller, period).await?;
    let (from, to) = period.days()?;
    let mut reads = crate::app::reads(state, caller).await?;
    let originals = db::received_documents::originals_of_bills(&mut *reads, caller.business_id, from, to).await?;
    drop(reads);
    let mut zip = ZipWriter::new();
    let mut out = Vec::new();
    let mut add = |zip: &mut ZipWriter, name: &str, bytes: &[u8]| -> Result<(), Error> {
        zip.start(name).map_err(anyhow::Error::msg)?;
        zip.write(bytes);
        out.extend(zip.drain());
        Ok(())
    };
    add(&mut zip, "bills.csv", csv.as_bytes())?;
    for o in &originals {
        let (extension, _) = media_of(&o.format);
        // The bill id keeps two bills with the same supplier and number apart.
        let name =
            format!("{}_{}.{extension}", file_stem(&o.supplier_name, &o.number), &o.bill_id.simple().to_string()[..8]);
        add(&mut zip, &name, &o.original)?;
    }
    zip.finish().map_err(anyhow::Error::msg)?;
    out.extend(zip.drain());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplier_text_is_quoted_and_formulas_defused() {
        assert_eq!(csv_text("ACME \"Ltd\", Oslo"), "\"ACME \"\"Ltd\"\", Oslo\"");
        assert_eq!(csv_text("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(csv_text(""), "\"\"");
    }

    #[test]
    fn a_period_is_checked() {
        let p = |from: &str, to: &str| Period { from: from.into(), to: to.into() }.days();
        assert!(p("", "").is_ok());
        assert!(p("2026-01-01", "2026-12-31").is_ok());
        assert!(matches!(p("2026-13-01", ""), Err(Error::Invalid(_))));
        assert!(matches!(p("2026-12-31", "2026-01-01"), Err(Error::Invalid(_))));
    }
}
