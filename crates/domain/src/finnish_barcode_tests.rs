//! The barcodes of the README (from the MIT libraries' tests), the rest of nocfo's
//! round-trip ("deconstruct") cases and akselinurmio's, both directions each; the
//! refusals; and a round-trip property.

use proptest::prelude::*;
use time::{Date, Month};

use super::*;

/// (barcode, IBAN, cents, reference, due date as (year, month, day)).
type Vector = (&'static str, &'static str, u64, &'static str, Option<(i32, u8, u8)>);

const VECTORS: &[Vector] = &[
    // The README's three.
    (
        "458101710000001220004829900000000559582243294671120131",
        "FI5810171000000122",
        48299,
        "55958 22432 94671",
        Some((2012, 1, 31)),
    ),
    (
        "502500046400013020006938061000000000698756720839110724",
        "FI0250004640001302",
        69380,
        "RF61 6987 5672 0839",
        Some((2011, 7, 24)),
    ),
    (
        "516800014000502670009358560000078777679656628687000000",
        "FI1680001400050267",
        93585,
        "RF60 7877 7679 6566 2868 7",
        None,
    ),
    // nocfo/virtuaaliviivakoodi.
    (
        "449500094200287300001241200000000000000001234561220202",
        "FI4950009420028730",
        12412,
        "12 34561",
        Some((2022, 2, 2)),
    ),
    (
        "449500094200287300022225500000000000000007777776201212",
        "FI4950009420028730",
        222255,
        "7777776",
        Some((2020, 12, 12)),
    ),
    (
        "549500094200287300022225592000000000000012342345201212",
        "FI4950009420028730",
        222255,
        "RF92 1234 2345",
        Some((2020, 12, 12)),
    ),
    (
        "549500094200287309999999992000000000000012342345201212",
        "FI4950009420028730",
        99999999,
        "RF9212342345",
        Some((2020, 12, 12)),
    ),
    (
        "549500094200287300000000007000000000999999999993201212",
        "FI4950009420028730",
        0,
        "RF07999999999993",
        Some((2020, 12, 12)),
    ),
    (
        "479440520200360820048831500000000868516259619897100612",
        "FI7944052020036082",
        488315,
        "868516259619897",
        Some((2010, 6, 12)),
    ),
    (
        "402500046400013020006938000000069875672083435364110724",
        "FI0250004640001302",
        69380,
        "69875672083435364",
        Some((2011, 7, 24)),
    ),
    (
        "415660100015306410074445400000007758474790647489191219",
        "FI1566010001530641",
        744454,
        "7758474790647489",
        Some((2019, 12, 19)),
    ),
    ("416800014000502670009358500000078777679656628687000000", "FI1680001400050267", 93585, "78777679656628687", None),
    ("473313130010000580000000000000000000000000868624130809", "FI7331313001000058", 0, "868624", Some((2013, 8, 9))),
    (
        "483330100011007751500002000092125374252539897737160525",
        "FI8333010001100775",
        15000020,
        "92125374252539897737",
        Some((2016, 5, 25)),
    ),
    (
        "439363630020924920000010300000000000000590738390230311",
        "FI3936363002092492",
        103,
        "590738390",
        Some((2023, 3, 11)),
    ),
    (
        "492393900010033910000000200000000000000001357914991224",
        "FI9239390001003391",
        2,
        "1357914",
        Some((2099, 12, 24)),
    ),
    (
        "579440520200360820048831509000000868516259619897100612",
        "FI7944052020036082",
        488315,
        "RF09868516259619897",
        Some((2010, 6, 12)),
    ),
    (
        "558101710000001220004829906000000559582243294671100131",
        "FI5810171000000122",
        48299,
        "RF06559582243294671",
        Some((2010, 1, 31)),
    ),
    (
        "515660100015306410074445484000007758474790647489191219",
        "FI1566010001530641",
        744454,
        "RF847758474790647489",
        Some((2019, 12, 19)),
    ),
    (
        "573313130010000580000000010000000000000000868624130809",
        "FI7331313001000058",
        0,
        "RF10868624",
        Some((2013, 8, 9)),
    ),
    (
        "583330100011007751500002071092125374252539897737160525",
        "FI8333010001100775",
        15000020,
        "RF7192125374252539897737",
        Some((2016, 5, 25)),
    ),
    (
        "539363630020924920000010366000000000000590738390230311",
        "FI3936363002092492",
        103,
        "RF66590738390",
        Some((2023, 3, 11)),
    ),
    (
        "592393900010033910000000295000000000000001357914991224",
        "FI9239390001003391",
        2,
        "RF951357914",
        Some((2099, 12, 24)),
    ),
    // akselinurmio/virtuaaliviivakoodi.
    (
        "437159030000007760000122500000000000000000011112161221",
        "FI3715903000000776",
        1225,
        "11112",
        Some((2016, 12, 21)),
    ),
    (
        "537159030000007760000011098000000000000000011112170101",
        "FI3715903000000776",
        110,
        "RF9811112",
        Some((2017, 1, 1)),
    ),
    ("437159030000007760000000000000000000000000011112000000", "FI3715903000000776", 0, "11112", None),
];

fn date(ymd: Option<(i32, u8, u8)>) -> Option<Date> {
    ymd.map(|(y, m, d)| Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap())
}

fn reference(text: &str) -> BarcodeReference {
    if text.starts_with("RF") {
        BarcodeReference::Rf(RfReference::parse(text).unwrap())
    } else {
        BarcodeReference::Finnish(FinnishReference::parse(text).unwrap())
    }
}

#[test]
fn published_barcodes_build_and_parse() {
    for &(digits, iban, cents, text, due) in VECTORS {
        let built = VirtualBarcode::new(FinnishIban::parse(iban).unwrap(), cents, reference(text), date(due)).unwrap();
        assert_eq!(built.digits(), digits, "{text}");
        assert_eq!(built.to_string(), digits);
        let parsed = VirtualBarcode::parse(digits).unwrap();
        assert_eq!(parsed, built, "{digits}");
        assert_eq!(parsed.version(), if text.starts_with("RF") { 5 } else { 4 });
        assert_eq!((parsed.iban().as_str(), parsed.cents(), parsed.due_date()), (iban, cents, date(due)));
    }
}

#[test]
fn malformed_barcodes_are_refused() {
    let good = "492393900010033910000000200000000000000001357914991224";
    assert_eq!(
        VirtualBarcode::parse("692393900010033910000000295000000000000001357914991224"),
        Err(BarcodeError::UnknownVersion)
    );
    assert_eq!(
        VirtualBarcode::parse("392393900010033910000000295000000000000001357914991224"),
        Err(BarcodeError::UnknownVersion)
    );
    assert_eq!(
        VirtualBarcode::parse("4923939000100339100000002950000000000001357914991224"),
        Err(BarcodeError::WrongLength)
    );
    assert_eq!(
        VirtualBarcode::parse("492393900010033910000000295000000000000000001357914991224"),
        Err(BarcodeError::WrongLength)
    );
    assert_eq!(
        VirtualBarcode::parse("492393900010033910000000200000000000000001357914999999"),
        Err(BarcodeError::DueDate)
    );
    assert_eq!(
        VirtualBarcode::parse("492393900010033910000000200000000000000001357914230229"),
        Err(BarcodeError::DueDate),
        "2023 has no 29 February"
    );
    assert!(VirtualBarcode::parse("492393900010033910000000200000000000000001357914240229").is_ok());
    assert_eq!(VirtualBarcode::parse(&format!(" {good}\n")).map(|b| b.digits()), Ok(good.to_owned()));
    assert_eq!(VirtualBarcode::parse(&good.replace('9', "x")), Err(BarcodeError::NotDigits));
    assert_eq!(VirtualBarcode::parse(""), Err(BarcodeError::WrongLength));
    // A non-zero reserve, a wrong IBAN check digit, a wrong reference check digit.
    let mut reserve = good.to_owned();
    reserve.replace_range(27..28, "1");
    assert_eq!(VirtualBarcode::parse(&reserve), Err(BarcodeError::Reserve));
    let mut iban = good.to_owned();
    iban.replace_range(16..17, "2");
    assert_eq!(VirtualBarcode::parse(&iban), Err(BarcodeError::Iban(ReferenceError::WrongCheckDigit)));
    let mut reference = good.to_owned();
    reference.replace_range(47..48, "5");
    assert_eq!(VirtualBarcode::parse(&reference), Err(BarcodeError::Reference(ReferenceError::WrongCheckDigit)));
    let zero_reference = "492393900010033910000000200000000000000000000000991224";
    assert_eq!(
        VirtualBarcode::parse(zero_reference),
        Err(BarcodeError::Reference(ReferenceError::TooShort { min: 4 }))
    );
}

#[test]
fn out_of_range_parts_are_refused() {
    let iban = || FinnishIban::parse("FI4950009420028730").unwrap();
    let rf = |text| BarcodeReference::Rf(RfReference::parse(text).unwrap());
    assert_eq!(VirtualBarcode::new(iban(), MAX_CENTS + 1, rf("RF9212342345"), None), Err(BarcodeError::AmountTooLarge));
    assert!(VirtualBarcode::new(iban(), MAX_CENTS, rf("RF9212342345"), None).is_ok());
    let next_century = date(Some((2100, 1, 1)));
    assert_eq!(
        VirtualBarcode::new(iban(), 100, rf("RF9212342345"), next_century),
        Err(BarcodeError::DueDateOutOfRange)
    );
    let last_century = date(Some((1999, 12, 31)));
    assert_eq!(
        VirtualBarcode::new(iban(), 100, rf("RF9212342345"), last_century),
        Err(BarcodeError::DueDateOutOfRange)
    );
    assert_eq!(VirtualBarcode::new(iban(), 100, rf("RF97C2H5OH"), None), Err(BarcodeError::RfBodyNotNumeric));
    let padded = RfReference::generate("0012342345").unwrap();
    assert_eq!(
        VirtualBarcode::new(iban(), 100, BarcodeReference::Rf(padded), None),
        Err(BarcodeError::RfBodyLeadingZero)
    );
}

proptest! {
    #[test]
    fn barcodes_round_trip(
        bban in "[0-9]{14}",
        cents in 0..=MAX_CENTS,
        base in "[1-9][0-9]{2,18}",
        rf in any::<bool>(),
        due in prop::option::of(0i32..36_524),
    ) {
        let iban = FinnishIban::from_bban(&bban).unwrap();
        let finnish = FinnishReference::generate(&base).unwrap();
        let reference = if rf {
            BarcodeReference::Rf(RfReference::from_finnish(&finnish))
        } else {
            BarcodeReference::Finnish(finnish)
        };
        let start = Date::from_calendar_date(2000, Month::January, 1).unwrap();
        let due = due.map(|days| start + time::Duration::days(days.into()));
        let barcode = VirtualBarcode::new(iban, cents, reference, due).unwrap();
        let digits = barcode.digits();
        prop_assert_eq!(digits.len(), 54);
        prop_assert_eq!(VirtualBarcode::parse(&digits), Ok(barcode));
    }

    #[test]
    fn parsing_never_panics(input in "\\PC{0,60}", digits in "[0-9]{54}") {
        let _ = VirtualBarcode::parse(&input);
        let _ = VirtualBarcode::parse(&digits);
    }
}
