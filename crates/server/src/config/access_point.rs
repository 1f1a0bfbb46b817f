//! The [access_point] settings: where the Peppol access point providers' APIs are and
//! how long we wait for them. The business's own API key is not here: it is a provider
//! key stored encrypted per business (`secrets`), like the Stripe and SMS keys. The
//! client that uses these settings is `integrations::storecove`.

use serde::{Deserialize, Serialize};

/// Where the access point providers are and how long we wait for them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessPointSettings {
    /// Storecove's API v2, ending in `/`; tests point it at a local fake that speaks
    /// the same wire format (`FASTFAKTURA_STORECOVE_API_BASE`).
    pub storecove_api_base: String,
    /// The longest one request to a provider may take, connecting included
    /// (`FASTFAKTURA_ACCESS_POINT_TIMEOUT_SECONDS`).
    pub timeout_seconds: u64,
}

impl Default for AccessPointSettings {
    fn default() -> Self {
        Self { storecove_api_base: "https://api.storecove.com/api/v2/".into(), timeout_seconds: 20 }
    }
}
