//! CII to UBL, business term by business term (the EN 16931-3-3 and 3-2 syntax bindings),
//! so that the UBL implementation of the CEN rules can judge a CII document.
//!
//! Only what the CEN rules read is carried over, and carried over as the sender wrote it:
//! texts verbatim (whitespace included, since rules such as BR-02 normalise themselves),
//! an element that is present but empty stays present and empty, repeated elements stay
//! repeated, and every container is written only when its CII counterpart exists (BR-08
//! asks whether the seller's address exists, not whether it is filled). A code the two
//! syntaxes write differently (the VAT point date code, BT-8) is translated; one that is
//! not in CII's list becomes a code outside UBL's list too, so the code-list rule still fires.
//! Each UBL element remembers its CII source for the finding's location.

use super::tree::{El, N, all, nz, one, text};

pub(super) const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub(super) const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/// The type codes UBL writes as a CreditNote (BR-CL-01's credit note list there). The rest of
/// CII's single list is UBL's invoice list, so BR-CL-01 judges the same codes either way.
const CREDIT_NOTE_CODES: [&str; 12] =
    ["83", "261", "262", "296", "308", "381", "396", "420", "458", "502", "503", "532"];

/// The UBL document for `root` (a `rsm:CrossIndustryInvoice`), and its namespace.
pub(super) fn map(root: N<'_>) -> (El, &'static str) {
    let context = one(root, "rsm:ExchangedDocumentContext");
    let header = one(root, "rsm:ExchangedDocument");
    let tx = one(root, "rsm:SupplyChainTradeTransaction");
    let agreement = tx.and_then(|t| one(t, "ram:ApplicableHeaderTradeAgreement"));
    let delivery = tx.and_then(|t| one(t, "ram:ApplicableHeaderTradeDelivery"));
    let settlement = tx.and_then(|t| one(t, "ram:ApplicableHeaderTradeSettlement"));
    let type_code = header.and_then(|h| one(h, "ram:TypeCode"));
    let credit = type_code.is_some_and(|t| CREDIT_NOTE_CODES.contains(&nz(&text(t)).as_str()));

    let mut doc = El::new(if credit { "CreditNote" } else { "Invoice" }, Some(root));
    if let Some(c) = context {
        doc.leaf_at("cbc:CustomizationID", c, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID");
        doc.leaf_at("cbc:ProfileID", c, "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID");
    }
    if let Some(h) = header {
        doc.leaves("cbc:ID", h, "ram:ID");
        date(&mut doc, "cbc:IssueDate", h, "ram:IssueDateTime/udt:DateTimeString");
    }
    let terms = settlement.map(|s| all(s, "ram:SpecifiedTradePaymentTerms")).unwrap_or_default();
    if !credit {
        for t in &terms {
            date(&mut doc, "cbc:DueDate", *t, "ram:DueDateDateTime/udt:DateTimeString");
        }
    }
    if let Some(t) = type_code {
        doc.leaf(if credit { "cbc:CreditNoteTypeCode" } else { "cbc:InvoiceTypeCode" }, t);
    }
    if let Some(h) = header {
        for note in all(h, "ram:IncludedNote") {
            // BT-21 and BT-22 travel in one UBL note as `#code#text`.
            let subject = one(note, "ram:SubjectCode").map(text);
            let content: String = all(note, "ram:Content").iter().map(|c| text(*c)).collect();
            let note_text = match subject {
                Some(code) => format!("#{code}#{content}"),
                None => content,
            };
            doc.leaf_text("cbc:Note", note_text, Some(note));
        }
    }
    if let Some(s) = settlement {
        for tax in all(s, "ram:ApplicableTradeTax") {
            date(&mut doc, "cbc:TaxPointDate", tax, "ram:TaxPointDate/udt:DateString");
        }
        doc.leaves("cbc:DocumentCurrencyCode", s, "ram:InvoiceCurrencyCode");
        doc.leaves("cbc:TaxCurrencyCode", s, "ram:TaxCurrencyCode");
        doc.leaves("cbc:AccountingCost", s, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID");
    }
    if let Some(a) = agreement {
        doc.leaves("cbc:BuyerReference", a, "ram:BuyerReference");
    }
    if let Some(s) = settlement {
        let period = one(s, "ram:BillingSpecifiedPeriod");
        let codes = all(s, "ram:ApplicableTradeTax/ram:DueDateTypeCode");
        if period.is_some() || !codes.is_empty() {
            let p = doc.add(El::new("cac:InvoicePeriod", period.or(codes.first().copied())));
            if let Some(period) = period {
                date(p, "cbc:StartDate", period, "ram:StartDateTime/udt:DateTimeString");
                date(p, "cbc:EndDate", period, "ram:EndDateTime/udt:DateTimeString");
            }
            for c in codes {
                p.leaf_text("cbc:DescriptionCode", due_date_code(&text(c)), Some(c));
            }
        }
    }
    if let Some(a) = agreement {
        let order = one(a, "ram:BuyerOrderReferencedDocument");
        let sales = one(a, "ram:SellerOrderReferencedDocument");
        if let Some(src) = order.or(sales) {
            let o = doc.open("cac:OrderReference", src);
            if let Some(order) = order {
                o.leaf_at("cbc:ID", order, "ram:IssuerAssignedID");
            }
            if let Some(sales) = sales {
                o.leaf_at("cbc:SalesOrderID", sales, "ram:IssuerAssignedID");
            }
        }
    }
    if let Some(s) = settlement {
        for r in all(s, "ram:InvoiceReferencedDocument") {
            let b = doc.open("cac:BillingReference", r);
            let d = b.open("cac:InvoiceDocumentReference", r);
            d.leaf_at("cbc:ID", r, "ram:IssuerAssignedID");
            date(d, "cbc:IssueDate", r, "ram:FormattedIssueDateTime/qdt:DateTimeString");
        }
    }
    if let Some(d) = delivery {
        reference(&mut doc, "cac:DespatchDocumentReference", d, "ram:DespatchAdviceReferencedDocument");
        reference(&mut doc, "cac:ReceiptDocumentReference", d, "ram:ReceivingAdviceReferencedDocument");
    }
    if let Some(a) = agreement {
        let additional = all(a, "ram:AdditionalReferencedDocument");
        for r in additional.iter().filter(|r| nz_of(**r, "ram:TypeCode") == "50") {
            let o = doc.open("cac:OriginatorDocumentReference", *r);
            o.leaf_at("cbc:ID", *r, "ram:IssuerAssignedID");
        }
        reference(&mut doc, "cac:ContractDocumentReference", a, "ram:ContractReferencedDocument");
        for r in additional.iter().filter(|r| nz_of(**r, "ram:TypeCode") != "50") {
            additional_reference(&mut doc, *r);
        }
        if let Some(p) = one(a, "ram:SpecifiedProcuringProject") {
            doc.open("cac:ProjectReference", p).leaf_at("cbc:ID", p, "ram:ID");
        }
        if let Some(seller) = one(a, "ram:SellerTradeParty") {
            let outer = doc.open("cac:AccountingSupplierParty", seller);
            party(outer, seller, settlement);
        }
        if let Some(buyer) = one(a, "ram:BuyerTradeParty") {
            let outer = doc.open("cac:AccountingCustomerParty", buyer);
            party(outer, buyer, None);
        }
    }
    if let Some(payee) = settlement.and_then(|s| one(s, "ram:PayeeTradeParty")) {
        let p = doc.open("cac:PayeeParty", payee);
        for id in all(payee, "ram:ID").into_iter().chain(all(payee, "ram:GlobalID")) {
            p.open("cac:PartyIdentification", id).leaf("cbc:ID", id).copy_attr(id, "schemeID", "schemeID");
        }
        if let Some(name) = one(payee, "ram:Name") {
            p.open("cac:PartyName", name).leaf("cbc:Name", name);
        }
        if let Some(id) = one(payee, "ram:SpecifiedLegalOrganization/ram:ID") {
            p.open("cac:PartyLegalEntity", id).leaf("cbc:CompanyID", id).copy_attr(id, "schemeID", "schemeID");
        }
    }
    if let Some(rep) = agreement.and_then(|a| one(a, "ram:SellerTaxRepresentativeTradeParty")) {
        let p = doc.open("cac:TaxRepresentativeParty", rep);
        if let Some(name) = one(rep, "ram:Name") {
            p.open("cac:PartyName", name).leaf("cbc:Name", name);
        }
        address(p, "cac:PostalAddress", rep);
        tax_registrations(p, rep);
    }
    if let Some(d) = delivery {
        delivery_of(&mut doc, d);
    }
    if let Some(s) = settlement {
        payment(&mut doc, s, &terms);
        for ac in all(s, "ram:SpecifiedTradeAllowanceCharge") {
            allowance_charge(&mut doc, ac);
        }
        tax_totals(&mut doc, s);
        totals(&mut doc, s);
    }
    if let Some(t) = tx {
        for line in all(t, "ram:IncludedSupplyChainTradeLineItem") {
            super::to_ubl_lines::line(&mut doc, line, credit);
        }
    }
    (doc, if credit { NS_CREDIT_NOTE } else { NS_INVOICE })
}

/// normalize-space() of the first node on a path.
pub(super) fn nz_of(n: N<'_>, steps: &str) -> String {
    one(n, steps).map(|x| nz(&text(x))).unwrap_or_default()
}

/// A date: CII's `udt:DateTimeString format="102"` (YYYYMMDD) as UBL's YYYY-MM-DD. Only a
/// 102 string counts as the date (BR-03 reads `[@format='102']`); one that is not eight
/// digits is passed on as written.
pub(super) fn date(parent: &mut El, name: &'static str, from: N<'_>, steps: &str) {
    for d in all(from, steps) {
        if d.attribute("format") != Some("102") {
            continue;
        }
        let raw = text(d);
        let t = raw.trim();
        let value = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
            format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..])
        } else {
            raw.clone()
        };
        parent.leaf_text(name, value, Some(d));
    }
}

