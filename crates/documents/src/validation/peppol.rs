//! The Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-R*, -CL*, -P*, -F001, PEPPOL-COMMON-R*)
//! for UBL, translated from `tests/einvoice/peppol/PEPPOL-EN16931-UBL.sch`. Rules of one
//! Schematron pattern see a node at their first matching context only; the code keeps that
//! order (an allowance with a percentage but no base amount gets R041, not R040/R043).

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::codes;
use super::dom::{
    Cx, N, attr, blank, dec_at, dec_of, first, has, is, is_cbc_any, kid, kids, named_any, nz, nz_at, path, text,
};
use super::names::{NameSet, Path};

pub(super) fn check(cx: &mut Cx<'_>) {
    let root = cx.root;
    let facts = Facts::new(cx);
    document(cx, root, &facts);
    for n in cx.all() {
        if n.is_leaf() && blank(n) {
            cx.fail("PEPPOL-EN16931-R008", n, "The document contains an empty element; leave it out instead.");
        }
        element(cx, n, &facts);
        code_lists(cx, n, &facts);
    }
}

/// The Schematron's global variables.
pub(super) struct Facts {
    pub(super) profile: Option<String>,
    pub(super) supplier_country: String,
    pub(super) supplier_de: bool,
    pub(super) customer_de: bool,
    document_currency: String,
}

impl Facts {
    pub(super) fn new(cx: &Cx<'_>) -> Self {
        let root = cx.root;
        let vat_prefix = |party: Path| {
            path(root, &format!("{party}/cac:PartyTaxScheme"))
                .into_iter()
                .filter(|s| kids(*s, p!("cac:TaxScheme")).any(|t| kids(t, p!("cbc:ID")).any(|i| text(i) == "VAT")))
                .filter_map(|s| first(s, p!("cbc:CompanyID")))
                .map(|c| text(c).chars().take(2).collect::<String>())
                .find(|p| !p.is_empty())
                .map(|p| nz(&p).to_uppercase())
        };
        let country = |party: Path| {
            nz_at(root, &format!("{party}/cac:PostalAddress/cac:Country/cbc:IdentificationCode")).to_uppercase()
        };
        let has_country =
            |party: Path| has(root, &format!("{party}/cac:PostalAddress/cac:Country/cbc:IdentificationCode"));
        let seller = p!("cac:AccountingSupplierParty/cac:Party");
        let buyer = p!("cac:AccountingCustomerParty/cac:Party");
        let supplier_country = vat_prefix(seller)
            .or_else(|| vat_prefix(p!("cac:TaxRepresentativeParty")))
            .or_else(|| has_country(seller).then(|| country(seller)))
            .unwrap_or_else(|| "XX".into());
        Self {
            profile: profile(&nz_at(root, p!("cbc:ProfileID"))),
            supplier_country,
            supplier_de: country(seller) == "DE",
            customer_de: country(buyer) == "DE",
            document_currency: text(first(root, p!("cbc:DocumentCurrencyCode")).unwrap_or(root)).into_owned(),
        }
    }
}

/// `matches(., 'urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0')` (unanchored, `.` any
/// character), then the seventh `:`-separated token.
fn profile(id: &str) -> Option<String> {
    let pattern: Vec<char> = "urn:fdc:peppol?eu:2017:poacc:billing:##:1?0".chars().collect();
    let chars: Vec<char> = id.chars().collect();
    let found = (0..chars.len()).any(|start| {
        chars.len() - start >= pattern.len()
            && pattern.iter().zip(&chars[start..]).all(|(p, c)| match p {
                '?' => *c != '\n',
                '#' => c.is_ascii_digit(),
                _ => p == c,
            })
    });
    found.then(|| id.split(':').nth(6).unwrap_or("").to_string())
}

