//! The element names the rules know, interned to small ids when the document is read, and
//! the compiled form of the rules' paths (`p!("cac:Price/cbc:PriceAmount")`), so that a name
//! test anywhere is one integer comparison and no path is taken apart while validating.
//!
//! Why: a 300-line invoice must validate a thousand times faster than the official
//! Schematron (issue 21, docs/PERFORMANCE.md); comparing names as strings and splitting path
//! strings on every call was a third of the rules' time. An element's `key` is its name id
//! shifted left by three, or'ed with its namespace (`xml::Ns`); names the rules never ask
//! for get id 0 and never equal a wanted key.

use super::xml::Ns;

/// Every local name a rule asks for (with `cac:`/`cbc:` or in a name set). The id of
/// `NAMES[i]` is `i + 1`. A path or set naming anything else fails to compile.
pub(super) const NAMES: [&str; 111] = [
    "AccountingCustomerParty",
    "AccountingSupplierParty",
    "ActualDeliveryDate",
    "AdditionalDocumentReference",
    "AdditionalItemProperty",
    "Address",
    "AddressLine",
    "AllowanceCharge",
    "AllowanceChargeReason",
    "AllowanceChargeReasonCode",
    "AllowanceTotalAmount",
    "Amount",
    "Attachment",
    "BaseAmount",
    "BaseQuantity",
    "BillingReference",
    "BuyerReference",
    "CardAccount",
    "ChargeIndicator",
    "ChargeTotalAmount",
    "ClassifiedTaxCategory",
    "CommodityClassification",
    "CompanyID",
    "CompanyLegalForm",
    "ContractDocumentReference",
    "Country",
    "CreditNote",
    "CreditNoteLine",
    "CreditNoteTypeCode",
    "CreditedQuantity",
    "CustomizationID",
    "Delivery",
    "DeliveryLocation",
    "DeliveryParty",
    "Description",
    "DescriptionCode",
    "DespatchDocumentReference",
    "DocumentCurrencyCode",
    "DocumentDescription",
    "DocumentReference",
    "DocumentTypeCode",
    "DueDate",
    "EmbeddedDocumentBinaryObject",
    "EndDate",
    "EndpointID",
    "FinancialInstitutionBranch",
    "ID",
    "IdentificationCode",
    "Invoice",
    "InvoiceDocumentReference",
    "InvoiceLine",
    "InvoicePeriod",
    "InvoiceTypeCode",
    "InvoicedQuantity",
    "IssueDate",
    "Item",
    "ItemClassificationCode",
    "LegalMonetaryTotal",
    "LineExtensionAmount",
    "LineID",
    "MultiplierFactorNumeric",
    "Name",
    "Note",
    "OrderLineReference",
    "OrderReference",
    "OriginCountry",
    "OriginatorDocumentReference",
    "Party",
    "PartyIdentification",
    "PartyLegalEntity",
    "PartyName",
    "PartyTaxScheme",
    "PayableAmount",
    "PayableRoundingAmount",
    "PayeeFinancialAccount",
    "PayeeParty",
    "PayerFinancialAccount",
    "PaymentDueDate",
    "PaymentID",
    "PaymentMandate",
    "PaymentMeans",
    "PaymentMeansCode",
    "PaymentTerms",
    "Percent",
    "PostalAddress",
    "PostalZone",
    "PrepaidAmount",
    "Price",
    "PriceAmount",
    "PrimaryAccountNumberID",
    "ProfileID",
    "ProjectReference",
    "ReceiptDocumentReference",
    "RegistrationName",
    "StandardItemIdentification",
    "StartDate",
    "StreetName",
    "TaxAmount",
    "TaxCategory",
    "TaxCurrencyCode",
    "TaxExclusiveAmount",
    "TaxExemptionReason",
    "TaxExemptionReasonCode",
    "TaxInclusiveAmount",
    "TaxPointDate",
    "TaxRepresentativeParty",
    "TaxScheme",
    "TaxSubtotal",
    "TaxTotal",
    "TaxableAmount",
    "Value",
];