/// BT-8: CII's codes 5, 29 and 72 are UBL's 3, 35 and 432; anything else stays outside
/// UBL's list (BR-CL-06 fires in both syntaxes).
fn due_date_code(code: &str) -> String {
    match nz(code).as_str() {
        "5" => "3".into(),
        "29" => "35".into(),
        "72" => "432".into(),
        "" => code.into(),
        other => format!("not-a-code-{other}"),
    }
}

fn reference(doc: &mut El, name: &'static str, from: N<'_>, steps: &str) {
    for r in all(from, steps) {
        doc.open(name, r).leaf_at("cbc:ID", r, "ram:IssuerAssignedID");
    }
}

/// BT-18 (type code 130) and BG-24 (916, supporting documents).
fn additional_reference(doc: &mut El, r: N<'_>) {
    let a = doc.open("cac:AdditionalDocumentReference", r);
    if let Some(id) = one(r, "ram:IssuerAssignedID") {
        let e = a.leaf("cbc:ID", id);
        if let Some(scheme) = one(r, "ram:ReferenceTypeCode") {
            e.attrs.push(("schemeID", text(scheme)));
        }
    }
    if nz_of(r, "ram:TypeCode") == "130" {
        a.leaf_at("cbc:DocumentTypeCode", r, "ram:TypeCode");
    }
    a.leaf_at("cbc:DocumentDescription", r, "ram:Name");
    let object = one(r, "ram:AttachmentBinaryObject");
    let uri = one(r, "ram:URIID");
    if object.is_some() || uri.is_some() {
        let att = a.add(El::new("cac:Attachment", object.or(uri)));
        if let Some(o) = object {
            att.leaf("cbc:EmbeddedDocumentBinaryObject", o)
                .copy_attr(o, "mimeCode", "mimeCode")
                .copy_attr(o, "filename", "filename");
        }
        if let Some(u) = uri {
            att.open("cac:ExternalReference", u).leaf("cbc:URI", u);
        }
    }
}

