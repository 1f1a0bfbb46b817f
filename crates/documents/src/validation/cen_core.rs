//! The EN 16931 core rules bound to UBL: BR-01..BR-65, BR-CO-* and BR-DEC-* (the CEN
//! "UBL-model" pattern, minus the VAT category rules in `cen_vat.rs`). Each block names the
//! official rule context it translates; a node is checked by the first matching context only,
//! as Schematron does (a line's invoice period is not also an invoice period).

use rust_decimal::Decimal;

use super::codes;
use super::dom::{
    Cx, N, at_most_two_decimals, attr, blank, cents, dec_at, dec_of, first, has, is, is_vat, kid, kids, named_any, nz,
    nz_at, path, round, text, text_at,
};
use super::names::{NameSet, Path};

pub(super) fn check(cx: &mut Cx<'_>) {
    let root = cx.root;
    for n in cx.all() {
        element_rules(cx, n);
    }
    document(cx, root);
}

/// `cbc:ChargeIndicator = true()/false()`: the boolean cast of the child's value.
pub(super) fn charge_is(ac: N<'_>, charge: bool) -> bool {
    kids(ac, p!("cbc:ChargeIndicator")).any(|c| match text(c).trim() {
        "true" | "1" => charge,
        "false" | "0" => !charge,
        _ => false,
    })
}

fn is_root(n: N<'_>) -> bool {
    n.parent_element().is_none()
}

