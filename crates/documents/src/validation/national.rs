//! The Nordic national rules of the Peppol BIS 3 Schematron: Norway (NO-R-*), Sweden
//! (SE-R-*), Denmark (DK-R-*) and Iceland (IS-R-*), plus the check digit algorithms they and PEPPOL-COMMON-R*
//! share (GLN, mod 11, the Swedish Luhn), and Iceland (IS-R-*).

use super::dom::{Cx, N, attr, first, has, is, kids, num, nz, nz_at, path, text};
use super::names::Path;
use super::peppol::{Facts, own_text};

pub(super) fn check(cx: &mut Cx<'_>) {
    let facts = Facts::new(cx);
    norway(cx, &facts);
    sweden(cx);
    denmark(cx);
    iceland(cx);
}

fn iceland(cx: &mut Cx<'_>) {
    let root = cx.root;
    let country = |party: Path| {
        path(root, &format!("{party}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
            .first()
            .map(|c| text(*c).into_owned())
            .unwrap_or_default()
    };
    if country(p!("cac:AccountingSupplierParty")) != "IS" {
        return;
    }
    let type_code = nz_at(root, if cx.credit { p!("cbc:CreditNoteTypeCode") } else { p!("cbc:InvoiceTypeCode") });
    if type_code != "380" && type_code != "381" {
        cx.warn(
            "IS-R-001",
            root,
            "An Icelandic seller's invoice type (BT-3) should be 380 (invoice) or 381 (credit note).",
        );
    }
    let kennitala = |party: Path| {
        let ids = path(root, &format!("{party}/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"));
        !ids.is_empty() && ids.iter().any(|i| attr(*i, "schemeID") == "0196")
    };
    let address = |party: Path| {
        has(root, &format!("{party}/cac:Party/cac:PostalAddress/cbc:StreetName"))
            && has(root, &format!("{party}/cac:Party/cac:PostalAddress/cbc:PostalZone"))
    };
    cx.check(kennitala(p!("cac:AccountingSupplierParty")), "IS-R-002", root, || {
        "An Icelandic seller must give its kennitala (BT-30) with scheme 0196.".into()
    });
    cx.check(address(p!("cac:AccountingSupplierParty")), "IS-R-003", root, || {
        "An Icelandic seller must give its street (BT-35) and postcode (BT-38).".into()
    });
    for (code, rule, what) in [("9", "IS-R-006", "a claim in the bank (krafa)"), ("42", "IS-R-007", "a bank transfer")]
    {
        let means: Vec<N<'_>> = kids(root, p!("cac:PaymentMeans"))
            .filter(|m| kids(*m, p!("cbc:PaymentMeansCode")).any(|c| text(c) == code))
            .collect();
        let accounts: Vec<N<'_>> =
            means.iter().flat_map(|m| path(*m, p!("cac:PayeeFinancialAccount/cbc:ID"))).collect();
        let ok = means.is_empty() || accounts.first().is_some_and(|a| nz(&text(*a)).chars().count() == 12);
        cx.check(ok, rule, root, || {
            format!("For {what} an Icelandic seller must give the 12-digit account (BT-84: bank, ledger 66, account).")
        });
    }
    let eindagi: Vec<N<'_>> = kids(root, p!("cac:AdditionalDocumentReference"))
        .filter(|d| kids(*d, p!("cbc:DocumentDescription")).any(|x| text(x) == "EINDAGI"))
        .collect();
    if let Some(first_ref) = eindagi.first() {
        let id = first(*first_ref, p!("cbc:ID")).map(text).unwrap_or_default();
        cx.check(id.chars().count() == 10 && super::peppol::is_date(&id), "IS-R-008", root, || {
            format!("The final due date (eindagi, BT-122) '{id}' must be written YYYY-MM-DD.")
        });
        cx.check(has(root, p!("cbc:DueDate")), "IS-R-009", root, || {
            "An invoice with a final due date (eindagi) needs a due date (BT-9).".into()
        });
        let due: Vec<String> = kids(root, p!("cbc:DueDate")).map(|d| text(d).into_owned()).collect();
        let ids: Vec<String> = eindagi
            .iter()
            .flat_map(|d| kids(*d, p!("cbc:ID")).map(|i| text(i).into_owned()).collect::<Vec<_>>())
            .collect();
        let ok = due.iter().any(|d| ids.iter().any(|i| d <= i));
        cx.check(ok, "IS-R-010", root, || {
            "The final due date (eindagi) must be on or after the due date (BT-9).".into()
        });
    }
    if country(p!("cac:AccountingCustomerParty")) == "IS" {
        for buyer in kids(root, p!("cac:AccountingCustomerParty")).collect::<Vec<_>>() {
            cx.check(kennitala(p!("cac:AccountingCustomerParty")), "IS-R-004", buyer, || {
                "Between Icelandic parties the buyer's kennitala (BT-47) with scheme 0196 is required.".into()
            });
            cx.check(address(p!("cac:AccountingCustomerParty")), "IS-R-005", buyer, || {
                "Between Icelandic parties the buyer's street (BT-50) and postcode (BT-53) are required.".into()
            });
        }
    }
}

/// GS1 check digit: weights 3,1,3,… from the right, excluding the check digit.
pub(super) fn gln(v: &str) -> bool {
    let digits: Vec<u32> = v.bytes().map(|b| u32::from(b - b'0')).collect();
    let Some((check, body)) = digits.split_last() else { return false };
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| d * if i % 2 == 0 { 3 } else { 1 }).sum();
    (10 - sum % 10) % 10 == *check
}

/// The Norwegian organisation number's mod 11 (weights 2..7 from the right), value above 0.
pub(super) fn mod11(v: &str) -> bool {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = v.bytes().map(|b| u32::from(b - b'0')).collect();
    let Some((check, body)) = digits.split_last() else { return false };
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| d * (i as u32 % 6 + 2)).sum();
    num(v) > 0.0 && (11 - sum % 11) % 11 == *check
}

