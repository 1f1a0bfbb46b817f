//! The `Stripe-Signature` check of webhook deliveries, with fixed secrets.
//!
//! Soundness: whenever the verifier accepts, the header must hold a timestamp within
//! five minutes of now and a `v1` that is the HMAC-SHA256 of `"{t}.{body}"` under one
//! of the secrets, computed here with the `hmac` crate directly (not the verifier's
//! `sign`). Completeness: a header we build from a genuine signature, among any other
//! well-formed items, is accepted, and the same header over any other body is not.
#![no_main]

use arbitrary::Arbitrary;
use fastfaktura_stripe_wire::{TOLERANCE_SECONDS, verify};
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

const SECRETS: [&str; 2] = ["whsec_current_0123456789abcdef", "whsec_previous_fedcba9876543210"];
const NOW: i64 = 1_764_000_000;

fn hmac_hex(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Every `(t, v1)` pairing in the header, read loosely: any comma-separated piece
/// that looks like `t=<integer>` and any that looks like `v1=<value>`.
fn genuine_pairing_exists(header: &str, body: &[u8]) -> bool {
    let pieces: Vec<&str> = header.split(',').map(str::trim).collect();
    let times = pieces.iter().filter_map(|p| p.strip_prefix("t=")).filter_map(|t| t.parse::<i64>().ok());
    let signatures: Vec<&str> = pieces.iter().filter_map(|p| p.strip_prefix("v1=")).collect();
    times.into_iter().any(|t| {
        (t - NOW).abs() <= TOLERANCE_SECONDS
            && SECRETS.iter().any(|secret| signatures.contains(&hmac_hex(secret, t, body).as_str()))
    })
}

#[derive(Debug, Arbitrary)]
enum Header<'a> {
    /// Any bytes at all.
    Raw(&'a str),
    /// A genuine signature at `NOW + skew` under one of the secrets, among other items.
    Built { skew: i16, previous_secret: bool, before: Vec<(&'a str, &'a str)>, after: Vec<(&'a str, &'a str)> },
}

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    header: Option<Header<'a>>,
    tampered: Option<(u16, u8)>,
    body: &'a [u8],
}

/// Another item of the header: a name other than `t` and values without commas.
fn item((name, value): &(&str, &str)) -> Option<String> {
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let value: String = value.chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    (name != "t").then(|| format!("{name}={value}"))
}

fuzz_target!(|input: Input| {
    let (header, genuine) = match &input.header {
        None => (None, None),
        Some(Header::Raw(raw)) => (Some(raw.to_string()), None),
        Some(Header::Built { skew, previous_secret, before, after }) => {
            let t = NOW + i64::from(*skew);
            let secret = SECRETS[usize::from(*previous_secret)];
            let mut items: Vec<String> = before.iter().filter_map(item).collect();
            items.push(format!("t={t},v1={}", hmac_hex(secret, t, input.body)));
            items.extend(after.iter().filter_map(item));
            (Some(items.join(",")), Some(t))
        }
    };
    let result = verify(header.as_deref(), input.body, &SECRETS, NOW);
    if result.is_ok() {
        let header = header.as_deref().expect("no header is never accepted");
        assert!(genuine_pairing_exists(header, input.body), "accepted a header we did not sign: {header:?}");
    } else if let Some(t) = genuine {
        // The other items never carry a `t` or a comma, so only the clock may refuse it.
        assert!((t - NOW).abs() > TOLERANCE_SECONDS, "refused a genuine signature: {result:?} for {header:?}");
    }

    // The same header over a changed body is refused.
    if let (Some((at, flip)), Some(header)) = (input.tampered, header.as_deref())
        && !input.body.is_empty()
        && flip != 0
    {
        let mut other = input.body.to_vec();
        let at = usize::from(at) % other.len();
        other[at] ^= flip;
        if verify(Some(header), &other, &SECRETS, NOW).is_ok() {
            assert!(genuine_pairing_exists(header, &other), "a tampered body was accepted: {header:?}");
        }
    }
});
