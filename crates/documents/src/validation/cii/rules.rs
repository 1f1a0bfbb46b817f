//! The CEN rules whose CII XPath asks something else than the UBL XPath of the same rule,
//! checked here on the CII itself (the mapping cannot make the UBL rule ask the CII
//! question). Each says what differs. Their UBL findings are dropped (`OWN`).

use super::nzt;
use super::tree::{N, all, is, location, nz, text};
use crate::validation::{Finding, Flag, validate_ubl};

/// The rules checked here rather than through the mapping.
pub(super) const OWN: &[&str] = &[
    // here
    "BR-51",
    "BR-50",
    "BR-61",
    "BR-CL-08",
    "BR-17",
    "BR-CO-18",
    "BR-09",
    "BR-11",
    "BR-20",
    "BR-62",
    "BR-63",
    "BR-29",
    "BR-30",
    "BR-CO-19",
    "BR-CO-20",
    "BR-52",
    "BR-S-02",
    // rules_totals.rs
    "BR-CO-14",
    "BR-CO-15",
    "BR-DEC-13",
    "BR-DEC-15",
    "BR-53",
    // rules_vat.rs
    "BR-S-01",
    "BR-AF-01",
    "BR-AG-01",
    "BR-Z-01",
    "BR-E-01",
    "BR-AE-01",
    "BR-IC-01",
    "BR-G-01",
    "BR-O-01",
    "BR-O-11",
    "BR-O-12",
    "BR-O-13",
    "BR-O-14",
];

/// The subject codes (BT-21) in the CII rules' list but not in the UBL rules' list of the
/// same release (UNTDID 4451 grew; the CII list is the newer one).
const SUBJECT_CODES_CII_ONLY: [&str; 18] = [
    "BAT", "BAU", "BAV", "BAW", "BAX", "BAY", "BAZ", "BBA", "BBB", "BMF", "BMG", "BMH", "CCJ", "CCK", "CCL", "CCM",
    "CCN", "CCO",
];

fn fail(findings: &mut Vec<Finding>, rule: &'static str, node: N<'_>, message: &str) {
    findings.push(Finding { rule, flag: Flag::Fatal, message: message.to_owned(), location: location(node) });
}

fn elements<'a>(root: N<'a>, name: &'a str) -> impl Iterator<Item = N<'a>> + 'a {
    root.descendants().filter(move |d| is(*d, name))
}

