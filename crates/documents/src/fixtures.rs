//! Ready-made invoices for tests and benchmarks, public so the server's tests can use them.
//!
//! `sample_data()` is an Icelandic ISK invoice with two VAT rates and Icelandic letters in
//! every field; `sample_eur()` a German EUR invoice with an EPC QR code; `matrix()` the
//! whole set the e-invoice validation runs over (every VAT category, discounts, credit
//! note, reverse charge, export, 300 lines); `xrechnung_matrix()` the German buyers that
//! get XRechnung (a public authority by its Leitweg-ID, a business by its VAT id).

use fastfaktura_domain::{Currency, Decimal, PriceEntry, VatCategory};
use time::{Date, Month};

use crate::model::{DocumentType, Endpoint, InvoiceData, InvoiceDocument, Language, Line, Logo, Party, PaymentDetails};

fn date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).expect("valid fixture date")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("valid fixture decimal")
}

/// A line at the standard rate.
pub fn line(description: &str, quantity: &str, unit_code: &str, unit_price: &str, rate: &str) -> Line {
    Line {
        description: description.into(),
        quantity: dec(quantity),
        unit_code: unit_code.into(),
        unit_price: dec(unit_price),
        discount_percent: Decimal::ZERO,
        vat_category: VatCategory::Standard,
        vat_rate: dec(rate),
        exemption_reason: None,
    }
}

/// A line in a zero-rate category (Z, E, AE, K, G, O) with an optional exemption reason.
pub fn zero_line(
    description: &str,
    quantity: &str,
    unit_price: &str,
    category: VatCategory,
    reason: Option<&str>,
) -> Line {
    Line {
        description: description.into(),
        quantity: dec(quantity),
        unit_code: "C62".into(),
        unit_price: dec(unit_price),
        discount_percent: Decimal::ZERO,
        vat_category: category,
        vat_rate: Decimal::ZERO,
        exemption_reason: reason.map(str::to_owned),
    }
}

pub fn icelandic_seller() -> Party {
    Party {
        name: "Þórður Ægisson ehf.".into(),
        address_lines: vec!["Laugavegur 26".into()],
        postcode: "101".into(),
        city: "Reykjavík".into(),
        country: "IS".into(),
        vat_id: Some("IS123456".into()),
        registration_id: Some("5902697199".into()),
        email: Some("reikningar@thordur.is".into()),
        phone: Some("+354 555 1234".into()),
        contact_name: Some("Þórður Ægisson".into()),
        endpoint: Some(Endpoint { scheme: "0196".into(), id: "5902697199".into() }),
    }
}

pub fn icelandic_buyer() -> Party {
    Party {
        name: "Gunnþórunn Æðardóttir slf.".into(),
        address_lines: vec!["Hafnarstræti 9".into(), "2. hæð".into()],
        postcode: "600".into(),
        city: "Akureyri".into(),
        country: "IS".into(),
        vat_id: Some("IS654321".into()),
        registration_id: Some("4105042150".into()),
        email: Some("bokhald@aedardottir.is".into()),
        phone: None,
        contact_name: None,
        endpoint: Some(Endpoint { scheme: "0196".into(), id: "4105042150".into() }),
    }
}

pub fn german_seller() -> Party {
    Party {
        name: "Nordlicht Software GmbH".into(),
        address_lines: vec!["Große Elbstraße 145".into()],
        postcode: "22767".into(),
        city: "Hamburg".into(),
        country: "DE".into(),
        vat_id: Some("DE123456789".into()),
        registration_id: Some("HRB 123456".into()),
        email: Some("rechnung@nordlicht.example".into()),
        phone: Some("+49 40 123456".into()),
        contact_name: Some("Anna Schmidt, Buchhaltung".into()),
        endpoint: Some(Endpoint { scheme: "9930".into(), id: "DE123456789".into() }),
    }
}

