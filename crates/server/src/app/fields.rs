//! Field errors shown next to their fields (in the caller's language), and the
//! checks every operation's input shares (required and optional text, language,
//! currency). The application layer judges input with these, so the web form and the
//! API body are judged the same way; the domain's typed mistakes are worded here.

use crate::i18n::{Text, Tr};

/// Messages keyed by field name, rendered next to each field. A message is a [`Text`]:
/// worded when it is read, in the language of the `Tr` it is read with. `default()`
/// reads English (the JSON API); `new(t)` the language of a page; an operation that
/// does not know the reader's language leaves it to the page to call [`read_in`].
///
/// [`read_in`]: FieldErrors::read_in
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, Text)>, Tr);

impl FieldErrors {
    pub fn new(t: &Tr) -> Self {
        FieldErrors(Vec::new(), t.clone())
    }

    /// The same messages, read in `t`'s language.
    pub fn read_in(mut self, t: &Tr) -> Self {
        self.1 = t.clone();
        self
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<Text>) {
        self.0.push((field.into(), message.into()));
    }

    /// Moves `other`'s messages here, as they are (still to be worded).
    pub fn append(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.render(self.1.lang()))
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(f, _)| f.as_str())
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, String)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.render(self.1.lang())))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs a check; on error records it under `field` with `label` (already in the
    /// page's language) in front, and returns the fallback so the form can be shown
    /// again as typed.
    pub fn check<T>(&mut self, field: &str, label: &str, result: Result<T, String>, fallback: T) -> T {
        result.unwrap_or_else(|message| {
            let text = labelled(&self.1, label, &message);
            self.add(field, text);
            fallback
        })
    }

    /// All messages as one text, worded when the page that shows it is rendered.
    pub fn into_text(self) -> Text {
        Text::List(self.0.into_iter().map(|(_, m)| m).collect())
    }

    pub fn summary(&self) -> String {
        self.0.iter().map(|(_, m)| m.render(self.1.lang())).collect::<Vec<_>>().join(" ")
    }
}

/// A field's name and what is wrong with it, as one message ("Name is required").
pub fn labelled(t: &Tr, label: &str, message: &str) -> String {
    t.t2("field-error", "label", label, "message", message)
}

/// Required text of at most `max` characters.
pub fn required(t: &Tr, value: &str, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() { Err(t.t("form-required")) } else { optional(t, value, max) }
}

/// Optional text of at most `max` characters.
pub fn optional(t: &Tr, value: &str, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max { Err(t.t1("form-max-chars", "max", max)) } else { Ok(trimmed.to_owned()) }
}

/// A postal address as typed: street, postal code, city and country.
pub struct AddressFields<'a> {
    pub address_line: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub country: &'a str,
}

/// A postal address as judged (a wrong field keeps what was typed, for the form).
pub struct Address {
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166 alpha-2, upper case.
    pub country: String,
}

/// Judges the postal address every party has (a customer, the business itself) the
/// same way.
pub fn judge_address(errors: &mut FieldErrors, t: &Tr, typed: AddressFields<'_>) -> Address {
    let country = errors.check(
        "country",
        &t.t("label-country"),
        identifier(t, fastfaktura_domain::identifiers::country(typed.country)),
        typed.country.to_owned(),
    );
    let address_line = errors.check(
        "address_line",
        &t.t("label-address"),
        optional(t, typed.address_line, 200),
        typed.address_line.to_owned(),
    );
    let postal_code = errors.check(
        "postal_code",
        &t.t("label-postal-code"),
        optional(t, typed.postal_code, 20),
        typed.postal_code.to_owned(),
    );
    let city = errors.check("city", &t.t("label-city"), optional(t, typed.city, 100), typed.city.to_owned());
    Address { address_line, postal_code, city, country }
}

/// A language we write documents in: `en` or `is`.
pub fn language(t: &Tr, value: &str) -> Result<String, String> {
    match value.trim() {
        v @ ("en" | "is") => Ok(v.to_owned()),
        _ => Err(t.t("form-language")),
    }
}

/// A supported ISO 4217 currency code, normalised to upper case.
pub fn currency_code(value: &str) -> Result<String, String> {
    fastfaktura_domain::Currency::parse(value).map(|c| c.code().to_owned()).map_err(|e| e.to_string())
}

/// A number typed on a page in `t`'s language ("18.500" is 18500 in Icelandic), with
/// at most `places` decimals; the mistake in the reader's language, spelling out both
/// readings of an ambiguous one. The API reads in English: `1490.50`.
pub fn number(t: &Tr, typed: &str, places: u32) -> Result<fastfaktura_domain::Decimal, String> {
    use fastfaktura_domain::locale::{NumberInputError, parse_number};
    parse_number(typed, places, t.lang().locale()).map_err(|e| match e {
        NumberInputError::Empty => t.t("form-required"),
        NumberInputError::NotANumber => t.t("form-not-a-number"),
        NumberInputError::TooManyDecimals(max) => t.t1("form-decimals", "max", max),
        NumberInputError::TooLarge => t.t("form-too-large"),
        NumberInputError::Ambiguous { as_decimal, as_grouped } => {
            t.t2("form-number-ambiguous", "decimal", as_decimal, "grouped", as_grouped)
        }
    })
}

