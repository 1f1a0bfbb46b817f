//! The security-related settings: TLS (off, files, ACME), HSTS, trusted proxies and
//! `security.txt`. Kept apart from `config.rs` so that file stays about loading.

use std::{net::SocketAddr, path::PathBuf, str::FromStr};

use ipnet::IpNet;

use super::{ConfigError, Settings};
use serde::{Deserialize, Deserializer};
use time::{Duration, OffsetDateTime, format_description::well_known::Rfc3339};

impl Settings {
    pub(super) fn check_tls(&self) -> Result<(), ConfigError> {
        let tls = &self.tls;
        let missing = |what: &str| Err(ConfigError::Invalid(what.to_owned()));
        match tls.mode {
            TlsMode::Off => {}
            TlsMode::Files => {
                if tls.cert_file.is_none() || tls.key_file.is_none() {
                    return missing(
                        "tls.mode = files needs tls.cert_file (FASTFAKTURA_TLS_CERT_FILE) and tls.key_file (FASTFAKTURA_TLS_KEY_FILE)",
                    );
                }
            }
            TlsMode::Acme => {
                if self.acme_domains().is_empty() {
                    return missing(
                        "tls.mode = acme needs tls.acme.domains (FASTFAKTURA_ACME_DOMAINS) or an https:// public_base_url with a host name",
                    );
                }
                if tls.acme.challenge == AcmeChallenge::Http01 && tls.http_listen.is_none() {
                    return missing(
                        "tls.acme.challenge = http-01 needs tls.http_listen (FASTFAKTURA_TLS_HTTP_LISTEN), the plain-HTTP listener the CA checks",
                    );
                }
                if !tls.acme.directory_url.starts_with("https://") {
                    return missing("tls.acme.directory_url (FASTFAKTURA_ACME_DIRECTORY_URL) must be an https:// URL");
                }
            }
        }
        if tls.mode != TlsMode::Off && !self.secure_cookies() && self.public_base_url.is_some() {
            return missing("with tls.mode files or acme, public_base_url must start with https://");
        }
        Ok(())
    }

    /// The names an ACME certificate covers: configured, else the public host name.
    pub fn acme_domains(&self) -> Vec<String> {
        if !self.tls.acme.domains.is_empty() {
            return self.tls.acme.domains.iter().map(|d| d.trim().to_ascii_lowercase()).collect();
        }
        let host = self.public_host();
        if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
            return Vec::new();
        }
        vec![host]
    }

    /// The host name of the public origin, without scheme or port.
    pub fn public_host(&self) -> String {
        let origin = self.public_origin();
        let after = origin.split_once("://").map_or(origin.as_str(), |(_, rest)| rest);
        if after.starts_with('[') {
            return after.split_once(']').map_or(after.to_owned(), |(h, _)| format!("{h}]"));
        }
        after.split(':').next().unwrap_or("").to_ascii_lowercase()
    }

    /// The `Strict-Transport-Security` value for our responses, if any: with TLS on,
    /// and also with TLS off behind a proxy when the public address is https (the
    /// proxy hands our responses out over HTTPS).
    pub fn hsts_header(&self) -> Option<String> {
        let tls = &self.tls;
        if tls.mode == TlsMode::Off && !self.secure_cookies() {
            return None;
        }
        crate::security_headers::hsts_value(tls.hsts_max_age_seconds, tls.hsts_include_subdomains, tls.hsts_preload)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    }
}

/// Let's Encrypt's production ACME directory, the default for `tls.mode = "acme"`.
pub const LETS_ENCRYPT_PRODUCTION: &str = "https://acme-v02.api.letsencrypt.org/directory";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain HTTP: development, or behind a proxy that terminates TLS.
    #[default]
    Off,
    /// A certificate and key from PEM files, reloaded when they change.
    Files,
    /// Certificates obtained and renewed from an ACME CA (TLS-ALPN-01 on our port).
    Acme,
}