pub fn french_buyer() -> Party {
    Party {
        name: "Atelier Côte d'Azur SARL".into(),
        address_lines: vec!["12 rue de la République".into()],
        postcode: "06000".into(),
        city: "Nice".into(),
        country: "FR".into(),
        vat_id: Some("FR44732829320".into()),
        registration_id: Some("732829320".into()),
        email: Some("compta@atelier-azur.example".into()),
        phone: None,
        contact_name: None,
        endpoint: Some(Endpoint { scheme: "0009".into(), id: "73282932000074".into() }),
    }
}

/// Icelandic ISK invoice, Icelandic labels, 24 % and 11 % lines.
pub fn sample_data() -> InvoiceData {
    InvoiceData {
        kind: DocumentType::Invoice,
        number: "FF-2025-000123".into(),
        issue_date: date(2025, Month::November, 24),
        due_date: date(2025, Month::December, 8),
        delivery_date: None,
        period: None,
        currency: Currency::ISK,
        language: Language::Is,
        seller: icelandic_seller(),
        buyer: icelandic_buyer(),
        buyer_reference: Some("Verk 42".into()),
        order_reference: None,
        payment: PaymentDetails {
            iban: Some("IS140159260076545510730339".into()),
            bic: None,
            reference: Some("FF-2025-000123".into()),
            domestic: None,
        },
        payment_terms: Some("Greiðist innan 14 daga.".into()),
        notes: vec!["Takk fyrir viðskiptin!".into()],
        lines: vec![
            line("Ráðgjöf: þjónusta við bókhald", "12.5", "HUR", "18500", "24"),
            line("Bækur um ð, æ og ö", "3", "C62", "4990", "11"),
            line("Hýsing, mánaðargjald", "1", "MON", "9900", "24"),
            line("Akstur", "12.5", "KMT", "4991", "24"),
        ],
        discount_percent: Decimal::ZERO,
        price_entry: PriceEntry::Net,
        logo: None,
    }
}

pub fn sample() -> InvoiceDocument {
    InvoiceDocument::new(sample_data()).expect("the sample invoice is valid")
}

/// German EUR invoice to a French buyer, English labels, with IBAN/BIC (so an EPC QR code).
pub fn sample_eur_data() -> InvoiceData {
    InvoiceData {
        kind: DocumentType::Invoice,
        number: "NL-2025-0042".into(),
        issue_date: date(2025, Month::November, 24),
        due_date: date(2025, Month::December, 24),
        delivery_date: Some(date(2025, Month::November, 20)),
        period: Some((date(2025, Month::November, 1), date(2025, Month::November, 30))),
        currency: Currency::EUR,
        language: Language::En,
        seller: german_seller(),
        buyer: Party {
            country: "DE".into(),
            vat_id: Some("DE987654321".into()),
            endpoint: Some(Endpoint { scheme: "9930".into(), id: "DE987654321".into() }),
            ..french_buyer()
        },
        buyer_reference: Some("04011000-12345-03".into()),
        order_reference: Some("PO-4711".into()),
        payment: PaymentDetails {
            iban: Some("DE89370400440532013000".into()),
            bic: Some("COBADEFFXXX".into()),
            reference: Some("RF18539007547034".into()),
            domestic: None,
        },
        payment_terms: Some("Payable within 30 days without deduction.".into()),
        notes: vec![],
        lines: vec![
            line("Software licence, annual", "1", "C62", "1200", "19"),
            line("Onboarding workshop", "6", "HUR", "145.50", "19"),
            line("Printed handbook", "2", "C62", "24.90", "7"),
        ],
        discount_percent: Decimal::ZERO,
        price_entry: PriceEntry::Net,
        logo: Some(Logo::new(sample_logo_png()).expect("fixture logo")),
    }
}

pub fn sample_eur() -> InvoiceDocument {
    InvoiceDocument::new(sample_eur_data()).expect("the EUR sample invoice is valid")
}

/// `n` lines alternating between 24 % and 11 %, for pagination tests and benchmarks.
pub fn with_lines(n: usize) -> InvoiceData {
    let mut data = sample_data();
    data.lines = (0..n)
        .map(|i| {
            let rate = if i % 3 == 2 { "11" } else { "24" };
            line(&format!("Vara {} – þjónustuliður með íslenskum stöfum", i + 1), "2", "C62", "1250", rate)
        })
        .collect();
    data
}

