//! The vectors of PEPPOL-LOOKUP.md and the Peppol specifications (SML hashes, the legacy
//! MD5 name, SMP percent-encoding), a valid id and its one-digit typo for every scheme we
//! check, the code list's removed schemes, `for_party` per country, and properties over
//! generated ids and arbitrary text.

use proptest::prelude::*;
use proptest::strategy::Union;

use super::*;
use crate::check_digits::luhn_check_digit;

fn id(input: &str) -> ParticipantId {
    ParticipantId::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
}

#[test]
fn bdxl_hashes_of_the_published_vectors() {
    let vectors = [
        ("0088:123abc", "y7dzfxaf3d4cjz4kcgrxtec6twvcga4ky7zwa5boif6mswd4tdrq"),
        ("0088:123ABC", "y7dzfxaf3d4cjz4kcgrxtec6twvcga4ky7zwa5boif6mswd4tdrq"),
        ("0010:5798000000001", "xukhfqabqziki3ykvr2fhr4snfa3pf5vpq6k4tonv3lmvsy5arvq"),
        ("0088:1234567890123", "sjsyvccmqyjxk3weuapffq4x3umcrf4qryherj4vovhmonh7gccq"),
        ("9915:test", "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a"),
    ];
    for (value, hash) in vectors {
        assert_eq!(value_hash(value), hash, "{value}");
    }
    assert_eq!(
        dns_name(&value_hash("0088:1234567890123"), SML_TEST_ZONE),
        "sjsyvccmqyjxk3weuapffq4x3umcrf4qryherj4vovhmonh7gccq.iso6523-actorid-upis.participant.sml.test.tech.peppol.org"
    );
    assert_eq!(legacy_value_hash("0010:5798000000001"), "B-e49b223851f6e97cbfce4f72c3402aac");

    // Through a parsed id: 9915 (AT:GOV) has no check digit, so its vector parses; the
    // value is kept upper-case and lower-cased for the hash.
    let test = id("9915:test");
    assert_eq!(test.value(), "TEST");
    assert_eq!(sml_hash(&test), "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a");
    assert_eq!(
        sml_dns_name(&test, ".participant.sml.test.tech.peppol.org."),
        "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a.iso6523-actorid-upis.participant.sml.test.tech.peppol.org"
    );
    assert_eq!(
        legacy_sml_dns_name(&test, SML_ZONE),
        format!("B-{}.iso6523-actorid-upis.participant.sml.prod.tech.peppol.org", "85008b8279e07ab0392da75fa55856a2")
    );
    // The other vectors are not valid ids: 0010 is not in the code list, and neither
    // 123abc nor 1234567890123 is a GLN with a right check digit.
    assert_eq!(ParticipantId::parse("0010:5798000000001"), Err(ParticipantIdError::UnknownScheme { code: 10 }));
    assert_eq!(
        ParticipantId::parse("0088:123abc"),
        Err(ParticipantIdError::ValueShape { icd: Icd::GLN, example: "7350053850019" })
    );
    assert_eq!(ParticipantId::parse("0088:1234567890123"), Err(ParticipantIdError::CheckDigit { icd: Icd::GLN }));
}

#[test]
fn smp_paths_are_percent_encoded() {
    // PEPPOL-LOOKUP.md §3's participant, and the SMP specification's service path.
    assert_eq!(percent_encode("iso6523-actorid-upis::0088:123abc"), "iso6523-actorid-upis%3A%3A0088%3A123abc");
    assert_eq!(
        percent_encode("busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##UBL-2.0"),
        "busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23UBL-2.0"
    );
    let norway = id("0192:987654325");
    assert_eq!(norway.smp_path(), "iso6523-actorid-upis%3A%3A0192%3A987654325");
    assert_eq!(id("9930:de136695976").smp_path(), "iso6523-actorid-upis%3A%3A9930%3Ade136695976");
    assert_eq!(
        norway.smp_service_path(BIS_BILLING_INVOICE),
        "iso6523-actorid-upis%3A%3A0192%3A987654325/services/busdox-docid-qns%3A%3A\
         urn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23\
         urn%3Acen.eu%3Aen16931%3A2017%23compliant%23urn%3Afdc%3Apeppol.eu%3A2017%3Apoacc%3Abilling%3A3.0%3A%3A2.1"
    );
}