/// Matches no element: a runtime path step that is not `cac:`/`cbc:` and a known name.
pub(super) const NO_KEY: u16 = u16::MAX;

const SLOTS: usize = 512;

/// The longest name in `NAMES` may have this many bytes: four words cover it.
const LONGEST: usize = 32;

/// A name as words: its length, bytes 0..8 (zero-padded when shorter), 8..16, 16..24 (0
/// when it is shorter than the end of the word) and its last eight bytes (0 when shorter
/// than 8). For a name of up to 32 bytes, equal words mean equal names.
const fn words_const(b: &[u8]) -> [u64; 5] {
    let n = b.len();
    [
        n as u64,
        le_const(b, 0),
        if n >= 16 { le_const(b, 8) } else { 0 },
        if n >= 24 { le_const(b, 16) } else { 0 },
        if n >= 8 { le_const(b, n - 8) } else { 0 },
    ]
}

/// Up to eight bytes from `at`, little-endian, zero-padded.
const fn le_const(b: &[u8], at: usize) -> u64 {
    let mut w = 0u64;
    let mut i = 0;
    while i < 8 && at + i < b.len() {
        w |= (b[at + i] as u64) << (8 * i);
        i += 1;
    }
    w
}

/// `words_const` at run time, with word loads.
#[inline]
fn words(b: &[u8]) -> [u64; 5] {
    let n = b.len();
    let le = |at: usize| {
        b.get(at..at + 8).map_or(0, |w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
    };
    let first = if n >= 8 { le(0) } else { words_const(b)[1] };
    [
        n as u64,
        first,
        if n >= 16 { le(8) } else { 0 },
        if n >= 24 { le(16) } else { 0 },
        if n >= 8 { le(n - 8) } else { 0 },
    ]
}

#[inline]
const fn slot(w: &[u64; 5]) -> usize {
    let h = (0xcbf2_9ce4_8422_2325u64 ^ w[0] ^ w[1]).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let h = (h ^ w[4]).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 55) as usize % SLOTS
}

/// The words of each name, by id (index 0 unused).
static WORDS: [[u64; 5]; NAMES.len() + 1] = words_table();

const fn words_table() -> [[u64; 5]; NAMES.len() + 1] {
    let mut t = [[0u64; 5]; NAMES.len() + 1];
    let mut i = 0;
    while i < NAMES.len() {
        assert!(NAMES[i].len() <= LONGEST, "a name longer than LONGEST");
        t[i + 1] = words_const(NAMES[i].as_bytes());
        i += 1;
    }
    t
}

/// Open addressing: the id of the name whose hash is the slot (or the next free ones), 0 empty.
static TABLE: [u16; SLOTS] = table();

const fn table() -> [u16; SLOTS] {
    let mut t = [0u16; SLOTS];
    let mut i = 0;
    while i < NAMES.len() {
        let mut at = slot(&words_const(NAMES[i].as_bytes()));
        while t[at] != 0 {
            at = (at + 1) % SLOTS;
        }
        t[at] = i as u16 + 1;
        i += 1;
    }
    t
}