fn element_rules<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    // Cheap first: most elements are none of the contexts below.
    const CONTEXTS: NameSet = NameSet::of(&[
        "AdditionalDocumentReference",
        "EndpointID",
        "PostalAddress",
        "PrimaryAccountNumberID",
        "Address",
        "AllowanceCharge",
        "LegalMonetaryTotal",
        "InvoiceLine",
        "CreditNoteLine",
        "InvoicePeriod",
        "AdditionalItemProperty",
        "ItemClassificationCode",
        "ID",
        "Note",
        "PayeeParty",
        "PayeeFinancialAccount",
        "PaymentMeans",
        "BillingReference",
        "AccountingSupplierParty",
        "TaxRepresentativeParty",
        "TaxTotal",
        "TaxSubtotal",
        "PartyTaxScheme",
    ]);
    if !named_any(n, &CONTEXTS) {
        return;
    }
    let parent = n.parent_element();
    let under = |name: Path| parent.is_some_and(|p| is(p, name));
    // A cbc:ID (three in every invoice line) can only be BR-64's context below, every other
    // block tests another name: the rest is not gone through for it.
    if is(n, p!("cbc:ID")) && !under(p!("cac:StandardItemIdentification")) {
        return;
    }
    if is(n, p!("cac:AdditionalDocumentReference")) {
        cx.check(!nz_at(n, p!("cbc:ID")).is_empty(), "BR-52", n, || {
            "A supporting document (BG-24) has no reference (BT-122).".into()
        });
    } else if is(n, p!("cbc:EndpointID"))
        && under(p!("cac:Party"))
        && parent.and_then(|p| p.parent_element()).is_some_and(|g| is(g, p!("cac:AccountingCustomerParty")))
    {
        cx.check(n.has_attribute("schemeID"), "BR-63", n, || {
            "The buyer's electronic address (BT-49) has no scheme identifier.".into()
        });
    } else if is(n, p!("cac:PostalAddress")) && in_party(n, p!("cac:AccountingCustomerParty")) {
        cx.check(!nz_at(n, p!("cac:Country/cbc:IdentificationCode")).is_empty(), "BR-11", n, || {
            "The buyer's address has no country code (BT-55).".into()
        });
    } else if is(n, p!("cbc:PrimaryAccountNumberID")) && under(p!("cac:CardAccount")) {
        if nz(&text(n)).chars().count() > 10 {
            cx.warn("BR-51", n, "A payment card number (BT-87) should show at most its first 6 and last 4 digits.");
        }
    } else if is(n, p!("cac:Address"))
        && under(p!("cac:DeliveryLocation"))
        && parent.and_then(|p| p.parent_element()).is_some_and(|g| is(g, p!("cac:Delivery")))
    {
        cx.check(has(n, p!("cac:Country/cbc:IdentificationCode")), "BR-57", n, || {
            "The deliver-to address (BG-15) has no country code (BT-80).".into()
        });
    } else if is(n, p!("cac:AllowanceCharge")) && parent.is_some_and(is_root) && charge_is(n, false) {
        document_allowance_charge(cx, n, false);
    } else if is(n, p!("cac:AllowanceCharge")) && parent.is_some_and(is_root) && charge_is(n, true) {
        document_allowance_charge(cx, n, true);
    } else if is(n, p!("cac:LegalMonetaryTotal")) {
        totals(cx, n);
    } else if is(n, p!("cac:InvoiceLine")) || is(n, p!("cac:CreditNoteLine")) {
        line(cx, n);
    } else if is(n, p!("cac:AllowanceCharge"))
        && (under(p!("cac:InvoiceLine")) || under(p!("cac:CreditNoteLine")))
        && (charge_is(n, false) || charge_is(n, true))
    {
        line_allowance_charge(cx, n, charge_is(n, true));
    } else if is(n, p!("cac:InvoicePeriod")) {
        period(cx, n, under(p!("cac:InvoiceLine")) || under(p!("cac:CreditNoteLine")));
    } else if is(n, p!("cac:AdditionalItemProperty")) {
        cx.check(has(n, p!("cbc:Name")) && has(n, p!("cbc:Value")), "BR-54", n, || {
            "An item attribute (BG-32) needs both a name (BT-160) and a value (BT-161).".into()
        });
    } else if is(n, p!("cbc:ItemClassificationCode"))
        && under(p!("cac:CommodityClassification"))
        && item_of_line(parent)
    {
        cx.check(n.has_attribute("listID"), "BR-65", n, || {
            "An item classification (BT-158) has no scheme identifier.".into()
        });
    } else if is(n, p!("cbc:ID")) && under(p!("cac:StandardItemIdentification")) && item_of_line(parent) {
        cx.check(n.has_attribute("schemeID"), "BR-64", n, || {
            "An item standard identifier (BT-157) has no scheme identifier.".into()
        });
    } else if is(n, p!("cbc:Note")) && parent.is_some_and(is_root) {
        note_subject(cx, n);
    } else if is(n, p!("cac:PayeeParty")) {
        payee(cx, n);
    } else if is(n, p!("cac:PayeeFinancialAccount"))
        && parent.is_some_and(|p| {
            is(p, p!("cac:PaymentMeans"))
                && kids(p, p!("cbc:PaymentMeansCode")).any(|c| matches!(&*text(c), "30" | "58"))
        })
    {
        cx.check(!nz_at(n, p!("cbc:ID")).is_empty(), "BR-50", n, || {
            "A credit transfer needs the payment account identifier (BT-84).".into()
        });
    } else if is(n, p!("cac:PaymentMeans")) {
        let code = nz_at(n, p!("cbc:PaymentMeansCode"));
        cx.check(has(n, p!("cbc:PaymentMeansCode")), "BR-49", n, || {
            "A payment instruction (BG-16) has no payment means code (BT-81).".into()
        });
        let transfer = code == "30" || code == "58";
        cx.check(!transfer || has(n, p!("cac:PayeeFinancialAccount/cbc:ID")), "BR-61", n, || {
            "A credit transfer needs the payment account identifier (BT-84).".into()
        });
    } else if is(n, p!("cac:BillingReference")) {
        cx.check(has(n, p!("cac:InvoiceDocumentReference/cbc:ID")), "BR-55", n, || {
            "A preceding invoice reference (BG-3) has no invoice number (BT-25).".into()
        });
    } else if is(n, p!("cac:AccountingSupplierParty")) {
        let vat =
            path(n, p!("cac:Party/cac:PartyTaxScheme")).into_iter().any(|s| is_vat(s) && has(s, p!("cbc:CompanyID")));
        let ids = path(n, p!("cac:Party/cac:PartyIdentification/cbc:ID"))
            .into_iter()
            .any(|i| i.attribute("schemeID") != Some("SEPA"));
        cx.check(vat || ids || has(n, p!("cac:Party/cac:PartyLegalEntity/cbc:CompanyID")), "BR-CO-26", n, || {
            "The seller needs an identifier (BT-29), a legal registration number (BT-30) or a VAT number (BT-31)."
                .into()
        });
    } else if is(n, p!("cbc:EndpointID")) && in_party(n, p!("cac:AccountingSupplierParty")) {
        cx.check(n.has_attribute("schemeID"), "BR-62", n, || {
            "The seller's electronic address (BT-34) has no scheme identifier.".into()
        });
    } else if is(n, p!("cac:PostalAddress")) && in_party(n, p!("cac:AccountingSupplierParty")) {
        cx.check(!nz_at(n, p!("cac:Country/cbc:IdentificationCode")).is_empty(), "BR-09", n, || {
            "The seller's address has no country code (BT-40).".into()
        });
    } else if is(n, p!("cac:TaxRepresentativeParty")) {
        cx.check(!nz_at(n, p!("cac:PartyName/cbc:Name")).is_empty(), "BR-18", n, || {
            "The seller's tax representative (BG-11) has no name (BT-62).".into()
        });
        cx.check(has(n, p!("cac:PostalAddress")), "BR-19", n, || {
            "The seller's tax representative (BG-11) has no postal address (BG-12).".into()
        });
        let vat = kids(n, p!("cac:PartyTaxScheme")).any(|s| is_vat(s) && has(s, p!("cbc:CompanyID")));
        cx.check(vat, "BR-56", n, || "The seller's tax representative (BG-11) has no VAT number (BT-63).".into());
    } else if is(n, p!("cac:PostalAddress")) && under(p!("cac:TaxRepresentativeParty")) {
        cx.check(!nz_at(n, p!("cac:Country/cbc:IdentificationCode")).is_empty(), "BR-20", n, || {
            "The tax representative's address has no country code (BT-69).".into()
        });
    } else if is(n, p!("cac:TaxTotal")) && parent.is_some_and(is_root) {
        tax_total(cx, n);
    } else if is(n, p!("cac:TaxSubtotal")) && under(p!("cac:TaxTotal")) {
        tax_subtotal(cx, n);
    } else if is(n, p!("cac:PartyTaxScheme")) && is_vat(n) {
        // contains(list, substring(CompanyID, 1, 2)): a substring test, as the rule has it.
        let company = text_at(n, p!("cbc:CompanyID"));
        let prefix: String = company.chars().take(2).collect();
        cx.check(codes::BR_CO_09_PREFIXES.contains(prefix.as_str()), "BR-CO-09", n, || {
            format!("The VAT number '{company}' does not start with a country code (BT-31, BT-48, BT-63).")
        });
    }
}