#[test]
fn bis_billing_identifiers() {
    // As in the document types code list v9.7 and PEPPOL-LOOKUP.md §1.
    assert_eq!(
        BIS_BILLING_INVOICE,
        format!("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##{BIS_BILLING_CUSTOMIZATION}::2.1")
    );
    assert_eq!(
        BIS_BILLING_CREDIT_NOTE,
        format!(
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##{BIS_BILLING_CUSTOMIZATION}::2.1"
        )
    );
    assert_eq!(BIS_BILLING_CUSTOMIZATION, "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0");
    assert_eq!(BIS_BILLING_PROCESS, "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0");
    assert_eq!((DOCUMENT_TYPE_SCHEME, PROCESS_SCHEME), ("busdox-docid-qns", "cenbii-procid-ubl"));
}

#[test]
fn parse_display_and_full() {
    let norway = id("  ISO6523-ACTORID-UPIS::0192:987654325 ");
    assert_eq!(norway.icd(), Icd::NO_ORG);
    assert_eq!(norway.value(), "987654325");
    assert_eq!(norway.to_string(), "0192:987654325");
    assert_eq!(norway.full(), "iso6523-actorid-upis::0192:987654325");
    assert_eq!("0192:987654325".parse::<ParticipantId>(), Ok(norway.clone()));
    assert_eq!(ParticipantId::new(Icd::NO_ORG, " 987654325 "), Ok(norway));
    assert_eq!(id("9930:de136695976").to_string(), "9930:DE136695976");
    assert_eq!(id("0216:003704944842tst01").value(), "003704944842TST01");
}

#[test]
fn every_checked_scheme_with_a_valid_value_and_a_typo() {
    // Real, published numbers where there are some (the same as `national_ids`' tests,
    // the code list's examples, KoSIT's test suite), and one-digit typos of them.
    let valid = [
        "0007:5560125790",
        "0007:2120000787",
        "0088:7350053850019",
        "0088:1548079098355",
        "0096:1234567890",
        "0184:24256790",
        "0192:923609016",
        "0192:745707327",
        "0196:5902697199",
        "0198:DK24256790",
        "0204:04011000-1234512345-06",
        "0204:04011000-12345-03",
        "0204:991-33333TEST-33",
        "0204:991-33333test-33",
        "0204:04011000-45",
        "0208:0403170701",
        "0211:IT00743110157",
        "0216:003702012566",
        "0216:003704944842TST01",
        "9909:NO923609016MVA",
        "9914:ATU13585627",
        "9917:5902697199",
        "9920:ESA28015865",
        "9925:BE0403170701",
        "9930:DE136695976",
        "9944:NL004495445B01",
        "9944:NL000099998B57",
        "9957:FR40303265045",
    ];
    for input in valid {
        assert!(ParticipantId::parse(input).is_ok(), "{input}: {:?}", ParticipantId::parse(input));
    }
    let typos = [
        ("0007:5560125791", Icd::SE_ORGNR),
        ("0088:7350053850018", Icd::GLN),
        ("0184:24256791", Icd::DK_DIGST),
        ("0192:923609017", Icd::NO_ORG),
        ("0196:5902697189", Icd::IS_KTNR),
        ("0198:DK24256791", Icd::DK_ERST),
        // The brief's example of a Leitweg-ID: MOD 97-10 gives 03 for 04011000-12345.
        ("0204:04011000-12345-34", Icd::DE_LWID),
        ("0204:04011000-1234512345-07", Icd::DE_LWID),
        ("0204:04011000-46", Icd::DE_LWID),
        ("0208:0403170702", Icd::BE_EN),
        ("0211:IT00743110158", Icd::IT_IVA),
        ("0216:003702012567", Icd::FI_OVT2),
        ("9909:NO923609017MVA", Icd::NO_VAT),
        ("9914:ATU13585628", Icd::AT_VAT),
        ("9917:5902697189", Icd::IS_KT),
        ("9925:BE0403170702", Icd::BE_VAT),
        ("9930:DE136695977", Icd::DE_VAT),
        ("9944:NL004495446B01", Icd::NL_VAT),
        ("9957:FR41303265045", Icd::FR_VAT),
    ];
    for (input, icd) in typos {
        assert_eq!(ParticipantId::parse(input), Err(ParticipantIdError::CheckDigit { icd }), "{input}");
    }
    let shapes = [
        ("0007:556012-5790", Icd::SE_ORGNR),
        ("0096:123456789", Icd::DK_P),
        ("0184:02425679", Icd::DK_DIGST),
        ("0192:92360901", Icd::NO_ORG),
        ("0198:24256790", Icd::DK_ERST),
        ("0204:0401100012345", Icd::DE_LWID),
        ("0204:04011000--45", Icd::DE_LWID),
        ("0204:4-12345-03", Icd::DE_LWID),
        ("0208:2403170701", Icd::BE_EN),
        ("0211:00743110157", Icd::IT_IVA),
        ("0216:02012566", Icd::FI_OVT2),
        ("0216:003702012566ABCDEF", Icd::FI_OVT2),
        ("9914:AT13585627", Icd::AT_VAT),
        ("9920:ES123", Icd::ES_VAT),
        ("9930:136695976", Icd::DE_VAT),
        ("9944:NL004495445X01", Icd::NL_VAT),
    ];
    for (input, icd) in shapes {
        let example = icd.example().unwrap_or_default();
        assert_eq!(ParticipantId::parse(input), Err(ParticipantIdError::ValueShape { icd, example }), "{input}");
    }
}