/// The Swedish organisation number's Luhn check on the first ten digits.
pub(super) fn luhn_se(v: &str) -> bool {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let main: Vec<u32> = v.bytes().take(9).map(|b| u32::from(b - b'0')).collect();
    let sum: u32 =
        main.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { (d * 2) % 10 + (d * 2) / 10 } else { *d }).sum();
    v.as_bytes().get(9).is_some_and(|c| u32::from(c - b'0') == (10 - sum % 10) % 10)
}

fn vat_ids(party: N<'_>, exact: bool) -> Vec<String> {
    kids(party, p!("cac:PartyTaxScheme"))
        .filter(|s| {
            kids(*s, p!("cac:TaxScheme"))
                .any(|t| kids(t, p!("cbc:ID")).any(|i| if exact { text(i) == "VAT" } else { nz(&text(i)) == "VAT" }))
        })
        .filter_map(|s| first(s, p!("cbc:CompanyID")))
        .map(|c| text(c).into_owned())
        .collect()
}

fn norway(cx: &mut Cx<'_>, facts: &Facts) {
    if facts.supplier_country != "NO" {
        return;
    }
    for party in path(cx.root, p!("cac:AccountingSupplierParty/cac:Party")) {
        let ids = vat_ids(party, false);
        let norwegian = ids.iter().any(|v| v.chars().take(2).collect::<String>() == "NO");
        let ok = !norwegian
            || ids.iter().any(|v| {
                let rest: String = v.chars().skip(2).collect();
                rest.len() == 12
                    && rest[..9].bytes().all(|b| b.is_ascii_digit())
                    && rest.ends_with("MVA")
                    && mod11(&rest[..9])
            });
        cx.check(ok, "NO-R-001", party, || {
            "A Norwegian seller's VAT number (BT-31) must be NO, the nine-digit organisation number and MVA.".into()
        });
        let register = kids(party, p!("cac:PartyTaxScheme"))
            .filter(|s| nz_at(*s, p!("cac:TaxScheme/cbc:ID")) == "TAX")
            .find_map(|s| first(s, p!("cbc:CompanyID")));
        if register.is_none_or(|c| nz(&text(c)) != "Foretaksregisteret") {
            cx.warn("NO-R-002", party, "Norwegian limited companies must state 'Foretaksregisteret' (BT-32).");
        }
    }
}