impl TlsMode {
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Off => "off",
            TlsMode::Files => "files",
            TlsMode::Acme => "acme",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsSettings {
    pub mode: TlsMode,
    /// With TLS on: a plain-HTTP listener (usually `0.0.0.0:80`) that only redirects
    /// to HTTPS with 308. None: no plain-HTTP listener.
    pub http_listen: Option<SocketAddr>,
    /// `files` mode: the certificate chain (PEM, leaf first) and its private key (PEM).
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// `files` mode: how often the files are checked for a change.
    pub reload_check_seconds: u64,
    /// `Strict-Transport-Security` on every HTTPS response; 0 turns HSTS off.
    pub hsts_max_age_seconds: u64,
    pub hsts_include_subdomains: bool,
    /// Only for a registrable domain whose every subdomain serves HTTPS (see docs/deployment.md).
    pub hsts_preload: bool,
    pub acme: AcmeSettings,
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self {
            mode: TlsMode::Off,
            http_listen: None,
            cert_file: None,
            key_file: None,
            reload_check_seconds: 30,
            // Two years: Mozilla's hsts_min_age and what the preload list asks for.
            hsts_max_age_seconds: 63_072_000,
            hsts_include_subdomains: true,
            hsts_preload: true,
            acme: AcmeSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcmeSettings {
    /// The names on the certificate; empty: the host of `public_base_url`.
    pub domains: Vec<String>,
    /// Contact addresses for the CA's expiry and policy mail (`ops@example.com` or `mailto:...`).
    pub contact: Vec<String>,
    pub directory_url: String,
    /// An extra CA (PEM) to trust for the directory's own HTTPS: a private or test CA.
    pub directory_ca_file: Option<PathBuf>,
    /// `tls-alpn-01` (on the HTTPS port, the default) or `http-01` (on `tls.http_listen`).
    pub challenge: AcmeChallenge,
    /// Warn (log, `/healthz/tls`) when the certificate expires within this many days.
    pub expiry_warning_days: u32,
}

impl Default for AcmeSettings {
    fn default() -> Self {
        Self {
            domains: Vec::new(),
            contact: Vec::new(),
            directory_url: LETS_ENCRYPT_PRODUCTION.into(),
            directory_ca_file: None,
            challenge: AcmeChallenge::TlsAlpn01,
            // Let's Encrypt renews at 60 of 90 days: 30 days left means renewal is failing.
            expiry_warning_days: 30,
        }
    }
}

/// The ACME challenge the CA validates our names with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum AcmeChallenge {
    /// A special certificate on our HTTPS port (port 443 for the CA).
    #[default]
    #[serde(rename = "tls-alpn-01")]
    TlsAlpn01,
    /// A file under `/.well-known/acme-challenge/` on the plain-HTTP listener (port 80 for the CA).
    #[serde(rename = "http-01")]
    Http01,
}

impl AcmeSettings {
    /// Contacts as ACME wants them (`mailto:` URIs).
    pub fn contact_uris(&self) -> Vec<String> {
        self.contact.iter().map(|c| if c.contains(':') { c.clone() } else { format!("mailto:{c}") }).collect()
    }
}

/// A proxy whose `X-Forwarded-For` / `Forwarded` we believe: an address or a network
/// (`10.0.0.5`, `10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(pub IpNet);

impl FromStr for TrustedProxy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(net) = s.parse::<IpNet>() {
            return Ok(Self(net.trunc()));
        }
        s.parse::<std::net::IpAddr>()
            .map(|ip| Self(IpNet::from(ip)))
            .map_err(|_| format!("{s:?} is not an IP address or network (such as 10.0.0.0/8)"))
    }
}

impl<'de> Deserialize<'de> for TrustedProxy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// `/.well-known/security.txt` (RFC 9116). Without a contact it is not served.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityTxtSettings {
    /// `mailto:` or `https:` URIs (a bare address becomes `mailto:`), in order of preference.
    pub contact: Vec<String>,
    /// RFC 3339, less than a year ahead, e.g. `2027-06-30T00:00:00Z`.
    pub expires: Option<String>,
    pub policy: Option<String>,
    pub encryption: Option<String>,
    pub acknowledgments: Option<String>,
    pub preferred_languages: String,
    /// A file already signed by the operator (OpenPGP cleartext signature, `gpg --clearsign`),
    /// served as it is instead of the generated text.
    pub signed_file: Option<PathBuf>,
}

impl Default for SecurityTxtSettings {
    fn default() -> Self {
        Self {
            contact: Vec::new(),
            expires: None,
            policy: None,
            encryption: None,
            acknowledgments: None,
            preferred_languages: "en, is".into(),
            signed_file: None,
        }
    }
}