#[test]
fn every_example_is_valid_and_every_constant_is_in_the_list() {
    let constants = [
        (Icd::SE_ORGNR, "0007", "SE:ORGNR"),
        (Icd::GLN, "0088", "GLN"),
        (Icd::DK_P, "0096", "DK:P"),
        (Icd::DK_DIGST, "0184", "DK:DIGST"),
        (Icd::NO_ORG, "0192", "NO:ORG"),
        (Icd::IS_KTNR, "0196", "IS:KTNR"),
        (Icd::DK_ERST, "0198", "DK:ERST"),
        (Icd::DE_LWID, "0204", "DE:LWID"),
        (Icd::BE_EN, "0208", "BE:EN"),
        (Icd::IT_IVA, "0211", "IT:IVA"),
        (Icd::FI_OVT2, "0216", "FI:OVT2"),
        (Icd::NO_VAT, "9909", "NO:VAT"),
        (Icd::AT_VAT, "9914", "AT:VAT"),
        (Icd::IS_KT, "9917", "IS:KT"),
        (Icd::ES_VAT, "9920", "ES:VAT"),
        (Icd::BE_VAT, "9925", "BE:VAT"),
        (Icd::DE_VAT, "9930", "DE:VAT"),
        (Icd::NL_VAT, "9944", "NL:VAT"),
        (Icd::FR_VAT, "9957", "FR:VAT"),
    ];
    for (icd, code, scheme_id) in constants {
        assert_eq!((icd.code(), icd.scheme_id()), (code, scheme_id));
        assert_eq!(Icd::from_code(code), Ok(icd));
        let example = icd.example().unwrap_or_else(|| panic!("{code} has no rule"));
        assert_eq!(ParticipantId::new(icd, example).map(|id| id.to_string()), Ok(format!("{code}:{example}")));
    }
    // Exactly the schemes above have rules.
    let checked: Vec<Icd> = Icd::all().filter(|icd| icd.example().is_some()).collect();
    assert_eq!(checked.len(), constants.len());
}

#[test]
fn the_table_is_the_code_list() {
    assert_eq!(SCHEMES.len(), 105, "the file's entry-count");
    assert!(SCHEMES.windows(2).all(|w| w[0].code < w[1].code), "sorted, for the binary search");
    assert!(SCHEMES.iter().all(|row| row.code.len() == 4 && row.code.bytes().all(|b| b.is_ascii_digit())));
    let count = |f: fn(&State) -> bool| SCHEMES.iter().filter(|row| f(&row.state)).count();
    assert_eq!(count(|s| matches!(s, State::Active)), 84);
    assert_eq!(count(|s| matches!(s, State::Deprecated { .. })), 5);
    assert_eq!(count(|s| matches!(s, State::Removed { .. })), 16);
    assert_eq!(Icd::all().count(), 89);
    assert_eq!(Icd::all().filter(|icd| icd.is_active()).count(), 84);

    assert!(Icd::NO_ORG.is_active() && Icd::FI_OVT2.is_active() && Icd::DE_LWID.is_active());
    assert_eq!(Icd::NO_VAT.status(), IcdStatus::Deprecated { removal_date: None });
    assert_eq!(Icd::IS_KT.status(), IcdStatus::Deprecated { removal_date: None });
    assert_eq!(Icd::from_code("0193").map(Icd::status), Ok(IcdStatus::Deprecated { removal_date: Some("2026-07-07") }));
    assert_eq!((Icd::NO_ORG.country(), Icd::GLN.country()), (Some("NO"), None));
    assert_eq!(format!("{} {:?}", Icd::NO_ORG, Icd::NO_ORG), "0192 Icd(0192 NO:ORG)");
    assert_eq!(" 0192 ".parse::<Icd>(), Ok(Icd::NO_ORG));
    assert!(Icd::GLN < Icd::NO_ORG);
}

