//! From stored rows to the documents crate, and the record of every issued document.
//!
//! A draft is checked by building its `InvoiceData` from the live business profile,
//! customer and logo (so a document the e-invoice rules would reject is never issued).
//! At issue, what the document shows that lives outside the invoice row (seller, buyer,
//! payment details, language, logo) is frozen with it, and its PDF, UBL and CII are kept
//! exactly as issued (`db::issued_documents`): later profile, customer or logo changes
//! reach new documents only, and every download of an issued one is byte-identical.

use fastfaktura_documents::{
    DocumentType, EInvoiceProfile, Endpoint, InvoiceData, InvoiceDocument, Language, Line as DocLine, Logo, Party,
    PaymentDetails, Problem, cii_xml_as, render_pdf, ubl_xml_as, xrechnung_gaps,
};
use fastfaktura_domain::{Icd, InvoiceKind, InvoiceStatus, ParticipantId, VatCategory};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::app::Error;
use crate::db::{
    self,
    businesses::BusinessProfile,
    customers::Customer,
    invoices::{Invoice, Line},
    issued_documents::IssuedRecord,
};
use crate::i18n::{Text, key};
use crate::invoicing::payee;

/// Everything stored that a document is made from.
pub struct Sources {
    pub profile: BusinessProfile,
    pub customer: Customer,
    pub invoice: Invoice,
    pub lines: Vec<Line>,
    pub logo: Option<Vec<u8>>,
    /// Number and issue date of the invoice a credit note corrects.
    pub credited: Option<(String, Date)>,
    /// The invoice's Icelandic bank claim as printed (`0159-66-000042`), if it has one.
    pub claim: Option<String>,
}

pub async fn load(db: &mut sqlx::PgConnection, business_id: Uuid, invoice: Invoice) -> Result<Sources, Error> {
    let profile = db::businesses::profile(&mut *db, business_id).await?;
    let customer = db::customers::find(&mut *db, business_id, invoice.customer_id).await?.ok_or(Error::NotFound)?;
    let lines = db::invoices::lines(&mut *db, business_id, invoice.id).await?;
    let logo = db::logos::find(&mut *db, business_id).await?.map(|l| l.image);
    let credited = credited(db, business_id, &invoice).await?;
    let claim = claim_of(db, business_id, invoice.id).await?;
    Ok(Sources { profile, customer, invoice, lines, logo, credited, claim })
}

/// The invoice's Icelandic bank claim as printed on it, if it has one.
async fn claim_of(db: &mut sqlx::PgConnection, business_id: Uuid, invoice_id: Uuid) -> Result<Option<String>, Error> {
    Ok(db::bank_claims::find(&mut *db, business_id, invoice_id)
        .await?
        .map(|c| format!("{}-66-{}", c.bank, c.claim_number)))
}

async fn credited(
    db: &mut sqlx::PgConnection,
    business_id: Uuid,
    invoice: &Invoice,
) -> Result<Option<(String, Date)>, Error> {
    Ok(match invoice.credited_invoice_id {
        Some(id) => db::invoices::find(&mut *db, business_id, id).await?.and_then(|o| Some((o.number?, o.issue_date?))),
        None => None,
    })
}

/// What an issued document shows that does not live on the invoice row: who it is
/// from and to, where to pay, and its language. Frozen at issue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frozen {
    pub seller: Party,
    pub buyer: Party,
    pub payment: PaymentDetails,
    /// `en` or `is`.
    pub language: String,
}

