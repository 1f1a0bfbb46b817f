//! The catalogue is complete and consistent: both languages parse and have the same
//! message ids, and every id the code and the templates use exists.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use fluent_bundle::FluentResource;

use super::*;

/// The message ids of a catalogue (entries start at column 0 as `id =`).
fn ids(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[test]
fn both_catalogues_parse_and_have_the_same_ids() {
    for (name, source) in [("en", EN_FTL), ("is", IS_FTL)] {
        if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
            panic!("locales/{name}.ftl has syntax errors: {errors:?}");
        }
    }
    load();
    let (en, is) = (ids(EN_FTL), ids(IS_FTL));
    assert!(en.len() > 100, "found only {} ids", en.len());
    let only_en: Vec<_> = en.difference(&is).collect();
    let only_is: Vec<_> = is.difference(&en).collect();
    assert!(only_en.is_empty() && only_is.is_empty(), "only in en: {only_en:?}; only in is: {only_is:?}");
    for id in &en {
        assert!(has_message(Lang::En, id) && has_message(Lang::Is, id), "{id} is not a message of both bundles");
    }
}

fn files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            found.push(path);
        }
    }
}

/// Message ids in lookup calls: `t("…")`, `t1("…"`, `t2("…"` and `key("…")`.
fn used_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for call in ["t(\"", "t1(\"", "t2(\"", "key(\""] {
        for (at, _) in source.match_indices(call) {
            let before = source[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &source[at + call.len()..];
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_used_in_code_and_templates_exists_and_every_message_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    files(&root.join("templates"), &mut paths);
    let mut used = BTreeSet::new();
    let mut missing = Vec::new();
    for path in paths.iter().filter(|p| !p.ends_with("i18n_tests.rs")) {
        let source = std::fs::read_to_string(path).unwrap();
        for key in used_keys(&source) {
            if !has_message(Lang::En, &key) || !has_message(Lang::Is, &key) {
                missing.push(format!("{}: {key}", path.strip_prefix(root).unwrap().display()));
            }
            used.insert(key);
        }
    }
    assert!(missing.is_empty(), "keys missing from the catalogue: {missing:#?}");
    assert!(used.len() > 100, "found only {} keys in use: is the scan broken?", used.len());
    let unused: Vec<_> = ids(EN_FTL).into_iter().filter(|id| !used.contains(id)).collect();
    assert!(unused.is_empty(), "messages no page uses (remove them, or mark a stored id with key()): {unused:?}");
}

#[test]
fn accept_language_picks_the_best_supported_language() {
    assert_eq!(Lang::from_accept_language("is"), Some(Lang::Is));
    assert_eq!(Lang::from_accept_language("is-IS,is;q=0.9,en;q=0.8"), Some(Lang::Is));
    assert_eq!(Lang::from_accept_language("de-DE, en;q=0.5, is;q=0.7"), Some(Lang::Is));
    assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,is;q=0.8"), Some(Lang::En));
    assert_eq!(Lang::from_accept_language("is;q=0, en;q=0.1"), Some(Lang::En));
    assert_eq!(Lang::from_accept_language("de, fr;q=0.8"), None);
    assert_eq!(Lang::from_accept_language(""), None);
    assert_eq!(Lang::parse("IS"), Some(Lang::Is));
    assert_eq!(Lang::parse("xx"), None);
}

#[test]
fn the_cookie_wins_over_accept_language() {
    let mut headers = HeaderMap::new();
    assert_eq!(Lang::from_headers(&headers), Lang::En);
    headers.insert(header::ACCEPT_LANGUAGE, "is-IS".parse().unwrap());
    assert_eq!(Lang::from_headers(&headers), Lang::Is);
    headers.insert(header::COOKIE, "ff_session=abc; ff_lang=en".parse().unwrap());
    assert_eq!(Lang::from_headers(&headers), Lang::En);
    headers.insert(header::COOKIE, "ff_lang=klingon".parse().unwrap());
    assert_eq!(Lang::from_headers(&headers), Lang::Is);
}

#[test]
fn only_local_paths_are_followed_back() {
    assert_eq!(local_path("/invoices?status=open&page=2"), "/invoices?status=open&page=2");
    for bad in ["//evil.example", "/\\evil.example", "https://evil.example/", "evil", "", "/a b", "/ä", "/x\r\ny"] {
        assert_eq!(local_path(bad), "/", "{bad:?}");
    }
}

#[test]
fn arguments_carry_no_isolation_marks_and_plurals_follow_the_language() {
    let is = Tr::new(Lang::Is, "/");
    let en = Tr::new(Lang::En, "/");
    let text = is.t1("dashboard-switch-to", "name", "Smiðja ehf.");
    assert_eq!(text, "Skipta yfir í Smiðja ehf.");
    assert!(!text.contains(['\u{2068}', '\u{2069}']));
    assert_eq!(en.t1("login-attempts-left", "attempts", 1), "You have 1 more try with this code.");
    assert_eq!(en.t1("login-attempts-left", "attempts", 4), "You have 4 more tries with this code.");
    assert_eq!(is.t1("login-attempts-left", "attempts", 21), "Þú átt 21 tilraun eftir með þessum kóða.");
    assert_eq!(is.t1("login-attempts-left", "attempts", 4), "Þú átt 4 tilraunir eftir með þessum kóða.");
    assert_eq!(is.t1("editor-title", "kind", "quote"), "Drög að tilboði");
}

#[test]
fn a_missing_message_falls_back_to_the_key() {
    assert_eq!(Tr::new(Lang::Is, "/").t("no-such-message"), "no-such-message");
    assert_eq!(Text::key("error-not-found").render(Lang::Is), "Engin síða er á þessari slóð.");
    assert_eq!(Text::Plain("as is".into()).render(Lang::Is), "as is");
    assert_eq!(Text::key("wait-minutes").with("minutes", 3).to_string(), "in 3 minutes");
}

#[test]
fn the_code_mail_keeps_its_blank_lines_and_indented_code() {
    let mut args = FluentArgs::new();
    args.set("code", "123456");
    args.set("when", "Tue, 24 Nov 2026 10:00:00 +0000");
    args.set("ip", "127.0.0.1");
    let body = message(Lang::En, "mail-code-body", Some(&args));
    assert!(body.starts_with("Hello,\n\nYour FastFaktura sign-in code is:\n\n    123456\n\nIt is valid"), "{body}");
    assert!(body.ends_with("\n\nFastFaktura"), "{body:?}");
}