pub(super) fn check(root: N<'_>, findings: &mut Vec<Finding>) {
    // BR-51 is a warning in UBL and fatal in CII: at most 10 characters of the card number.
    for card in elements(root, "ram:ApplicableTradeSettlementFinancialCard") {
        let number = all(card, "ram:ID").first().map(|n| nzt(*n)).unwrap_or_default();
        if number.chars().count() > 10 {
            fail(
                findings,
                "BR-51",
                card,
                "The payment card primary account number (BT-87) shall not have more than the last 4 to 6 digits (at most 10 characters).",
            );
        }
    }
    // BR-50/BR-61: UBL asks of every credit transfer (code 30 or 58) that an account is
    // given; CII only looks inside a payee account that is there.
    for means in elements(root, "ram:SpecifiedTradeSettlementPaymentMeans") {
        let transfer = all(means, "ram:TypeCode").iter().any(|c| matches!(text(*c).as_str(), "30" | "58"));
        if !transfer {
            continue;
        }
        for account in all(means, "ram:PayeePartyCreditorFinancialAccount") {
            let iban = all(account, "ram:IBANID");
            let other = all(account, "ram:ProprietaryID");
            let filled = |ns: &[N<'_>]| ns.first().is_some_and(|n| !nzt(*n).is_empty());
            if !filled(&iban) && !filled(&other) {
                fail(
                    findings,
                    "BR-50",
                    account,
                    "A payment account identifier (BT-84) shall be present if credit transfer (BG-17) information is provided in the invoice.",
                );
            }
            if iban.is_empty() && other.is_empty() {
                fail(
                    findings,
                    "BR-61",
                    account,
                    "If the payment means type code (BT-81) means SEPA credit transfer, local credit transfer or non-SEPA international credit transfer, the payment account identifier (BT-84) shall be present.",
                );
            }
        }
    }
    // BR-17: CII compares the payee's name with the seller's name (BT-27) and also the legal
    // registration ids; UBL with the seller's trading name (BT-28), and GlobalIDs as ids.
    for payee in elements(root, "ram:PayeeTradeParty") {
        let seller = payee
            .parent_element()
            .and_then(|s| s.parent_element())
            .map(|tx| all(tx, "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"))
            .unwrap_or_default();
        let of_seller = |steps: &str| -> Vec<String> { seller.iter().flat_map(|s| all(*s, steps)).map(text).collect() };
        let same = |steps: &str| all(payee, steps).into_iter().map(text).any(|v| of_seller(steps).contains(&v));
        let named = !all(payee, "ram:Name").is_empty();
        if !named || same("ram:Name") || same("ram:ID") || same("ram:SpecifiedLegalOrganization/ram:ID") {
            fail(
                findings,
                "BR-17",
                payee,
                "The Payee name (BT-59) shall be provided in the Invoice, if the Payee (BG-10) is different from the Seller (BG-4).",
            );
        }
    }
    // BR-CO-18: CII asks it of every line (no line, no check); UBL of the document.
    let lines = elements(root, "ram:IncludedSupplyChainTradeLineItem").count();
    let breakdown =
        all(root, "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax");
    if lines > 0 && breakdown.is_empty() {
        fail(findings, "BR-CO-18", root, "An Invoice shall at least have one VAT breakdown group (BG-23).");
    }
    parties(root, findings);
    periods(root, findings);
    // BR-52: CII asks it of every referenced document, the lines' (BT-128) too; UBL only of
    // the document level ones (a line's is a cac:DocumentReference there).
    for reference in elements(root, "ram:AdditionalReferencedDocument") {
        if all(reference, "ram:IssuerAssignedID").first().map(|n| nzt(*n)).unwrap_or_default().is_empty() {
            fail(
                findings,
                "BR-52",
                reference,
                "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).",
            );
        }
    }
    // BR-S-02: CII asks it of each line of category S with VAT as tax type; UBL of the
    // document, and whenever a line has category S, whatever its tax type.
    const AGREEMENT: &str = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement";
    let scheme_in = |steps: &str, schemes: &[&str]| {
        all(root, &format!("{AGREEMENT}/{steps}"))
            .iter()
            .any(|id| id.attribute("schemeID").is_some_and(|s| schemes.contains(&s)))
    };
    let seller_registered = scheme_in("ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", &["VA", "FC"])
        || scheme_in("ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:ID", &["VA"]);
    let standard_lines = all(
        root,
        "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax",
    );
    for tax in standard_lines.into_iter().filter(|t| {
        all(*t, "ram:CategoryCode").iter().any(|c| text(*c) == "S")
            && all(*t, "ram:TypeCode").iter().any(|c| text(*c).to_uppercase() == "VAT")
    }) {
        if !seller_registered {
            fail(
                findings,
                "BR-S-02",
                tax,
                "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Standard rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
            );
        }
    }
    subject_codes(root, findings);
    super::rules_totals::check(root, findings);
    super::rules_vat::check(root, findings);
}

/// BR-CL-08: every subject code (BT-21, header and line notes) from UNTDID 4451. The list
/// is the UBL rules' (asked of `validate_ubl` with a document of just these notes) plus the
/// codes only CII's list has.
fn subject_codes(root: N<'_>, findings: &mut Vec<Finding>) {
    let codes: Vec<N<'_>> = elements(root, "ram:SubjectCode").collect();
    if codes.is_empty() {
        return;
    }
    let mut probe = String::from(
        "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">",
    );
    for c in &codes {
        let code: String = nz(&text(*c)).chars().filter(char::is_ascii_alphanumeric).collect();
        probe.push_str(&format!("<cbc:Note>#{code}#</cbc:Note>"));
    }
    probe.push_str("</Invoice>");
    let refused: Vec<String> = validate_ubl(probe.as_bytes())
        .map(|v| v.findings.into_iter().filter(|f| f.rule == "BR-CL-08").map(|f| f.location).collect())
        .unwrap_or_default();
    for (i, c) in codes.iter().enumerate() {
        let code = nz(&text(*c));
        let at =
            if codes.len() == 1 { "/Invoice/cbc:Note".to_owned() } else { format!("/Invoice/cbc:Note[{}]", i + 1) };
        let listed = code.len() == 3
            && code.chars().all(|ch| ch.is_ascii_alphanumeric())
            && (!refused.contains(&at) || SUBJECT_CODES_CII_ONLY.contains(&code.as_str()));
        if !listed {
            fail(
                findings,
                "BR-CL-08",
                *c,
                &format!("The invoice note subject code (BT-21) {code:?} is not in UNTDID 4451."),
            );
        }
    }
}

/// BR-09, BR-11, BR-62, BR-63 (asked of the document in CII, so a missing address or
/// electronic address fails; UBL asks them of the address or the address element, so a
/// missing one is silent) and BR-20 (the tax representative's address, likewise).
fn parties(root: N<'_>, findings: &mut Vec<Finding>) {
    const AGREEMENT: &str = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement";
    let first = |steps: &str| all(root, &format!("{AGREEMENT}/{steps}")).first().map(|n| nzt(*n)).unwrap_or_default();
    if first("ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID").is_empty() {
        fail(findings, "BR-09", root, "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).");
    }
    if first("ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID").is_empty() {
        fail(findings, "BR-11", root, "The Buyer postal address shall contain a Buyer country code (BT-55).");
    }
    for (rule, party, term) in [
        ("BR-62", "ram:SellerTradeParty", "Seller electronic address (BT-34)"),
        ("BR-63", "ram:BuyerTradeParty", "Buyer electronic address (BT-49)"),
    ] {
        let uris = all(root, &format!("{AGREEMENT}/{party}/ram:URIUniversalCommunication"));
        let scheme = all(root, &format!("{AGREEMENT}/{party}"))
            .iter()
            .flat_map(|p| all(*p, "ram:URIUniversalCommunication").into_iter().take(1))
            .flat_map(|u| all(u, "ram:URIID"))
            .find_map(|id| id.attribute("schemeID"))
            .map(nz)
            .unwrap_or_default();
        if !uris.is_empty() && scheme.is_empty() {
            fail(findings, rule, root, &format!("The {term} shall have a Scheme identifier."));
        }
    }
    for rep in elements(root, "ram:SellerTaxRepresentativeTradeParty") {
        let country = all(rep, "ram:PostalTradeAddress/ram:CountryID").first().map(|n| nzt(*n)).unwrap_or_default();
        if country.is_empty() {
            fail(
                findings,
                "BR-20",
                rep,
                "The Seller tax representative postal address (BG-12) shall contain a Tax representative country code (BT-69).",
            );
        }
    }
}

/// BR-29/BR-30 and BR-CO-19/BR-CO-20 on the invoicing periods (BG-14, BG-26). CII compares
/// the 102 date strings as strings and fails a start or end date without one; UBL compares
/// dates and only those that are there. CII asks for a start or end element; UBL for a date.
fn periods(root: N<'_>, findings: &mut Vec<Finding>) {
    for period in elements(root, "ram:BillingSpecifiedPeriod") {
        let (order, present) = match period.parent_element() {
            Some(p) if is(p, "ram:ApplicableHeaderTradeSettlement") => ("BR-29", "BR-CO-19"),
            Some(p) if is(p, "ram:SpecifiedLineTradeSettlement") => ("BR-30", "BR-CO-20"),
            _ => continue,
        };
        let dates = |steps: &str| -> Vec<String> {
            all(period, steps).into_iter().filter(|d| d.attribute("format") == Some("102")).map(text).collect()
        };
        let (starts, ends) =
            (dates("ram:StartDateTime/udt:DateTimeString"), dates("ram:EndDateTime/udt:DateTimeString"));
        let has_start = !all(period, "ram:StartDateTime").is_empty();
        let has_end = !all(period, "ram:EndDateTime").is_empty();
        let ordered = ends.iter().any(|e| starts.iter().any(|s| e >= s));
        if !(ordered || !has_end || !has_start) {
            fail(
                findings,
                order,
                period,
                "If both invoicing period start date (BT-73, BT-134) and end date (BT-74, BT-135) are given then the end date shall be later or equal to the start date.",
            );
        }
        if !has_start && !has_end {
            fail(
                findings,
                present,
                period,
                "If an invoicing period (BG-14, BG-26) is used, the start date or the end date shall be filled, or both.",
            );
        }
    }
}