impl SecurityTxtSettings {
    pub fn contact_uris(&self) -> Vec<String> {
        self.contact.iter().map(|c| if c.contains(':') { c.clone() } else { format!("mailto:{c}") }).collect()
    }

    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        self.expires.as_deref().and_then(|e| OffsetDateTime::parse(e.trim(), &Rfc3339).ok())
    }

    /// Problems that stop the service from starting.
    pub fn check(&self, now: OffsetDateTime) -> Result<(), String> {
        if self.contact.is_empty() && self.signed_file.is_none() {
            return Ok(());
        }
        if self.signed_file.is_some() {
            return Ok(());
        }
        let Some(raw) = &self.expires else {
            return Err("security_txt.expires (FASTFAKTURA_SECURITY_TXT_EXPIRES) is required with a contact: an RFC 3339 date less than a year ahead".into());
        };
        let Some(expires) = self.expires_at() else {
            return Err(format!(
                "security_txt.expires must be an RFC 3339 date such as 2027-06-30T00:00:00Z, but it is {raw:?}"
            ));
        };
        if expires - now > Duration::days(366) {
            return Err(format!(
                "security_txt.expires ({raw}) is more than a year ahead; RFC 9116 asks for less than a year"
            ));
        }
        for uri in self.contact_uris() {
            if !(uri.starts_with("mailto:") || uri.starts_with("https://") || uri.starts_with("tel:")) {
                return Err(format!(
                    "security_txt.contact {uri:?} must be an email address, a mailto:, tel: or https:// URI"
                ));
            }
        }
        Ok(())
    }

    /// A warning to log when the file lapses within 30 days (or has lapsed).
    pub fn expiry_warning(&self, now: OffsetDateTime) -> Option<String> {
        let expires = self.expires_at()?;
        let left = expires - now;
        if left <= Duration::ZERO {
            Some(format!("security.txt expired on {}: set security_txt.expires to a new date", expires.date()))
        } else if left < Duration::days(30) {
            Some(format!(
                "security.txt expires on {} ({} days left): set security_txt.expires to a new date",
                expires.date(),
                left.whole_days()
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::Overrides;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn trusted_proxies_tls_and_the_old_setting() {
        let loaded = Settings::load_from(
            None,
            env(&[("FASTFAKTURA_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"), ("FASTFAKTURA_TLS_MODE", "off")]),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(loaded.settings.trusted_proxies.len(), 2);
        let err = Settings::load_from(None, env(&[("FASTFAKTURA_TRUSTED_PROXIES", "proxy")]), &Overrides::default())
            .unwrap_err();
        assert!(err.to_string().contains("not an IP address"), "{err}");
        let loaded =
            Settings::load_from(None, env(&[("FASTFAKTURA_TRUST_FORWARDED_FOR", "true")]), &Overrides::default())
                .unwrap();
        assert_eq!(loaded.settings.trusted_proxies.len(), 2, "the old setting trusts any peer, as before");
        assert!(loaded.warnings.iter().any(|w| w.contains("trusted_proxies")));
        let err =
            Settings::load_from(None, env(&[("FASTFAKTURA_TLS_MODE", "files")]), &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("tls.cert_file"), "{err}");
        let err =
            Settings::load_from(None, env(&[("FASTFAKTURA_TLS_MODE", "acme")]), &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("tls.acme.domains"), "{err}");
        let err = Settings::load_from(
            None,
            env(&[
                ("FASTFAKTURA_TLS_MODE", "acme"),
                ("FASTFAKTURA_ACME_DOMAINS", "shop.example.com"),
                ("FASTFAKTURA_ACME_CHALLENGE", "http-01"),
            ]),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("needs tls.http_listen"), "{err}");
        let err = Settings::load_from(
            None,
            env(&[("FASTFAKTURA_TLS_MODE", "acme"), ("FASTFAKTURA_ACME_CHALLENGE", "dns-01")]),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("tls.acme.challenge") || err.to_string().contains("FASTFAKTURA_ACME_CHALLENGE"),
            "{err}"
        );
        let s = Settings { public_base_url: Some("https://app.example.com:8443".into()), ..Settings::default() };
        assert_eq!(s.acme_domains(), ["app.example.com"]);
        assert_eq!(s.hsts_header().unwrap(), "max-age=63072000; includeSubDomains; preload");
        assert!(Settings::default().hsts_header().is_none());
    }

    #[test]
    fn proxies_parse_as_addresses_or_networks() {
        let p: TrustedProxy = "10.1.2.3".parse().unwrap();
        assert_eq!(p.0.to_string(), "10.1.2.3/32");
        let p: TrustedProxy = "10.1.2.3/8".parse().unwrap();
        assert_eq!(p.0.to_string(), "10.0.0.0/8");
        assert!("::1".parse::<TrustedProxy>().is_ok());
        assert!("proxy.local".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn security_txt_expiry_rules() {
        let now = OffsetDateTime::parse("2026-11-24T00:00:00Z", &Rfc3339).unwrap();
        let mut s = SecurityTxtSettings { contact: vec!["security@example.com".into()], ..Default::default() };
        assert!(s.check(now).unwrap_err().contains("security_txt.expires"));
        s.expires = Some("2028-01-01T00:00:00Z".into());
        assert!(s.check(now).unwrap_err().contains("more than a year"));
        s.expires = Some("next year".into());
        assert!(s.check(now).unwrap_err().contains("RFC 3339"));
        s.expires = Some("2026-12-10T00:00:00Z".into());
        assert!(s.check(now).is_ok());
        assert!(s.expiry_warning(now).unwrap().contains("16 days left"));
        s.expires = Some("2027-06-01T00:00:00Z".into());
        assert!(s.expiry_warning(now).is_none());
        assert_eq!(s.contact_uris(), ["mailto:security@example.com"]);
    }
}
