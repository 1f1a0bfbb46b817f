//! Field errors shown next to their fields (in the caller's language), and the
//! checks every operation's input shares (required and optional text, language,
//! currency). The application layer judges input with these, so the web form and the
//! API body are judged the same way. Messages from the domain crate stay English.

use crate::i18n::Tr;

/// Messages keyed by field name, rendered next to each field. `default()` writes
/// English (the JSON API); `new(t)` the language of a page.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>, Tr);

impl FieldErrors {
    pub fn new(t: &Tr) -> Self {
        FieldErrors(Vec::new(), t.clone())
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
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

    pub fn summary(&self) -> String {
        self.0.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ")
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

/// A postal address as typed: street, postal code and city.
pub struct AddressFields<'a> {
    pub address_line: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
}

/// Judges the postal address every party has (a customer, the business itself) the
/// same way; a wrong field keeps what was typed, for the form to show again.
pub fn judge_address(errors: &mut FieldErrors, t: &Tr, typed: AddressFields<'_>) -> (String, String, String) {
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
    (address_line, postal_code, city)
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
