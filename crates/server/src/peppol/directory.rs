//! The Peppol network's answer about a participant, as kept in `peppol_participants`:
//! what `integrations::peppol_lookup` found (the SML's DNS, then the SMP's signed
//! answers) turned into the row pages and "Send" read.

use fastfaktura_domain::ParticipantId;
use time::OffsetDateTime;

use crate::{
    db::peppol::ParticipantRow,
    integrations::peppol_lookup::{BisDocument, LookupError, PeppolCapabilities, PeppolLookup},
};

/// Asks the network now; every outcome is an answer to keep (an unreachable network
/// too, with its reason, so the page can say so).
pub async fn look_up(lookup: &PeppolLookup, participant: &ParticipantId, now: OffsetDateTime) -> ParticipantRow {
    let mut row = ParticipantRow {
        participant: participant.to_string().to_ascii_lowercase(),
        state: String::new(),
        document_types: Vec::new(),
        access_point: None,
        reason: None,
        checked_at: now,
    };
    match lookup.capabilities(participant, now).await {
        Ok(PeppolCapabilities::NotRegistered) => row.state = "not_registered".into(),
        Ok(PeppolCapabilities::Registered(registration)) => {
            row.state = "registered".into();
            for (kind, name) in [(BisDocument::Invoice, "invoice"), (BisDocument::CreditNote, "credit_note")] {
                if let Some(access_point) = registration.access_point(kind) {
                    row.document_types.push(name.to_owned());
                    row.access_point.get_or_insert_with(|| access_point.address.clone());
                }
            }
        }
        Err(e @ LookupError::Refused(_)) => {
            row.state = "refused".into();
            row.reason = Some(e.to_string());
        }
        Err(e @ (LookupError::Unavailable(_) | LookupError::NotConfigured(_))) => {
            row.state = "unreachable".into();
            row.reason = Some(e.to_string());
        }
    }
    row
}