/// `cac:X/cac:Party/<n>` with X the given party role.
fn in_party(n: N<'_>, role: Path) -> bool {
    n.parent_element().is_some_and(|p| is(p, p!("cac:Party")) && p.parent_element().is_some_and(|g| is(g, role)))
}

fn item_of_line(parent: Option<N<'_>>) -> bool {
    parent
        .and_then(|p| p.parent_element())
        .filter(|item| is(*item, p!("cac:Item")))
        .and_then(|item| item.parent_element())
        .is_some_and(|l| is(l, p!("cac:InvoiceLine")) || is(l, p!("cac:CreditNoteLine")))
}

fn document_allowance_charge<'a>(cx: &mut Cx<'a>, n: N<'a>, charge: bool) {
    let (what, rules) = if charge {
        ("document level charge (BG-21)", ["BR-36", "BR-37", "BR-38", "BR-CO-22", "BR-DEC-05", "BR-DEC-06"])
    } else {
        ("document level allowance (BG-20)", ["BR-31", "BR-32", "BR-33", "BR-CO-21", "BR-DEC-01", "BR-DEC-02"])
    };
    cx.check(has(n, p!("cbc:Amount")), rules[0], n, || format!("A {what} has no amount."));
    let vat = kids(n, p!("cac:TaxCategory")).any(|c| is_vat(c) && has(c, p!("cbc:ID")));
    cx.check(vat, rules[1], n, || format!("A {what} has no VAT category code."));
    let reason = has(n, p!("cbc:AllowanceChargeReason")) || has(n, p!("cbc:AllowanceChargeReasonCode"));
    cx.check(reason, rules[2], n, || format!("A {what} has neither a reason nor a reason code."));
    cx.check(reason, rules[3], n, || format!("A {what} has neither a reason nor a reason code."));
    two_decimals(cx, n, p!("cbc:Amount"), rules[4], &format!("the amount of a {what}"));
    two_decimals(cx, n, p!("cbc:BaseAmount"), rules[5], &format!("the base amount of a {what}"));
}