impl Frozen {
    /// From the live profile and customer, as a draft would be issued now.
    fn live(src: &Sources, number: &str) -> Frozen {
        let p = &src.profile;
        let c = &src.customer;
        let (seller, buyer) = (seller_party(p), buyer_party(c));
        let invoice = &src.invoice;
        // An invoice is paid with the reference it got at issue; a credit note names
        // its number; a quote is not paid.
        let reference = match invoice.kind {
            InvoiceKind::Quote => None,
            InvoiceKind::Invoice => Some(invoice.payment_reference.clone().unwrap_or_else(|| number.to_owned())),
            InvoiceKind::CreditNote => Some(number.to_owned()),
        };
        let domestic = match (&reference, invoice.kind, invoice.payable, invoice.due_date) {
            (Some(reference), InvoiceKind::Invoice, Some(amount), Some(due_date)) => {
                let payable = payee::Payable { amount, currency: invoice.currency, due_date };
                payee::domestic(p, reference, &payable, src.claim.as_deref())
            }
            _ => None,
        };
        Frozen {
            seller,
            buyer,
            payment: PaymentDetails { iban: non_empty(&p.iban), bic: non_empty(&p.bic), reference, domestic },
            language: if c.language == "is" { "is".into() } else { "en".into() },
        }
    }

    pub fn language(&self) -> Language {
        if self.language == "is" { Language::Is } else { Language::En }
    }
}

/// The business as a document's seller, from its profile as it is now.
pub fn seller_party(p: &BusinessProfile) -> Party {
    Party {
        name: p.name.clone(),
        address_lines: non_empty(&p.address_line).into_iter().collect(),
        postcode: p.postal_code.clone(),
        city: p.city.clone(),
        country: p.country.clone(),
        vat_id: non_empty(&p.vat_number),
        registration_id: non_empty(&p.registration_id),
        email: non_empty(&p.contact_email),
        phone: non_empty(&p.contact_phone),
        contact_name: non_empty(&p.contact_name),
        // As typed in Settings → E-invoicing, else derived from the registration or VAT number.
        endpoint: endpoint(
            ParticipantId::parse(&p.peppol_id)
                .ok()
                .or_else(|| ParticipantId::for_party(&p.country, &p.registration_id, &p.vat_number)),
        ),
    }
}

/// The customer as a document's buyer, from their record as it is now.
pub fn buyer_party(c: &Customer) -> Party {
    Party {
        name: c.name.clone(),
        address_lines: non_empty(&c.address_line).into_iter().collect(),
        postcode: c.postal_code.clone(),
        city: c.city.clone(),
        country: c.country.clone(),
        vat_id: non_empty(&c.vat_number),
        registration_id: non_empty(&c.registration_id),
        email: non_empty(&c.email),
        phone: non_empty(&c.phone),
        contact_name: None,
        endpoint: endpoint(c.participant()),
    }
}

/// The parts of a document that are on the invoice row and its lines.
struct RowParts<'a> {
    invoice: &'a Invoice,
    lines: &'a [Line],
    credited: &'a Option<(String, Date)>,
}

fn assemble(
    row: RowParts<'_>,
    frozen: Frozen,
    logo: Option<Vec<u8>>,
    number: &str,
    issue_date: Date,
    due_date: Date,
) -> Result<InvoiceData, Error> {
    let invoice = row.invoice;
    let lines = row
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
    let kind = match (invoice.kind, row.credited) {
        (InvoiceKind::CreditNote, Some((preceding_number, preceding_date))) => {
            DocumentType::CreditNote { preceding_number: preceding_number.clone(), preceding_date: *preceding_date }
        }
        (InvoiceKind::Quote, _) => DocumentType::Quote,
        _ => DocumentType::Invoice,
    };
    let refs = &invoice.references;
    let language = frozen.language();
    Ok(InvoiceData {
        kind,
        number: number.to_owned(),
        issue_date,
        due_date,
        // The supply is dated on the invoice (tax point = issue date) unless a delivery
        // date or period is stated.
        delivery_date: refs.delivery_date.or(if refs.period.is_none() { Some(issue_date) } else { None }),
        period: refs.period,
        currency: invoice.currency,
        language,
        seller: frozen.seller,
        buyer: frozen.buyer,
        buyer_reference: non_empty(&refs.buyer_reference),
        order_reference: non_empty(&refs.order_reference),
        payment: frozen.payment,
        payment_terms: None,
        notes: non_empty(&invoice.note).into_iter().collect(),
        lines,
        discount_percent: invoice.discount_percent,
        price_entry: invoice.price_entry,
        // A stored logo passed our own upload check; one the renderer still cannot use
        // is left off rather than blocking the invoice.
        logo: logo.and_then(|bytes| Logo::new(bytes).ok()),
    })
}