/// Every document the e-invoice validation must accept, by name.
pub fn matrix() -> Vec<(&'static str, InvoiceData)> {
    let mut out = Vec::new();
    out.push(("isk-two-rates", sample_data()));
    out.push(("eur-qr", sample_eur_data()));

    let mut discounts = sample_eur_data();
    discounts.lines[0].discount_percent = dec("10");
    discounts.lines[1].discount_percent = dec("12.5");
    discounts.discount_percent = dec("5");
    out.push(("eur-line-and-document-discounts", discounts));

    let mut gross = sample_data();
    gross.price_entry = PriceEntry::Gross;
    gross.discount_percent = dec("3");
    gross.lines[0].discount_percent = dec("7");
    out.push(("isk-gross-prices-with-discounts", gross));

    let mut all_zero = sample_eur_data();
    all_zero.buyer = french_buyer();
    all_zero.delivery_date = Some(date(2025, Month::November, 20));
    all_zero.lines = vec![
        line("Standard-rated service", "1", "C62", "100", "19"),
        zero_line("Zero-rated books", "2", "15", VatCategory::Zero, None),
        zero_line(
            "Medical service",
            "1",
            "80",
            VatCategory::Exempt,
            Some("Exempt under Article 132 of Directive 2006/112/EC"),
        ),
        zero_line("Consulting, reverse charge", "1", "500", VatCategory::ReverseCharge, None),
        zero_line("Machine part delivered to France", "4", "25", VatCategory::IntraCommunity, None),
    ];
    out.push(("eur-s-z-e-ae-k-in-one", all_zero));

    let mut reverse = sample_eur_data();
    reverse.buyer = french_buyer();
    reverse.lines =
        vec![zero_line("Development services", "40", "95", VatCategory::ReverseCharge, Some("Reverse charge"))];
    out.push(("eur-reverse-charge", reverse));

    let mut export = sample_data();
    export.currency = Currency::parse("USD").expect("USD");
    export.language = Language::En;
    export.buyer = Party {
        name: "Maple & Co. Ltd.".into(),
        address_lines: vec!["100 King Street West".into()],
        postcode: "M5X 1A9".into(),
        city: "Toronto".into(),
        country: "CA".into(),
        vat_id: None,
        registration_id: None,
        email: Some("ap@maple.example".into()),
        phone: None,
        contact_name: None,
        endpoint: None,
    };
    export.lines = vec![zero_line("Dried fish, export", "120", "12.75", VatCategory::Export, None)];
    export.payment.iban = Some("IS140159260076545510730339".into());
    out.push(("usd-export", export));

    let mut outside = sample_data();
    outside.seller.vat_id = None;
    outside.lines = vec![zero_line("Membership fee", "1", "25000", VatCategory::OutsideScope, None)];
    out.push(("isk-outside-scope", outside));

    let mut credit = sample_data();
    credit.kind = DocumentType::CreditNote {
        preceding_number: "FF-2025-000100".into(),
        preceding_date: date(2025, Month::November, 1),
    };
    credit.number = "CN-2025-0007".into();
    credit.lines.truncate(2);
    out.push(("isk-credit-note", credit));

    let mut credit_eur = sample_eur_data();
    credit_eur.kind = DocumentType::CreditNote {
        preceding_number: "NL-2025-0040".into(),
        preceding_date: date(2025, Month::October, 30),
    };
    credit_eur.number = "NL-CN-2025-0003".into();
    credit_eur.discount_percent = dec("2");
    out.push(("eur-credit-note", credit_eur));

    let mut no_bank = sample_eur_data();
    no_bank.payment = PaymentDetails::default();
    no_bank.logo = None;
    no_bank.buyer = french_buyer();
    out.push(("eur-no-bank-details", no_bank));

    out.push(("isk-300-lines", with_lines(300)));
    out
}