fn line_allowance_charge<'a>(cx: &mut Cx<'a>, n: N<'a>, charge: bool) {
    let (what, rules) = if charge {
        ("line charge (BG-28)", ["BR-43", "BR-44", "BR-CO-24", "BR-DEC-27", "BR-DEC-28"])
    } else {
        ("line allowance (BG-27)", ["BR-41", "BR-42", "BR-CO-23", "BR-DEC-24", "BR-DEC-25"])
    };
    cx.check(has(n, p!("cbc:Amount")), rules[0], n, || format!("A {what} has no amount."));
    let reason = has(n, p!("cbc:AllowanceChargeReason")) || has(n, p!("cbc:AllowanceChargeReasonCode"));
    cx.check(reason, rules[1], n, || format!("A {what} has neither a reason nor a reason code."));
    cx.check(reason, rules[2], n, || format!("A {what} has neither a reason nor a reason code."));
    two_decimals(cx, n, p!("cbc:Amount"), rules[3], &format!("the amount of a {what}"));
    two_decimals(cx, n, p!("cbc:BaseAmount"), rules[4], &format!("the base amount of a {what}"));
}

/// `string-length(substring-after(child, '.')) <= 2` for the first such child.
pub(super) fn two_decimals<'a>(cx: &mut Cx<'a>, n: N<'a>, child: Path, rule: &'static str, what: &str) {
    if let Some(c) = first(n, child) {
        cx.check(at_most_two_decimals(c), rule, c, || {
            format!("{} ({}) has more than 2 decimals.", capital(what), text(c).trim())
        });
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn sum(nodes: impl Iterator<Item = Option<Decimal>>) -> Decimal {
    nodes.flatten().sum()
}

fn totals<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    for (child, rule, bt) in [
        (p!("cbc:LineExtensionAmount"), "BR-12", "the sum of the line net amounts (BT-106)"),
        (p!("cbc:TaxExclusiveAmount"), "BR-13", "the total without VAT (BT-109)"),
        (p!("cbc:TaxInclusiveAmount"), "BR-14", "the total with VAT (BT-112)"),
        (p!("cbc:PayableAmount"), "BR-15", "the amount due for payment (BT-115)"),
    ] {
        cx.check(has(n, child), rule, n, || format!("The invoice totals lack {bt}."));
    }
    let amount = |c: Path| dec_at(n, c);
    let lines = cx.everywhere(p!("cac:InvoiceLine")).chain(cx.everywhere(p!("cac:CreditNoteLine")));
    let line_sum = cents(sum(lines.map(|l| dec_at(l, p!("cbc:LineExtensionAmount")))));
    let line_total = amount(p!("cbc:LineExtensionAmount"));
    cx.check(line_total == Some(line_sum), "BR-CO-10", n, || {
        format!(
            "The sum of the line net amounts ({line_sum}) does not equal the invoice's line total (BT-106: {}).",
            shown(line_total)
        )
    });
    let siblings: Vec<N<'a>> =
        n.parent_element().map(|p| kids(p, p!("cac:AllowanceCharge")).collect()).unwrap_or_default();
    for (charge, child, rule, what) in [
        (false, p!("cbc:AllowanceTotalAmount"), "BR-CO-11", "allowances (BT-107)"),
        (true, p!("cbc:ChargeTotalAmount"), "BR-CO-12", "charges (BT-108)"),
    ] {
        let of_kind: Vec<N<'a>> = siblings.iter().copied().filter(|a| charge_is(*a, charge)).collect();
        let total = cents(sum(of_kind.iter().map(|a| dec_at(*a, p!("cbc:Amount")))));
        let stated = amount(child);
        let ok = stated == Some(total) || (!has(n, child) && of_kind.is_empty());
        cx.check(ok, rule, n, || {
            format!("The document level {what} add up to {total}, but the invoice states {}.", shown(stated))
        });
    }
    let (line_total_v, charges, allowances) = (
        amount(p!("cbc:LineExtensionAmount")),
        amount(p!("cbc:ChargeTotalAmount")),
        amount(p!("cbc:AllowanceTotalAmount")),
    );
    let expected = match (has(n, p!("cbc:ChargeTotalAmount")), has(n, p!("cbc:AllowanceTotalAmount"))) {
        (true, true) => line_total_v.zip(charges).zip(allowances).map(|((l, c), a)| cents(l + c - a)),
        (false, true) => line_total_v.zip(allowances).map(|(l, a)| cents(l - a)),
        (true, false) => line_total_v.zip(charges).map(|(l, c)| cents(l + c)),
        (false, false) => line_total_v,
    };
    let without_vat = amount(p!("cbc:TaxExclusiveAmount"));
    cx.check(expected.is_some() && without_vat == expected, "BR-CO-13", n, || {
        format!(
            "The total without VAT (BT-109: {}) does not equal the line total minus allowances plus charges ({}).",
            shown(without_vat),
            shown(expected)
        )
    });
    let (payable, with_vat) = (amount(p!("cbc:PayableAmount")), amount(p!("cbc:TaxInclusiveAmount")));
    let (paid, rounding) = (amount(p!("cbc:PrepaidAmount")), amount(p!("cbc:PayableRoundingAmount")));
    let ok = match (has(n, p!("cbc:PrepaidAmount")), has(n, p!("cbc:PayableRoundingAmount"))) {
        (true, false) => payable.is_some() && payable == with_vat.zip(paid).map(|(w, p)| cents(w - p)),
        (false, false) => payable.is_some() && payable == with_vat,
        (true, true) => payable
            .zip(rounding)
            .map(|(p, r)| cents(p - r))
            .is_some_and(|l| Some(l) == with_vat.zip(paid).map(|(w, p)| cents(w - p))),
        (false, true) => payable.zip(rounding).map(|(p, r)| cents(p - r)).is_some_and(|l| Some(l) == with_vat),
    };
    cx.check(ok, "BR-CO-16", n, || {
        format!("The amount due (BT-115: {}) does not equal the total with VAT (BT-112: {}) minus the paid amount (BT-113) plus rounding (BT-114).", shown(payable), shown(with_vat))
    });
    for (child, rule, what) in [
        (p!("cbc:LineExtensionAmount"), "BR-DEC-09", "the sum of the line net amounts (BT-106)"),
        (p!("cbc:AllowanceTotalAmount"), "BR-DEC-10", "the sum of allowances (BT-107)"),
        (p!("cbc:ChargeTotalAmount"), "BR-DEC-11", "the sum of charges (BT-108)"),
        (p!("cbc:TaxExclusiveAmount"), "BR-DEC-12", "the total without VAT (BT-109)"),
        (p!("cbc:TaxInclusiveAmount"), "BR-DEC-14", "the total with VAT (BT-112)"),
        (p!("cbc:PrepaidAmount"), "BR-DEC-16", "the paid amount (BT-113)"),
        (p!("cbc:PayableRoundingAmount"), "BR-DEC-17", "the rounding amount (BT-114)"),
        (p!("cbc:PayableAmount"), "BR-DEC-18", "the amount due (BT-115)"),
    ] {
        two_decimals(cx, n, child, rule, what);
    }
}

pub(super) fn shown(d: Option<Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "missing".into())
}