/// The documents crate's input for this draft with `number` and dates, from the live
/// profile and customer.
pub fn invoice_data(src: &Sources, number: &str, issue_date: Date, due_date: Date) -> Result<InvoiceData, Error> {
    let row = RowParts { invoice: &src.invoice, lines: &src.lines, credited: &src.credited };
    assemble(row, Frozen::live(src, number), src.logo.clone(), number, issue_date, due_date)
}

/// What keeps this draft from being issued as a valid document: the documents crate's
/// EN 16931 checks, plus our own rule that an invoice paid by bank transfer needs an IBAN.
pub fn problems_for_issue(src: &Sources, issue_date: Date, due_date: Date) -> Result<Vec<Problem>, Error> {
    // The number is taken after these checks pass; any non-empty one checks the same.
    let data = invoice_data(src, "0", issue_date, due_date)?;
    // A German public buyer (known by its Leitweg-ID) must get XRechnung, which needs
    // more than EN 16931 (the seller's contact, both cities and postcodes, ...): each gap
    // is a problem to fix first. Other German buyers get it when nothing is missing.
    let gaps = if src.invoice.kind != InvoiceKind::Quote && public_german_buyer(&data) {
        xrechnung_gaps(&data)
    } else {
        Vec::new()
    };
    let mut problems = match InvoiceDocument::new(data) {
        Ok(_) => Vec::new(),
        Err(fastfaktura_documents::DocumentError::Incomplete(problems)) => problems,
    };
    problems.extend(gaps.iter().map(|gap| gap.to_problem()));
    if src.profile.iban.trim().is_empty() && src.invoice.kind == InvoiceKind::Invoice {
        problems.push(Problem::other(
            key("doc-seller-iban"),
            &[],
            "Seller: an IBAN is required, since payment is by bank transfer",
        ));
    }
    Ok(problems)
}

/// Whether the buyer is a German public authority, known by its Leitweg-ID (a 0204
/// electronic address or buyer reference): by law it receives XRechnung.
fn public_german_buyer(data: &InvoiceData) -> bool {
    let by_endpoint = data.buyer.endpoint.as_ref().is_some_and(|e| e.scheme == "0204");
    let by_reference = data.buyer_reference.as_deref().is_some_and(|r| ParticipantId::new(Icd::DE_LWID, r).is_ok());
    by_endpoint || by_reference
}

/// The e-invoice format of a document: XRechnung for German buyers, Peppol BIS 3
/// otherwise; a German business buyer gets Peppol BIS 3 (also EN 16931, which German
/// B2B rules accept) while its XRechnung would still miss something, so that an
/// invoice to a company is never held up by what only public buyers require.
pub fn e_invoice_profile(data: &InvoiceData) -> EInvoiceProfile {
    match EInvoiceProfile::for_document(data) {
        EInvoiceProfile::XRechnung if public_german_buyer(data) || xrechnung_gaps(data).is_empty() => {
            EInvoiceProfile::XRechnung
        }
        _ => EInvoiceProfile::PeppolBis3,
    }
}

/// The sentence shown when something is missing, each problem worded in the
/// reader's language when the page is rendered.
pub fn explain(problems: &[Problem]) -> Text {
    Text::key("doc-fix-before-issue").with("problems", Text::List(problems.iter().map(problem_text).collect()))
}