/// BG-4 (seller) or BG-7 (buyer): `outer` is cac:AccountingSupplierParty or
/// cac:AccountingCustomerParty. For the seller, BT-90 (the SEPA creditor id) is one of its
/// identifiers in UBL.
fn party(outer: &mut El, p: N<'_>, settlement: Option<N<'_>>) {
    let party = outer.open("cac:Party", p);
    if let Some(uri) = one(p, "ram:URIUniversalCommunication/ram:URIID") {
        party.leaf("cbc:EndpointID", uri).copy_attr(uri, "schemeID", "schemeID");
    }
    for id in all(p, "ram:ID").into_iter().chain(all(p, "ram:GlobalID")) {
        party.open("cac:PartyIdentification", id).leaf("cbc:ID", id).copy_attr(id, "schemeID", "schemeID");
    }
    if let Some(creditor) = settlement.and_then(|s| one(s, "ram:CreditorReferenceID")) {
        let id = party.open("cac:PartyIdentification", creditor).leaf("cbc:ID", creditor);
        id.attrs.push(("schemeID", "SEPA".into()));
    }
    if let Some(trading) = one(p, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName") {
        party.open("cac:PartyName", trading).leaf("cbc:Name", trading);
    }
    address(party, "cac:PostalAddress", p);
    tax_registrations(party, p);
    let name = one(p, "ram:Name");
    let legal = one(p, "ram:SpecifiedLegalOrganization");
    let form = one(p, "ram:Description");
    if let Some(src) = name.or(legal).or(form) {
        let e = party.open("cac:PartyLegalEntity", src);
        if let Some(name) = name {
            e.leaf("cbc:RegistrationName", name);
        }
        if let Some(id) = legal.and_then(|l| one(l, "ram:ID")) {
            e.leaf("cbc:CompanyID", id).copy_attr(id, "schemeID", "schemeID");
        }
        if let Some(form) = form {
            e.leaf("cbc:CompanyLegalForm", form);
        }
    }
    if let Some(contact) = one(p, "ram:DefinedTradeContact") {
        let c = party.open("cac:Contact", contact);
        c.leaf_at("cbc:Name", contact, "ram:PersonName");
        c.leaf_at("cbc:Name", contact, "ram:DepartmentName");
        c.leaf_at("cbc:Telephone", contact, "ram:TelephoneUniversalCommunication/ram:CompleteNumber");
        c.leaf_at("cbc:ElectronicMail", contact, "ram:EmailURIUniversalCommunication/ram:URIID");
    }
}

