//! The client's IP address, for rate limits and session records.
//!
//! The TCP peer, unless the peer is one of `trusted_proxies`: then the forwarding
//! chain (`Forwarded: for=` per RFC 7239, else `X-Forwarded-For`) is read from the
//! right, skipping our own proxies, and the first address that is not one of them is
//! the client. Reading from the left would let any client choose its address by
//! sending the header itself.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};

use crate::{config::TrustedProxy, state::AppState};

#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip()) else {
            return Ok(ClientIp("unknown".into()));
        };
        Ok(ClientIp(client_ip(peer, &parts.headers, &state.settings.trusted_proxies).to_string()))
    }
}

fn is_trusted(ip: IpAddr, proxies: &[TrustedProxy]) -> bool {
    let ip = ip.to_canonical();
    proxies.iter().any(|p| p.0.contains(&ip))
}

/// The client address for a request that arrived from `peer` with `headers`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[TrustedProxy]) -> IpAddr {
    let peer = peer.to_canonical();
    if !is_trusted(peer, proxies) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    let mut nearest = peer;
    for hop in chain.iter().rev() {
        match hop {
            Some(ip) if is_trusted(*ip, proxies) => nearest = *ip,
            Some(ip) => return *ip,
            // An entry we cannot read (`unknown`, garbage): trust nothing beyond it.
            None => return nearest,
        }
    }
    nearest
}

/// The forwarding chain, client first: `Forwarded` if present, else `X-Forwarded-For`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers.get_all("forwarded").iter().filter_map(|v| v.to_str().ok()).collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| parse_node(value.trim().trim_matches('"')))
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_node(value: &str) -> Option<IpAddr> {
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sock) = value.parse::<SocketAddr>() {
        return Some(sock.ip().to_canonical());
    }
    value.strip_prefix('[').and_then(|v| v.split_once(']')).and_then(|(ip, _)| ip.parse::<IpAddr>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|p| p.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_cannot_choose_their_address() {
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(client_ip(ip("203.0.113.9"), &h, &proxies(&["10.0.0.0/8"])), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("203.0.113.9"), &h, &[]), ip("203.0.113.9"));
    }

    #[test]
    fn the_chain_is_read_from_the_right_past_our_proxies() {
        let p = proxies(&["10.0.0.0/8"]);
        // The client forged "1.2.3.4"; our proxies appended the real 198.51.100.7 and 10.0.0.2.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &p), ip("198.51.100.7"));
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &p), ip("198.51.100.7"));
        let h = headers(&[("x-forwarded-for", "10.0.0.3")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &p), ip("10.0.0.3"), "all proxies: the farthest one");
        let h = headers(&[("x-forwarded-for", "198.51.100.7, garbage")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &p), ip("10.0.0.1"));
        assert_eq!(client_ip(ip("10.0.0.1"), &HeaderMap::new(), &p), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_header_wins_and_handles_ports_and_ipv6() {
        let p = proxies(&["127.0.0.1", "::1"]);
        let h = headers(&[
            ("forwarded", "for=\"[2001:db8::7]:4711\";proto=https, for=127.0.0.1"),
            ("x-forwarded-for", "9.9.9.9"),
        ]);
        assert_eq!(client_ip(ip("::1"), &h, &p), ip("2001:db8::7"));
        let h = headers(&[("forwarded", "for=192.0.2.60:8080;proto=http")]);
        assert_eq!(client_ip(ip("::ffff:127.0.0.1"), &h, &p), ip("192.0.2.60"));
    }
}
