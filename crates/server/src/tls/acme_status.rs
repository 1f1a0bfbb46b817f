//! What operators are told about the ACME certificate: its expiry date and whether
//! renewal keeps failing, from `acme_status` (shared by every instance). Logged as a
//! warning at start and daily by `tls::acme::Manager`, and shown on `/healthz/tls` for
//! monitoring, because a certificate that lapses takes the whole service down for
//! browsers (HSTS leaves no "continue anyway").

use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{
    config::{Settings, TlsMode},
    db::acme_cache::{self, AcmeStatus},
};

/// The expiry of the leaf in a rustls-acme PEM (the private key first, then the chain).
pub fn not_after(pem: &[u8]) -> Option<OffsetDateTime> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let leaf = CertificateDer::pem_slice_iter(pem).find_map(Result::ok)?;
    let (_, cert) = X509Certificate::from_der(&leaf).ok()?;
    OffsetDateTime::from_unix_timestamp(cert.validity().not_after.timestamp()).ok()
}

/// The warning for operators, if any: expiry within `warning_days`, or a renewal
/// that keeps failing.
pub fn warning(status: Option<&AcmeStatus>, now: OffsetDateTime, warning_days: u32) -> Option<String> {
    let status = status?;
    let failing = status.renewal_failing_since.map(|since| {
        format!(
            "renewing the TLS certificate has been failing since {} UTC: check tls.acme.directory_url and the log",
            since.replace_nanosecond(0).unwrap_or(since)
        )
    });
    let expiry = status.not_after.and_then(|not_after| {
        let left = not_after - now;
        if left <= Duration::ZERO {
            Some(format!("the TLS certificate expired on {}", not_after.date()))
        } else if left < Duration::days(i64::from(warning_days)) {
            Some(format!(
                "the TLS certificate expires on {} ({} days left, tls.acme.expiry_warning_days = {warning_days})",
                not_after.date(),
                left.whole_days()
            ))
        } else {
            None
        }
    });
    match (expiry, failing) {
        (Some(e), Some(f)) => Some(format!("{e}; {f}")),
        (Some(e), None) => Some(e),
        (None, f) => f,
    }
}

/// The text of `/healthz/tls`: the mode, the certificate's expiry, and a line
/// starting with `warning:` when something needs the operator.
pub async fn describe(settings: &Settings, pool: &PgPool) -> Result<String, sqlx::Error> {
    if settings.tls.mode != TlsMode::Acme {
        return Ok(format!("tls.mode: {}\n", settings.tls.mode.name()));
    }
    let key = crate::db::acme_cache::row_key(&settings.acme_domains(), &settings.tls.acme.directory_url);
    let status = acme_cache::status(pool, &key).await?;
    let mut out = String::from("tls.mode: acme\n");
    match status.as_ref().and_then(|s| s.not_after) {
        Some(not_after) => out.push_str(&format!("certificate valid until: {not_after}\n")),
        None => out.push_str("warning: no certificate obtained yet\n"),
    }
    if let Some(warning) = warning(status.as_ref(), OffsetDateTime::now_utc(), settings.tls.acme.expiry_warning_days) {
        out.push_str(&format!("warning: {warning}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_near_expiry_and_while_renewal_fails() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let status = |days: i64, failing: bool| AcmeStatus {
            not_after: Some(now + Duration::days(days) + Duration::hours(1)),
            renewal_failing_since: failing.then(|| now - Duration::hours(3)),
            orders_completed: 1,
        };
        assert_eq!(warning(Some(&status(60, false)), now, 30), None);
        assert!(warning(None, now, 30).is_none());
        let w = warning(Some(&status(12, false)), now, 30).unwrap();
        assert!(w.contains("12 days left") && w.contains("tls.acme.expiry_warning_days = 30"), "{w}");
        let w = warning(Some(&status(60, true)), now, 30).unwrap();
        assert!(w.starts_with("renewing the TLS certificate has been failing since"), "{w}");
        assert!(w.contains("tls.acme.directory_url"), "{w}");
        let w = warning(Some(&status(-2, true)), now, 30).unwrap();
        assert!(w.contains("expired on") && w.contains("failing since"), "{w}");
    }
}
