//! VAT categories of EN 16931 (code list UNCL5305 as used by the norm) and rates.
//!
//! A category decides whether VAT is charged and whether the invoice must say why not
//! (BT-120, the exemption reason). The rate is a percentage with at most two decimals
//! (Finland's 25.5 %). The combinations the norm forbids are refused here.

use std::fmt;

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VatCategory {
    /// S: standard (or reduced) rate.
    Standard,
    /// Z: zero rated goods.
    Zero,
    /// E: exempt from VAT; the reason must be stated.
    Exempt,
    /// AE: reverse charge; the buyer accounts for VAT.
    ReverseCharge,
    /// K: intra-community supply (VAT exempt for EEA intra-community supply).
    IntraCommunity,
    /// G: export outside the EU/EEA.
    Export,
    /// O: services outside the scope of VAT.
    OutsideScope,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VatError {
    #[error("{0:?} is not a VAT category; use S, Z, E, AE, K, G or O")]
    UnknownCategory(String),
    #[error("the standard category (S) needs a rate above 0 %")]
    StandardNeedsRate,
    #[error("category {0} is charged at 0 %, so its rate must be 0")]
    MustBeZero(&'static str),
    #[error("a VAT rate must be between 0 and 100 % with at most two decimals")]
    BadRate,
    #[error("exempt (E) lines must state the reason for the exemption")]
    ReasonRequired,
}

impl VatCategory {
    pub const ALL: [VatCategory; 7] = [
        VatCategory::Standard,
        VatCategory::Zero,
        VatCategory::Exempt,
        VatCategory::ReverseCharge,
        VatCategory::IntraCommunity,
        VatCategory::Export,
        VatCategory::OutsideScope,
    ];

    /// The EN 16931 code (UNCL5305 subset).
    pub fn code(self) -> &'static str {
        match self {
            VatCategory::Standard => "S",
            VatCategory::Zero => "Z",
            VatCategory::Exempt => "E",
            VatCategory::ReverseCharge => "AE",
            VatCategory::IntraCommunity => "K",
            VatCategory::Export => "G",
            VatCategory::OutsideScope => "O",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            VatCategory::Standard => "Standard rate",
            VatCategory::Zero => "Zero rated",
            VatCategory::Exempt => "Exempt",
            VatCategory::ReverseCharge => "Reverse charge",
            VatCategory::IntraCommunity => "Intra-community supply",
            VatCategory::Export => "Export outside the EU",
            VatCategory::OutsideScope => "Outside the scope of VAT",
        }
    }

    pub fn parse(code: &str) -> Result<Self, VatError> {
        let wanted = code.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|c| c.code() == wanted)
            .ok_or_else(|| VatError::UnknownCategory(code.trim().to_owned()))
    }

    /// The wording printed when the user gives none; `None` where it must be given
    /// (E) or is not needed (S, Z).
    pub fn default_exemption_reason(self) -> Option<&'static str> {
        match self {
            VatCategory::ReverseCharge => Some("Reverse charge"),
            VatCategory::IntraCommunity => Some("Intra-community supply"),
            VatCategory::Export => Some("Export outside the EU"),
            VatCategory::OutsideScope => Some("Not subject to VAT"),
            VatCategory::Standard | VatCategory::Zero | VatCategory::Exempt => None,
        }
    }

    /// Whether the invoice must carry an exemption reason for this category (BT-120).
    pub fn needs_exemption_reason(self) -> bool {
        !matches!(self, VatCategory::Standard | VatCategory::Zero)
    }

    /// Checks a rate (percent) against this category.
    pub fn check_rate(self, rate: Decimal) -> Result<(), VatError> {
        if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED || rate.normalize().scale() > 2 {
            return Err(VatError::BadRate);
        }
        match self {
            VatCategory::Standard if rate.is_zero() => Err(VatError::StandardNeedsRate),
            VatCategory::Standard => Ok(()),
            other if !rate.is_zero() => Err(VatError::MustBeZero(other.code())),
            _ => Ok(()),
        }
    }
}

/// The VAT rates (percent, standard first) a business in `country` charges, as the
/// editor offers them; empty where we do not know the country's rates.
pub fn country_rates(country: &str) -> &'static [&'static str] {
    match country {
        "IS" => &["24", "11"],
        "SE" => &["25", "12", "6"],
        "NO" => &["25", "15", "12"],
        "DK" => &["25"],
        "FI" => &["25.5", "14", "10"],
        "DE" => &["19", "7"],
        "AT" => &["20", "13", "10"],
        "NL" => &["21", "9"],
        "BE" => &["21", "12", "6"],
        "FR" => &["20", "10", "5.5", "2.1"],
        "IE" => &["23", "13.5", "9"],
        "ES" => &["21", "10", "4"],
        "IT" => &["22", "10", "5", "4"],
        "PL" => &["23", "8", "5"],
        "EE" => &["24", "13", "9"],
        "LV" => &["21", "12", "5"],
        "LT" => &["21", "9", "5"],
        "LU" => &["17", "14", "8", "3"],
        "PT" => &["23", "13", "6"],
        "GB" => &["20", "5"],
        "CH" | "LI" => &["8.1", "3.8", "2.6"],
        _ => &[],
    }
}

impl fmt::Display for VatCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn country_rates_are_valid_standard_rates() {
        for country in ["IS", "SE", "NO", "DK", "FI", "DE", "FR", "CH"] {
            for rate in super::country_rates(country) {
                let rate: super::Decimal = rate.parse().unwrap();
                assert_eq!(super::VatCategory::Standard.check_rate(rate), Ok(()), "{country} {rate}");
            }
        }
        assert_eq!(super::country_rates("IS"), ["24", "11"]);
    }

    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn codes_round_trip() {
        for category in VatCategory::ALL {
            assert_eq!(VatCategory::parse(category.code()).unwrap(), category);
        }
        assert_eq!(VatCategory::parse(" ae ").unwrap(), VatCategory::ReverseCharge);
        assert!(VatCategory::parse("X").is_err());
    }

    #[test]
    fn rates_must_fit_their_category() {
        assert!(VatCategory::Standard.check_rate(dec!(24)).is_ok());
        assert!(VatCategory::Standard.check_rate(dec!(25.5)).is_ok());
        assert_eq!(VatCategory::Standard.check_rate(dec!(0)), Err(VatError::StandardNeedsRate));
        assert_eq!(VatCategory::ReverseCharge.check_rate(dec!(24)), Err(VatError::MustBeZero("AE")));
        assert!(VatCategory::Exempt.check_rate(dec!(0)).is_ok());
        assert_eq!(VatCategory::Standard.check_rate(dec!(101)), Err(VatError::BadRate));
        assert_eq!(VatCategory::Standard.check_rate(dec!(-1)), Err(VatError::BadRate));
        assert_eq!(VatCategory::Standard.check_rate(dec!(24.125)), Err(VatError::BadRate));
    }
}