/// The documents crate's problem keys that our catalogues word (`en.ftl`, `is.ftl`).
const PROBLEM_KEYS: [&str; 37] = [
    key("doc-calculation"),
    key("doc-party-name"),
    key("doc-party-country"),
    key("doc-party-address-lines"),
    key("doc-party-address"),
    key("doc-party-postcode"),
    key("doc-party-endpoint"),
    key("doc-number"),
    key("doc-due-before-issue"),
    key("doc-no-lines"),
    key("doc-currency-decimals"),
    key("doc-credited-number"),
    key("doc-line-description"),
    key("doc-line-unit"),
    key("doc-outside-scope-mixed"),
    key("doc-seller-vat"),
    key("doc-seller-vat-or-registration"),
    key("doc-buyer-vat-k"),
    key("doc-buyer-vat-ae"),
    key("doc-delivery-k"),
    key("doc-period-order"),
    key("doc-bic-without-iban"),
    key("doc-iban"),
    key("doc-seller-iban"),
    key("xrechnung-not-an-invoice"),
    key("xrechnung-seller-contact-name"),
    key("xrechnung-seller-phone"),
    key("xrechnung-seller-email"),
    key("xrechnung-seller-city"),
    key("xrechnung-seller-postcode"),
    key("xrechnung-buyer-city"),
    key("xrechnung-buyer-postcode"),
    key("xrechnung-buyer-electronic-address"),
    key("xrechnung-payment-account"),
    key("xrechnung-leitweg-id"),
    key("xrechnung-buyer-reference"),
    key("xrechnung-payment-terms-line"),
];

/// One problem as a message: its key, with `party` (Seller or Buyer) translated too;
/// a problem our catalogues do not know yet keeps its English sentence.
pub fn problem_text(problem: &Problem) -> Text {
    let Some(known) = PROBLEM_KEYS.iter().copied().find(|k| *k == problem.key) else {
        return Text::Plain(problem.to_string());
    };
    let mut text = Text::key(known);
    for (name, value) in &problem.args {
        text = match (*name, value.as_str()) {
            ("party", "Seller") => text.with(name, Text::key("doc-party-seller")),
            ("party", _) => text.with(name, Text::key("doc-party-buyer")),
            _ => text.with(name, value.clone()),
        };
    }
    text
}

/// An issued document: its checked content (frozen parts and immutable rows) and its
/// files exactly as issued. Quotes have a PDF only.
#[derive(Clone)]
pub struct IssuedDocument {
    pub document: InvoiceDocument,
    pub frozen: Frozen,
    pub pdf: Vec<u8>,
    pub ubl: Option<String>,
    pub cii: Option<String>,
}

