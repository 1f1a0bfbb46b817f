//! The CEN rules on the UBL syntax (UBL-SR-*: elements EN 16931 allows once, UBL-DT-*: data
//! types, the two fatal UBL-CR-*) and on code lists (BR-CL-*). The many UBL-CR-* and UBL-DT-*
//! warnings about elements EN 16931 does not use are not checked: they never make a document
//! invalid. Each rule is checked at the first matching context of its pattern, as Schematron
//! does.

use super::cen_core::charge_is;
use super::codes;
use super::dom::{
    Cx, Line, N, at_most_two_decimals, attr, count, has, is, is_cbc_any, kid, kids, named_any, nz, path, text,
};
use super::names::{NameSet, Path};

pub(super) fn check(cx: &mut Cx<'_>) {
    for n in cx.all() {
        syntax(cx, n);
        code_list(cx, n);
    }
}

fn at_most_one<'a>(cx: &mut Cx<'a>, n: N<'a>, rules: &[(&'static str, Path, &str)]) {
    for (rule, p, what) in rules {
        cx.check(count(n, *p) <= 1, rule, n, || format!("{what} may appear only once."));
    }
}

/// `at_most_one` for a line, over its gathered children (`line.rs`).
fn at_most_one_in_line<'a>(cx: &mut Cx<'a>, line: &Line<'a>, rules: &[(&'static str, Path, &str)]) {
    let n = line.node();
    for (rule, p, what) in rules {
        cx.check(line.count(*p) <= 1, rule, n, || format!("{what} may appear only once."));
    }
}