fn document<'a>(cx: &mut Cx<'a>, root: N<'a>) {
    let required = [
        (p!("cbc:CustomizationID"), "BR-01", "a specification identifier (BT-24)"),
        (p!("cbc:ID"), "BR-02", "an invoice number (BT-1)"),
        (p!("cbc:IssueDate"), "BR-03", "an issue date (BT-2)"),
        (p!("cbc:DocumentCurrencyCode"), "BR-05", "an invoice currency code (BT-5)"),
        (
            p!("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
            "BR-06",
            "the seller's name (BT-27)",
        ),
        (
            p!("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
            "BR-07",
            "the buyer's name (BT-44)",
        ),
    ];
    for (p, rule, what) in required {
        cx.check(!nz_at(root, p).is_empty(), rule, root, || format!("The invoice has no {what}."));
    }
    let type_code =
        !nz_at(root, p!("cbc:InvoiceTypeCode")).is_empty() || !nz_at(root, p!("cbc:CreditNoteTypeCode")).is_empty();
    cx.check(type_code, "BR-04", root, || "The invoice has no type code (BT-3).".into());
    cx.check(has(root, p!("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")), "BR-08", root, || {
        "The invoice has no seller postal address (BG-5).".into()
    });
    cx.check(has(root, p!("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")), "BR-10", root, || {
        "The invoice has no buyer postal address (BG-8).".into()
    });
    cx.check(has(root, p!("cac:InvoiceLine")) || has(root, p!("cac:CreditNoteLine")), "BR-16", root, || {
        "The invoice has no lines (BG-25).".into()
    });
    let tax_amounts: Vec<N<'a>> =
        cx.everywhere(p!("cac:TaxTotal")).flat_map(|t| kids(t, p!("cbc:TaxAmount")).collect::<Vec<_>>()).collect();
    for currency in kids(root, p!("cbc:TaxCurrencyCode")).map(text).collect::<Vec<_>>() {
        cx.check(tax_amounts.iter().any(|a| attr(*a, "currencyID") == currency), "BR-53", root, || {
            format!("The VAT accounting currency is {currency} (BT-6), but the total VAT in that currency (BT-111) is missing.")
        });
    }
    let tax_point = has(root, p!("cbc:TaxPointDate"));
    let period_code = has(root, p!("cac:InvoicePeriod/cbc:DescriptionCode"));
    cx.check(!(tax_point && period_code), "BR-CO-03", root, || {
        "Give either the VAT point date (BT-7) or the VAT point date code (BT-8), not both.".into()
    });
    for currency in kids(root, p!("cbc:DocumentCurrencyCode")).map(text).collect::<Vec<_>>() {
        let in_currency: Vec<Option<Decimal>> = kids(root, p!("cac:TaxTotal"))
            .flat_map(|t| {
                kids(t, p!("cbc:TaxAmount"))
                    .filter(|a| attr(*a, "currencyID") == currency)
                    .map(dec_of)
                    .collect::<Vec<_>>()
            })
            .collect();
        let with_vat = dec_at(root, p!("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"));
        let without_vat = dec_at(root, p!("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"));
        let ok = in_currency.len() == 1
            && with_vat.is_some()
            && with_vat
                == without_vat
                    .zip(in_currency[0])
                    .map(|(w, v)| round((w + v) * Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED);
        cx.check(ok, "BR-CO-15", root, || {
            format!("The total with VAT (BT-112: {}) does not equal the total without VAT (BT-109: {}) plus the total VAT (BT-110), or the total VAT in {currency} is missing or given twice.", shown(with_vat), shown(without_vat))
        });
    }
    let intra_community = path(root, p!("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"))
        .into_iter()
        .any(|c| is_vat(c) && kids(c, p!("cbc:ID")).any(|i| nz(&text(i)) == "K"));
    if intra_community {
        let delivered = text_at(root, p!("cac:Delivery/cbc:ActualDeliveryDate")).chars().count() > 1
            || path(root, p!("cac:InvoicePeriod")).iter().any(|p| !p.is_leaf());
        cx.check(delivered, "BR-IC-11", root, || {
            "An intra-community supply needs the actual delivery date (BT-72) or the invoicing period (BG-14).".into()
        });
        let country =
            text_at(root, p!("cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"));
        cx.check(country.chars().count() > 1, "BR-IC-12", root, || {
            "An intra-community supply needs the deliver-to country (BT-80).".into()
        });
    }
    cx.check(has(root, p!("cac:TaxTotal/cac:TaxSubtotal")), "BR-CO-18", root, || {
        "The invoice has no VAT breakdown (BG-23).".into()
    });
    for (currency_child, rule, what) in
        [(p!("cbc:DocumentCurrencyCode"), "BR-DEC-13", "BT-110"), (p!("cbc:TaxCurrencyCode"), "BR-DEC-15", "BT-111")]
    {
        // The official predicate `//cac:TaxTotal/cbc:TaxAmount[@currencyID = cbc:X]` reads cbc:X
        // as a child of the TaxAmount, which UBL never has: as written the two rules cannot
        // fire. We translate them literally so that our verdicts stay the official ones; the
        // decimals of every amount are checked by UBL-DT-01 anyway.
        let matching = tax_amounts
            .iter()
            .copied()
            .filter(|a| kids(*a, currency_child).any(|c| text(c) == attr(*a, "currencyID")))
            .collect::<Vec<_>>();
        if let Some(a) = matching.first() {
            cx.check(at_most_two_decimals(*a), rule, root, || {
                format!("The total VAT ({what}) has more than 2 decimals.")
            });
        }
    }
}

fn line<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    // The line's children, gathered once for all the line rules (`line.rs`).
    let line = cx.line(n);
    // normalize-space(cbc:ID) != '' without building it; the id itself only for messages.
    let has_id = line.first(p!("cbc:ID")).is_some_and(|x| !blank(x));
    cx.check(has_id, "BR-21", n, || "A line (BG-25) has no line identifier (BT-126).".into());
    let line_id = LineId(n);
    let (invoiced, credited) = (line.first(p!("cbc:InvoicedQuantity")), line.first(p!("cbc:CreditedQuantity")));
    cx.check(invoiced.is_some() || credited.is_some(), "BR-22", n, || {
        format!("Line {line_id} has no quantity (BT-129).")
    });
    let unit = line.any(p!("cbc:InvoicedQuantity"), |q| q.has_attribute("unitCode"))
        || line.any(p!("cbc:CreditedQuantity"), |q| q.has_attribute("unitCode"));
    cx.check(unit, "BR-23", n, || format!("Line {line_id} has no unit of measure (BT-130)."));
    let net = line.first(p!("cbc:LineExtensionAmount"));
    cx.check(net.is_some(), "BR-24", n, || format!("Line {line_id} has no net amount (BT-131)."));
    // normalize-space(...) != '': some node there has a non-blank string value (tested
    // without building the normalised string).
    cx.check(line.first(p!("cac:Item/cbc:Name")).is_some_and(|x| !blank(x)), "BR-25", n, || {
        format!("Line {line_id} has no item name (BT-153).")
    });
    cx.check(line.has(p!("cac:Price/cbc:PriceAmount")), "BR-26", n, || {
        format!("Line {line_id} has no item net price (BT-146).")
    });
    // A general comparison: true if any price is >= 0 as a double.
    let price_ok = line.any(p!("cac:Price/cbc:PriceAmount"), |p| super::dom::num(&text(p)) >= 0.0);
    cx.check(price_ok, "BR-27", n, || format!("Line {line_id} has a negative item net price (BT-146)."));
    let gross = p!("cac:Price/cac:AllowanceCharge/cbc:BaseAmount");
    let gross_ok = !line.has(gross) || line.any(gross, |p| super::dom::num(&text(p)) >= 0.0);
    cx.check(gross_ok, "BR-28", n, || format!("Line {line_id} has a negative item gross price (BT-148)."));
    let vat = line.any(p!("cac:Item/cac:ClassifiedTaxCategory"), |c| is_vat(c) && has(c, p!("cbc:ID")));
    cx.check(vat, "BR-CO-04", n, || format!("Line {line_id} has no VAT category (BT-151)."));
    if let Some(c) = net {
        cx.check(at_most_two_decimals(c), "BR-DEC-23", c, || {
            format!("The line net amount (BT-131) ({}) has more than 2 decimals.", text(c).trim())
        });
    }
}

/// A line's normalize-space(cbc:ID), worked out when a message shows it.
#[derive(Clone, Copy)]
pub(super) struct LineId<'a>(pub(super) N<'a>);