/// Freezes a document just marked issued, inside the issuing transaction: builds it
/// from the live sources, renders its files and stores the record. A document that
/// no longer checks is refused, and the transaction with it.
pub async fn freeze_in(
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    invoice_id: Uuid,
    now: OffsetDateTime,
) -> Result<IssuedDocument, Error> {
    let invoice = db::invoices::find(&mut *tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let src = load(tx, business_id, invoice).await?;
    freeze_sources(tx, business_id, src, now).await
}

/// [`freeze_in`] at the end of the issuing transaction, from the sources it read before
/// marking the invoice issued (the profile, customer, lines, logo and credited invoice
/// do not change in between): only what it wrote since, the invoice row with its number
/// and dates and the bank claim opened at issue, is read again. Five statements fewer
/// for every issue.
pub async fn freeze_at_issue(
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    mut src: Sources,
    now: OffsetDateTime,
) -> Result<IssuedDocument, Error> {
    let invoice_id = src.invoice.id;
    src.invoice = db::invoices::find(&mut *tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    src.claim = claim_of(tx, business_id, invoice_id).await?;
    freeze_sources(tx, business_id, src, now).await
}

/// Builds, renders and stores the record of an issued document from its sources.
async fn freeze_sources(
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    src: Sources,
    now: OffsetDateTime,
) -> Result<IssuedDocument, Error> {
    let invoice_id = src.invoice.id;
    let (Some(number), Some(issue_date), Some(due_date)) =
        (src.invoice.number.clone(), src.invoice.issue_date, src.invoice.due_date)
    else {
        return Err(Error::Conflict("Documents exist once the invoice is issued.".to_owned().into()));
    };
    let frozen = Frozen::live(&src, &number);
    let row = RowParts { invoice: &src.invoice, lines: &src.lines, credited: &src.credited };
    let data = assemble(row, frozen.clone(), src.logo.clone(), &number, issue_date, due_date)?;
    let document = InvoiceDocument::new(data).map_err(|e| Error::Unprocessable(e.to_string().into()))?;
    let issued = render(document, frozen.clone()).await?;
    let record = IssuedRecord {
        parties: serde_json::to_value(&frozen).map_err(anyhow::Error::from)?,
        logo: src.logo,
        pdf: issued.pdf.clone(),
        ubl: issued.ubl.clone(),
        cii: issued.cii.clone(),
    };
    let digest = hex::encode(Sha256::digest(&record.pdf));
    db::issued_documents::insert(tx, business_id, invoice_id, &record, &digest, now).await?;
    Ok(issued)
}

/// Writes the files of a checked document (the PDF on a blocking thread: a long
/// invoice takes tens of milliseconds of CPU).
async fn render(document: InvoiceDocument, frozen: Frozen) -> Result<IssuedDocument, Error> {
    let e_invoice = !document.kind.is_quote();
    let profile = e_invoice_profile(&document);
    let incomplete = |e: fastfaktura_documents::XRechnungIncomplete| {
        Error::Unprocessable(explain(&e.0.iter().map(|gap| gap.to_problem()).collect::<Vec<_>>()))
    };
    let ubl = if e_invoice { Some(ubl_xml_as(&document, profile).map_err(incomplete)?) } else { None };
    if let Some(ubl) = &ubl {
        refuse_failing_rules(ubl, |rule| rule.starts_with("BR-") || rule.starts_with("UBL-"))?;
    }
    let cii = if e_invoice { Some(cii_xml_as(&document, profile).map_err(incomplete)?) } else { None };
    let (document, pdf) = tokio::task::spawn_blocking(move || {
        let pdf = render_pdf(&document);
        (document, pdf)
    })
    .await
    .map_err(anyhow::Error::from)?;
    let pdf = pdf.map_err(anyhow::Error::from)?.bytes;
    Ok(IssuedDocument { document, frozen, pdf, ubl, cii })
}

/// Refuses a UBL document on which a fatal rule that `applies` fires (our in-process
/// EN 16931 and Peppol validator), naming each rule in plain words: the document is
/// never issued or sent that way. At issue only the EN 16931 rules apply (an invoice to
/// a consumer has no Peppol address, and need not); before a Peppol send, all of them.
pub fn refuse_failing_rules(ubl: &str, applies: impl Fn(&str) -> bool) -> Result<(), Error> {
    let verdict = fastfaktura_documents::validate_ubl(ubl.as_bytes())
        .map_err(|e| Error::Unprocessable(format!("the e-invoice could not be checked: {e}").into()))?;
    let failed: Vec<Text> = verdict
        .findings
        .iter()
        .filter(|f| f.flag == fastfaktura_documents::Flag::Fatal && applies(f.rule))
        .map(|f| Text::Plain(format!("{} ({})", f.message, f.rule)))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    tracing::warn!(rules = ?verdict.fatal_rules(), "an e-invoice failed its rules");
    Err(Error::Unprocessable(Text::key("doc-rules-failed").with("problems", Text::List(failed))))
}

/// The record of an issued invoice, credit note or quote. A document issued before
/// records were kept is frozen now, from the data as it stands (once, for good).
pub async fn issued_document(db: &sqlx::PgPool, business_id: Uuid, invoice_id: Uuid) -> Result<IssuedDocument, Error> {
    let mut conn = db.acquire().await?;
    let invoice = db::invoices::find(&mut *conn, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let (Some(number), Some(issue_date), Some(due_date)) =
        (invoice.number.clone(), invoice.issue_date, invoice.due_date)
    else {
        return Err(Error::Conflict("Documents exist once the document is issued.".to_owned().into()));
    };
    let Some(record) = db::issued_documents::find(&mut *conn, business_id, invoice_id).await? else {
        drop(conn);
        let mut tx = db.begin().await?;
        // Two first downloads at once: the row lock makes the second wait and then find it.
        db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?;
        if db::issued_documents::find(&mut *tx, business_id, invoice_id).await?.is_none() {
            let now = OffsetDateTime::now_utc();
            let issued = freeze_in(&mut tx, business_id, invoice_id, now).await?;
            tx.commit().await?;
            tracing::info!(%business_id, %invoice_id, "document issued before records were kept: frozen now");
            return Ok(issued);
        }
        tx.commit().await?;
        return Box::pin(issued_document(db, business_id, invoice_id)).await;
    };
    let frozen: Frozen = serde_json::from_value(record.parties)
        .map_err(|e| anyhow::anyhow!("issued record of {invoice_id} does not read: {e}"))?;
    let lines = db::invoices::lines(&mut *conn, business_id, invoice_id).await?;
    let credited = credited(&mut conn, business_id, &invoice).await?;
    let row = RowParts { invoice: &invoice, lines: &lines, credited: &credited };
    let data = assemble(row, frozen.clone(), record.logo, &number, issue_date, due_date)?;
    let document = InvoiceDocument::new(data)
        .map_err(|e| anyhow::anyhow!("issued document {invoice_id} no longer checks: {e}"))?;
    Ok(IssuedDocument { document, frozen, pdf: record.pdf, ubl: record.ubl, cii: record.cii })
}

/// The frozen parties of an issued document (None for a draft).
pub async fn frozen_parties(
    db: impl sqlx::PgExecutor<'_>,
    business_id: Uuid,
    invoice: &Invoice,
) -> Result<Option<Frozen>, Error> {
    if invoice.status != InvoiceStatus::Issued {
        return Ok(None);
    }
    match db::issued_documents::parties(db, business_id, invoice.id).await? {
        Some(value) => {
            Ok(Some(serde_json::from_value(value).map_err(|e| anyhow::anyhow!("issued record does not read: {e}"))?))
        }
        None => Ok(None),
    }
}

/// The file a document is downloaded as, e.g. `invoice-2026-0001.pdf`.
pub fn file_name(doc: &InvoiceDocument, extension: &str) -> String {
    let kind = match doc.kind {
        DocumentType::Invoice => "invoice",
        DocumentType::CreditNote { .. } => "credit-note",
        DocumentType::Quote => "quote",
    };
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
/// A party's electronic address (BT-34 / BT-49): its Peppol participant id, in the
/// scheme the Peppol code list gives (the domain's `ParticipantId`).
fn endpoint(participant: Option<ParticipantId>) -> Option<Endpoint> {
    participant.map(|p| Endpoint { scheme: p.icd().code().to_owned(), id: p.value().to_owned() })
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
        let of = |country, registration, vat| endpoint(ParticipantId::for_party(country, registration, vat));
        let is = of("IS", "590269-7199", "").unwrap();
        assert_eq!((is.scheme.as_str(), is.id.as_str()), ("0196", "5902697199"));
        let de = of("DE", "", "DE136695976").unwrap();
        assert_eq!((de.scheme.as_str(), de.id.as_str()), ("9930", "DE136695976"));
        // A Swedish company known by its VAT number only: its organisation number is in it.
        let se = of("SE", "", "SE556012345601").unwrap();
        assert_eq!((se.scheme.as_str(), se.id.as_str()), ("0007", "5560123456"));
        // Finland's OVT scheme (0216); 0213 was removed from the code list.
        let fi = of("FI", "0201256-6", "").unwrap();
        assert_eq!((fi.scheme.as_str(), fi.id.as_str()), ("0216", "003702012566"));
        assert!(of("SE", "", "").is_none());
        assert!(of("US", "123", "").is_none());
    }
}
