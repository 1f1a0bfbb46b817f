//! `fastfaktura health`: asks the server running on this machine whether it can serve
//! users (`/readyz`, which checks the database), for a container's HEALTHCHECK or a
//! supervisor. Minimal images have no shell or curl, so the binary asks itself.

use std::{net::SocketAddr, time::Duration};

use crate::config::{Settings, TlsMode};

/// The loopback address to ask: the configured listener, with an unspecified address
/// (`0.0.0.0`, `::`) replaced by loopback of the same family.
pub fn probe_address(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// Ok when the server answers `/readyz` with 200 within five seconds; otherwise why not.
pub async fn check_ready(settings: &Settings) -> anyhow::Result<()> {
    let address = probe_address(settings.listen);
    let tls = settings.tls.mode != TlsMode::Off;
    let url = format!("{}://{address}/readyz", if tls { "https" } else { "http" });
    // Our own certificate names the public host, not the loopback address we ask; the
    // answer carries nothing but "ready", so this one request does not check the name.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).danger_accept_invalid_certs(tls).build()?;
    let response = client.get(&url).send().await.map_err(|e| anyhow::anyhow!("{url} did not answer: {e}"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "{url} answered {status}: {}", body.trim());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::probe_address;

    #[test]
    fn an_unspecified_listener_is_asked_on_loopback() {
        assert_eq!(probe_address("0.0.0.0:8080".parse().unwrap()).to_string(), "127.0.0.1:8080");
        assert_eq!(probe_address("[::]:443".parse().unwrap()).to_string(), "[::1]:443");
        assert_eq!(probe_address("10.0.0.5:9000".parse().unwrap()).to_string(), "10.0.0.5:9000");
    }
}