fn document<'a>(cx: &mut Cx<'a>, root: N<'a>, facts: &Facts) {
    if cx.credit {
        let projects = kids(root, p!("cac:AdditionalDocumentReference"))
            .filter(|d| kids(*d, p!("cbc:DocumentTypeCode")).any(|c| text(c) == "50"))
            .count();
        cx.check(projects <= 1, "PEPPOL-EN16931-R080", root, || {
            "Only one project reference (BT-11) is allowed.".into()
        });
    }
    cx.check(has(root, p!("cbc:ProfileID")), "PEPPOL-EN16931-R001", root, || {
        "The business process (BT-23) is missing.".into()
    });
    cx.check(facts.profile.is_some(), "PEPPOL-EN16931-R007", root, || {
        "The business process (BT-23) must look like 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0'.".into()
    });
    cx.check(
        kids(root, p!("cbc:Note")).count() <= 1 || (facts.supplier_de && facts.customer_de),
        "PEPPOL-EN16931-R002",
        root,
        || "Only one invoice note (BT-22) is allowed.".into(),
    );
    cx.check(
        has(root, p!("cbc:BuyerReference")) || has(root, p!("cac:OrderReference/cbc:ID")),
        "PEPPOL-EN16931-R003",
        root,
        || "Give the buyer's reference (BT-10) or their purchase order number (BT-13).".into(),
    );
    let customization =
        first(root, p!("cbc:CustomizationID")).map(|c| nz(&c.first_text().unwrap_or_default()).into_owned());
    let customization = customization.unwrap_or_default();
    cx.check(
        customization.starts_with("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"),
        "PEPPOL-EN16931-R004",
        root,
        || format!("The specification identifier (BT-24) '{customization}' is not the Peppol BIS Billing 3.0 one."),
    );
    let totals: Vec<N<'a>> = kids(root, p!("cac:TaxTotal")).collect();
    let with_breakdown = totals.iter().filter(|t| has(**t, p!("cac:TaxSubtotal"))).count();
    cx.check(with_breakdown == 1, "PEPPOL-EN16931-R053", root, || {
        "There must be exactly one VAT total with a VAT breakdown.".into()
    });
    let expected = usize::from(has(root, p!("cbc:TaxCurrencyCode")));
    cx.check(totals.len() - with_breakdown == expected, "PEPPOL-EN16931-R054", root, || {
        "A VAT total in the accounting currency (BT-111) must be given exactly when the accounting currency (BT-6) is."
            .into()
    });
    if has(root, p!("cbc:TaxCurrencyCode")) {
        let amounts = |code: Path| -> Vec<f64> {
            let currency = nz_at(root, code);
            totals
                .iter()
                .flat_map(|t| kids(*t, p!("cbc:TaxAmount")).collect::<Vec<_>>())
                .filter(|a| attr(*a, "currencyID") == currency)
                .map(|a| super::dom::num(&text(a)))
                .collect()
        };
        let (accounting, invoice) = (amounts(p!("cbc:TaxCurrencyCode")), amounts(p!("cbc:DocumentCurrencyCode")));
        let all = |v: &[f64], f: fn(f64) -> bool| v.iter().any(|x| f(*x));
        let ok = (all(&accounting, |x| x <= 0.0) && all(&invoice, |x| x <= 0.0))
            || (all(&accounting, |x| x >= 0.0) && all(&invoice, |x| x >= 0.0));
        cx.check(ok, "PEPPOL-EN16931-R055", root, || {
            "The total VAT (BT-110) and the total VAT in accounting currency (BT-111) must have the same sign.".into()
        });
    }
}

fn slack(expected: Decimal, value: Decimal) -> bool {
    let s = Decimal::new(2, 2);
    // Equal (almost every line) settles it without the two rescaling additions.
    expected == value || (expected + s >= value && expected - s <= value)
}