impl std::fmt::Display for LineId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&nz_at(self.0, p!("cbc:ID")))
    }
}

fn period<'a>(cx: &mut Cx<'a>, n: N<'a>, of_line: bool) {
    let (start, end) = (first(n, p!("cbc:StartDate")), first(n, p!("cbc:EndDate")));
    let ordered = match (start, end) {
        (Some(s), Some(e)) => nz(&text(e)) >= nz(&text(s)),
        _ => true,
    };
    let (rule, both, what) = if of_line {
        ("BR-30", "BR-CO-20", "line period (BG-26)")
    } else {
        ("BR-29", "BR-CO-19", "invoicing period (BG-14)")
    };
    cx.check(ordered, rule, n, || format!("The {what} ends before it starts."));
    let filled = start.is_some() || end.is_some() || (!of_line && has(n, p!("cbc:DescriptionCode")));
    cx.check(filled, both, n, || format!("The {what} has neither a start nor an end date."));
}

fn note_subject<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    let value = text(n);
    let Some((_, after)) = value.split_once('#') else { return };
    let Some((code, _)) = after.split_once('#') else { return };
    if code.chars().count() == 3 {
        cx.check(codes::UNCL4451_NOTE_SUBJECTS.contains(code), "BR-CL-08", n, || {
            format!("The note subject code '{code}' is not a UNTDID 4451 code.")
        });
    }
}

