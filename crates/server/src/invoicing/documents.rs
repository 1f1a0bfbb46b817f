//! From stored rows to the documents crate: the business profile, the customer, the
//! document and its lines become one `InvoiceData`; the documents crate checks it,
//! computes the totals with the domain's engine and writes the PDF, UBL and CII.
//!
//! The same builder runs when a draft is issued (so a document the e-invoice rules
//! would reject is never issued) and whenever an issued document is downloaded.

use fastfaktura_documents::{
    DocumentType, Endpoint, InvoiceData, InvoiceDocument, Language, Line as DocLine, Logo, Party, PaymentDetails,
};
use fastfaktura_domain::{InvoiceKind, VatCategory};
use time::Date;
use uuid::Uuid;

use crate::app::Error;
use crate::db::{
    self,
    businesses::BusinessProfile,
    customers::Customer,
    invoices::{Invoice, Line},
};

/// Everything stored that a document is made from.
pub struct Sources {
    pub profile: BusinessProfile,
    pub customer: Customer,
    pub invoice: Invoice,
    pub lines: Vec<Line>,
    pub logo: Option<Vec<u8>>,
    /// Number and issue date of the invoice a credit note corrects.
    pub credited: Option<(String, Date)>,
}

pub async fn load(db: &mut sqlx::PgConnection, business_id: Uuid, invoice: Invoice) -> Result<Sources, Error> {
    let profile = db::businesses::profile(&mut *db, business_id).await?;
    let customer = db::customers::find(&mut *db, business_id, invoice.customer_id).await?.ok_or(Error::NotFound)?;
    let lines = db::invoices::lines(&mut *db, business_id, invoice.id).await?;
    let logo = db::logos::find(&mut *db, business_id).await?.map(|l| l.image);
    let credited = match invoice.credited_invoice_id {
        Some(id) => db::invoices::find(&mut *db, business_id, id).await?.and_then(|o| Some((o.number?, o.issue_date?))),
        None => None,
    };
    Ok(Sources { profile, customer, invoice, lines, logo, credited })
}