fn element<'a>(cx: &mut Cx<'a>, n: N<'a>, facts: &Facts) {
    // Cheap first: most elements are none of the contexts below.
    const CONTEXTS: NameSet = NameSet::of(&[
        "TaxCurrencyCode",
        "Party",
        "AllowanceCharge",
        "PaymentMeans",
        "Amount",
        "BaseAmount",
        "PriceAmount",
        "TaxAmount",
        "TaxableAmount",
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "PayableAmount",
        "StartDate",
        "EndDate",
        "InvoiceLine",
        "CreditNoteLine",
        "BaseQuantity",
        "EndpointID",
        "CompanyID",
        "ID",
    ]);
    if !named_any(n, &CONTEXTS) {
        return;
    }
    // A cbc:ID (three in every invoice line) can only be an identifier's context below (with
    // a schemeID), every other block tests another name: the rest is not gone through for it.
    if is(n, p!("cbc:ID")) && !n.has_attribute("schemeID") {
        return;
    }
    let parent = n.parent_element();
    let under = |name: Path| parent.is_some_and(|p| is(p, name));
    let is_line = |p: N<'_>| is(p, p!("cac:InvoiceLine")) || is(p, p!("cac:CreditNoteLine"));
    if is(n, p!("cbc:TaxCurrencyCode")) {
        // normalize-space() of a node sequence takes its first node, or "" when empty.
        let document = parent.and_then(|p| kid(p, p!("cbc:DocumentCurrencyCode"))).map(own_text).unwrap_or_default();
        let same = nz(&document) == nz(&own_text(n));
        cx.check(!same, "PEPPOL-EN16931-R005", n, || {
            "The VAT accounting currency (BT-6) must differ from the invoice currency (BT-5).".into()
        });
    } else if is(n, p!("cac:Party")) && under(p!("cac:AccountingCustomerParty")) {
        cx.check(has(n, p!("cbc:EndpointID")), "PEPPOL-EN16931-R010", n, || {
            "The buyer's electronic address (BT-49) is missing.".into()
        });
    } else if is(n, p!("cac:Party")) && under(p!("cac:AccountingSupplierParty")) {
        cx.check(has(n, p!("cbc:EndpointID")), "PEPPOL-EN16931-R020", n, || {
            "The seller's electronic address (BT-34) is missing.".into()
        });
    } else if is(n, p!("cac:AllowanceCharge"))
        && parent.is_some_and(|p| {
            p.parent_element().is_none()
                || (is_line(p) && p.parent_element().is_some_and(|r| r.parent_element().is_none()))
        })
    {
        let (percent, base) = (has(n, p!("cbc:MultiplierFactorNumeric")), has(n, p!("cbc:BaseAmount")));
        if percent && !base {
            cx.fail("PEPPOL-EN16931-R041", n, "An allowance or charge with a percentage needs its base amount.");
        } else if base && !percent {
            cx.fail("PEPPOL-EN16931-R042", n, "An allowance or charge with a base amount needs its percentage.");
        } else {
            if percent && base {
                let amount = if has(n, p!("cbc:Amount")) { dec_at(n, p!("cbc:Amount")) } else { Some(Decimal::ZERO) };
                let computed = dec_at(n, p!("cbc:BaseAmount"))
                    .zip(dec_at(n, p!("cbc:MultiplierFactorNumeric")))
                    .map(|(b, m)| b * m / Decimal::ONE_HUNDRED);
                cx.check(amount.zip(computed).is_some_and(|(a, c)| slack(a, c)), "PEPPOL-EN16931-R040", n, || {
                    format!(
                        "The allowance or charge amount is not its base amount times its percentage ({}).",
                        super::cen_core::shown(computed)
                    )
                });
            }
            let indicator =
                first(n, p!("cbc:ChargeIndicator")).map(|c| nz(&own_text(c)).into_owned()).unwrap_or_default();
            cx.check(indicator == "true" || indicator == "false", "PEPPOL-EN16931-R043", n, || {
                "The charge indicator must be 'true' or 'false'.".into()
            });
        }
    } else if is(n, p!("cac:PaymentMeans")) && matches!(&*nz_at(n, p!("cbc:PaymentMeansCode")), "49" | "59") {
        cx.check(has(n, p!("cac:PaymentMandate/cbc:ID")), "PEPPOL-EN16931-R061", n, || {
            "A direct debit needs the mandate reference (BT-89).".into()
        });
    } else if is_amount(n) {
        cx.check(attr(n, "currencyID") == facts.document_currency, "PEPPOL-EN16931-R051", n, || {
            format!(
                "The amount is in {}, not in the invoice currency {} (BT-5).",
                attr(n, "currencyID"),
                facts.document_currency
            )
        });
    } else if (is(n, p!("cbc:StartDate")) || is(n, p!("cbc:EndDate")))
        && under(p!("cac:InvoicePeriod"))
        && parent
            .and_then(|p| p.parent_element())
            .is_some_and(|l| is_line(l) && l.parent_element().is_some_and(|r| r.parent_element().is_none()))
    {
        let root = cx.root;
        let start = is(n, p!("cbc:StartDate"));
        let name = if start { p!("cbc:StartDate") } else { p!("cbc:EndDate") };
        if let Some(outer) = path(root, &format!("cac:InvoicePeriod/{name}")).first() {
            let (mine, theirs) = (own_text(n), text(*outer));
            let (mine, theirs) = (nz(&mine), nz(&theirs));
            let ok = if start { mine >= theirs } else { mine <= theirs };
            let (rule, what) =
                if start { ("PEPPOL-EN16931-R110", "starts before") } else { ("PEPPOL-EN16931-R111", "ends after") };
            cx.check(ok, rule, n, || format!("A line period (BG-26) {what} the invoicing period (BG-14)."));
        }
    } else if is_line(n) {
        line(cx, n);
    } else if is(n, p!("cac:AllowanceCharge")) && under(p!("cac:Price")) {
        cx.check(nz_at(n, p!("cbc:ChargeIndicator")) == "false", "PEPPOL-EN16931-R044", n, || {
            "A price may only have a discount, not a charge.".into()
        });
        if has(n, p!("cbc:BaseAmount")) {
            let net = parent.and_then(|p| dec_at(p, p!("cbc:PriceAmount")));
            let ok = net.is_some()
                && net == dec_at(n, p!("cbc:BaseAmount")).zip(dec_at(n, p!("cbc:Amount"))).map(|(b, a)| b - a);
            cx.check(ok, "PEPPOL-EN16931-R046", n, || {
                "The item net price (BT-146) must equal the gross price (BT-148) minus the price discount (BT-147)."
                    .into()
            });
        }
    } else if is(n, p!("cbc:BaseQuantity")) && under(p!("cac:Price")) && n.has_attribute("unitCode") {
        let line = parent.and_then(|p| p.parent_element());
        let quantity = line
            .and_then(|l| first(l, if cx.credit { p!("cbc:CreditedQuantity") } else { p!("cbc:InvoicedQuantity") }));
        let any_quantity =
            line.is_some_and(|l| has(l, p!("cbc:InvoicedQuantity")) || has(l, p!("cbc:CreditedQuantity")));
        let ok = !any_quantity || quantity.is_some_and(|q| q.attribute("unitCode") == n.attribute("unitCode"));
        cx.check(ok, "PEPPOL-EN16931-R130", n, || {
            "The price base quantity (BT-150) must use the line quantity's unit (BT-130).".into()
        });
    } else if let Some(scheme) = identifier_scheme(n) {
        identifier(cx, n, scheme);
    }
}