fn payee<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    let seller = n
        .parent_element()
        .and_then(|p| kid(p, p!("cac:AccountingSupplierParty")))
        .and_then(|s| kid(s, p!("cac:Party")));
    let seller_values = |p: Path| {
        seller.map(|s| path(s, p).into_iter().map(|x| text(x).into_owned()).collect::<Vec<_>>()).unwrap_or_default()
    };
    let (names, ids) =
        (seller_values(p!("cac:PartyName/cbc:Name")), seller_values(p!("cac:PartyIdentification/cbc:ID")));
    let same_name = path(n, p!("cac:PartyName/cbc:Name")).into_iter().any(|x| names.contains(&text(x).into_owned()));
    let same_id =
        path(n, p!("cac:PartyIdentification/cbc:ID")).into_iter().any(|x| ids.contains(&text(x).into_owned()));
    cx.check(has(n, p!("cac:PartyName/cbc:Name")) && !same_name && !same_id, "BR-17", n, || {
        "A payee (BG-10) different from the seller needs its own name (BT-59).".into()
    });
}

fn tax_total<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    if !has(n, p!("cac:TaxSubtotal")) {
        return;
    }
    let total = cents(sum(kids(n, p!("cac:TaxSubtotal")).map(|s| dec_at(s, p!("cbc:TaxAmount")))));
    let stated = dec_at(n, p!("cbc:TaxAmount"));
    cx.check(stated == Some(total), "BR-CO-14", n, || {
        format!(
            "The total VAT (BT-110: {}) does not equal the sum of the VAT breakdown amounts ({total}).",
            shown(stated)
        )
    });
}

