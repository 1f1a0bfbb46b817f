//! UI languages: English and Icelandic, through a Fluent message catalogue.
//!
//! The messages live in `locales/en.ftl` and `locales/is.ftl` (and, for an area of its
//! own such as received invoices, `locales/<area>.<lang>.ftl` appended to them), compiled into the
//! binary and loaded once into one `FluentBundle` per language. The language of a
//! request ([`Lang`]) is the `ff_lang` cookie (set by `POST /language`), else the
//! best of `Accept-Language`, else English. Pages carry a [`Tr`] (`t` in every page
//! struct) and look their text up by message id, as in `t.t("nav-invoices")`, or
//! `t.t1("dashboard-switch-to", "name", name)` for a message with an argument. A key missing in Icelandic falls back to English;
//! a key missing in both shows the key itself and logs a warning (the unit tests keep
//! that from happening). Fluent's Unicode isolation marks are off: the output is HTML,
//! and U+2068/U+2069 around arguments would only get in the way.
//!
//! What stays English: messages of the domain crate and of the invoicing core (shared
//! with the JSON API), and the JSON API itself.

use std::{fmt, sync::LazyLock};

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, Method, Uri, header, request::Parts},
};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

/// The cookie that remembers a chosen language (not secret).
pub const COOKIE: &str = "ff_lang";

/// Each language's catalogue: the main file, then one file per area that has its own.
pub const EN_FTL: &str = concat!(
    include_str!("../locales/en.ftl"),
    "\n",
    include_str!("../locales/peppol.en.ftl"),
    "\n",
    include_str!("../locales/bills.en.ftl"),
    "\n",
    include_str!("../locales/webhooks.en.ftl")
);
pub const IS_FTL: &str = concat!(
    include_str!("../locales/is.ftl"),
    "\n",
    include_str!("../locales/peppol.is.ftl"),
    "\n",
    include_str!("../locales/bills.is.ftl"),
    "\n",
    include_str!("../locales/webhooks.is.ftl")
);

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Is,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Is];

    /// The same language for the domain's locale layer (numbers, money, dates).
    pub fn locale(self) -> fastfaktura_domain::locale::Language {
        match self {
            Lang::En => fastfaktura_domain::locale::Language::En,
            Lang::Is => fastfaktura_domain::locale::Language::Is,
        }
    }

    /// The BCP 47 code, as used in `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Is => "is",
        }
    }

    /// A language tag such as `is`, `is-IS` or `en-GB`; only the primary subtag counts.
    pub fn parse(value: &str) -> Option<Lang> {
        let primary = value.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "is" => Some(Lang::Is),
            _ => None,
        }
    }

    /// The supported language the browser prefers most (RFC 9110 §12.5.4: q-values,
    /// `q=0` means "not this one"); None when it names none of ours.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else { continue };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// The language the visitor chose with the switch, if they did.
    pub fn from_cookie(headers: &HeaderMap) -> Option<Lang> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .and_then(|(_, value)| Lang::parse(value))
    }

    /// The language of a request: the cookie, else `Accept-Language`, else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        Lang::from_cookie(headers)
            .or_else(|| {
                headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    fn langid(self) -> LanguageIdentifier {
        self.code().parse().expect("a valid language identifier")
    }
}

type Bundle = FluentBundle<FluentResource>;

struct Catalogue {
    en: Bundle,
    is: Bundle,
}

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue { en: bundle(Lang::En, EN_FTL), is: bundle(Lang::Is, IS_FTL) });

fn bundle(lang: Lang, source: &str) -> Bundle {
    let resource = FluentResource::try_new(source.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("locales/{}.ftl does not parse: {errors:?}", lang.code()));
    let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).unwrap_or_else(|errors| panic!("locales/{}.ftl: {errors:?}", lang.code()));
    bundle
}

/// Loads the catalogue now rather than on the first page (a broken file fails at start).
pub fn load() {
    LazyLock::force(&CATALOGUE);
}

