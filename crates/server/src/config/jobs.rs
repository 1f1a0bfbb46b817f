//! Settings of the background work: the job worker and its lease, and the SMS
//! providers' API origins the delivery jobs call.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobSettings {
    /// Run the background worker in this process (turn off for web-only instances).
    pub worker: bool,
    /// How long a claimed job is its worker's before another may take it over; must
    /// exceed the longest job (a PDF render plus an SMTP or SMS exchange).
    pub lease_seconds: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self { worker: true, lease_seconds: 300 }
    }
}

/// SMS providers' API origins. The keys are not here: the operator sets them in the
/// admin console (encrypted in the database); these exist so a test or a regional
/// endpoint can point elsewhere.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    pub elks_base_url: String,
    pub twilio_base_url: String,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self { elks_base_url: "https://api.46elks.com".into(), twilio_base_url: "https://api.twilio.com".into() }
    }
}
