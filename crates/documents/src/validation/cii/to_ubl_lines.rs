//! CII invoice lines (BG-25) to UBL `cac:InvoiceLine` / `cac:CreditNoteLine`, in UBL's
//! element order, with the same care as the header mapping (`to_ubl.rs`): texts verbatim,
//! containers only where the CII has them.

use super::to_ubl::{allowance_charge, category, country_code, date, nz_of};
use super::tree::{El, N, all, one};

/// Appends the UBL line for the CII `ram:IncludedSupplyChainTradeLineItem`.
pub(super) fn line(doc: &mut El, item: N<'_>, credit: bool) {
    let l = doc.open(if credit { "cac:CreditNoteLine" } else { "cac:InvoiceLine" }, item);
    let document = one(item, "ram:AssociatedDocumentLineDocument");
    let agreement = one(item, "ram:SpecifiedLineTradeAgreement");
    let delivery = one(item, "ram:SpecifiedLineTradeDelivery");
    let settlement = one(item, "ram:SpecifiedLineTradeSettlement");
    let product = one(item, "ram:SpecifiedTradeProduct");
    if let Some(d) = document {
        l.leaves("cbc:ID", d, "ram:LineID");
        l.leaves("cbc:Note", d, "ram:IncludedNote/ram:Content");
    }
    if let Some(d) = delivery {
        for q in all(d, "ram:BilledQuantity") {
            l.leaf(if credit { "cbc:CreditedQuantity" } else { "cbc:InvoicedQuantity" }, q)
                .copy_attr(q, "unitCode", "unitCode");
        }
    }
    if let Some(s) = settlement {
        l.leaves("cbc:LineExtensionAmount", s, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount");
        l.leaves("cbc:AccountingCost", s, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID");
        for period in all(s, "ram:BillingSpecifiedPeriod") {
            let p = l.open("cac:InvoicePeriod", period);
            date(p, "cbc:StartDate", period, "ram:StartDateTime/udt:DateTimeString");
            date(p, "cbc:EndDate", period, "ram:EndDateTime/udt:DateTimeString");
        }
    }
    if let Some(order_line) = agreement.and_then(|a| one(a, "ram:BuyerOrderReferencedDocument/ram:LineID")) {
        l.open("cac:OrderLineReference", order_line).leaf("cbc:LineID", order_line);
    }
    if let Some(s) = settlement {
        for r in all(s, "ram:AdditionalReferencedDocument") {
            let d = l.open("cac:DocumentReference", r);
            if let Some(id) = one(r, "ram:IssuerAssignedID") {
                let e = d.leaf("cbc:ID", id);
                if let Some(scheme) = one(r, "ram:ReferenceTypeCode") {
                    e.attrs.push(("schemeID", super::tree::text(scheme)));
                }
            }
            if nz_of(r, "ram:TypeCode") == "130" {
                d.leaf_at("cbc:DocumentTypeCode", r, "ram:TypeCode");
            }
        }
        for ac in all(s, "ram:SpecifiedTradeAllowanceCharge") {
            allowance_charge(l, ac);
        }
    }
    let it = l.add(El::new("cac:Item", product.or(Some(item))));
    if let Some(p) = product {
        it.leaves("cbc:Description", p, "ram:Description");
        it.leaves("cbc:Name", p, "ram:Name");
        for (cii, ubl) in [
            ("ram:BuyerAssignedID", "cac:BuyersItemIdentification"),
            ("ram:SellerAssignedID", "cac:SellersItemIdentification"),
        ] {
            if let Some(id) = one(p, cii) {
                it.open(ubl, id).leaf("cbc:ID", id);
            }
        }
        if let Some(id) = one(p, "ram:GlobalID") {
            it.open("cac:StandardItemIdentification", id).leaf("cbc:ID", id).copy_attr(id, "schemeID", "schemeID");
        }
        if let Some(origin) = one(p, "ram:OriginTradeCountry/ram:ID") {
            it.open("cac:OriginCountry", origin).leaf("cbc:IdentificationCode", origin).text = country_code(origin);
        }
        for class in all(p, "ram:DesignatedProductClassification") {
            let c = it.open("cac:CommodityClassification", class);
            for code in all(class, "ram:ClassCode") {
                c.leaf("cbc:ItemClassificationCode", code).copy_attr(code, "listID", "listID").copy_attr(
                    code,
                    "listVersionID",
                    "listVersionID",
                );
            }
        }
    }
    if let Some(s) = settlement {
        for tax in all(s, "ram:ApplicableTradeTax") {
            category(it, "cac:ClassifiedTaxCategory", tax);
        }
    }
    if let Some(p) = product {
        for ch in all(p, "ram:ApplicableProductCharacteristic") {
            let a = it.open("cac:AdditionalItemProperty", ch);
            a.leaves("cbc:Name", ch, "ram:Description");
            a.leaves("cbc:Value", ch, "ram:Value");
        }
    }
    let Some(a) = agreement else { return };
    let net = one(a, "ram:NetPriceProductTradePrice");
    let gross = one(a, "ram:GrossPriceProductTradePrice");
    let Some(src) = net.or(gross) else { return };
    let price = l.open("cac:Price", src);
    if let Some(net) = net {
        price.leaves("cbc:PriceAmount", net, "ram:ChargeAmount");
    }
    let quantity =
        net.and_then(|n| one(n, "ram:BasisQuantity")).or_else(|| gross.and_then(|g| one(g, "ram:BasisQuantity")));
    if let Some(q) = quantity {
        price.leaf("cbc:BaseQuantity", q).copy_attr(q, "unitCode", "unitCode");
    }
    if let Some(gross) = gross {
        let ac = price.open("cac:AllowanceCharge", gross);
        ac.leaf_text("cbc:ChargeIndicator", "false", Some(gross));
        ac.leaves("cbc:Amount", gross, "ram:AppliedTradeAllowanceCharge/ram:ActualAmount");
        ac.leaves("cbc:BaseAmount", gross, "ram:ChargeAmount");
    }
}