fn bundle_for(lang: Lang) -> &'static Bundle {
    match lang {
        Lang::En => &CATALOGUE.en,
        Lang::Is => &CATALOGUE.is,
    }
}

/// Whether `key` is a message of the catalogue of `lang`.
pub fn has_message(lang: Lang, key: &str) -> bool {
    bundle_for(lang).has_message(key)
}

/// The text of `key` in `lang` (falling back to English, then to the key itself).
pub fn message(lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
    for candidate in [lang, Lang::En] {
        let bundle = bundle_for(candidate);
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(key, lang = candidate.code(), ?errors, "message formatted with errors");
            }
            return text.into_owned();
        }
    }
    tracing::warn!(key, lang = lang.code(), "message missing from the catalogue");
    key.to_owned()
}

/// A value passed to a message: text, or a number (numbers choose plural forms).
pub trait Arg {
    fn fluent(&self) -> FluentValue<'static>;
}

impl Arg for str {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(self.to_owned())
    }
}

impl Arg for String {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn fluent(&self) -> FluentValue<'static> {
                FluentValue::from(*self)
            }
        }
    )*};
}
number_args!(u16, i32, i64, u32, usize);

impl<T: Arg + ?Sized> Arg for &T {
    fn fluent(&self) -> FluentValue<'static> {
        (**self).fluent()
    }
}

/// The translator a page carries as `t`: its language, and the local address the
/// language switch in the header returns to.
#[derive(Debug, Clone, Default)]
pub struct Tr {
    lang: Lang,
    back: String,
}

impl Tr {
    pub fn new(lang: Lang, back: &str) -> Self {
        Tr { lang, back: local_path(back).to_owned() }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The language code, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// Where the language switch sends the browser back to.
    pub fn back(&self) -> &str {
        if self.back.is_empty() { "/" } else { &self.back }
    }

    /// A date as the reader writes it (`4 Dec 2026` / `4.12.2026`).
    pub fn date(&self, date: time::Date) -> String {
        fastfaktura_domain::locale::date(date, self.lang.locale())
    }

    /// A moment as the reader writes the date, with the time of day in UTC
    /// (`6 Dec 2026 18:48 UTC` / `6.12.2026 18:48 UTC`): deliveries, link views, received
    /// emails, webhook attempts.
    pub fn moment(&self, at: time::OffsetDateTime) -> String {
        let at = at.to_offset(time::UtcOffset::UTC);
        format!("{} {:02}:{:02} UTC", self.date(at.date()), at.hour(), at.minute())
    }

    /// A quantity, rate or price without trailing zeros, as the reader writes it
    /// (`1,250.5` / `1.250,5`).
    pub fn number(&self, value: &fastfaktura_domain::Decimal) -> String {
        fastfaktura_domain::locale::number(*value, self.lang.locale())
    }

    pub fn t(&self, key: &str) -> String {
        message(self.lang, key, None)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl Arg) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.fluent());
        message(self.lang, key, Some(&args))
    }

    pub fn t2(&self, key: &str, name1: &str, value1: impl Arg, name2: &str, value2: impl Arg) -> String {
        let mut args = FluentArgs::new();
        args.set(name1.to_owned(), value1.fluent());
        args.set(name2.to_owned(), value2.fluent());
        message(self.lang, key, Some(&args))
    }

    /// The name of a member's role (owner, member, accountant).
    pub fn role(&self, role: &str) -> String {
        match role {
            "owner" => self.t("role-owner"),
            "accountant" => self.t("role-accountant"),
            "member" => self.t("role-member"),
            other => other.to_owned(),
        }
    }

    /// The translator of a request: its language, and the page to come back to (the
    /// address itself for a GET, else the local part of `Referer`).
    pub fn from_request(method: &Method, uri: &Uri, headers: &HeaderMap) -> Self {
        let back = if matches!(*method, Method::GET | Method::HEAD) {
            uri.path_and_query().map_or("/", |p| p.as_str()).to_owned()
        } else {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| r.split_once("://"))
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
                .unwrap_or_else(|| "/".to_owned())
        };
        Tr::new(Lang::from_headers(headers), &back)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Tr::from_request(&parts.method, &parts.uri, &parts.headers))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_headers(&parts.headers))
    }
}

