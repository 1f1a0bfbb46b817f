//! Words and number formats for people: the PDF's labels in English and Icelandic, and
//! how amounts, quantities, rates and dates are written in each language.
//!
//! Amounts are shown with exactly the currency's minor units (ISK none, EUR two):
//! `1,234.50 EUR` in English, `1.234,50 EUR` and `2.518.973 kr.` in Icelandic.

use fastfaktura_domain::{Currency, Decimal, VatCategory};

use crate::model::Language;

/// Every fixed text the PDF prints.
pub struct Labels {
    pub invoice: &'static str,
    pub credit_note: &'static str,
    pub quote: &'static str,
    pub valid_until: &'static str,
    pub order_reference: &'static str,
    pub period: &'static str,
    pub quote_total: &'static str,
    pub draft: &'static str,
    pub number: &'static str,
    pub issue_date: &'static str,
    pub due_date: &'static str,
    pub delivery_date: &'static str,
    pub buyer_reference: &'static str,
    pub credits_invoice: &'static str,
    pub bill_to: &'static str,
    pub from: &'static str,
    pub vat_id: &'static str,
    pub registration_id: &'static str,
    pub line_no: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit: &'static str,
    pub unit_price: &'static str,
    pub discount: &'static str,
    pub vat: &'static str,
    pub amount: &'static str,
    pub vat_breakdown: &'static str,
    pub category: &'static str,
    pub rate: &'static str,
    pub taxable: &'static str,
    pub line_total: &'static str,
    pub document_discount: &'static str,
    pub total_excl_vat: &'static str,
    pub vat_total: &'static str,
    pub total_incl_vat: &'static str,
    pub rounding: &'static str,
    pub amount_due: &'static str,
    pub credit_total: &'static str,
    pub payment: &'static str,
    pub iban: &'static str,
    pub bic: &'static str,
    pub reference: &'static str,
    pub account_no: &'static str,
    pub bankgiro: &'static str,
    pub kennitala: &'static str,
    pub virtual_barcode: &'static str,
    pub payment_line: &'static str,
    pub bank_claim: &'static str,
    pub scan_to_pay: &'static str,
    pub notes: &'static str,
    pub continued: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub prices_incl_vat: &'static str,
}

const EN: Labels = Labels {
    invoice: "Invoice",
    credit_note: "Credit note",
    quote: "Quote",
    valid_until: "Valid until",
    order_reference: "Order no.",
    period: "Period",
    quote_total: "Total",
    draft: "DRAFT",
    number: "Number",
    issue_date: "Date",
    due_date: "Due date",
    delivery_date: "Delivery date",
    buyer_reference: "Your reference",
    credits_invoice: "Credits invoice",
    bill_to: "Bill to",
    from: "From",
    vat_id: "VAT no.",
    registration_id: "Reg. no.",
    line_no: "#",
    description: "Description",
    quantity: "Qty",
    unit: "Unit",
    unit_price: "Unit price",
    discount: "Disc.",
    vat: "VAT",
    amount: "Amount",
    vat_breakdown: "VAT breakdown",
    category: "Category",
    rate: "Rate",
    taxable: "Taxable amount",
    line_total: "Sum of lines",
    document_discount: "Discount",
    total_excl_vat: "Total excl. VAT",
    vat_total: "VAT",
    total_incl_vat: "Total incl. VAT",
    rounding: "Rounding",
    amount_due: "Amount due",
    credit_total: "Amount credited",
    payment: "Payment",
    iban: "IBAN",
    bic: "BIC",
    reference: "Reference",
    account_no: "Account no.",
    bankgiro: "Bankgiro",
    kennitala: "Payee's ID no.",
    virtual_barcode: "Virtual barcode",
    payment_line: "FI payment line",
    bank_claim: "Claim in your online bank",
    scan_to_pay: "Scan to pay",
    notes: "Notes",
    continued: "continued",
    page: "Page",
    of: "of",
    prices_incl_vat: "Net unit prices derived from prices including VAT.",
};

const IS: Labels = Labels {
    invoice: "Reikningur",
    credit_note: "Kreditreikningur",
    quote: "Tilboð",
    valid_until: "Gildir til",
    order_reference: "Pöntunarnúmer",
    period: "Tímabil",
    quote_total: "Samtals",
    draft: "DRÖG",
    number: "Númer",
    issue_date: "Dagsetning",
    due_date: "Gjalddagi",
    delivery_date: "Afhendingardagur",
    buyer_reference: "Tilvísun kaupanda",
    credits_invoice: "Kreditfærir reikning",
    bill_to: "Kaupandi",
    from: "Seljandi",
    vat_id: "VSK-nr.",
    registration_id: "Kt.",
    line_no: "#",
    description: "Lýsing",
    quantity: "Magn",
    unit: "Eining",
    unit_price: "Einingarverð",
    discount: "Afsl.",
    vat: "VSK",
    amount: "Upphæð",
    vat_breakdown: "Sundurliðun virðisaukaskatts",
    category: "Flokkur",
    rate: "Hlutfall",
    taxable: "Skattstofn",
    line_total: "Samtals línur",
    document_discount: "Afsláttur",
    total_excl_vat: "Samtals án VSK",
    vat_total: "VSK",
    total_incl_vat: "Samtals með VSK",
    rounding: "Sléttun",
    amount_due: "Til greiðslu",
    credit_total: "Kreditfært",
    payment: "Greiðsluupplýsingar",
    iban: "IBAN",
    bic: "BIC",
    reference: "Tilvísun",
    account_no: "Reikningsnúmer",
    bankgiro: "Bankgiro",
    kennitala: "Kennitala",
    virtual_barcode: "Sýndarstrikamerki",
    payment_line: "FI-greiðslulína",
    bank_claim: "Krafa í netbanka",
    scan_to_pay: "Skannaðu til að greiða",
    notes: "Athugasemdir",
    continued: "framhald",
    page: "Síða",
    of: "af",
    prices_incl_vat: "Einingarverð án VSK reiknuð út frá verði með VSK.",
};

pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::En => &EN,
        Language::Is => &IS,
    }
}

/// The number alone, with the currency's decimals: `1,234.50` / `2.518.973`.
pub use fastfaktura_domain::locale::amount;
/// The currency as printed after an amount.
pub use fastfaktura_domain::locale::currency_suffix;
/// An amount with its currency: `1,234.50 EUR` / `2.518.973 kr.`.
pub use fastfaktura_domain::locale::money;
/// A quantity or unit price without trailing zeros: `12.5`, `3`, `0.0125`.
pub use fastfaktura_domain::locale::number;

/// A unit price: at least the currency's decimals, more only if the price has them.
pub fn price(value: Decimal, currency: Currency, language: Language) -> String {
    let mut v = value.normalize();
    if v.scale() < currency.minor_units() {
        v.rescale(currency.minor_units());
    }
    fastfaktura_domain::locale::decimal(v, language)
}

/// A percentage: `24 %`, `25,5 %`.
pub fn percent(value: Decimal, language: Language) -> String {
    format!("{} %", number(value, language))
}

/// `24 Nov 2025` / `24.11.2025`.
pub use fastfaktura_domain::locale::date;

/// A short name for common UN/ECE Rec. 20 unit codes; the code itself otherwise.
pub fn unit(code: &str, language: Language) -> String {
    let name = match (code, language) {
        ("C62" | "H87" | "EA", Language::En) => "pcs",
        ("C62" | "H87" | "EA", Language::Is) => "stk.",
        ("HUR", Language::En) => "h",
        ("HUR", Language::Is) => "klst.",
        ("DAY", Language::En) => "days",
        ("DAY", Language::Is) => "dagar",
        ("MON", Language::En) => "months",
        ("MON", Language::Is) => "mán.",
        ("KGM", _) => "kg",
        ("MTR", _) => "m",
        ("LTR", _) => "l",
        ("KWH", _) => "kWh",
        ("KMT", _) => "km",
        ("MIN", _) => "min",
        _ => code,
    };
    name.to_owned()
}

/// The VAT category as printed in the breakdown.
pub fn vat_category(category: VatCategory, language: Language) -> &'static str {
    match language {
        Language::En => category.name(),
        Language::Is => match category {
            VatCategory::Standard => "Almennt/lægra þrep",
            VatCategory::Zero => "Núllskattað",
            VatCategory::Exempt => "Undanþegið",
            VatCategory::ReverseCharge => "Öfug skattskylda",
            VatCategory::IntraCommunity => "Sala innan EES",
            VatCategory::Export => "Útflutningur",
            VatCategory::OutsideScope => "Utan gildissviðs VSK",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_follow_the_currency_and_language() {
        assert_eq!(money(dec!(2518973), Currency::ISK, Language::Is), "2.518.973 kr.");
        assert_eq!(money(dec!(2518973), Currency::ISK, Language::En), "2,518,973 ISK");
        assert_eq!(money(dec!(1234.5), Currency::EUR, Language::En), "1,234.50 EUR");
        assert_eq!(money(dec!(-1234.5), Currency::EUR, Language::Is), "-1.234,50 EUR");
        assert_eq!(amount(dec!(999.5), Currency::ISK, Language::Is), "1.000");
    }

    #[test]
    fn numbers_dates_units() {
        assert_eq!(number(dec!(12.50), Language::Is), "12,5");
        assert_eq!(price(dec!(145.5), Currency::EUR, Language::En), "145.50");
        assert_eq!(price(dec!(0.0125), Currency::EUR, Language::En), "0.0125");
        assert_eq!(percent(dec!(25.5), Language::Is), "25,5 %");
        let d = time::Date::from_calendar_date(2025, time::Month::November, 4).unwrap();
        assert_eq!(date(d, Language::En), "4 Nov 2025");
        assert_eq!(date(d, Language::Is), "4.11.2025");
        assert_eq!(unit("HUR", Language::Is), "klst.");
        assert_eq!(unit("XYZ", Language::En), "XYZ");
    }
}
