//! `[privacy]`: who is responsible for the personal data this deployment processes
//! (the controller, GDPR Art. 13(1)(a)-(b)) and where people can complain (the
//! supervisory authority, Art. 13(2)(d)), as the privacy page states them.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// The legal name of the company operating this service.
    pub controller_name: String,
    /// Its postal address, on one line.
    pub controller_address: String,
    /// Where data subjects write to use their rights.
    pub controller_email: String,
    /// A data protection officer, if one is appointed.
    pub dpo_email: Option<String>,
    /// The supervisory authority of the controller's country.
    pub authority_name: String,
    pub authority_url: String,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        // FastFaktura serves Iceland first: Persónuvernd is the default authority.
        Self {
            controller_name: String::new(),
            controller_address: String::new(),
            controller_email: String::new(),
            dpo_email: None,
            authority_name: "Persónuvernd (the Icelandic Data Protection Authority)".into(),
            authority_url: "https://www.personuvernd.is".into(),
        }
    }
}

impl PrivacySettings {
    /// Whether the operator has said who they are (the page says so when not).
    pub fn controller_named(&self) -> bool {
        !self.controller_name.trim().is_empty() && !self.controller_email.trim().is_empty()
    }
}