/// Marks a string as a catalogue key where it is stored as data (a status, a label)
/// and translated later, so the catalogue test finds it.
pub const fn key(key: &'static str) -> &'static str {
    key
}

/// `back` if it is a path on this site, else `/`: it must start with one `/` (not
/// `//` or `/\`, which browsers read as another host) and be plain visible ASCII.
pub fn local_path(back: &str) -> &str {
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.starts_with("/\\")
        && back.len() <= 2000
        && back.bytes().all(|b| b.is_ascii_graphic());
    if local { back } else { "/" }
}

/// A value of a [`Text`] argument.
#[derive(Debug, Clone)]
pub enum ArgValue {
    Str(String),
    Num(i64),
    /// A number, written in the reader's conventions ("1.490,5").
    Number(fastfaktura_domain::Decimal),
    /// An amount of money, written in the reader's conventions ("18.500 kr.").
    Money(fastfaktura_domain::Decimal, fastfaktura_domain::Currency),
    /// A date, written in the reader's conventions ("4.12.2026").
    Date(time::Date),
    /// Another message, translated along with this one.
    Text(Box<Text>),
}

impl From<Text> for ArgValue {
    fn from(v: Text) -> Self {
        ArgValue::Text(Box::new(v))
    }
}

impl From<String> for ArgValue {
    fn from(v: String) -> Self {
        ArgValue::Str(v)
    }
}

impl From<&str> for ArgValue {
    fn from(v: &str) -> Self {
        ArgValue::Str(v.to_owned())
    }
}

impl From<i32> for ArgValue {
    fn from(v: i32) -> Self {
        ArgValue::Num(i64::from(v))
    }
}

impl From<i64> for ArgValue {
    fn from(v: i64) -> Self {
        ArgValue::Num(v)
    }
}

/// A message decided before the language is known (errors raised deep in a request):
/// a catalogue key with its arguments, translated when the page is rendered, or text
/// that is final as it is (from the invoicing core or the domain, which stay English).
#[derive(Debug, Clone)]
pub enum Text {
    Key(&'static str, Vec<(&'static str, ArgValue)>),
    Plain(String),
    /// Several messages, each translated, joined by "; " (a list of problems).
    List(Vec<Text>),
}

impl Text {
    pub fn key(key: &'static str) -> Self {
        Text::Key(key, Vec::new())
    }

    pub fn with(mut self, name: &'static str, value: impl Into<ArgValue>) -> Self {
        if let Text::Key(_, args) = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    pub fn render(&self, lang: Lang) -> String {
        match self {
            Text::Plain(text) => text.clone(),
            Text::List(items) => items.iter().map(|t| t.render(lang)).collect::<Vec<_>>().join("; "),
            Text::Key(key, args) if args.is_empty() => message(lang, key, None),
            Text::Key(key, args) => {
                let mut fluent = FluentArgs::new();
                for (name, value) in args {
                    let value = match value {
                        ArgValue::Str(s) => FluentValue::from(s.clone()),
                        ArgValue::Num(n) => FluentValue::from(*n),
                        ArgValue::Number(value) => {
                            FluentValue::from(fastfaktura_domain::locale::number(*value, lang.locale()))
                        }
                        ArgValue::Money(value, currency) => {
                            FluentValue::from(fastfaktura_domain::locale::money(*value, *currency, lang.locale()))
                        }
                        ArgValue::Date(date) => {
                            FluentValue::from(fastfaktura_domain::locale::date(*date, lang.locale()))
                        }
                        ArgValue::Text(text) => FluentValue::from(text.render(lang)),
                    };
                    fluent.set(*name, value);
                }
                message(lang, key, Some(&fluent))
            }
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text::Plain(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::Plain(text.to_owned())
    }
}

/// English, for logs and the API.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

#[cfg(test)]
#[path = "i18n_tests.rs"]
mod tests;
