//! Reading HTML forms: repeated (indexed) fields such as invoice lines, from a form
//! without JavaScript, and the one file an upload form carries.

use std::collections::BTreeMap;

// The validation helpers live in the application layer, which judges every input.
pub use crate::app::fields::{FieldErrors, currency_code, labelled, language, optional, required};

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

/// An uploaded file larger than its route allows.
pub struct UploadTooLarge;

/// The file a multipart form uploads as `field`: its name (or `default_name`) and its
/// bytes (perhaps none); None when the form carries no such file or is not multipart.
pub async fn uploaded_file(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    field: &str,
    default_name: &str,
) -> Result<Option<(String, axum::body::Bytes)>, UploadTooLarge> {
    let Ok(mut multipart) = multipart else { return Ok(None) };
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) if part.name() == Some(field) => {
                let name = part.file_name().unwrap_or(default_name).to_owned();
                match part.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadTooLarge),
                    Err(_) => break,
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    Ok(file)
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