/// A German public authority, reached over Peppol by its Leitweg-ID (scheme 0204).
pub fn german_authority() -> Party {
    Party {
        name: "Bezirksamt Altona".into(),
        address_lines: vec!["Platz der Republik 1".into()],
        postcode: "22765".into(),
        city: "Hamburg".into(),
        country: "DE".into(),
        vat_id: None,
        registration_id: None,
        email: Some("rechnungseingang@altona.example".into()),
        phone: None,
        contact_name: None,
        endpoint: Some(Endpoint { scheme: "0204".into(), id: "04011000-12345-03".into() }),
    }
}

/// A German business, reached over Peppol by its VAT id (scheme 9930).
pub fn german_business_buyer() -> Party {
    Party {
        name: "Müller & Söhne Maschinenbau KG".into(),
        address_lines: vec!["Königsallee 12".into(), "Hinterhaus".into()],
        postcode: "40212".into(),
        city: "Düsseldorf".into(),
        country: "DE".into(),
        vat_id: Some("DE136695976".into()),
        registration_id: Some("HRA 98765".into()),
        email: Some("eingangsrechnungen@mueller-soehne.example".into()),
        phone: Some("+49 211 445566".into()),
        contact_name: Some("Einkauf".into()),
        endpoint: Some(Endpoint { scheme: "9930".into(), id: "DE136695976".into() }),
    }
}

/// A German seller's invoice to the public authority (English labels: no German yet).
pub fn xrechnung_authority_data() -> InvoiceData {
    InvoiceData {
        number: "NL-2025-0050".into(),
        buyer: german_authority(),
        // BT-10 is taken from the buyer's Leitweg-ID.
        buyer_reference: None,
        order_reference: Some("Bestellung 2025/117".into()),
        payment_terms: Some("Zahlbar innerhalb von 30 Tagen ohne Abzug.".into()),
        logo: None,
        ..sample_eur_data()
    }
}

/// Every XRechnung document the KoSIT validation must accept, by name: invoice and
/// credit note to the public authority and to the business, a discount (Skonto) line
/// in the payment terms with line and document discounts, a seller outside the scope of
/// VAT (category O, whose rate XRechnung still states), an Icelandic seller in ISK and
/// a French seller's intra-community supply.
pub fn xrechnung_matrix() -> Vec<(&'static str, InvoiceData)> {
    let credit = |mut data: InvoiceData, number: &str| {
        data.kind = DocumentType::CreditNote {
            preceding_number: data.number.clone(),
            preceding_date: date(2025, Month::November, 10),
        };
        data.number = number.into();
        data.lines.truncate(2);
        data
    };
    let authority = xrechnung_authority_data();
    let mut authority_credit = credit(authority.clone(), "NL-GS-2025-0004");
    // The same Leitweg-ID typed in the buyer reference is accepted.
    authority_credit.buyer_reference = Some("04011000-12345-03".into());

    let mut business = xrechnung_authority_data();
    business.number = "NL-2025-0051".into();
    business.buyer = german_business_buyer();
    business.buyer_reference = Some("Projekt Halle 3".into());
    let business_credit = credit(business.clone(), "NL-GS-2025-0005");

    let mut skonto = business.clone();
    skonto.number = "NL-2025-0052".into();
    skonto.payment_terms = Some("Zahlbar innerhalb von 30 Tagen ohne Abzug.\n#SKONTO#TAGE=10#PROZENT=2.00#".into());
    skonto.lines[0].discount_percent = dec("10");
    skonto.discount_percent = dec("3");

    let mut outside = xrechnung_authority_data();
    outside.number = "V-2025-0009".into();
    outside.seller.name = "Förderverein Elbstrand e. V.".into();
    outside.seller.vat_id = None;
    outside.seller.registration_id = Some("VR 20315".into());
    outside.seller.endpoint = None;
    outside.lines = vec![zero_line("Mitgliedsbeitrag 2026", "1", "120", VatCategory::OutsideScope, None)];

    // An Icelandic seller's ISK invoice to the German business (payment means 30).
    let mut from_iceland = sample_data();
    from_iceland.buyer = german_business_buyer();

    // A French seller's intra-community supply (K) to the German business: the
    // deliver-to address needs city and postcode in XRechnung.
    let mut from_france = business.clone();
    from_france.number = "F-2025-0311".into();
    from_france.seller = Party {
        phone: Some("+33 4 93 00 00 00".into()),
        contact_name: Some("Service comptabilité".into()),
        ..french_buyer()
    };
    from_france.payment.iban = Some("FR1420041010050500013M02606".into());
    from_france.payment.bic = None;
    from_france.payment.reference = None;
    from_france.lines = vec![zero_line("Pièces détachées", "4", "25", VatCategory::IntraCommunity, None)];

    vec![
        ("xr-authority-invoice", authority),
        ("xr-authority-credit-note", authority_credit),
        ("xr-business-invoice", business),
        ("xr-business-credit-note", business_credit),
        ("xr-skonto-and-discounts", skonto),
        ("xr-outside-scope-email-endpoint", outside),
        ("xr-icelandic-seller-isk", from_iceland),
        ("xr-intra-community-from-france", from_france),
    ]
}