/// The text node children only (XPath `text()`), as some Peppol rules read.
pub(super) fn own_text(n: N<'_>) -> Cow<'_, str> {
    n.own_text()
}

fn is_amount(n: N<'_>) -> bool {
    const NAMES: NameSet = NameSet::of(&[
        "Amount",
        "BaseAmount",
        "PriceAmount",
        "TaxableAmount",
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "PayableAmount",
    ]);
    is_cbc_any(n, &NAMES)
        || (is(n, p!("cbc:TaxAmount"))
            && n.parent_element().is_some_and(|p| {
                is(p, p!("cac:TaxSubtotal")) || (is(p, p!("cac:TaxTotal")) && has(p, p!("cac:TaxSubtotal")))
            }))
}

fn line<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    // The line's children, gathered once for all the line rules (`line.rs`).
    let line = cx.line(n);
    // `if (exists(x)) then xs:decimal(x) else d`: the first node's value, or the default.
    let or = |x: Option<N<'_>>, d: Decimal| x.map_or(Some(d), dec_of);
    let line_amount = or(line.first(p!("cbc:LineExtensionAmount")), Decimal::ZERO);
    let quantity_name = if cx.credit { p!("cbc:CreditedQuantity") } else { p!("cbc:InvoicedQuantity") };
    let quantity = or(line.first(quantity_name), Decimal::ONE);
    let price = or(line.first(p!("cac:Price/cbc:PriceAmount")), Decimal::ZERO);
    let base_quantity = line.first(p!("cac:Price/cbc:BaseQuantity"));
    let base = base_quantity.and_then(dec_of).filter(|b| !b.is_zero()).unwrap_or(Decimal::ONE);
    // Almost no line has allowances or charges: their rounded sum is then that of nothing,
    // computed once (a Decimal division) instead of twice per line.
    static NOTHING: std::sync::LazyLock<Decimal> = std::sync::LazyLock::new(|| super::dom::cents(Decimal::ZERO));
    let any_ac = line.has(p!("cac:AllowanceCharge"));
    let total = |charge: &str| {
        if !any_ac {
            return *NOTHING;
        }
        super::dom::cents(
            line.kids(p!("cac:AllowanceCharge"))
                .filter(|a| nz_at(*a, p!("cbc:ChargeIndicator")) == charge)
                .filter_map(|a| dec_at(a, p!("cbc:Amount")))
                .sum(),
        )
    };
    let computed = quantity
        .zip(price)
        // Dividing by a base quantity of 1 (almost every line) is skipped: a Decimal division
        // costs more than the rest of the rule.
        .and_then(|(q, p)| {
            if base == Decimal::ONE { Some(p) } else { p.checked_div(base) }.and_then(|u| q.checked_mul(u))
        })
        .map(|v| v + total("true") - total("false"));
    let line_id = super::cen_core::LineId(n);
    cx.check(line_amount.zip(computed).is_some_and(|(l, c)| slack(l, c)), "PEPPOL-EN16931-R120", n, || {
        format!("The net amount of line {line_id} (BT-131: {}) is not quantity × price / base quantity + charges − allowances ({}).", super::cen_core::shown(line_amount), super::cen_core::shown(computed.map(|c| c.round_dp(4))))
    });
    cx.check(
        base_quantity.is_none_or(|b| dec_of(b).is_some_and(|v| v > Decimal::ZERO)),
        "PEPPOL-EN16931-R121",
        n,
        || format!("The price base quantity (BT-149) of line {line_id} must be above zero."),
    );
    cx.check(line.kids(p!("cac:DocumentReference")).count() <= 1, "PEPPOL-EN16931-R100", n, || {
        format!("Line {line_id} may reference only one invoiced object (BT-128).")
    });
    let ok = !line.has(p!("cac:DocumentReference"))
        || line.any(p!("cac:DocumentReference/cbc:DocumentTypeCode"), |c| text(c) == "130");
    cx.check(ok, "PEPPOL-EN16931-R101", n, || {
        format!("The document reference of line {line_id} must be an invoiced object (type code 130).")
    });
}