fn tax_subtotal<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    cx.check(has(n, p!("cbc:TaxableAmount")), "BR-45", n, || {
        "A VAT breakdown (BG-23) has no taxable amount (BT-116).".into()
    });
    cx.check(has(n, p!("cbc:TaxAmount")), "BR-46", n, || "A VAT breakdown (BG-23) has no VAT amount (BT-117).".into());
    let cats: Vec<N<'a>> = kids(n, p!("cac:TaxCategory")).filter(|c| is_vat(*c)).collect();
    cx.check(cats.iter().any(|c| has(*c, p!("cbc:ID"))), "BR-47", n, || {
        "A VAT breakdown (BG-23) has no VAT category (BT-118).".into()
    });
    let percent_or_o = cats.iter().any(|c| has(*c, p!("cbc:Percent")) || nz_at(*c, p!("cbc:ID")) == "O");
    cx.check(percent_or_o, "BR-48", n, || "A VAT breakdown (BG-23) has no VAT rate (BT-119).".into());
    let rates: Vec<Decimal> = cats.iter().filter_map(|c| first(*c, p!("cbc:Percent"))).filter_map(dec_of).collect();
    let tax = dec_at(n, p!("cbc:TaxAmount"));
    let taxable = dec_at(n, p!("cbc:TaxableAmount"));
    let zero_tax = tax.is_some_and(|t| round(t).is_zero());
    let ok = if rates.is_empty() {
        zero_tax
    } else {
        let rate = rates[0];
        (round(rate).is_zero() && zero_tax)
            || (!round(rate).is_zero()
                && tax.zip(taxable).is_some_and(|(t, b)| {
                    let expected = cents(b.abs() * (rate / Decimal::ONE_HUNDRED));
                    t.abs() - Decimal::ONE < expected && t.abs() + Decimal::ONE > expected
                }))
    };
    cx.check(ok, "BR-CO-17", n, || {
        format!(
            "The VAT amount (BT-117: {}) is not the taxable amount (BT-116: {}) times the rate (BT-119).",
            shown(tax),
            shown(taxable)
        )
    });
    two_decimals(cx, n, p!("cbc:TaxableAmount"), "BR-DEC-19", "the VAT breakdown taxable amount (BT-116)");
    two_decimals(cx, n, p!("cbc:TaxAmount"), "BR-DEC-20", "the VAT breakdown VAT amount (BT-117)");
}