/// A 160 × 48 RGBA PNG (a blue bar with an orange square), written without an image library.
pub fn sample_logo_png() -> Vec<u8> {
    let (width, height) = (160u32, 48u32);
    let mut raw = Vec::with_capacity(((width * 4 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            let pixel: [u8; 4] = if (8..40).contains(&x) && (8..40).contains(&y) {
                [0xF2, 0x8C, 0x28, 0xFF]
            } else if x >= 48 && (18..30).contains(&y) {
                [0x1F, 0x4E, 0x79, 0xFF]
            } else {
                [0xFF, 0xFF, 0xFF, 0x00]
            };
            raw.extend_from_slice(&pixel);
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &raw).expect("in-memory write");
    let idat = encoder.finish().expect("in-memory zlib");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8 bit, RGBA, deflate, no filter, no interlace
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &idat[..]), (b"IEND", &[])] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Our Factur-X PDF of [`sample_eur`] with a second XML invoice attached beside the first
/// (a PDF a reader of received invoices must refuse: which one is to be paid?).
pub fn facturx_pdf_with_two_invoices() -> Vec<u8> {
    use lopdf::{Dictionary, Object, Stream};
    let pdf = crate::pdf::render_pdf(&sample_eur()).expect("the sample renders").bytes;
    let mut doc = lopdf::Document::load_mem(&pdf).expect("our PDF loads");
    let xml = crate::cii_xml(&sample_eur()).into_bytes();
    let stream = doc.add_object(Stream::new(Dictionary::new(), xml));
    let mut ef = Dictionary::new();
    ef.set("F", Object::Reference(stream));
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", Object::string_literal("zugferd-invoice.xml"));
    spec.set("UF", Object::string_literal("zugferd-invoice.xml"));
    spec.set("EF", Object::Dictionary(ef));
    let spec = doc.add_object(spec);
    // The name tree and its EmbeddedFiles node may each be direct or referenced.
    let names_ref = doc.catalog().expect("a catalog").get(b"Names").and_then(Object::as_reference).ok();
    let tree_ref = match names_ref {
        Some(id) => doc.get_dictionary(id),
        None => doc.catalog().and_then(|c| c.get(b"Names")).and_then(Object::as_dict),
    }
    .expect("krilla writes a name tree")
    .get(b"EmbeddedFiles")
    .and_then(Object::as_reference)
    .ok();
    let tree = match (tree_ref, names_ref) {
        (Some(id), _) => doc.get_dictionary_mut(id),
        (None, Some(id)) => {
            doc.get_dictionary_mut(id).and_then(|n| n.get_mut(b"EmbeddedFiles")).and_then(Object::as_dict_mut)
        }
        (None, None) => doc
            .catalog_mut()
            .and_then(|c| c.get_mut(b"Names"))
            .and_then(Object::as_dict_mut)
            .and_then(|n| n.get_mut(b"EmbeddedFiles"))
            .and_then(Object::as_dict_mut),
    }
    .expect("the embedded files tree");
    let array = tree.get_mut(b"Names").and_then(Object::as_array_mut).expect("the tree's names");
    array.push(Object::string_literal("zugferd-invoice.xml"));
    array.push(Object::Reference(spec));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saved");
    out
}
