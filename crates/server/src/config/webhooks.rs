//! The [webhooks] settings: what outbound webhooks may reach and how long one attempt
//! may take. The deliverer that uses them is `webhooks::deliverer`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// Let businesses' webhooks reach private, loopback and link-local addresses. Off:
    /// a business could otherwise make our servers post into our own network (SSRF).
    /// Turn on only for receivers inside the operator's own network.
    pub allow_private_targets: bool,
    /// How long one delivery attempt may take before it counts as failed.
    pub timeout_seconds: u64,
    /// Deliveries in flight at once per instance.
    pub concurrency: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self { allow_private_targets: false, timeout_seconds: 10, concurrency: 64 }
    }
}
