//! Form helpers: field errors shown next to their fields (in the page's language),
//! and reading repeated (indexed) fields such as invoice lines from a form without
//! JavaScript. Messages from the domain crate stay English.

use std::collections::BTreeMap;

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

/// Groups fields named `prefix[INDEX][name]` into rows by index, in index order.
pub fn indexed_rows(pairs: &[(String, String)], prefix: &str) -> Vec<BTreeMap<String, String>> {
    let mut rows: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    let start = format!("{prefix}[");
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(&start) else { continue };
        let Some((index, rest)) = rest.split_once("][") else { continue };
        let (Ok(index), Some(name)) = (index.parse::<usize>(), rest.strip_suffix(']')) else { continue };
        if index < 500 {
            rows.entry(index).or_default().insert(name.to_owned(), value.clone());
        }
    }
    rows.into_values().collect()
}

/// The first value of `name` in a list of form pairs.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_rows_are_grouped_in_order() {
        let pairs: Vec<(String, String)> =
            [("lines[1][a]", "x"), ("lines[0][a]", "y"), ("lines[0][b]", "z"), ("other", "w"), ("lines[x][a]", "bad")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let rows = indexed_rows(&pairs, "lines");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["a"], "y");
        assert_eq!(rows[0]["b"], "z");
        assert_eq!(rows[1]["a"], "x");
    }
}