fn sweden(cx: &mut Cx<'_>) {
    let root = cx.root;
    let country_se = |party: N<'_>| {
        path(party, p!("cac:PostalAddress/cac:Country/cbc:IdentificationCode")).iter().any(|c| text(*c) == "SE")
    };
    let sellers: Vec<N<'_>> = cx
        .everywhere(p!("cac:Party"))
        .filter(|p| p.parent_element().is_some_and(|a| is(a, p!("cac:AccountingSupplierParty"))))
        .collect();
    let se_vat =
        |p: N<'_>| country_se(p) && vat_ids(p, true).iter().any(|v| v.chars().take(2).collect::<String>() == "SE");
    for party in sellers.iter().copied() {
        if se_vat(party) {
            let id = vat_ids(party, true).into_iter().next().unwrap_or_default();
            cx.check(nz(&id).chars().count() == 14, "SE-R-001", party, || {
                "A Swedish VAT number (BT-31) has 14 characters.".into()
            });
            let digits: String = id.chars().skip(2).take(12).collect();
            cx.check(!num(&digits).is_nan(), "SE-R-002", party, || {
                "A Swedish VAT number (BT-31) ends in 12 digits.".into()
            });
        }
        for legal in
            kids(party, p!("cac:PartyLegalEntity")).filter(|l| country_se(party) && has(*l, p!("cbc:CompanyID")))
        {
            let id = nz_at(legal, p!("cbc:CompanyID"));
            cx.check(!num(&id).is_nan(), "SE-R-003", legal, || {
                "A Swedish organisation number (BT-30) is numeric.".into()
            });
            cx.check(id.chars().count() == 10, "SE-R-004", legal, || {
                "A Swedish organisation number (BT-30) has 10 digits.".into()
            });
            cx.check(luhn_se(&id), "SE-R-013", legal, || {
                "The Swedish organisation number's check digit (BT-30) is wrong.".into()
            });
        }
        if country_se(party) && has(party, p!("cac:PartyLegalEntity/cbc:CompanyID")) {
            // normalize-space(upper-case(cac:TaxScheme/cbc:ID)): "" when the scheme has no identifier.
            for scheme in kids(party, p!("cac:PartyTaxScheme")).filter(|s| {
                nz(&first(*s, p!("cac:TaxScheme/cbc:ID")).map(text).unwrap_or_default().to_uppercase()) != "VAT"
            }) {
                for company in kids(scheme, p!("cbc:CompanyID")) {
                    cx.check(nz(&text(company).to_uppercase()) == "GODKÄND FÖR F-SKATT", "SE-R-005", company, || {
                        "A Swedish seller's tax registration (BT-32) must read 'Godkänd för F-skatt'.".into()
                    });
                }
            }
        }
    }
    if sellers.iter().any(|p| se_vat(*p)) {
        let categories = cx
            .everywhere(p!("cac:TaxCategory"))
            .chain(cx.everywhere(p!("cac:ClassifiedTaxCategory")))
            .collect::<Vec<_>>();
        for cat in categories.into_iter().filter(|c| kids(*c, p!("cbc:ID")).any(|i| text(i) == "S")) {
            let rate = first(cat, p!("cbc:Percent")).map(|p| num(&text(p))).unwrap_or(f64::NAN);
            cx.check([25.0, 12.0, 6.0].contains(&rate), "SE-R-006", cat, || {
                "Swedish standard VAT rates are 25, 12 and 6 %.".into()
            });
        }
    }
    let _ = root;
}