/// An identifier's check (country code, VAT id, registration id, IBAN, BIC, phone)
/// with its mistake worded in the reader's language.
pub fn identifier(t: &Tr, checked: Result<String, fastfaktura_domain::identifiers::IdError>) -> Result<String, String> {
    use fastfaktura_domain::identifiers::IdError;
    checked.map_err(|e| match e {
        IdError::Country => t.t("id-country"),
        IdError::VatCharacters => t.t("id-vat-characters"),
        IdError::CheckDigit => t.t("id-check-digit"),
        IdError::Shape { example } => t.t1("id-shape", "example", example),
        IdError::VatPrefix { country, prefix } => t.t2("id-vat-prefix", "country", country, "prefix", prefix),
        IdError::VatDigits => t.t("id-vat-digits"),
        IdError::Iban => t.t("id-iban"),
        IdError::Bic => t.t("id-bic"),
        IdError::Phone => t.t("id-phone"),
        IdError::Registration => t.t("id-registration"),
    })
}

/// An email address's mistake in the reader's language.
pub fn email_message(t: &Tr, error: &fastfaktura_domain::EmailAddressError) -> String {
    use fastfaktura_domain::EmailAddressError;
    match error {
        EmailAddressError::Empty => t.t("form-required"),
        EmailAddressError::TooLong => t.t1("form-max-chars", "max", 254),
        EmailAddressError::Malformed => t.t("email-malformed"),
    }
}

/// What was typed, or `default` when the field was left empty (defaults that follow
/// the country: its currency, its language).
/// A search as typed, ready for the database: trimmed, without control characters
/// (PostgreSQL text cannot hold a NUL, and no name or number contains one).
pub fn search_text(typed: &str) -> String {
    typed.trim().chars().filter(|c| !c.is_control()).collect()
}

/// A payment reference's or domestic account's mistake, in the reader's language.
pub fn reference_error(t: &Tr, error: fastfaktura_domain::ReferenceError) -> String {
    use fastfaktura_domain::ReferenceError as E;
    match error {
        E::Empty => t.t("ref-empty"),
        E::NotDigits => t.t("ref-not-digits"),
        E::InvalidCharacter => t.t("ref-invalid-character"),
        E::TooShort { min } => t.t1("ref-too-short", "min", min),
        E::TooLong { max } => t.t1("ref-too-long", "max", max),
        E::WrongCheckDigit => t.t("id-check-digit"),
        E::WrongLengthDigit => t.t("ref-length-digit"),
        E::LengthNotAgreed => t.t("ref-length-not-agreed"),
        E::NoCheckDigit => t.t("ref-no-check-digit"),
        E::NotRf => t.t("ref-not-rf"),
        E::WrongCountry { expected } => t.t1("ref-wrong-country", "country", expected),
        E::NotKennitala => t.t("ref-not-kennitala"),
        E::Shape { example } => t.t1("id-shape", "example", example),
    }
}

/// An optional field parsed when typed: empty stays empty, anything else is `parse`d.
pub fn optional_parsed<E>(typed: &str, parse: impl FnOnce(&str) -> Result<String, E>) -> Result<String, E> {
    if typed.trim().is_empty() { Ok(String::new()) } else { parse(typed.trim()) }
}

pub fn or_default<'a>(typed: &'a str, default: &'a str) -> &'a str {
    if typed.trim().is_empty() { default } else { typed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_loses_what_the_database_cannot_hold() {
        assert_eq!(search_text(" Ía\u{0}»\u{91}$ "), "Ía»$");
        assert_eq!(search_text("\t"), "");
    }

    #[test]
    fn an_address_is_judged_field_by_field_and_keeps_what_was_typed() {
        let t = Tr::default();
        let mut errors = FieldErrors::new(&t);
        let long_city = "x".repeat(101);
        let typed =
            AddressFields { address_line: " Laugavegur 1 ", postal_code: "101", city: &long_city, country: "Iceland" };
        let address = judge_address(&mut errors, &t, typed);
        assert_eq!(address.address_line, "Laugavegur 1");
        assert_eq!(address.city, long_city, "a wrong field keeps what was typed");
        assert_eq!(address.country, "Iceland");
        assert!(errors.get("country").is_some());
        assert!(errors.get("city").is_some());
        assert!(errors.get("address_line").is_none() && errors.get("postal_code").is_none());

        let mut errors = FieldErrors::new(&t);
        let typed = AddressFields { address_line: "", postal_code: "", city: "Reykjavík", country: "is" };
        assert_eq!(judge_address(&mut errors, &t, typed).country, "IS");
        assert!(errors.is_empty());
    }
}
