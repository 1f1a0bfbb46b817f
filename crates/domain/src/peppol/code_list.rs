//! The Peppol code list of participant identifier schemes (v9.7) as a table: every
//! ICD with its short name, country and state (active, deprecated, removed with its
//! date). Generated from the official XML (the script is above the table), kept apart
//! from the rules in `peppol.rs` because it is data, refreshed when Peppol publishes a
//! new list.

/// A code list row's state.
#[derive(Clone, Copy)]
pub(super) enum State {
    Active,
    Deprecated { removal_date: Option<&'static str> },
    Removed { on: &'static str },
}

/// One participant identifier scheme of the code list.
pub(super) struct Row {
    /// The ISO 6523 ICD, four digits.
    pub(super) code: &'static str,
    /// Peppol's short name, such as `NO:ORG`.
    pub(super) scheme_id: &'static str,
    /// ISO 3166 alpha-2, or empty for an international scheme.
    pub(super) country: &'static str,
    pub(super) state: State,
}

impl Row {
    const fn new(code: &'static str, scheme_id: &'static str, country: &'static str, state: State) -> Self {
        Self { code, scheme_id, country, state }
    }
}

// Generated from "Peppol Code Lists - Participant identifier schemes v9.7.xml" (105 rows,
// the file's entry-count: 84 active, 5 deprecated, 16 removed; the file is sorted by code)
// with this Python 3, not edited by hand:
//
//   import xml.etree.ElementTree as ET
//   for e in ET.parse(path).getroot():
//       a = e.attrib
//       state = {"active": "State::Active",
//                "deprecated": "State::Deprecated { removal_date: %s }"
//                % (f'Some("{a["removal-date"]}")' if "removal-date" in a else "None"),
//                "removed": f'State::Removed {{ on: "{a.get("removal-date")}" }}'}[a["state"]]
//       country = "" if a["country"] == "international" else a["country"]
//       print(f'    Row::new("{a["iso6523"]}", "{a["schemeid"]}", "{country}", {state}),')
pub(super) static SCHEMES: &[Row] = &[
    Row::new("0002", "FR:SIRENE", "FR", State::Active),
    Row::new("0007", "SE:ORGNR", "SE", State::Active),
    Row::new("0009", "FR:SIRET", "FR", State::Active),
    Row::new("0037", "FI:OVT", "FI", State::Removed { on: "2024-12-31" }),
    Row::new("0060", "DUNS", "", State::Active),
    Row::new("0088", "GLN", "", State::Active),
    Row::new("0096", "DK:P", "DK", State::Active),
    Row::new("0097", "IT:FTI", "IT", State::Active),
    Row::new("0106", "NL:KVK", "NL", State::Active),
    Row::new("0130", "EU:NAL", "", State::Active),
    Row::new("0135", "IT:SIA", "IT", State::Active),
    Row::new("0142", "IT:SECETI", "IT", State::Active),
    Row::new("0151", "AU:ABN", "AU", State::Active),
    Row::new("0158", "SK:ICO", "SK", State::Active),
    Row::new("0183", "CH:UIDB", "CH", State::Active),
    Row::new("0184", "DK:DIGST", "DK", State::Active),
    Row::new("0188", "JP:SST", "JP", State::Active),
    Row::new("0190", "NL:OINO", "NL", State::Active),
    Row::new("0191", "EE:CC", "EE", State::Active),
    Row::new("0192", "NO:ORG", "NO", State::Active),
    Row::new("0193", "UBLBE", "BE", State::Deprecated { removal_date: Some("2026-07-07") }),
    Row::new("0195", "SG:UEN", "SG", State::Active),
    Row::new("0196", "IS:KTNR", "IS", State::Active),
    Row::new("0198", "DK:ERST", "DK", State::Active),
    Row::new("0199", "LEI", "", State::Active),
    Row::new("0200", "LT:LEC", "LT", State::Active),
    Row::new("0201", "IT:CUUO", "IT", State::Active),
    Row::new("0204", "DE:LWID", "DE", State::Active),
    Row::new("0205", "IT:COD", "IT", State::Active),
    Row::new("0208", "BE:EN", "BE", State::Active),
    Row::new("0209", "GS1", "", State::Active),
    Row::new("0210", "IT:CFI", "IT", State::Active),
    Row::new("0211", "IT:IVA", "IT", State::Active),
    Row::new("0212", "FI:ORG", "FI", State::Removed { on: "2024-12-31" }),
    Row::new("0213", "FI:VAT", "FI", State::Removed { on: "2024-12-31" }),
    Row::new("0215", "FI:NSI", "FI", State::Removed { on: "2024-12-31" }),
    Row::new("0216", "FI:OVT2", "FI", State::Active),
    Row::new("0218", "LV:URN", "LV", State::Active),
    Row::new("0221", "JP:IIN", "JP", State::Active),
    Row::new("0225", "FR:CTC", "FR", State::Active),
    Row::new("0230", "MY:EIF", "MY", State::Active),
    Row::new("0235", "AE:TIN", "AE", State::Active),
    Row::new("0240", "LU:MAT", "LU", State::Active),
    Row::new("0242", "SPIS", "", State::Active),
    Row::new("0244", "NG:TID", "NG", State::Active),
    Row::new("0245", "SK:DIC", "SK", State::Active),
    Row::new("0246", "DE:GEBA", "DE", State::Active),
    Row::new("0248", "OM:VAT", "OM", State::Active),
    Row::new("9901", "DK:CPR", "DK", State::Removed { on: "2023-11-30" }),
    Row::new("9902", "DK:CVR", "DK", State::Removed { on: "2023-11-30" }),
    Row::new("9904", "DK:SE", "DK", State::Removed { on: "2023-11-30" }),
    Row::new("9905", "DK:VANS", "DK", State::Removed { on: "2023-11-30" }),
    Row::new("9906", "IT:VAT", "IT", State::Removed { on: "2023-05-24" }),
    Row::new("9907", "IT:CF", "IT", State::Removed { on: "2023-05-24" }),
    Row::new("9908", "NO:ORGNR", "NO", State::Removed { on: "2023-05-24" }),
    Row::new("9909", "NO:VAT", "NO", State::Deprecated { removal_date: None }),
    Row::new("9910", "HU:VAT", "HU", State::Active),
    Row::new("9912", "EU:VAT", "", State::Deprecated { removal_date: None }),
    Row::new("9913", "EU:REID", "", State::Active),
    Row::new("9914", "AT:VAT", "AT", State::Active),
    Row::new("9915", "AT:GOV", "AT", State::Active),
    Row::new("9916", "AT:CID", "AT", State::Deprecated { removal_date: None }),
    Row::new("9917", "IS:KT", "IS", State::Deprecated { removal_date: None }),
    Row::new("9918", "IBAN", "", State::Active),
    Row::new("9919", "AT:KUR", "AT", State::Active),
    Row::new("9920", "ES:VAT", "ES", State::Active),
    Row::new("9921", "IT:IPA", "IT", State::Removed { on: "2023-11-30" }),
    Row::new("9922", "AD:VAT", "AD", State::Active),
    Row::new("9923", "AL:VAT", "AL", State::Active),
    Row::new("9924", "BA:VAT", "BA", State::Active),
    Row::new("9925", "BE:VAT", "BE", State::Active),
    Row::new("9926", "BG:VAT", "BG", State::Active),
    Row::new("9927", "CH:VAT", "CH", State::Active),
    Row::new("9928", "CY:VAT", "CY", State::Active),
    Row::new("9929", "CZ:VAT", "CZ", State::Active),
    Row::new("9930", "DE:VAT", "DE", State::Active),
    Row::new("9931", "EE:VAT", "EE", State::Active),
    Row::new("9932", "GB:VAT", "GB", State::Active),
    Row::new("9933", "GR:VAT", "GR", State::Active),
    Row::new("9934", "HR:VAT", "HR", State::Active),
    Row::new("9935", "IE:VAT", "IE", State::Active),
    Row::new("9936", "LI:VAT", "LI", State::Active),
    Row::new("9937", "LT:VAT", "LT", State::Active),
    Row::new("9938", "LU:VAT", "LU", State::Active),
    Row::new("9939", "LV:VAT", "LV", State::Active),
    Row::new("9940", "MC:VAT", "MC", State::Active),
    Row::new("9941", "ME:VAT", "ME", State::Active),
    Row::new("9942", "MK:VAT", "MK", State::Active),
    Row::new("9943", "MT:VAT", "MT", State::Active),
    Row::new("9944", "NL:VAT", "NL", State::Active),
    Row::new("9945", "PL:VAT", "PL", State::Active),
    Row::new("9946", "PT:VAT", "PT", State::Active),
    Row::new("9947", "RO:VAT", "RO", State::Active),
    Row::new("9948", "RS:VAT", "RS", State::Active),
    Row::new("9949", "SI:VAT", "SI", State::Active),
    Row::new("9950", "SK:VAT", "SK", State::Active),
    Row::new("9951", "SM:VAT", "SM", State::Active),
    Row::new("9952", "TR:VAT", "TR", State::Active),
    Row::new("9953", "VA:VAT", "VA", State::Active),
    Row::new("9954", "NL:OIN", "NL", State::Removed { on: "2026-03-31" }),
    Row::new("9955", "SE:VAT", "SE", State::Removed { on: "2023-07-31" }),
    Row::new("9956", "BE:CBE", "BE", State::Removed { on: "2023-12-31" }),
    Row::new("9957", "FR:VAT", "FR", State::Active),
    Row::new("9958", "DE:LID", "DE", State::Removed { on: "2023-07-31" }),
    Row::new("9959", "US:EIN", "US", State::Active),
];

/// The row of `code`, at compile time: a constant naming a code that is not in the
/// table, or that was removed from it, fails to compile wherever it is used (the tests
/// use every constant).
pub(super) const fn lookup(code: &str) -> &'static Row {
    let mut i = 0;
    while i < SCHEMES.len() {
        let row = &SCHEMES[i];
        if bytes_eq(row.code.as_bytes(), code.as_bytes()) {
            assert!(!matches!(row.state, State::Removed { .. }), "a removed scheme");
            return row;
        }
        i += 1;
    }
    panic!("not in the Peppol code list");
}

/// `a == b`, in a `const fn`.
const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