fn identifier_scheme(n: N<'_>) -> Option<&str> {
    let scheme = n.attribute("schemeID")?;
    let fits = is(n, p!("cbc:EndpointID"))
        || is(n, p!("cbc:CompanyID"))
        || (is(n, p!("cbc:ID")) && n.parent_element().is_some_and(|p| is(p, p!("cac:PartyIdentification"))));
    fits.then_some(scheme)
}

fn identifier<'a>(cx: &mut Cx<'a>, n: N<'a>, scheme: &str) {
    let raw = text(n);
    let value = nz(&raw);
    let digits = |len: usize| value.len() == len && value.bytes().all(|b| b.is_ascii_digit());
    let (rule, ok, what) = match scheme {
        "0088" => (
            "PEPPOL-COMMON-R040",
            !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) && super::national::gln(&value),
            "GLN",
        ),
        "0192" => ("PEPPOL-COMMON-R041", digits(9) && super::national::mod11(&value), "Norwegian organisation number"),
        "0184" => {
            let raw = text(n);
            let ok =
                (raw.chars().count() == 10 && raw.starts_with("DK") && raw[2..].bytes().all(|b| b.is_ascii_digit()))
                    || (raw.chars().count() == 8 && raw.bytes().all(|b| b.is_ascii_digit()));
            ("PEPPOL-COMMON-R042", ok, "Danish CVR number")
        }
        "0208" => ("PEPPOL-COMMON-R043", digits(10) && mod97_0208(&value), "Belgian enterprise number"),
        "0007" => ("PEPPOL-COMMON-R049", digits(10) && super::national::luhn_se(&value), "Swedish organisation number"),
        "0151" => ("PEPPOL-COMMON-R050", digits(11) && abn(&value), "Australian Business Number"),
        _ => return,
    };
    cx.check(ok, rule, n, || format!("'{value}' is not a valid {what}."));
}