/// BT-31/BT-48/BT-63 (scheme VA, a VAT number) and BT-32 (FC, a tax registration). A
/// registration with another scheme or none is neither for the CII rules, so it is not
/// written (UBL's BR-S-02 and its kin would count any tax scheme).
fn tax_registrations(party: &mut El, p: N<'_>) {
    for id in all(p, "ram:SpecifiedTaxRegistration/ram:ID") {
        let scheme = id.attribute("schemeID").unwrap_or("");
        if scheme != "VA" && scheme != "FC" {
            continue;
        }
        let s = party.open("cac:PartyTaxScheme", id);
        s.leaf("cbc:CompanyID", id);
        let tax = s.open("cac:TaxScheme", id);
        tax.leaf_text("cbc:ID", if scheme == "VA" { "VAT" } else { "FC" }, Some(id));
    }
}

/// A postal address (BG-5, BG-8, BG-12, BG-15) when the party has one.
pub(super) fn address(parent: &mut El, name: &'static str, p: N<'_>) {
    let Some(a) = one(p, "ram:PostalTradeAddress") else { return };
    let e = parent.open(name, a);
    e.leaf_at("cbc:StreetName", a, "ram:LineOne");
    e.leaf_at("cbc:AdditionalStreetName", a, "ram:LineTwo");
    e.leaf_at("cbc:CityName", a, "ram:CityName");
    e.leaf_at("cbc:PostalZone", a, "ram:PostcodeCode");
    e.leaf_at("cbc:CountrySubentity", a, "ram:CountrySubDivisionName");
    if let Some(line) = one(a, "ram:LineThree") {
        e.open("cac:AddressLine", line).leaf("cbc:Line", line);
    }
    for country in all(a, "ram:CountryID") {
        e.open("cac:Country", country).leaf("cbc:IdentificationCode", country).text = country_code(country);
    }
}