#[test]
fn removed_and_unknown_schemes_are_refused() {
    for (input, code, scheme_id) in
        [("0037:003702012566", 37, "FI:OVT"), ("0212:0201256-6", 212, "FI:ORG"), ("0213:FI02012566", 213, "FI:VAT")]
    {
        let error = ParticipantId::parse(input).unwrap_err();
        assert_eq!(error, ParticipantIdError::RemovedScheme { code, scheme_id, removed_on: "2024-12-31" });
        assert!(error.to_string().contains("no longer in use"), "{error}");
    }
    assert_eq!(
        Icd::from_code("9955"),
        Err(ParticipantIdError::RemovedScheme { code: 9955, scheme_id: "SE:VAT", removed_on: "2023-07-31" })
    );
    assert!(Icd::all().all(|icd| !["0037", "0212", "0213", "9908", "9955"].contains(&icd.code())));
    assert_eq!(ParticipantId::parse("1234:5"), Err(ParticipantIdError::UnknownScheme { code: 1234 }));
    assert_eq!(ParticipantId::parse("0000:5"), Err(ParticipantIdError::UnknownScheme { code: 0 }));
}

#[test]
fn malformed_ids() {
    use ParticipantIdError::*;
    let long = format!("0060:{}", "1".repeat(MAX_VALUE_LEN + 1));
    let cases = [
        ("", Empty),
        ("   ", Empty),
        ("0192987654325", Format),
        ("192:987654325", Format),
        ("01920:987654325", Format),
        ("abcd:1", Format),
        (":987654325", Format),
        ("iso6523-actorid-upis::", Format),
        ("iso6523-actorid-upis:0192:987654325", Format),
        ("٠١٩٢:987654325", Format),
        ("0192:", EmptyValue),
        ("0192:   ", EmptyValue),
        ("0192:987 654 325", InvalidCharacter),
        ("0192:987654325:1", InvalidCharacter),
        ("0060:12/34", InvalidCharacter),
        ("0060:Ø1234", InvalidCharacter),
        (long.as_str(), TooLong { max: MAX_VALUE_LEN }),
    ];
    for (input, error) in cases {
        assert_eq!(ParticipantId::parse(input), Err(error), "{input:?}");
    }
    // Schemes without a rule take any value within the general rules.
    assert_eq!(id("0060:a.b_c~d-1").value(), "A.B_C~D-1");
    assert!(ParticipantId::parse(&format!("0060:{}", "1".repeat(MAX_VALUE_LEN))).is_ok());
}

#[test]
fn participant_of_a_registry_country() {
    let party =
        |country, registration, vat| ParticipantId::for_party(country, registration, vat).map(|id| id.to_string());
    // Iceland: the kennitala; a VSK number is not one.
    assert_eq!(party("IS", "590269-7199", ""), Some("0196:5902697199".into()));
    assert_eq!(party(" is ", "5902697199", "12345"), Some("0196:5902697199".into()));
    assert_eq!(party("IS", "590269-7189", "12345"), None);
    // Finland: the OVT code built from the Y-tunnus, or from the VAT id's digits.
    assert_eq!(party("FI", "0201256-6", ""), Some("0216:003702012566".into()));
    assert_eq!(party("FI", "201256-6", ""), Some("0216:003702012566".into()));
    assert_eq!(party("FI", "0201256-7", "FI02012566"), Some("0216:003702012566".into()));
    assert_eq!(party("FI", "0201256-7", "FI02012567"), None);
    assert_eq!(party("FI", "0201256-7", ""), None);
    // Norway, Sweden, Denmark.
    assert_eq!(party("NO", "923 609 016", ""), Some("0192:923609016".into()));
    assert_eq!(party("NO", "923609017", "NO923609016MVA"), Some("0192:923609016".into()));
    assert_eq!(party("NO", "", "923609016MVA"), Some("0192:923609016".into()));
    assert_eq!(party("NO", "", ""), None);
    assert_eq!(party("SE", "556012-5790", ""), Some("0007:5560125790".into()));
    assert_eq!(party("SE", "16556012-5790", ""), Some("0007:5560125790".into()));
    assert_eq!(party("SE", "556012-5791", "SE556012579001"), Some("0007:5560125790".into()));
    assert_eq!(party("SE", "556012-5791", "SE556012579101"), None);
    assert_eq!(party("DK", "24 25 67 90", ""), Some("0184:24256790".into()));
    assert_eq!(party("DK", "24256791", "DK24256790"), Some("0184:24256790".into()));
    assert_eq!(party("DK", "24256791", "DK24256791"), None);
}

