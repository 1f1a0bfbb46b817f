//! The webhook event envelope (`{"id", "type", "created", "data": {"object"}}`) and the
//! three objects FastFaktura acts on, read from the verified raw body.
//!
//! Unknown fields are ignored, as Stripe adds fields without a new API version. An
//! event we do not use, or whose object cannot be read, is not an error: the server
//! records it as ignored (and answers 200, so Stripe stops retrying it).

use std::collections::HashMap;

use serde::Deserialize;

/// A Checkout Session, as in `checkout.session.*` events and the API's answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Option<String>,
    /// open, complete or expired.
    pub status: Option<String>,
    /// paid, unpaid or no_payment_required.
    pub payment_status: String,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
    pub payment_intent: Option<String>,
    pub expires_at: Option<i64>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

/// A PaymentIntent, as in `payment_intent.*` events and the API's answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub status: String,
    pub amount_received: i64,
    pub currency: String,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

/// A Charge, as in `charge.refunded`: Stripe's cumulative refunded amount.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Charge {
    pub payment_intent: Option<String>,
    pub amount_refunded: i64,
    pub currency: String,
}

/// The envelope of every webhook event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix seconds.
    pub created: i64,
    pub data: EventData,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

/// The body is not JSON of an event's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the body is not a Stripe event")]
pub struct NotAnEvent;

/// Which object an event type carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    CheckoutSession,
    PaymentIntent,
    Charge,
}

/// What an event asks of us, its object read into the type its `type` promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `checkout.session.completed` or `checkout.session.async_payment_succeeded`.
    SessionPaid(CheckoutSession),
    /// `payment_intent.succeeded`.
    IntentSucceeded(PaymentIntent),
    /// `charge.refunded`.
    ChargeRefunded(Charge),
    /// A type we act on, but its object does not have the fields we need.
    Unreadable(ObjectKind),
    /// Any other event type.
    NotUsed,
}

impl Event {
    /// Reads the raw body of a delivery (after its signature was verified).
    pub fn parse(body: &[u8]) -> Result<Self, NotAnEvent> {
        serde_json::from_slice(body).map_err(|_| NotAnEvent)
    }

    /// The event's object, read by its type.
    pub fn payload(&self) -> Payload {
        let object = &self.data.object;
        match self.kind.as_str() {
            "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
                CheckoutSession::deserialize(object)
                    .map_or(Payload::Unreadable(ObjectKind::CheckoutSession), Payload::SessionPaid)
            }
            "payment_intent.succeeded" => PaymentIntent::deserialize(object)
                .map_or(Payload::Unreadable(ObjectKind::PaymentIntent), Payload::IntentSucceeded),
            "charge.refunded" => {
                Charge::deserialize(object).map_or(Payload::Unreadable(ObjectKind::Charge), Payload::ChargeRefunded)
            }
            _ => Payload::NotUsed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paid_session_event_reads_with_its_metadata() {
        let body = br#"{"id":"evt_1","object":"event","created":1700000000,"livemode":false,
            "type":"checkout.session.completed","data":{"object":{"id":"cs_1","object":"checkout.session",
            "payment_status":"paid","amount_total":1250,"currency":"eur","payment_intent":"pi_1",
            "metadata":{"fastfaktura_invoice":"x"}}}}"#;
        let event = Event::parse(body).unwrap();
        assert_eq!((event.id.as_str(), event.created), ("evt_1", 1_700_000_000));
        let Payload::SessionPaid(session) = event.payload() else { panic!("{:?}", event.payload()) };
        assert_eq!(session.payment_intent.as_deref(), Some("pi_1"));
        assert_eq!(session.amount_total, Some(1250));
        assert_eq!(session.metadata["fastfaktura_invoice"], "x");
    }

    #[test]
    fn unreadable_objects_and_other_types_are_told_apart() {
        let event = |kind: &str, object: &str| {
            Event::parse(
                format!(r#"{{"id":"evt","type":"{kind}","created":1,"data":{{"object":{object}}}}}"#).as_bytes(),
            )
            .unwrap()
            .payload()
        };
        assert_eq!(event("charge.refunded", "{}"), Payload::Unreadable(ObjectKind::Charge));
        assert_eq!(event("payment_intent.succeeded", "[]"), Payload::Unreadable(ObjectKind::PaymentIntent));
        assert_eq!(event("customer.created", "{}"), Payload::NotUsed);
        assert!(matches!(
            event("charge.refunded", r#"{"amount_refunded":5,"currency":"eur","payment_intent":null}"#),
            Payload::ChargeRefunded(Charge { amount_refunded: 5, payment_intent: None, .. })
        ));
        for bad in [&b""[..], b"null", b"{}", br#"{"id":"e","type":"t","created":"1","data":{"object":{}}}"#] {
            assert_eq!(Event::parse(bad), Err(NotAnEvent), "{}", String::from_utf8_lossy(bad));
        }
    }
}