/// A country code (BR-CL-14, BR-CL-15): the two rule sets of the release use ISO 3166 lists
/// that differ in one code each: CII's still has AN (Netherlands Antilles) and lacks SS
/// (South Sudan), UBL's the other way round. Swapping the two makes the UBL list judge a
/// CII code as the CII list does; nothing else in the CEN rules reads these two codes.
pub(super) fn country_code(n: N<'_>) -> String {
    let raw = text(n);
    match nz(&raw).as_str() {
        "AN" => raw.replace("AN", "SS"),
        "SS" => raw.replace("SS", "AN"),
        _ => raw,
    }
}

/// BG-13: where and when the goods or services were delivered.
fn delivery_of(doc: &mut El, d: N<'_>) {
    let ship_to = one(d, "ram:ShipToTradeParty");
    let event = one(d, "ram:ActualDeliverySupplyChainEvent");
    let Some(src) = ship_to.or(event) else { return };
    let e = doc.open("cac:Delivery", src);
    if let Some(event) = event {
        date(e, "cbc:ActualDeliveryDate", event, "ram:OccurrenceDateTime/udt:DateTimeString");
    }
    let Some(to) = ship_to else { return };
    let ids: Vec<N<'_>> = all(to, "ram:ID").into_iter().chain(all(to, "ram:GlobalID")).collect();
    if !ids.is_empty() || one(to, "ram:PostalTradeAddress").is_some() {
        let loc = e.open("cac:DeliveryLocation", to);
        for id in ids {
            loc.leaf("cbc:ID", id).copy_attr(id, "schemeID", "schemeID");
        }
        address(loc, "cac:Address", to);
    }
    if let Some(name) = one(to, "ram:Name") {
        e.open("cac:DeliveryParty", to).open("cac:PartyName", name).leaf("cbc:Name", name);
    }
}

