//! What the production profile requires before it starts, each a promise of the
//! Security page: mail over TLS, a master key outside the database, HTTPS, a real
//! database reachable only from the private network or a socket, a security.txt
//! contact, and client addresses read only from known proxies. Every problem is
//! listed at once, so an operator fixes them in one go.

use std::net::{IpAddr, ToSocketAddrs};
use std::str::FromStr;

use super::{Settings, SmtpTls};

/// Every production requirement `settings` does not meet (empty: it may start).
pub fn production_problems(settings: &Settings) -> Vec<String> {
    let mut missing = Vec::new();
    match &settings.email.smtp {
        None => missing.push(
            "email.smtp.host (FASTFAKTURA_SMTP_HOST): production mail goes out over SMTP, the dev outbox is refused"
                .to_owned(),
        ),
        Some(smtp) if smtp.host.is_empty() => missing.push("email.smtp.host (FASTFAKTURA_SMTP_HOST)".to_owned()),
        Some(smtp) if smtp.tls == SmtpTls::None => {
            missing.push("email.smtp.tls (FASTFAKTURA_SMTP_TLS) must be starttls or implicit in production".to_owned())
        }
        Some(_) => {}
    }
    if settings.crypto.master_key_file.is_none() {
        missing.push("crypto.master_key_file (FASTFAKTURA_MASTER_KEY_FILE): a 32-byte key kept outside the database; generated keys are refused".to_owned());
    }
    if !settings.public_base_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
        missing.push(
            "public_base_url (FASTFAKTURA_PUBLIC_BASE_URL): the https:// address users reach, so cookies are Secure"
                .to_owned(),
        );
    }
    match &settings.database.url {
        None => missing.push("database.url (FASTFAKTURA_DATABASE_URL or FASTFAKTURA_DATABASE_URL_FILE): the embedded database is for development".to_owned()),
        Some(url) if !settings.database.allow_public_host => {
            if let Err(problem) = database_is_private(url.expose()) {
                missing.push(format!("database.url: {problem}; or set database.allow_public_host = true (FASTFAKTURA_DATABASE_ALLOW_PUBLIC_HOST) to accept it"));
            }
        }
        Some(_) => {}
    }
    // The replica holds the same data: the same rule as for the primary.
    if let Some(read_url) = &settings.database.read_url
        && !settings.database.allow_public_host
        && let Err(problem) = database_is_private(read_url.expose())
    {
        missing.push(format!("database.read_url: {problem}; or set database.allow_public_host = true (FASTFAKTURA_DATABASE_ALLOW_PUBLIC_HOST) to accept it"));
    }
    if settings.email.console {
        missing.push("email.console = false (FASTFAKTURA_EMAIL_CONSOLE=false): printing mail to the console is a development convenience".to_owned());
    }
    if settings.security_txt.contact.is_empty() && settings.security_txt.signed_file.is_none() {
        missing.push("security_txt.contact (FASTFAKTURA_SECURITY_TXT_CONTACT): the address where people report vulnerabilities, which the Security page promises".to_owned());
    }
    let everyone = settings.trusted_proxies.iter().any(|p| p.0.prefix_len() == 0);
    if everyone {
        missing.push("trusted_proxies must name your proxies, not every address (trust_forwarded_for = true is refused in production): otherwise every client chooses its own address and escapes the per-address limits".to_owned());
    }
    missing
}

/// Whether the database URL points at a Unix socket, a loopback address or a private
/// network (RFC 1918, unique local IPv6, link-local); a host name must resolve only to
/// such addresses.
pub fn database_is_private(url: &str) -> Result<(), String> {
    let options = sqlx::postgres::PgConnectOptions::from_str(url)
        .map_err(|_| "it is not a PostgreSQL connection URL".to_owned())?;
    if options.get_socket().is_some() || options.get_host().starts_with('/') {
        return Ok(());
    }
    let host = options.get_host();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<IpAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => (host, options.get_port())
            .to_socket_addrs()
            .map_err(|_| format!("its host {host:?} does not resolve here"))?
            .map(|a| a.ip())
            .collect(),
    };
    match addresses.iter().find(|ip| !is_private(**ip)) {
        Some(public) => {
            Err(format!("its host {host:?} is {public}, which is neither a socket nor a loopback or private address"))
        }
        None if addresses.is_empty() => Err(format!("its host {host:?} does not resolve here")),
        None => Ok(()),
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00 || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{database_is_private, production_problems};
    use crate::config::{Secret, Settings};

    #[test]
    fn a_database_must_be_on_a_socket_or_a_private_network() {
        for ok in [
            "postgres://ff@127.0.0.1/ff",
            "postgres://ff@localhost/ff",
            "postgres://ff@10.1.2.3:5432/ff",
            "postgres://ff@192.168.0.5/ff",
            "postgres://ff@[fd12::5]/ff",
            "postgres:///ff?host=/var/run/postgresql",
            "postgres://ff@db.example/ff?host=/var/run/postgresql",
        ] {
            assert_eq!(database_is_private(ok), Ok(()), "{ok}");
        }
        for refused in ["postgres://ff:pw@203.0.113.7/ff", "postgres://ff@[2001:db8::1]/ff", "mysql://x"] {
            assert!(database_is_private(refused).is_err(), "{refused}");
        }
        let message = database_is_private("postgres://ff:hunter2@203.0.113.7/ff").unwrap_err();
        assert!(!message.contains("hunter2"), "no password in the message: {message}");
    }

    #[test]
    fn a_public_read_replica_is_refused_like_a_public_primary() {
        let mut settings = Settings::default();
        settings.database.url = Some(Secret::new("postgres://ff@10.0.0.5/ff"));
        settings.database.read_url = Some(Secret::new("postgres://ff:hunter2@203.0.113.8/ff"));
        let problems = production_problems(&settings).join("\n");
        assert!(problems.contains("database.read_url") && problems.contains("203.0.113.8"), "{problems}");
        assert!(!problems.contains("hunter2"), "no password in the message: {problems}");
        settings.database.read_url = Some(Secret::new("postgres://ff@10.0.0.6/ff"));
        assert!(!production_problems(&settings).join("\n").contains("read_url"));
        settings.database.read_url = Some(Secret::new("postgres://ff@203.0.113.8/ff"));
        settings.database.allow_public_host = true;
        assert!(!production_problems(&settings).join("\n").contains("read_url"));
    }
}