#[test]
fn participant_of_a_vat_country() {
    let party =
        |country, registration, vat| ParticipantId::for_party(country, registration, vat).map(|id| id.to_string());
    assert_eq!(party("DE", "HRB 86891", "DE136695976"), Some("9930:DE136695976".into()));
    assert_eq!(party("de", "", "de 136 695 976"), Some("9930:DE136695976".into()));
    assert_eq!(party("DE", "HRB 86891", "DE136695977"), None);
    assert_eq!(party("DE", "HRB 86891", ""), None);
    assert_eq!(party("BE", "", "BE0403170701"), Some("9925:BE0403170701".into()));
    assert_eq!(party("BE", "0403.170.701", "BE0403170702"), Some("0208:0403170701".into()));
    assert_eq!(party("BE", "BE 0403 170 701", ""), Some("0208:0403170701".into()));
    assert_eq!(party("BE", "0403.170.702", ""), None);
    assert_eq!(party("BE", "RPR 0403.170.701", ""), None);
    assert_eq!(party("NL", "", "NL004495445B01"), Some("9944:NL004495445B01".into()));
    assert_eq!(party("FR", "", "FR40303265045"), Some("9957:FR40303265045".into()));
    assert_eq!(party("IT", "", "IT00743110157"), Some("0211:IT00743110157".into()));
    assert_eq!(party("ES", "", "ESA28015865"), Some("9920:ESA28015865".into()));
    assert_eq!(party("AT", "", "ATU13585627"), Some("9914:ATU13585627".into()));
    assert_eq!(party("AT", "", "ATU13585628"), None);
    // A VAT id without its country prefix is not a valid one.
    assert_eq!(party("DE", "", "136695976"), None);
    // No scheme we derive.
    assert_eq!(party("GB", "01234567", "GB123456789"), None);
    assert_eq!(party("PL", "", "PL5260250995"), None);
    assert_eq!(party("", "", ""), None);
}

/// The first id of `icd` whose value is `prefix`, `width` digits and `suffix` (the check
/// digits tried in order), or None when no such digits exist.
fn complete(icd: Icd, prefix: &str, width: usize, suffix: &str) -> Option<ParticipantId> {
    (0..10u32.pow(width as u32)).find_map(|n| ParticipantId::new(icd, &format!("{prefix}{n:0width$}{suffix}")).ok())
}

/// The first id of `icd` that completes `base` (a regex) with `width` check digits.
fn with_check(icd: Icd, base: &'static str, width: usize) -> BoxedStrategy<ParticipantId> {
    base.prop_filter_map("has no check digit", move |b| complete(icd, &b, width, "")).boxed()
}

/// Valid ids of the schemes whose value ends in one check digit that any other digit
/// in its place breaks.
fn single_check_ids() -> impl Strategy<Value = ParticipantId> {
    Union::new(vec![
        with_check(Icd::SE_ORGNR, "[0-9]{9}", 1),
        with_check(Icd::GLN, "[0-9]{12}", 1),
        with_check(Icd::DK_DIGST, "[1-9][0-9]{6}", 1),
        with_check(Icd::NO_ORG, "[0-9]{8}", 1),
        with_check(Icd::DK_ERST, "DK[0-9]{7}", 1),
        with_check(Icd::IT_IVA, "IT[0-9]{10}", 1),
        with_check(Icd::AT_VAT, "ATU[0-9]{7}", 1),
        with_check(Icd::DE_VAT, "DE[1-9][0-9]{7}", 1),
    ])
}