/// BG-16 payment instructions, BT-20 payment terms and BT-89 the mandate reference.
fn payment(doc: &mut El, s: N<'_>, terms: &[N<'_>]) {
    let reference = one(s, "ram:PaymentReference");
    let mandate = terms.iter().find_map(|t| one(*t, "ram:DirectDebitMandateID"));
    for means in all(s, "ram:SpecifiedTradeSettlementPaymentMeans") {
        let m = doc.open("cac:PaymentMeans", means);
        if let Some(code) = one(means, "ram:TypeCode") {
            let e = m.leaf("cbc:PaymentMeansCode", code);
            if let Some(info) = one(means, "ram:Information") {
                e.attrs.push(("name", text(info)));
            }
        }
        if let Some(r) = reference {
            m.leaf("cbc:PaymentID", r);
        }
        if let Some(card) = one(means, "ram:ApplicableTradeSettlementFinancialCard") {
            let c = m.open("cac:CardAccount", card);
            c.leaf_at("cbc:PrimaryAccountNumberID", card, "ram:ID");
            c.leaf_at("cbc:HolderName", card, "ram:CardholderName");
        }
        for account in all(means, "ram:PayeePartyCreditorFinancialAccount") {
            let a = m.open("cac:PayeeFinancialAccount", account);
            a.leaf_at("cbc:ID", account, "ram:IBANID");
            a.leaf_at("cbc:ID", account, "ram:ProprietaryID");
            a.leaf_at("cbc:Name", account, "ram:AccountName");
            if let Some(bic) = one(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") {
                a.open("cac:FinancialInstitutionBranch", bic).leaf("cbc:ID", bic);
            }
        }
        let debtor = one(means, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID");
        if mandate.is_some() || debtor.is_some() {
            let pm = m.add(El::new("cac:PaymentMandate", mandate.or(debtor)));
            if let Some(id) = mandate {
                pm.leaf("cbc:ID", id);
            }
            if let Some(iban) = debtor {
                pm.open("cac:PayerFinancialAccount", iban).leaf("cbc:ID", iban);
            }
        }
    }
    for t in terms {
        for d in all(*t, "ram:Description") {
            doc.open("cac:PaymentTerms", d).leaf("cbc:Note", d);
        }
    }
}

/// BG-20/BG-21 (document level) and BG-27/BG-28 (line level).
pub(super) fn allowance_charge(parent: &mut El, ac: N<'_>) {
    let e = parent.open("cac:AllowanceCharge", ac);
    for i in all(ac, "ram:ChargeIndicator/udt:Indicator") {
        e.leaf("cbc:ChargeIndicator", i);
    }
    e.leaves("cbc:AllowanceChargeReasonCode", ac, "ram:ReasonCode");
    e.leaves("cbc:AllowanceChargeReason", ac, "ram:Reason");
    e.leaves("cbc:MultiplierFactorNumeric", ac, "ram:CalculationPercent");
    e.leaves("cbc:Amount", ac, "ram:ActualAmount");
    e.leaves("cbc:BaseAmount", ac, "ram:BasisAmount");
    for tax in all(ac, "ram:CategoryTradeTax") {
        category(e, "cac:TaxCategory", tax);
    }
}

/// A VAT category (cac:TaxCategory or cac:ClassifiedTaxCategory) from a CII trade tax.
pub(super) fn category(parent: &mut El, name: &'static str, tax: N<'_>) {
    let e = parent.open(name, tax);
    e.leaves("cbc:ID", tax, "ram:CategoryCode");
    e.leaves("cbc:Percent", tax, "ram:RateApplicablePercent");
    e.leaves("cbc:TaxExemptionReasonCode", tax, "ram:ExemptionReasonCode");
    e.leaves("cbc:TaxExemptionReason", tax, "ram:ExemptionReason");
    let s = e.open("cac:TaxScheme", tax);
    s.leaves("cbc:ID", tax, "ram:TypeCode");
}

/// BT-110/BT-111 and the VAT breakdown (BG-23). The breakdown goes into the cac:TaxTotal of
/// the amount in the invoice currency, as in UBL.
fn tax_totals(doc: &mut El, s: N<'_>) {
    let currency = one(s, "ram:InvoiceCurrencyCode").map(text);
    let amounts = all(s, "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount");
    let breakdown = all(s, "ram:ApplicableTradeTax");
    let main = amounts.iter().position(|a| a.attribute("currencyID").map(str::to_owned) == currency);
    for (i, amount) in amounts.iter().enumerate() {
        let t = doc.open("cac:TaxTotal", *amount);
        t.leaf("cbc:TaxAmount", *amount).copy_attr(*amount, "currencyID", "currencyID");
        if Some(i) == main {
            subtotals(t, &breakdown);
        }
    }
    if main.is_none() && !breakdown.is_empty() {
        let t = doc.add(El::new("cac:TaxTotal", Some(s)));
        subtotals(t, &breakdown);
    }
}

fn subtotals(t: &mut El, breakdown: &[N<'_>]) {
    for tax in breakdown {
        let st = t.open("cac:TaxSubtotal", *tax);
        st.leaves("cbc:TaxableAmount", *tax, "ram:BasisAmount");
        st.leaves("cbc:TaxAmount", *tax, "ram:CalculatedAmount");
        category(st, "cac:TaxCategory", *tax);
    }
}

/// BG-22, the document totals.
fn totals(doc: &mut El, s: N<'_>) {
    let Some(sum) = one(s, "ram:SpecifiedTradeSettlementHeaderMonetarySummation") else { return };
    let t = doc.open("cac:LegalMonetaryTotal", sum);
    for (cii, ubl) in [
        ("ram:LineTotalAmount", "cbc:LineExtensionAmount"),
        ("ram:TaxBasisTotalAmount", "cbc:TaxExclusiveAmount"),
        ("ram:GrandTotalAmount", "cbc:TaxInclusiveAmount"),
        ("ram:AllowanceTotalAmount", "cbc:AllowanceTotalAmount"),
        ("ram:ChargeTotalAmount", "cbc:ChargeTotalAmount"),
        ("ram:TotalPrepaidAmount", "cbc:PrepaidAmount"),
        ("ram:RoundingAmount", "cbc:PayableRoundingAmount"),
        ("ram:DuePayableAmount", "cbc:PayableAmount"),
    ] {
        t.leaves(ubl, sum, cii);
    }
}