const fn same(a: &[u8], b: &[u8]) -> bool {
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

/// The id of a local name, 0 for a name no rule asks for. Once per element read: a few
/// word loads and comparisons, no call to memcmp.
#[inline]
pub(super) fn id(local: &str) -> u16 {
    let b = local.as_bytes();
    if b.len() > LONGEST {
        return 0;
    }
    let w = words(b);
    let mut at = slot(&w);
    loop {
        let id = TABLE[at];
        let known = &WORDS[id as usize];
        // Word by word: an array comparison would call memcmp.
        if id == 0 || (known[0] == w[0] && known[1] == w[1] && known[4] == w[4] && known[2] == w[2] && known[3] == w[3])
        {
            return id;
        }
        at = (at + 1) % SLOTS;
    }
}

/// `id` at compile time; panics (a compile error) for a name not in `NAMES`.
const fn id_const(b: &[u8]) -> u16 {
    let mut at = slot(&words_const(b));
    loop {
        let id = TABLE_CONST[at];
        if id == 0 {
            panic!("a name missing from validation::names::NAMES");
        }
        if same(NAMES[id as usize - 1].as_bytes(), b) {
            return id;
        }
        at = (at + 1) % SLOTS;
    }
}

const TABLE_CONST: [u16; SLOTS] = table();

/// An element's key: its name id and namespace in one number.
#[inline]
pub(super) const fn key(id: u16, ns: Ns) -> u16 {
    (id << 3) | ns as u16
}

/// A relative path of child steps, such as `cac:Price/cbc:PriceAmount`, as keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Path {
    keys: [u16; 8],
    len: u8,
    /// The path as written, for messages and for the few paths built on it with `format!`
    /// ("" for one built at run time).
    src: &'static str,
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.src)
    }
}

impl std::fmt::Debug for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:?}", self.src, self.keys())
    }
}

impl Path {
    /// At compile time (through `p!`): panics for a step that is not `cac:`/`cbc:` and a known name.
    pub(super) const fn parse(s: &'static str) -> Path {
        let b = s.as_bytes();
        let mut p = Path { keys: [NO_KEY; 8], len: 0, src: s };
        let mut start = 0;
        let mut i = 0;
        while i <= b.len() {
            if i == b.len() || b[i] == b'/' {
                let step = b.split_at(i).0.split_at(start).1;
                let (prefix, local) = step.split_at(4);
                let ns = if same(prefix, b"cac:") {
                    Ns::Cac
                } else if same(prefix, b"cbc:") {
                    Ns::Cbc
                } else {
                    panic!("a path step without cac: or cbc:")
                };
                p.keys[p.len as usize] = key(id_const(local), ns);
                p.len += 1;
                start = i + 1;
            }
            i += 1;
        }
        p
    }

    /// At run time, for the few paths built with `format!`: a step the rules cannot mean
    /// matches nothing, as before.
    pub(super) fn runtime(s: &str) -> Path {
        let mut p = Path { keys: [NO_KEY; 8], len: 0, src: "" };
        for step in s.split('/') {
            let (prefix, local) = step.split_at(4.min(step.len()));
            let ns = match prefix {
                "cac:" => Some(Ns::Cac),
                "cbc:" => Some(Ns::Cbc),
                _ => None,
            };
            let id = id(local);
            debug_assert!(id != 0, "{local} is missing from validation::names::NAMES");
            let k = match ns {
                Some(ns) if id != 0 => key(id, ns),
                _ => NO_KEY,
            };
            assert!((p.len as usize) < p.keys.len(), "a path of more than 8 steps");
            p.keys[p.len as usize] = k;
            p.len += 1;
        }
        p
    }

    /// The keys, in a const context.
    pub(super) const fn keys_const(&self) -> [u16; 8] {
        self.keys
    }

    #[inline]
    pub(super) fn keys(&self) -> &[u16] {
        &self.keys[..self.len as usize]
    }

    /// The key of a one-step path (a name).
    #[inline]
    pub(super) fn key(&self) -> u16 {
        debug_assert!(self.len == 1, "a name test with a path of several steps");
        self.keys[0]
    }
}

/// A set of local names (any namespace), for the rule dispatchers: one bit test per element.
#[derive(Clone, Copy)]
pub(super) struct NameSet([u64; 2]);

impl NameSet {
    pub(super) const fn of(names: &[&str]) -> NameSet {
        let mut s = [0u64; 2];
        let mut i = 0;
        while i < names.len() {
            let id = id_const(names[i].as_bytes()) as usize;
            s[id / 64] |= 1 << (id % 64);
            i += 1;
        }
        NameSet(s)
    }

    #[inline]
    pub(super) fn has(&self, id: u16) -> bool {
        let id = id as usize;
        self.0.get(id / 64).is_some_and(|w| w >> (id % 64) & 1 == 1)
    }
}