fn denmark(cx: &mut Cx<'_>) {
    let root = cx.root;
    let country = |party: Path| {
        path(root, &format!("{party}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
            .first()
            .map(|c| text(*c).into_owned())
            .unwrap_or_default()
    };
    let (supplier, customer) = (country(p!("cac:AccountingSupplierParty")), country(p!("cac:AccountingCustomerParty")));
    if supplier != "DK" {
        return;
    }
    let legal = first(root, p!("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"));
    cx.check(legal.is_some_and(|l| !nz(&own_text(l)).is_empty()), "DK-R-002", root, || {
        "Danish sellers must give their CVR number (BT-30).".into()
    });
    cx.check(legal.is_none_or(|l| nz(attr(l, "schemeID")) == "0184"), "DK-R-014", root, || {
        "A Danish seller's CVR number (BT-30) must have scheme 0184.".into()
    });
    let payable =
        first(root, p!("cac:LegalMonetaryTotal/cbc:PayableAmount")).map(|p| num(&own_text(p))).unwrap_or(f64::NAN);
    cx.check(!(cx.credit && customer == "DK" && payable < 0.0), "DK-R-016", root, || {
        "A Danish credit note cannot have a negative amount due (BT-115).".into()
    });
    if customer != "DK" {
        return;
    }
    for ident in path(root, p!("cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification"))
        .into_iter()
        .chain(path(root, p!("cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification")))
    {
        let missing = first(ident, p!("cbc:ID")).is_some_and(|i| nz(attr(i, "schemeID")).is_empty());
        cx.check(!missing, "DK-R-013", ident, || "Between Danish parties a party identifier needs its scheme.".into());
    }
    if !cx.credit {
        for means in kids(root, p!("cac:PaymentMeans")).collect::<Vec<_>>() {
            danish_payment(cx, means);
        }
    }
    for ac in cx.everywhere(p!("cac:AllowanceCharge")).collect::<Vec<_>>() {
        let zzz = kids(ac, p!("cbc:AllowanceChargeReasonCode")).any(|c| text(c) == "ZZZ");
        let reason = first(ac, p!("cbc:AllowanceChargeReason")).map(text).unwrap_or_default();
        let four = nz(&first(ac, p!("cbc:AllowanceChargeReason")).map(own_text).unwrap_or_default()).chars().count()
            == 4
            && (0.0..=9999.0).contains(&num(&reason));
        let hashed = has(ac, p!("cbc:AllowanceChargeReason"))
            && reason.contains('#')
            && !reason.starts_with('#')
            && !reason.ends_with('#');
        cx.check(!zzz || four || hashed, "DK-R-004", ac, || {
            "A Danish non-VAT tax (reason code ZZZ) must give its 4-digit tax category or a reason with '#' inside."
                .into()
        });
    }
}

fn danish_payment<'a>(cx: &mut Cx<'a>, means: N<'a>) {
    let code = first(means, p!("cbc:PaymentMeansCode")).map(text).unwrap_or_default();
    let id = first(means, p!("cbc:PaymentID")).map(text).unwrap_or_default();
    let prefix: String = id.chars().take(3).collect();
    let account = nz_at(means, p!("cac:PayeeFinancialAccount/cbc:ID"));
    let len = id.chars().count();
    let allowed = [" 1 ", " 10 ", " 31 ", " 42 ", " 48 ", " 49 ", " 50 ", " 58 ", " 59 ", " 93 ", " 97 "];
    let listed =
        kids(means, p!("cbc:PaymentMeansCode")).count() <= 1 && allowed.contains(&format!(" {code} ").as_str());
    cx.check(listed, "DK-R-005", means, || format!("Payment means code '{code}' is not used between Danish parties."));
    let has_code = |c: &str| kids(means, p!("cbc:PaymentMeansCode")).any(|p| text(p) == c);
    let bank = !account.is_empty()
        && !nz_at(means, p!("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID")).is_empty();
    cx.check(!((has_code("31") || has_code("42")) && !bank), "DK-R-006", means, || {
        "A Danish bank transfer needs the account number and the bank's registration number.".into()
    });
    let mandate = !nz_at(means, p!("cac:PaymentMandate/cbc:ID")).is_empty()
        && !nz_at(means, p!("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID")).is_empty();
    cx.check(!has_code("49") || mandate, "DK-R-007", means, || {
        "A Danish direct debit needs the mandate and the payer's account.".into()
    });
    let account_raw = first(means, p!("cac:PayeeFinancialAccount/cbc:ID")).map(text).unwrap_or_default();
    let giro_account = (7..=8).contains(&account_raw.len()) && account_raw.bytes().all(|b| b.is_ascii_digit());
    cx.check(
        !(has_code("50") && !(["01#", "04#", "15#"].contains(&prefix.as_str()) && giro_account)),
        "DK-R-008",
        means,
        || "A Danish giro payment needs a payment id starting 01#, 04# or 15# and a 7-8 digit account.".into(),
    );
    cx.check(!(has_code("50") && ["04#", "15#"].contains(&prefix.as_str()) && len != 19), "DK-R-009", means, || {
        "A Danish giro payment id starting 04# or 15# has 19 characters.".into()
    });
    let fik_account =
        first(means, p!("cac:PayeeFinancialAccount/cbc:ID")).map(own_text).unwrap_or_default().chars().count() == 8;
    cx.check(
        !(has_code("93") && !(["71#", "73#", "75#"].contains(&prefix.as_str()) && fik_account)),
        "DK-R-010",
        means,
        || "A Danish FIK payment needs a payment id starting 71#, 73# or 75# and an 8-digit creditor number.".into(),
    );
    cx.check(
        !(has_code("93") && ["71#", "75#"].contains(&prefix.as_str()) && !(len == 18 || len == 19)),
        "DK-R-011",
        means,
        || "A Danish FIK payment id starting 71# or 75# has 18 or 19 characters.".into(),
    );
}
