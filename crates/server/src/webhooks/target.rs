//! Where a webhook may be sent: the URL rules (https outside development, no user
//! name or password in it, a host) and the SSRF guard. A business types the URL, so
//! without the guard anyone could make our servers post to the database, the metadata
//! service or an admin port inside our network.
//!
//! The guard runs twice: when the URL is saved (a clear error at the field) and at
//! every connection, inside the HTTP client's resolver ([`PublicOnlyResolver`]), so a
//! name that resolved to a public address when saved and to 127.0.0.1 later (DNS
//! rebinding) is still refused. Redirects are not followed (the deliverer's client).

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use reqwest::Url;

/// What the operator allows (`[webhooks]`).
#[derive(Debug, Clone, Copy)]
pub struct TargetPolicy {
    /// Plain http is accepted (development only).
    pub allow_http: bool,
    /// Private, loopback and link-local addresses are accepted (an operator's choice,
    /// for receivers inside their own network, and the tests).
    pub allow_private: bool,
}

impl TargetPolicy {
    /// The operator's settings: plain http only in development.
    pub fn of(settings: &crate::config::Settings) -> Self {
        TargetPolicy {
            allow_http: settings.env == crate::config::Profile::Development,
            allow_private: settings.webhooks.allow_private_targets,
        }
    }
}

/// Why a URL is refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("this is not a web address (it should look like https://example.com/webhooks)")]
    NotAUrl,
    #[error("the address must start with https://")]
    NotHttps,
    #[error("the address must not contain a user name or password")]
    HasCredentials,
    #[error("the address points inside a private network ({0}), which webhooks may not reach")]
    Private(IpAddr),
    #[error("the host name {0} does not resolve")]
    Unresolvable(String),
}

impl TargetError {
    /// The message key in the locales (the English text above is the log's).
    pub fn message_key(&self) -> &'static str {
        match self {
            TargetError::NotAUrl => crate::i18n::key("webhook-error-url"),
            TargetError::NotHttps => crate::i18n::key("webhook-error-https"),
            TargetError::HasCredentials => crate::i18n::key("webhook-error-credentials"),
            TargetError::Private(_) => crate::i18n::key("webhook-error-private"),
            TargetError::Unresolvable(_) => crate::i18n::key("webhook-error-unresolvable"),
        }
    }
}

/// The URL's syntax and scheme, and a literal IP address's range. Host names are
/// judged when resolved ([`resolve_checked`], [`PublicOnlyResolver`]).
pub fn parse_target(raw: &str, policy: TargetPolicy) -> Result<Url, TargetError> {
    let url = Url::parse(raw.trim()).map_err(|_| TargetError::NotAUrl)?;
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        "http" => return Err(TargetError::NotHttps),
        _ => return Err(TargetError::NotAUrl),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::HasCredentials);
    }
    match url.host() {
        None => return Err(TargetError::NotAUrl),
        Some(url::Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), policy)?,
        Some(url::Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), policy)?,
        Some(url::Host::Domain(_)) => {}
    }
    Ok(url)
}

/// [`parse_target`], then the host name resolved and every address it gives judged:
/// what saving a URL runs, so the person sees the refusal at once.
pub async fn resolve_checked(raw: &str, policy: TargetPolicy) -> Result<Url, TargetError> {
    let url = parse_target(raw, policy)?;
    if let Some(url::Host::Domain(host)) = url.host() {
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| TargetError::Unresolvable(host.to_owned()))?
            .collect();
        if addresses.is_empty() {
            return Err(TargetError::Unresolvable(host.to_owned()));
        }
        for address in addresses {
            check_ip(address.ip(), policy)?;
        }
    }
    Ok(url)
}

fn check_ip(ip: IpAddr, policy: TargetPolicy) -> Result<(), TargetError> {
    if policy.allow_private || is_public(ip) { Ok(()) } else { Err(TargetError::Private(ip)) }
}

/// Whether `ip` is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local (the cloud metadata services), shared (CGNAT), unspecified,
/// multicast, broadcast, documentation or benchmarking ranges; an IPv4-mapped IPv6
/// address is judged as its IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
        || first == 0x0064 && ip.segments()[1] == 0xff9b)
}

/// The deliverer's resolver: the system's answer with every address judged, so the
/// connection is only ever made to an address the policy allows.
pub struct PublicOnlyResolver {
    pub policy: TargetPolicy,
}

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addresses.is_empty() {
                return Err(Box::new(TargetError::Unresolvable(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            // Any private answer refuses the name: a mixed answer is how rebinding hides.
            if let Some(bad) = addresses.iter().find(|a| check_ip(a.ip(), policy).is_err()) {
                return Err(Box::new(TargetError::Private(bad.ip())) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The client webhooks are posted with: the guarded resolver, no proxy from the
/// environment, no redirects, and a short timeout so a slow receiver costs little.
pub fn client(policy: TargetPolicy, timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(PublicOnlyResolver { policy }))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(std::time::Duration::from_secs(5)))
        .pool_max_idle_per_host(64)
        .user_agent(concat!("FastFaktura-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the webhook client's settings are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: TargetPolicy = TargetPolicy { allow_http: false, allow_private: false };

    #[test]
    fn internal_addresses_are_refused_and_public_ones_pass() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_are_judged_by_scheme_credentials_and_literal_address() {
        assert!(parse_target("https://hooks.example.com/in?x=1", STRICT).is_ok());
        assert_eq!(parse_target("http://hooks.example.com/", STRICT), Err(TargetError::NotHttps));
        assert_eq!(parse_target("ftp://hooks.example.com/", STRICT), Err(TargetError::NotAUrl));
        assert_eq!(parse_target("not a url", STRICT), Err(TargetError::NotAUrl));
        assert_eq!(parse_target("https://user:pw@example.com/", STRICT), Err(TargetError::HasCredentials));
        assert!(matches!(parse_target("https://127.0.0.1:8080/", STRICT), Err(TargetError::Private(_))));
        assert!(matches!(parse_target("https://[::1]/", STRICT), Err(TargetError::Private(_))));
        // Decimal and hex spellings of loopback are the same address to the parser.
        assert!(matches!(parse_target("https://2130706433/", STRICT), Err(TargetError::Private(_))));
        assert!(matches!(parse_target("https://0x7f.1/", STRICT), Err(TargetError::Private(_))));
        let open = TargetPolicy { allow_http: true, allow_private: true };
        assert!(parse_target("http://127.0.0.1:9/", open).is_ok());
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused() {
        assert!(matches!(resolve_checked("https://localhost/", STRICT).await, Err(TargetError::Private(_))));
    }
}
