//! The CII syntax rules of the CEN CII rules that are fatal (CII-SR-* and CII-DT-*; the
//! other 470 are warnings about elements EN 16931 does not use, which we do not report).
//! They have no UBL counterpart, so they are checked on the CII itself, each as the official
//! XPath reads it. The official rules run as one Schematron pattern, where an element is
//! checked only by the first rule whose context it matches; where that hides a rule, the
//! comment says so (CII-DT-010..012 can never fire: `//ram:TypeCode` takes every type code).

use super::tree::{N, all, is, location, nz, one, text};
use crate::validation::{Finding, Flag};

struct Out<'f> {
    findings: &'f mut Vec<Finding>,
}

impl Out<'_> {
    fn check(&mut self, ok: bool, rule: &'static str, node: N<'_>, message: &str) {
        if !ok {
            self.findings.push(Finding {
                rule,
                flag: Flag::Fatal,
                message: message.to_owned(),
                location: location(node),
            });
        }
    }
}

fn count(n: N<'_>, steps: &str) -> usize {
    all(n, steps).len()
}

fn has(n: N<'_>, steps: &str) -> bool {
    one(n, steps).is_some()
}

/// General comparison `child = 'value'`: any such child with exactly that string value.
fn any_eq(n: N<'_>, child: &str, value: &str) -> bool {
    all(n, child).iter().any(|c| text(*c) == value)
}