fn mod97_0208(v: &str) -> bool {
    let (Ok(body), Ok(check)) = (v[..8].parse::<u64>(), v[8..10].parse::<u64>()) else { return false };
    97 - body % 97 == check
}

fn abn(v: &str) -> bool {
    const WEIGHTS: [i64; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let digits: Vec<i64> = v.bytes().map(|b| i64::from(b - b'0')).collect();
    let sum: i64 =
        digits.iter().zip(WEIGHTS).enumerate().map(|(i, (d, w))| if i == 0 { (d - 1) * w } else { d * w }).sum();
    sum.rem_euclid(89) == 0
}

fn code_lists<'a>(cx: &mut Cx<'a>, n: N<'a>, facts: &Facts) {
    // Cheap first: most elements are none of the contexts below.
    const CONTEXTS: NameSet = NameSet::of(&[
        "EmbeddedDocumentBinaryObject",
        "AllowanceChargeReasonCode",
        "DescriptionCode",
        "Amount",
        "BaseAmount",
        "PriceAmount",
        "TaxAmount",
        "TaxableAmount",
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "PayableAmount",
        "InvoiceTypeCode",
        "CreditNoteTypeCode",
        "IssueDate",
        "DueDate",
        "TaxPointDate",
        "StartDate",
        "EndDate",
        "ActualDeliveryDate",
        "EndpointID",
        "TaxCategory",
    ]);
    if !named_any(n, &CONTEXTS) {
        return;
    }
    let parent = n.parent_element();
    let raw = own_text(n);
    let value = nz(&raw);
    let indicator = |v: &str| {
        parent.is_some_and(|p| {
            is(p, p!("cac:AllowanceCharge")) && kids(p, p!("cbc:ChargeIndicator")).any(|c| text(c) == v)
        })
    };
    const UNCL5189: [&str; 19] = [
        "100", "102", "103", "104", "105", "41", "42", "60", "62", "63", "64", "65", "66", "67", "68", "70", "71",
        "88", "95",
    ];
    if is(n, p!("cbc:EmbeddedDocumentBinaryObject")) && n.has_attribute("mimeCode") {
        const MIME: [&str; 6] = [
            "application/pdf",
            "image/png",
            "image/jpeg",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.spreadsheet",
        ];
        cx.check(MIME.contains(&attr(n, "mimeCode")), "PEPPOL-EN16931-CL001", n, || {
            "The attachment's MIME type is not allowed.".into()
        });
    } else if is(n, p!("cbc:AllowanceChargeReasonCode")) && indicator("false") {
        cx.check(UNCL5189.contains(&&*value), "PEPPOL-EN16931-CL002", n, || {
            format!("'{value}' is not an allowance reason code (UNTDID 5189).")
        });
    } else if is(n, p!("cbc:AllowanceChargeReasonCode")) && indicator("true") {
        let ok = cx.in_list(codes::PEPPOL_UNCL7161, &value);
        cx.check(ok, "PEPPOL-EN16931-CL003", n, || format!("'{value}' is not a charge reason code (UNTDID 7161)."));
    } else if is(n, p!("cbc:DescriptionCode")) && parent.is_some_and(|p| is(p, p!("cac:InvoicePeriod"))) {
        cx.check(["3", "35", "432"].contains(&&*value), "PEPPOL-EN16931-CL006", n, || {
            format!("'{value}' is not a VAT point date code (UNTDID 2005).")
        });
    } else if is_amount(n) || is(n, p!("cbc:TaxAmount")) {
        let currency = attr(n, "currencyID");
        let ok = cx.in_list(codes::PEPPOL_ISO4217, currency);
        cx.check(ok, "PEPPOL-EN16931-CL007", n, || format!("'{currency}' is not an ISO 4217 currency code."));
    } else if is(n, p!("cbc:InvoiceTypeCode")) {
        const TYPES: [&str; 26] = [
            "71", "80", "82", "84", "102", "218", "219", "326", "331", "380", "382", "383", "384", "386", "388", "393",
            "395", "553", "575", "623", "780", "817", "870", "875", "876", "877",
        ];
        let ok = facts.profile.as_deref() != Some("01") || TYPES.contains(&&*value);
        cx.check(ok, "PEPPOL-EN16931-P0100", n, || {
            format!("Invoice type code '{value}' is not allowed in this business process.")
        });
        let german_only = matches!(&*nz(&text(n)), "326" | "384");
        cx.check(!german_only || (facts.supplier_de && facts.customer_de), "PEPPOL-EN16931-P0112", n, || {
            "Invoice type codes 326 and 384 are only for invoices between German organisations.".into()
        });
    } else if is(n, p!("cbc:CreditNoteTypeCode")) {
        let ok = facts.profile.as_deref() != Some("01") || ["381", "396", "81", "83", "532"].contains(&&*value);
        cx.check(ok, "PEPPOL-EN16931-P0101", n, || {
            format!("Credit note type code '{value}' is not allowed in this business process.")
        });
    } else if is_cbc_any(
        n,
        &const { NameSet::of(&["IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "ActualDeliveryDate"]) },
    ) {
        let raw = own_text(n);
        cx.check(raw.chars().count() == 10 && is_date(&text(n)), "PEPPOL-EN16931-F001", n, || {
            format!("The date '{raw}' must be written YYYY-MM-DD.")
        });
    } else if is(n, p!("cbc:EndpointID")) && n.has_attribute("schemeID") {
        let scheme = attr(n, "schemeID");
        let ok = cx.in_list(codes::PEPPOL_EAID, scheme);
        cx.check(ok, "PEPPOL-EN16931-CL008", n, || format!("'{scheme}' is not a Peppol electronic address scheme."));
    } else if is(n, p!("cac:TaxCategory")) {
        let reason = kids(n, p!("cbc:TaxExemptionReasonCode")).map(|c| text(c).to_uppercase()).collect::<Vec<_>>();
        let category = nz_at(n, p!("cbc:ID"));
        for (code, rule, wanted) in [
            ("VATEX-EU-G", "PEPPOL-EN16931-P0104", "G"),
            ("VATEX-EU-O", "PEPPOL-EN16931-P0105", "O"),
            ("VATEX-EU-IC", "PEPPOL-EN16931-P0106", "K"),
            ("VATEX-EU-AE", "PEPPOL-EN16931-P0107", "AE"),
            ("VATEX-EU-D", "PEPPOL-EN16931-P0108", "E"),
            ("VATEX-EU-F", "PEPPOL-EN16931-P0109", "E"),
            ("VATEX-EU-I", "PEPPOL-EN16931-P0110", "E"),
            ("VATEX-EU-J", "PEPPOL-EN16931-P0111", "E"),
        ] {
            if reason.iter().any(|r| r == code) {
                cx.check(category == wanted, rule, n, || {
                    format!("With exemption reason code {code} the VAT category must be '{wanted}'.")
                });
                break;
            }
        }
    }
}

/// `castable as xs:date` for a 10-character value: YYYY-MM-DD with a real day.
pub(super) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |r: std::ops::Range<usize>| {
        s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit())).and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else { return false };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}
