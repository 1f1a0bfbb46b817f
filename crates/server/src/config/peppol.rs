//! The [peppol] settings: where participant lookups ask (the SML's DNS zone, optionally
//! a DNS server of our choosing), which SMP CAs an SMP's signed answer must come from,
//! and how long we wait. The lookup that uses them is `integrations::peppol_lookup`.

use std::{net::SocketAddr, path::PathBuf};

use serde::{Deserialize, Serialize};

/// Where Peppol participant lookups ask and whom they trust.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PeppolSettings {
    /// The SML's DNS zone: Peppol's production SML by default,
    /// `participant.sml.test.tech.peppol.org` for the test network.
    pub sml_zone: String,
    /// A DNS server to ask instead of the system's resolvers (tests, or a resolver
    /// that validates DNSSEC).
    pub dns_server: Option<SocketAddr>,
    /// PEM (one or more certificates) or DER: the SMP CA certificates whose SMP
    /// certificates may sign answers. For the production network this is OpenPeppol's
    /// current SMP CA, which the operator supplies; without it every lookup is refused.
    pub smp_ca_file: Option<PathBuf>,
    /// How long one DNS query or one HTTP request to an SMP may take.
    pub timeout_seconds: u64,
}

impl Default for PeppolSettings {
    fn default() -> Self {
        Self {
            sml_zone: fastfaktura_domain::peppol::SML_ZONE.into(),
            dns_server: None,
            smp_ca_file: None,
            timeout_seconds: 10,
        }
    }
}