fn syntax<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    let parent = n.parent_element();
    let name = n.local();
    const CONTEXTS: NameSet = NameSet::of(&[
        "PostalAddress",
        "Address",
        "Party",
        "AdditionalDocumentReference",
        "Delivery",
        "AllowanceCharge",
        "PartyTaxScheme",
        "InvoiceLine",
        "CreditNoteLine",
        "PayeeParty",
        "PaymentMeans",
        "BillingReference",
        "TaxRepresentativeParty",
        "TaxSubtotal",
    ]);
    let context = named_any(n, &CONTEXTS);
    if !context && parent.is_some() && !name.ends_with("Amount") && !name.ends_with("BinaryObject") {
        return;
    }
    if is(n, p!("cac:PostalAddress")) || is(n, p!("cac:Address")) {
        cx.check(count(n, p!("cac:AddressLine")) <= 1, "UBL-SR-51", n, || {
            "An address may have only one third address line (BT-163).".into()
        });
    } else if is(n, p!("cac:Party")) && parent.is_some_and(|p| is(p, p!("cac:AccountingSupplierParty"))) {
        cx.check(count(n, p!("cac:PartyTaxScheme")) <= 2, "UBL-SR-42", n, || {
            "The seller may have at most two tax registrations (BT-31, BT-32).".into()
        });
    } else if is(n, p!("cac:AdditionalDocumentReference")) {
        at_most_one(
            cx,
            n,
            &[("UBL-SR-33", p!("cbc:DocumentDescription"), "A supporting document description (BT-123)")],
        );
        let type_code = kids(n, p!("cbc:DocumentTypeCode")).map(text).collect::<Vec<_>>();
        let ok = type_code.iter().any(|c| c == "130")
            || (cx.credit && type_code.iter().any(|c| c == "50"))
            || (!path(n, p!("cbc:ID")).iter().any(|i| i.has_attribute("schemeID")) && type_code.is_empty());
        cx.check(ok, "UBL-SR-43", n, || {
            "A supporting document's scheme identifier may only be given for an invoiced object (type code 130).".into()
        });
    } else if name.ends_with("Amount")
        && !name.ends_with("PriceAmount")
        && !n.ancestors().skip(1).any(|a| is(a, p!("cac:Price")) && kids(a, p!("cac:AllowanceCharge")).next().is_some())
    {
        cx.check(at_most_two_decimals(n), "UBL-DT-01", n, || {
            format!("The amount {} has more than 2 decimals.", text(n).trim())
        });
    } else if name.ends_with("BinaryObject") {
        cx.check(n.has_attribute("mimeCode"), "UBL-DT-06", n, || {
            "An attached document (BT-125) has no MIME type.".into()
        });
        cx.check(n.has_attribute("filename"), "UBL-DT-07", n, || {
            "An attached document (BT-125) has no file name.".into()
        });
    } else if is(n, p!("cac:Delivery")) {
        at_most_one(
            cx,
            n,
            &[("UBL-SR-25", p!("cac:DeliveryParty/cac:PartyName/cbc:Name"), "The deliver-to party name (BT-70)")],
        );
    } else if is(n, p!("cac:AllowanceCharge")) && charge_is(n, false) {
        at_most_one(cx, n, &[("UBL-SR-30", p!("cbc:AllowanceChargeReason"), "An allowance reason")]);
    } else if is(n, p!("cac:AllowanceCharge")) && charge_is(n, true) {
        at_most_one(cx, n, &[("UBL-SR-31", p!("cbc:AllowanceChargeReason"), "A charge reason")]);
    } else if is(n, p!("cac:PartyTaxScheme")) {
        cx.check(has(n, p!("cac:TaxScheme/cbc:ID")) && has(n, p!("cbc:CompanyID")), "UBL-SR-53", n, || {
            "A tax registration needs both the identifier and the tax scheme.".into()
        });
    } else if parent.is_none() {
        document(cx, n);
    } else if is(n, p!("cac:InvoiceLine")) || is(n, p!("cac:CreditNoteLine")) {
        // The line's children, gathered once for all the line rules (`line.rs`).
        let line = cx.line(n);
        at_most_one_in_line(
            cx,
            &line,
            &[
                ("UBL-SR-34", p!("cbc:Note"), "A line note (BT-127)"),
                ("UBL-SR-35", p!("cac:OrderLineReference/cbc:LineID"), "A line's order line reference (BT-132)"),
                ("UBL-SR-36", p!("cac:InvoicePeriod"), "A line period (BG-26)"),
                ("UBL-SR-37", p!("cac:Price/cac:AllowanceCharge/cbc:Amount"), "A line's price discount (BT-147)"),
                ("UBL-SR-50", p!("cac:Item/cbc:Description"), "An item description (BT-154)"),
                ("UBL-SR-52", p!("cac:DocumentReference"), "A line's object identifier (BT-128)"),
            ],
        );
        cx.check(line.count(p!("cac:Item/cac:ClassifiedTaxCategory")) == 1, "UBL-SR-48", n, || {
            "A line must have exactly one VAT category (BT-151).".into()
        });
    } else if is(n, p!("cac:PayeeParty")) {
        let names: Vec<String> =
            path(n, p!("cac:PartyName/cbc:Name")).into_iter().map(|x| text(x).into_owned()).collect();
        let seller: Vec<String> = parent
            .map(|p| path(p, p!("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")))
            .unwrap_or_default()
            .into_iter()
            .map(|x| text(x).into_owned())
            .collect();
        let differs = names.iter().any(|a| seller.iter().any(|b| a != b));
        let sepa_free = path(n, p!("cac:PartyIdentification/cbc:ID"))
            .into_iter()
            .filter(|i| attr(*i, "schemeID").to_uppercase() != "SEPA")
            .count();
        for (rule, ok) in [
            ("UBL-SR-19", names.len() <= 1),
            ("UBL-SR-20", sepa_free <= 1),
            ("UBL-SR-21", count(n, p!("cac:PartyLegalEntity/cbc:CompanyID")) <= 1),
        ] {
            cx.check(ok && differs, rule, n, || "A payee (BG-10) is given only when it differs from the seller, with one name (BT-59), identifier (BT-60) and registration number (BT-61).".into());
        }
    } else if is(n, p!("cac:PaymentMeans")) {
        at_most_one(
            cx,
            n,
            &[
                ("UBL-SR-26", p!("cbc:PaymentID"), "The remittance information (BT-83)"),
                ("UBL-SR-27", p!("cbc:PaymentMeansCode"), "The payment means code (BT-81)"),
                ("UBL-SR-28", p!("cac:PaymentMandate/cbc:ID"), "The mandate reference (BT-89)"),
            ],
        );
    } else if is(n, p!("cac:BillingReference")) {
        at_most_one(
            cx,
            n,
            &[("UBL-SR-06", p!("cac:InvoiceDocumentReference"), "A preceding invoice reference (BG-3)")],
        );
        cx.check(has(n, p!("cac:InvoiceDocumentReference/cbc:ID")), "UBL-SR-07", n, || {
            "A preceding invoice reference (BG-3) needs the invoice number (BT-25).".into()
        });
    } else if is(n, p!("cac:TaxRepresentativeParty")) {
        at_most_one(
            cx,
            n,
            &[
                ("UBL-SR-22", p!("cac:PartyName/cbc:Name"), "The tax representative's name (BT-62)"),
                ("UBL-SR-23", p!("cac:PartyTaxScheme/cbc:CompanyID"), "The tax representative's VAT number (BT-63)"),
            ],
        );
    } else if is(n, p!("cac:TaxSubtotal")) {
        at_most_one(
            cx,
            n,
            &[("UBL-SR-32", p!("cac:TaxCategory/cbc:TaxExemptionReason"), "A VAT exemption reason (BT-120)")],
        );
    }
}

