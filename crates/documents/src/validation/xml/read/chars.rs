//! The character-level checks of the reader (`read.rs`): the XML declaration, and character
//! data and attribute values as XPath sees them (references replaced, line ends and
//! attribute whitespace normalised). Apart because the reader's loop calls them only for
//! the rare text that needs them; `super::super::text_nodes` calls `decode` and `newlines`
//! again when a rule reads such text.

use std::borrow::Cow;

use memchr::memchr3;

/// The XML declaration's content (after `<?xml`, before `?>`): version, then optionally
/// encoding and standalone, in that order, each `name = 'value'`.
pub(super) fn declaration(content: &str) -> Result<(), String> {
    let bad = || format!("a malformed XML declaration: <?xml{content}?>");
    let mut rest = content;
    let mut expected: &[&str] = &["version", "encoding", "standalone"];
    let mut first = true;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        if trimmed.is_empty() {
            return if first { Err(bad()) } else { Ok(()) };
        }
        if trimmed.len() == rest.len() {
            return Err(bad()); // no space before a pseudo-attribute
        }
        let at = expected.iter().position(|k| trimmed.starts_with(k)).ok_or_else(bad)?;
        if first && at != 0 {
            return Err(bad());
        }
        let key = expected[at];
        expected = &expected[at + 1..];
        let after = trimmed[key.len()..].trim_start_matches([' ', '\t', '\r', '\n']);
        let after = after.strip_prefix('=').ok_or_else(bad)?.trim_start_matches([' ', '\t', '\r', '\n']);
        let quote = after.chars().next().filter(|q| matches!(q, '"' | '\'')).ok_or_else(bad)?;
        let (value, tail) = after[1..].split_once(quote).ok_or_else(bad)?;
        let ok = match key {
            "version" => {
                value.strip_prefix("1.").is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            }
            "encoding" => {
                value.starts_with(|c: char| c.is_ascii_alphabetic())
                    && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            }
            _ => matches!(value, "yes" | "no"),
        };
        if !ok {
            return Err(bad());
        }
        first = false;
        rest = tail;
    }
}

/// End-of-line normalisation: `\r\n` and a lone `\r` become `\n`.
pub(in super::super) fn newlines(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\r') {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Character data or an attribute value as XPath sees it: references replaced, line ends
/// normalised, and in attribute values each whitespace character a space.
pub(in super::super) fn decode(raw: &str, attribute: bool) -> Result<Cow<'_, str>, String> {
    let b = raw.as_bytes();
    let special = if attribute {
        b.iter().any(|c| matches!(c, b'&' | b'\r' | b'\n' | b'\t'))
    } else {
        // Most text is a short value: a plain loop beats a SIMD call there.
        let special = if b.len() < 64 {
            // A fold, not `any`: no early exit, so the compiler checks many bytes at a time.
            b.iter().fold(false, |seen, c| seen | matches!(c, b'&' | b'\r' | b']'))
        } else {
            memchr3(b'&', b'\r', b']', b).is_some()
        };
        if special && raw.contains("]]>") {
            return Err("']]>' in text".into());
        }
        special
    };
    if !special {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find(['&', '\r', '\n', '\t']) {
        out.push_str(&rest[..at]);
        let c = rest.as_bytes()[at];
        rest = &rest[at + 1..];
        match c {
            b'&' => {
                let semi = rest.find(';').ok_or("'&' without ';'")?;
                let name = &rest[..semi];
                rest = &rest[semi + 1..];
                let ch = match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "apos" => '\'',
                    "quot" => '"',
                    _ => {
                        let code = if let Some(hex) = name.strip_prefix("#x") {
                            u32::from_str_radix(hex, 16).ok()
                        } else if let Some(dec) = name.strip_prefix('#') {
                            dec.parse().ok()
                        } else {
                            return Err(format!("the entity &{name}; is not defined"));
                        };
                        code.filter(|c| *c != 0).and_then(char::from_u32).ok_or("an invalid character reference")?
                    }
                };
                out.push(ch);
            }
            b'\r' => {
                rest = rest.strip_prefix('\n').unwrap_or(rest);
                out.push(if attribute { ' ' } else { '\n' });
            }
            _ if attribute => out.push(' '),
            _ => out.push(c as char),
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}