pub(super) fn check(root: N<'_>, findings: &mut Vec<Finding>) {
    let mut out = Out { findings };
    let o = &mut out;
    if let Some(c) = one(root, "rsm:ExchangedDocumentContext") {
        o.check(count(c, "ram:GuidelineSpecifiedDocumentContextParameter") == 1, "CII-SR-009", c, "The specification identifier (BT-24) must be given exactly once: one GuidelineSpecifiedDocumentContextParameter.");
        o.check(
            count(c, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == 1,
            "CII-SR-010",
            c,
            "The specification identifier (BT-24) must be given exactly once.",
        );
    }
    if let Some(h) = one(root, "rsm:ExchangedDocument") {
        o.check(
            count(h, "ram:TypeCode") == 1,
            "CII-SR-014",
            h,
            "The invoice type code (BT-3) must be given exactly once.",
        );
    }
    let tx = one(root, "rsm:SupplyChainTradeTransaction");
    for item in tx.map(|t| all(t, "ram:IncludedSupplyChainTradeLineItem")).unwrap_or_default() {
        for p in all(item, "ram:SpecifiedTradeProduct") {
            o.check(
                !has(p, "ram:GlobalID") || one(p, "ram:GlobalID").and_then(|g| g.attribute("schemeID")).is_some(),
                "CII-SR-046",
                p,
                "The item standard identifier (BT-157) needs its scheme identifier.",
            );
            o.check(
                !has(p, "ram:OriginTradeCountry") || count(p, "ram:OriginTradeCountry/ram:ID") == 1,
                "CII-SR-090",
                p,
                "The item country of origin (BT-159) must be given exactly once.",
            );
            for ch in all(p, "ram:ApplicableProductCharacteristic") {
                o.check(
                    count(ch, "ram:Description") == 1,
                    "CII-SR-069",
                    ch,
                    "An item attribute (BG-32) needs exactly one name (BT-160).",
                );
                o.check(
                    count(ch, "ram:Value") == 1,
                    "CII-SR-072",
                    ch,
                    "An item attribute (BG-32) needs exactly one value (BT-161).",
                );
            }
        }
        for a in all(item, "ram:SpecifiedLineTradeAgreement") {
            let prices = count(a, "ram:NetPriceProductTradePrice/ram:ChargeAmount");
            o.check(prices == 1, "CII-SR-439", a, "An invoice line needs exactly one item net price (BT-146).");
            o.check(prices <= 1, "CII-SR-441", a, "An invoice line may have only one item net price (BT-146).");
        }
    }
    for ac in root.descendants().filter(|d| is(*d, "ram:SpecifiedTradeAllowanceCharge")) {
        o.check(
            has(ac, "ram:ChargeIndicator"),
            "CII-SR-463",
            ac,
            "Every allowance or charge (BG-20, BG-21, BG-27, BG-28) needs its charge indicator.",
        );
        o.check(
            count(ac, "ram:RateApplicablePercent") <= 1,
            "CII-SR-471",
            ac,
            "An allowance or charge may have only one percentage (BT-94, BT-101).",
        );
        o.check(
            count(ac, "ram:CategoryTradeTax") <= 1,
            "CII-SR-472",
            ac,
            "An allowance or charge may have only one VAT category (BT-95, BT-102).",
        );
        o.check(
            count(ac, "ram:ActualAmount") <= 1,
            "CII-SR-473",
            ac,
            "An allowance or charge may have only one amount (BT-92, BT-99, BT-136, BT-141).",
        );
    }
    for ac in root.descendants().filter(|d| {
        is(*d, "ram:AppliedTradeAllowanceCharge")
            && d.parent_element().is_some_and(|p| is(p, "ram:GrossPriceProductTradePrice"))
    }) {
        o.check(
            count(ac, "ram:ActualAmount") <= 1,
            "CII-SR-440",
            ac,
            "The item price discount (BT-147) may be given only once.",
        );
    }
    if let Some(a) = tx.and_then(|t| one(t, "ram:ApplicableHeaderTradeAgreement")) {
        o.check(
            count(a, "ram:SellerTradeParty/ram:DefinedTradeContact") <= 1,
            "CII-SR-455",
            a,
            "The seller may have only one contact (BG-6).",
        );
        o.check(
            count(a, "ram:BuyerTradeParty/ram:DefinedTradeContact") <= 1,
            "CII-SR-456",
            a,
            "The buyer may have only one contact (BG-9).",
        );
        o.check(
            count(a, "ram:SellerTradeParty/ram:URIUniversalCommunication") <= 1,
            "CII-SR-459",
            a,
            "The seller may have only one electronic address (BT-34).",
        );
        o.check(
            count(a, "ram:BuyerTradeParty/ram:URIUniversalCommunication") <= 1,
            "CII-SR-460",
            a,
            "The buyer may have only one electronic address (BT-49).",
        );
    }
    if let Some(s) = tx.and_then(|t| one(t, "ram:ApplicableHeaderTradeSettlement")) {
        o.check(
            count(s, "ram:ApplicableTradeTax/ram:TaxPointDate") <= 1,
            "CII-SR-461",
            s,
            "The VAT point date (BT-7) may be given only once.",
        );
        let codes: Vec<String> = root
            .descendants()
            .filter(|d| {
                is(*d, "ram:DueDateTypeCode") && d.parent_element().is_some_and(|p| is(p, "ram:ApplicableTradeTax"))
            })
            .map(text)
            .collect();
        o.check(
            codes.iter().all(|c| *c == codes[0]),
            "CII-SR-462",
            s,
            "The VAT point date code (BT-8) must be the same in every VAT breakdown.",
        );
        let without_account = all(s, "ram:SpecifiedTradeSettlementPaymentMeans").into_iter().any(|m| {
            let code = one(m, "ram:TypeCode").map(|c| nz(&text(c))).unwrap_or_default();
            (code == "30" || code == "58")
                && !has(m, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
                && !has(m, "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID")
        });
        o.check(!without_account, "CII-SR-470", s, "A credit transfer (payment means code 30 or 58) needs the IBAN or another payment account identifier (BT-84).");
        if let Some(sum) = one(s, "ram:SpecifiedTradeSettlementHeaderMonetarySummation") {
            for (rule, name) in TOTALS {
                o.check(
                    count(sum, name) <= 1,
                    rule,
                    sum,
                    &format!("The document totals (BG-22) may have only one {}.", &name[4..]),
                );
            }
        }
    }
    o.check(
        root.attribute("languageID").is_none(),
        "CII-DT-013",
        root,
        "The attribute languageID is not used in EN 16931.",
    );
    o.check(
        root.attribute("languageLocaleID").is_none(),
        "CII-DT-014",
        root,
        "The attribute languageLocaleID is not used in EN 16931.",
    );
    same_everywhere(
        o,
        root,
        "ram:TypeCode",
        "CII-SR-467",
        "The payment means type code (BT-81) must be the same in every payment means.",
    );
    same_everywhere(
        o,
        root,
        "ram:Information",
        "CII-SR-468",
        "The payment means text (BT-82) must be the same in every payment means.",
    );
    let references = root
        .descendants()
        .filter(|d| {
            is(*d, "ram:PaymentReference")
                && d.parent_element().is_some_and(|p| is(p, "ram:ApplicableHeaderTradeSettlement"))
        })
        .count();
    o.check(references <= 1, "CII-SR-469", root, "The remittance information (BT-83) may be given only once.");
    super::syntax_dt::check(root, o.findings);
}

const TOTALS: [(&str, &str); 18] = [
    ("CII-SR-477", "ram:LineTotalAmount"),
    ("CII-SR-478", "ram:ChargeTotalAmount"),
    ("CII-SR-479", "ram:AllowanceTotalAmount"),
    ("CII-SR-480", "ram:TaxBasisTotalAmount"),
    ("CII-SR-481", "ram:RoundingAmount"),
    ("CII-SR-482", "ram:GrandTotalAmount"),
    ("CII-SR-483", "ram:InformationAmount"),
    ("CII-SR-484", "ram:TotalPrepaidAmount"),
    ("CII-SR-485", "ram:TotalDiscountAmount"),
    ("CII-SR-486", "ram:TotalAllowanceChargeAmount"),
    ("CII-SR-487", "ram:DuePayableAmount"),
    ("CII-SR-488", "ram:RetailValueExcludingTaxInformationAmount"),
    ("CII-SR-489", "ram:TotalDepositFeeInformationAmount"),
    ("CII-SR-490", "ram:ProductValueExcludingTobaccoTaxInformationAmount"),
    ("CII-SR-491", "ram:TotalRetailValueInformationAmount"),
    ("CII-SR-492", "ram:GrossLineTotalAmount"),
    ("CII-SR-493", "ram:NetLineTotalAmount"),
    ("CII-SR-494", "ram:NetIncludingTaxesLineTotalAmount"),
];

/// `count(//ram:SpecifiedTradeSettlementPaymentMeans/X[normalize-space(.) != normalize-space((//...X)[1])]) = 0`.
fn same_everywhere(o: &mut Out<'_>, root: N<'_>, child: &str, rule: &'static str, message: &str) {
    let values: Vec<String> = root
        .descendants()
        .filter(|d| is(*d, "ram:SpecifiedTradeSettlementPaymentMeans"))
        .flat_map(|m| all(m, child))
        .map(|v| nz(&text(v)))
        .collect();
    o.check(values.iter().all(|v| *v == values[0]), rule, root, message);
}

/// `ram:TypeCode = '916'` on a referenced document, as a general comparison.
pub(super) fn type_is(n: N<'_>, code: &str) -> bool {
    any_eq(n, "ram:TypeCode", code)
}