fn document<'a>(cx: &mut Cx<'a>, root: N<'a>) {
    let invoiced_objects: Vec<N<'a>> = cx
        .everywhere(p!("cac:AdditionalDocumentReference"))
        .filter(|d| kids(*d, p!("cbc:DocumentTypeCode")).any(|c| text(c) == "130"))
        .collect();
    cx.check(!invoiced_objects.iter().any(|d| has(*d, p!("cac:Attachment"))), "UBL-CR-666", root, || {
        "An invoiced object reference (document type 130) must not carry an attachment.".into()
    });
    cx.check(!invoiced_objects.iter().any(|d| has(*d, p!("cbc:DocumentDescription"))), "UBL-CR-673", root, || {
        "An invoiced object reference (document type 130) must not have a description.".into()
    });
    at_most_one(
        cx,
        root,
        &[
            ("UBL-SR-01", p!("cac:ContractDocumentReference/cbc:ID"), "The contract reference (BT-12)"),
            ("UBL-SR-02", p!("cac:ReceiptDocumentReference/cbc:ID"), "The receiving advice reference (BT-15)"),
            ("UBL-SR-03", p!("cac:DespatchDocumentReference/cbc:ID"), "The despatch advice reference (BT-16)"),
            ("UBL-SR-05", p!("cac:PaymentTerms/cbc:Note"), "The payment terms (BT-20)"),
            ("UBL-SR-08", p!("cac:InvoicePeriod"), "The invoicing period (BG-14)"),
            (
                "UBL-SR-09",
                p!("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
                "The seller's name (BT-27)",
            ),
            (
                "UBL-SR-10",
                p!("cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name"),
                "The seller's trading name (BT-28)",
            ),
            (
                "UBL-SR-11",
                p!("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
                "The seller's legal registration number (BT-30)",
            ),
            (
                "UBL-SR-14",
                p!("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm"),
                "The seller's additional legal information (BT-33)",
            ),
            (
                "UBL-SR-15",
                p!("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
                "The buyer's name (BT-44)",
            ),
            (
                "UBL-SR-16",
                p!("cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID"),
                "The buyer identifier (BT-46)",
            ),
            (
                "UBL-SR-17",
                p!("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
                "The buyer's legal registration number (BT-47)",
            ),
            ("UBL-SR-24", p!("cac:Delivery"), "The delivery information (BG-13)"),
            ("UBL-SR-39", p!("cac:ProjectReference/cbc:ID"), "The project reference (BT-11)"),
            (
                "UBL-SR-40",
                p!("cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name"),
                "The buyer's trading name (BT-45)",
            ),
            ("UBL-SR-45", p!("cac:PaymentMeans/cbc:PaymentDueDate"), "The payment due date in payment means"),
            ("UBL-SR-49", p!("cac:InvoicePeriod/cbc:DescriptionCode"), "The VAT point date code (BT-8)"),
            ("UBL-SR-54", p!("cac:PaymentMeans/cac:CardAccount"), "The payment card information (BG-18)"),
            ("UBL-SR-55", p!("cac:PaymentMeans/cac:PaymentMandate"), "The direct debit information (BG-19)"),
            ("UBL-SR-56", p!("cac:OriginatorDocumentReference/cbc:ID"), "The tender or lot reference (BT-17)"),
        ],
    );
    let objects = path(root, p!("cac:AdditionalDocumentReference"))
        .into_iter()
        .filter(|d| kids(*d, p!("cbc:DocumentTypeCode")).any(|c| text(c) == "130"));
    let object_ids: usize = objects.map(|d| kids(d, p!("cbc:ID")).count()).sum();
    cx.check(object_ids <= 1, "UBL-SR-04", root, || {
        "The invoiced object identifier (BT-18) may appear only once.".into()
    });
    let tax_ids = |role: Path, vat: bool| {
        path(root, &format!("{role}/cac:Party/cac:PartyTaxScheme"))
            .into_iter()
            // cac:TaxScheme/upper-case(cbc:ID): "" for a scheme without an identifier.
            .filter(|s| {
                kids(*s, p!("cac:TaxScheme"))
                    .any(|t| (kid(t, p!("cbc:ID")).map(|i| text(i).to_uppercase()).unwrap_or_default() == "VAT") == vat)
            })
            .map(|s| kids(s, p!("cbc:CompanyID")).count())
            .sum::<usize>()
    };
    cx.check(tax_ids(p!("cac:AccountingSupplierParty"), true) <= 1, "UBL-SR-12", root, || {
        "The seller's VAT identifier (BT-31) may appear only once.".into()
    });
    cx.check(tax_ids(p!("cac:AccountingSupplierParty"), false) <= 1, "UBL-SR-13", root, || {
        "The seller's tax registration identifier (BT-32) may appear only once.".into()
    });
    cx.check(tax_ids(p!("cac:AccountingCustomerParty"), true) <= 1, "UBL-SR-18", root, || {
        "The buyer's VAT identifier (BT-48) may appear only once.".into()
    });
    let sepa = cx
        .everywhere(p!("cac:PartyIdentification"))
        .flat_map(|p| kids(p, p!("cbc:ID")).collect::<Vec<_>>())
        .filter(|i| attr(*i, "schemeID").to_uppercase() == "SEPA")
        .count();
    cx.check(sepa <= 1, "UBL-SR-29", root, || {
        "The bank assigned creditor identifier (BT-90) may appear only once.".into()
    });
    let distinct = |name: Path| {
        let mut values: Vec<String> = cx.everywhere(name).map(|n| text(n).into_owned()).collect();
        values.sort();
        values.dedup();
        values.len()
    };
    let (payment_ids, means_codes) = (distinct(p!("cbc:PaymentID")), distinct(p!("cbc:PaymentMeansCode")));
    cx.check(payment_ids <= 1, "UBL-SR-44", root, || {
        "All payment instructions must carry the same remittance information (BT-83).".into()
    });
    cx.check(means_codes <= 1, "UBL-SR-47", root, || {
        "All payment instructions must use the same payment means code (BT-81).".into()
    });
    let named =
        path(root, p!("cac:PaymentMeans/cbc:PaymentMeansCode")).into_iter().filter(|c| c.has_attribute("name")).count();
    cx.check(named <= 1, "UBL-SR-46", root, || "The payment means text (BT-82) may appear only once.".into());
}

fn code_list<'a>(cx: &mut Cx<'a>, n: N<'a>) {
    // Cheap first: most elements are none of the contexts below.
    const CONTEXTS: NameSet = NameSet::of(&[
        "InvoiceTypeCode",
        "CreditNoteTypeCode",
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
        "DocumentCurrencyCode",
        "TaxCurrencyCode",
        "DescriptionCode",
        "ID",
        "CompanyID",
        "ItemClassificationCode",
        "IdentificationCode",
        "PaymentMeansCode",
        "AllowanceChargeReasonCode",
        "TaxExemptionReasonCode",
        "InvoicedQuantity",
        "BaseQuantity",
        "CreditedQuantity",
        "EmbeddedDocumentBinaryObject",
        "EndpointID",
    ]);
    if !named_any(n, &CONTEXTS) {
        return;
    }
    let parent = n.parent_element();
    let under = |name: Path| parent.is_some_and(|p| is(p, name));
    let value = text(n);
    // Read once: half the contexts below ask for it.
    let scheme_attr = n.attribute("schemeID");
    let (has_scheme, scheme) = (scheme_attr.is_some(), scheme_attr.unwrap_or(""));
    // A cbc:ID (three in every invoice line) is a context below only with a schemeID or in
    // a VAT category (BR-CL-07, -10, -17, -18, -21, -26); every other block tests another
    // name: the rest is not gone through for it.
    if is(n, p!("cbc:ID")) && !has_scheme && !under(p!("cac:TaxCategory")) && !under(p!("cac:ClassifiedTaxCategory")) {
        return;
    }
    let list_check = |cx: &mut Cx<'a>, rule: &'static str, list: &'static [&'static str], v: &str, what: &str| {
        let ok = cx.listed(list, v);
        cx.check(ok, rule, n, || format!("'{}' is not a valid {what}.", v.trim()));
    };
    const AMOUNTS: NameSet = NameSet::of(&[
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
    ]);
    if is(n, p!("cbc:InvoiceTypeCode")) {
        list_check(cx, "BR-CL-01", codes::UNCL1001_INVOICE, &value, "invoice type code (BT-3)");
    } else if is(n, p!("cbc:CreditNoteTypeCode")) {
        list_check(cx, "BR-CL-01", codes::UNCL1001_CREDIT, &value, "credit note type code (BT-3)");
    } else if is_cbc_any(n, &AMOUNTS) {
        list_check(cx, "BR-CL-03", codes::ISO4217, attr(n, "currencyID"), "currency code for an amount");
    } else if is(n, p!("cbc:DocumentCurrencyCode")) {
        list_check(cx, "BR-CL-04", codes::ISO4217, &value, "invoice currency code (BT-5)");
    } else if is(n, p!("cbc:TaxCurrencyCode")) {
        list_check(cx, "BR-CL-05", codes::ISO4217, &value, "VAT accounting currency code (BT-6)");
    } else if is(n, p!("cbc:DescriptionCode")) && under(p!("cac:InvoicePeriod")) {
        list_check(cx, "BR-CL-06", &["3", "35", "432"], &value, "VAT point date code (BT-8)");
    } else if is(n, p!("cbc:ID"))
        && has_scheme
        && parent.is_some_and(|p| {
            (is(p, p!("cac:AdditionalDocumentReference")) || is(p, p!("cac:DocumentReference")))
                && kids(p, p!("cbc:DocumentTypeCode")).any(|c| text(c) == "130")
        })
    {
        list_check(cx, "BR-CL-07", codes::UNCL1153, scheme, "scheme for the invoiced object identifier (BT-18)");
    } else if is(n, p!("cbc:ID")) && has_scheme && under(p!("cac:PartyIdentification")) {
        let sepa = nz(scheme) == "SEPA"
            && n.ancestors().any(|a| is(a, p!("cac:AccountingSupplierParty")) || is(a, p!("cac:PayeeParty")));
        let ok = sepa || cx.listed(codes::ISO6523_ICD, scheme);
        cx.check(ok, "BR-CL-10", n, || format!("'{scheme}' is not an ISO 6523 identifier scheme."));
    } else if is(n, p!("cbc:CompanyID")) && has_scheme && under(p!("cac:PartyLegalEntity")) {
        list_check(cx, "BR-CL-11", codes::ISO6523_ICD, scheme, "scheme for a legal registration identifier (ISO 6523)");
    } else if is(n, p!("cbc:ItemClassificationCode"))
        && n.has_attribute("listID")
        && under(p!("cac:CommodityClassification"))
    {
        list_check(cx, "BR-CL-13", codes::UNCL7143, attr(n, "listID"), "item classification scheme (UNTDID 7143)");
    } else if is(n, p!("cbc:IdentificationCode")) && under(p!("cac:Country")) {
        list_check(cx, "BR-CL-14", codes::ISO3166, &value, "country code (ISO 3166)");
    } else if is(n, p!("cbc:IdentificationCode")) && under(p!("cac:OriginCountry")) {
        list_check(cx, "BR-CL-15", codes::ISO3166, &value, "country of origin code (BT-159)");
    } else if is(n, p!("cbc:PaymentMeansCode")) && under(p!("cac:PaymentMeans")) {
        list_check(cx, "BR-CL-16", codes::UNCL4461, &value, "payment means code (BT-81, UNTDID 4461)");
    } else if is(n, p!("cbc:ID")) && under(p!("cac:TaxCategory")) {
        list_check(
            cx,
            "BR-CL-17",
            &["AE", "B", "E", "G", "K", "L", "M", "O", "S", "Z"],
            &value,
            "VAT category code (UNTDID 5305)",
        );
    } else if is(n, p!("cbc:ID")) && under(p!("cac:ClassifiedTaxCategory")) {
        list_check(
            cx,
            "BR-CL-18",
            &["AE", "B", "E", "G", "K", "L", "M", "O", "S", "Z"],
            &value,
            "VAT category code (BT-151, UNTDID 5305)",
        );
    } else if is(n, p!("cbc:AllowanceChargeReasonCode"))
        && parent.is_some_and(|p| is(p, p!("cac:AllowanceCharge")) && charge_is(p, false))
    {
        list_check(cx, "BR-CL-19", codes::UNCL5189, &value, "allowance reason code (UNTDID 5189)");
    } else if is(n, p!("cbc:AllowanceChargeReasonCode"))
        && parent.is_some_and(|p| is(p, p!("cac:AllowanceCharge")) && charge_is(p, true))
    {
        list_check(cx, "BR-CL-20", codes::UNCL7161, &value, "charge reason code (UNTDID 7161)");
    } else if is(n, p!("cbc:ID")) && has_scheme && under(p!("cac:StandardItemIdentification")) {
        list_check(cx, "BR-CL-21", codes::ISO6523_ICD, scheme, "scheme for an item standard identifier (BT-157)");
    } else if is(n, p!("cbc:TaxExemptionReasonCode")) {
        let v = nz(&value);
        let ok = !v.contains(' ') && !v.is_empty() && codes::VATEX.binary_search(&v.to_uppercase().as_str()).is_ok();
        cx.check(ok, "BR-CL-22", n, || format!("'{v}' is not a VATEX exemption reason code (BT-121)."));
    } else if (is(n, p!("cbc:InvoicedQuantity")) || is(n, p!("cbc:BaseQuantity")) || is(n, p!("cbc:CreditedQuantity")))
        && n.has_attribute("unitCode")
    {
        list_check(cx, "BR-CL-23", codes::UNECE_REC20_21, attr(n, "unitCode"), "unit of measure (UN/ECE rec. 20/21)");
    } else if is(n, p!("cbc:EmbeddedDocumentBinaryObject")) && n.has_attribute("mimeCode") {
        const MIME: [&str; 6] = [
            "application/pdf",
            "image/png",
            "image/jpeg",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.spreadsheet",
        ];
        let mime = attr(n, "mimeCode");
        cx.check(MIME.contains(&mime), "BR-CL-24", n, || {
            format!("Attachments of type '{mime}' are not allowed (PDF, PNG, JPEG, CSV, XLSX, ODS are).")
        });
    } else if is(n, p!("cbc:EndpointID")) && has_scheme {
        list_check(cx, "BR-CL-25", codes::EAS, scheme, "electronic address scheme (EAS)");
    } else if is(n, p!("cbc:ID")) && has_scheme && under(p!("cac:DeliveryLocation")) {
        list_check(cx, "BR-CL-26", codes::ISO6523_ICD, scheme, "scheme for the deliver-to location identifier (BT-71)");
    }
}