/// The documents crate's input for this document with `number` and dates.
pub fn invoice_data(src: &Sources, number: &str, issue_date: Date, due_date: Date) -> Result<InvoiceData, Error> {
    let invoice = &src.invoice;
    let currency = invoice.currency;
    let lines = src
        .lines
        .iter()
        .map(|l| {
            Ok(DocLine {
                description: l.description.clone(),
                quantity: l.quantity,
                unit_code: unit_code(&l.unit).to_owned(),
                unit_price: l.unit_price,
                discount_percent: l.discount_percent,
                vat_category: VatCategory::parse(&l.vat_category).map_err(|e| Error::field("lines", e.to_string()))?,
                vat_rate: l.vat_rate,
                exemption_reason: Some(l.exemption_reason.clone()).filter(|r| !r.trim().is_empty()),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let p = &src.profile;
    let c = &src.customer;
    let seller = Party {
        name: p.name.clone(),
        address_lines: non_empty(&p.address_line).into_iter().collect(),
        postcode: p.postal_code.clone(),
        city: p.city.clone(),
        country: p.country.clone(),
        vat_id: non_empty(&p.vat_number),
        registration_id: non_empty(&p.registration_id),
        email: None,
        phone: None,
        contact_name: None,
        endpoint: endpoint(&p.country, &p.registration_id, &p.vat_number),
    };
    let buyer = Party {
        name: c.name.clone(),
        address_lines: non_empty(&c.address_line).into_iter().collect(),
        postcode: c.postal_code.clone(),
        city: c.city.clone(),
        country: c.country.clone(),
        vat_id: non_empty(&c.vat_number),
        registration_id: None,
        email: non_empty(&c.email),
        phone: non_empty(&c.phone),
        contact_name: None,
        endpoint: endpoint(&c.country, "", &c.vat_number),
    };
    let kind = match &src.credited {
        Some((preceding_number, preceding_date)) if invoice.kind == InvoiceKind::CreditNote => {
            DocumentType::CreditNote { preceding_number: preceding_number.clone(), preceding_date: *preceding_date }
        }
        _ => DocumentType::Invoice,
    };
    Ok(InvoiceData {
        kind,
        number: number.to_owned(),
        issue_date,
        due_date,
        // The supply is dated on the invoice (tax point = issue date) unless stated otherwise.
        delivery_date: Some(issue_date),
        currency,
        language: if c.language == "is" { Language::Is } else { Language::En },
        seller,
        buyer,
        buyer_reference: None,
        payment: PaymentDetails {
            iban: non_empty(&p.iban),
            bic: non_empty(&p.bic),
            reference: Some(number.to_owned()),
        },
        payment_terms: None,
        notes: non_empty(&invoice.note).into_iter().collect(),
        lines,
        discount_percent: invoice.discount_percent,
        price_entry: invoice.price_entry,
        // A stored logo passed our own upload check; one the renderer still cannot use
        // is left off rather than blocking the invoice.
        logo: src.logo.clone().and_then(|bytes| Logo::new(bytes).ok()),
    })
}

/// What keeps this draft from being issued as a valid invoice: the documents crate's
/// EN 16931 checks, plus our own rule that bank-transfer terms need an IBAN.
pub fn problems_for_issue(src: &Sources, issue_date: Date, due_date: Date) -> Result<Vec<String>, Error> {
    // The number is taken after these checks pass; any non-empty one checks the same.
    let data = invoice_data(src, "0", issue_date, due_date)?;
    let mut problems = match InvoiceDocument::new(data) {
        Ok(_) => Vec::new(),
        Err(fastfaktura_documents::DocumentError::Incomplete(problems)) => problems,
    };
    if src.profile.iban.trim().is_empty() {
        problems.push("Seller: an IBAN is required, since payment is by bank transfer".into());
    }
    Ok(problems)
}

/// The sentence shown when something is missing.
pub fn explain(problems: &[String]) -> String {
    format!(
        "Before this can be issued as a legal invoice, please fix: {}. Your details are under Settings → Business, \
         the customer's on the customer's page.",
        problems.join("; ")
    )
}

/// The checked document of an issued invoice or credit note, ready to write.
pub async fn issued_document(db: &sqlx::PgPool, business_id: Uuid, invoice_id: Uuid) -> Result<InvoiceDocument, Error> {
    let mut conn = db.acquire().await?;
    let invoice = db::invoices::find(&mut *conn, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let (Some(number), Some(issue_date), Some(due_date)) =
        (invoice.number.clone(), invoice.issue_date, invoice.due_date)
    else {
        return Err(Error::Conflict("Documents exist once the invoice is issued.".to_owned().into()));
    };
    if invoice.kind == InvoiceKind::Quote {
        return Err(Error::Conflict("Quotes have no e-invoice or PDF yet; turn it into an invoice.".to_owned().into()));
    }
    let src = load(&mut conn, business_id, invoice).await?;
    let data = invoice_data(&src, &number, issue_date, due_date)?;
    InvoiceDocument::new(data).map_err(|e| anyhow::anyhow!("issued invoice {invoice_id} no longer checks: {e}").into())
}

/// The file a document is downloaded as, e.g. `invoice-2026-0001.pdf`.
pub fn file_name(doc: &InvoiceDocument, extension: &str) -> String {
    let kind = if doc.kind.is_credit_note() { "credit-note" } else { "invoice" };
    let number: String =
        doc.number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{kind}-{number}.{extension}")
}

fn non_empty(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The UN/ECE Recommendation 20 code for the unit a user typed ("h", "klst", "pcs").
pub fn unit_code(unit: &str) -> &'static str {
    match unit.trim().trim_end_matches('.').to_lowercase().as_str() {
        "h" | "hr" | "hrs" | "hour" | "hours" | "klst" | "klukkustund" | "tími" | "tímar" | "tim" | "timer" => "HUR",
        "d" | "day" | "days" | "dagur" | "dagar" | "dag" | "dagen" => "DAY",
        "min" | "minute" | "minutes" | "mín" => "MIN",
        "week" | "weeks" | "vika" | "vikur" | "vecka" | "uke" => "WEE",
        "month" | "months" | "mánuður" | "mán" | "månad" | "måned" => "MON",
        "year" | "years" | "ár" => "ANN",
        "kg" => "KGM",
        "g" => "GRM",
        "t" | "tonne" => "TNE",
        "m" => "MTR",
        "km" => "KMT",
        "m2" | "m²" => "MTK",
        "m3" | "m³" => "MTQ",
        "l" | "litre" | "liter" | "lítri" => "LTR",
        "kwh" => "KWH",
        // "pcs", "stk", "each", empty and anything else: one unit.
        _ => "C62",
    }
}

/// The Peppol participant id we can derive: the national registry number where a
/// country's scheme uses it, else the VAT number under the country's VAT scheme.
fn endpoint(country: &str, registration_id: &str, vat_number: &str) -> Option<Endpoint> {
    let registration = registration_id.trim().replace(['-', ' '], "");
    let by_registry = match country {
        "IS" => Some("0196"),
        "NO" => Some("0192"),
        "SE" => Some("0007"),
        "DK" => Some("0184"),
        _ => None,
    };
    if let (Some(scheme), false) = (by_registry, registration.is_empty()) {
        return Some(Endpoint { scheme: scheme.into(), id: registration });
    }
    let vat = vat_number.trim().replace(' ', "");
    let vat_scheme = match country {
        "DE" => "9930",
        "FR" => "9957",
        "AT" => "9914",
        "BE" => "9925",
        "NL" => "9944",
        "ES" => "9920",
        "IT" => "0211",
        "FI" => "0213",
        _ => return None,
    };
    (!vat.is_empty()).then(|| Endpoint { scheme: vat_scheme.into(), id: vat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_units_map_to_recommendation_20_codes() {
        assert_eq!(unit_code("h"), "HUR");
        assert_eq!(unit_code("klst."), "HUR");
        assert_eq!(unit_code("Days"), "DAY");
        assert_eq!(unit_code("pcs"), "C62");
        assert_eq!(unit_code(""), "C62");
        assert_eq!(unit_code("m²"), "MTK");
    }

    #[test]
    fn endpoints_use_the_national_registry_or_the_vat_scheme() {
        let is = endpoint("IS", "590269-7199", "").unwrap();
        assert_eq!((is.scheme.as_str(), is.id.as_str()), ("0196", "5902697199"));
        let de = endpoint("DE", "", "DE123456789").unwrap();
        assert_eq!((de.scheme.as_str(), de.id.as_str()), ("9930", "DE123456789"));
        assert!(endpoint("SE", "", "").is_none());
        assert!(endpoint("US", "123", "").is_none());
    }
}