/// Valid ids of every checked scheme, and of the schemes without a rule.
fn valid_ids() -> impl Strategy<Value = ParticipantId> {
    let unchecked: Vec<Icd> = Icd::all().filter(|icd| icd.example().is_none()).collect();
    Union::new(vec![
        single_check_ids().boxed(),
        with_check(Icd::BE_EN, "[01][0-9]{7}", 2),
        with_check(Icd::BE_VAT, "BE[01][0-9]{7}", 2),
        with_check(Icd::NL_VAT, "NL[0-9]{9}B", 2),
        "[0-9]{10}".prop_map(|v| ParticipantId::new(Icd::DK_P, &v).unwrap()).boxed(),
        "ES[A-Z0-9]{8}[0-9]".prop_map(|v| ParticipantId::new(Icd::ES_VAT, &v).unwrap()).boxed(),
        ("[0-9]{8}", "[089]")
            .prop_filter_map("has no check digit", |(b, century)| complete(Icd::IS_KTNR, &b, 1, &century))
            .boxed(),
        ("[0-9]{7}", "[0-9A-Za-z]{0,5}")
            .prop_filter_map("has no check digit", |(b, unit)| complete(Icd::FI_OVT2, &format!("0037{b}"), 1, &unit))
            .boxed(),
        "[0-9]{2,12}(-[0-9A-Za-z]{1,30})?"
            .prop_filter_map("has no check digit", |b| complete(Icd::DE_LWID, &format!("{b}-"), 2, ""))
            .boxed(),
        "[0-9]{8}"
            .prop_filter_map("has no check digit", |b| {
                let siren = format!("{b}{}", luhn_check_digit(&b).ok()?);
                complete(Icd::FR_VAT, "FR", 2, &siren)
            })
            .boxed(),
        (proptest::sample::select(unchecked), "[A-Za-z0-9._~-]{1,130}")
            .prop_map(|(icd, v)| ParticipantId::new(icd, &v).unwrap())
            .boxed(),
    ])
}

proptest! {
    #[test]
    fn display_parses_back(id in valid_ids()) {
        let shown = id.to_string();
        prop_assert_eq!(ParticipantId::parse(&shown), Ok(id.clone()));
        prop_assert_eq!(ParticipantId::parse(&shown.to_lowercase()), Ok(id.clone()));
        prop_assert_eq!(ParticipantId::parse(&format!(" {} ", id.full())), Ok(id.clone()));
        prop_assert_eq!(ParticipantId::new(id.icd(), id.value()), Ok(id.clone()));
        let hash = sml_hash(&id);
        prop_assert!(hash.len() == 52 && hash.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)));
        prop_assert_eq!(hash, value_hash(&shown.to_lowercase()));
        prop_assert!(!id.smp_path().contains(':') && !id.smp_service_path(BIS_BILLING_CREDIT_NOTE).contains('#'));
    }

    #[test]
    fn a_changed_check_digit_is_caught(id in single_check_ids(), step in 1u8..10) {
        let (body, last) = id.value().split_at(id.value().len() - 1);
        let digit = (last.parse::<u8>().unwrap() + step) % 10;
        let typo = ParticipantId::new(id.icd(), &format!("{body}{digit}"));
        prop_assert_eq!(typo, Err(ParticipantIdError::CheckDigit { icd: id.icd() }));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), shaped in "[0-9]{4}:[ -~]{0,40}", country in "[A-Za-z]{0,3}") {
        for input in [&text, &shaped] {
            if let Ok(id) = ParticipantId::parse(input) {
                prop_assert_eq!(ParticipantId::parse(&id.to_string()), Ok(id.clone()));
                let _ = (sml_dns_name(&id, SML_ZONE), legacy_sml_dns_name(&id, SML_ZONE), id.smp_path());
            }
        }
        for c in [country.as_str(), "IS", "NO", "SE", "DK", "FI", "DE", "BE"] {
            if let Some(id) = ParticipantId::for_party(c, &text, &shaped) {
                prop_assert!(id.icd().is_active());
            }
            let _ = ParticipantId::for_party(c, &shaped, &text);
        }
    }
}
