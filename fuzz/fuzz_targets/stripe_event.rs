//! The body of a Stripe webhook delivery after its signature was verified: the event
//! envelope and the object its type promises, and the amounts in it.
//!
//! An event either is refused as not an event, or yields exactly the payload its type
//! names; every amount it carries converts to our decimal form and back unchanged.
#![no_main]

use fastfaktura_domain::Currency;
use fastfaktura_stripe_wire::{
    Event, ObjectKind, Payload,
    amounts::{from_stripe, to_stripe},
};
use libfuzzer_sys::fuzz_target;

/// Stripe's integer amount in each currency we invoice in, and back.
fn amount_round_trips(value: i64, currency_code: Option<&str>) {
    let currencies: Vec<Currency> = match currency_code.map(Currency::parse) {
        Some(Ok(currency)) => vec![currency],
        _ => Currency::all().map(|(c, _)| c).collect(),
    };
    for currency in currencies {
        let amount = from_stripe(value, currency);
        match to_stripe(amount, currency) {
            Ok(back) => assert_eq!(back, value, "{value} {currency} read as {amount}"),
            Err(e) => {
                // Stripe's own steps: ISK in whole krónur (100), BHD and KWD in 0.010.
                let step = match currency.code() {
                    "ISK" => 100,
                    "BHD" | "KWD" => 10,
                    _ => 1,
                };
                assert!(value <= 0 || value % step != 0, "{value} {currency} refused: {e}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(event) = Event::parse(data) else { return };
    let expected_kind = match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => Some(ObjectKind::CheckoutSession),
        "payment_intent.succeeded" => Some(ObjectKind::PaymentIntent),
        "charge.refunded" => Some(ObjectKind::Charge),
        _ => None,
    };
    let payload = event.payload();
    match (&payload, expected_kind) {
        (Payload::SessionPaid(session), Some(ObjectKind::CheckoutSession)) => {
            if let Some(total) = session.amount_total {
                amount_round_trips(total, session.currency.as_deref());
            }
        }
        (Payload::IntentSucceeded(intent), Some(ObjectKind::PaymentIntent)) => {
            amount_round_trips(intent.amount_received, Some(&intent.currency));
        }
        (Payload::ChargeRefunded(charge), Some(ObjectKind::Charge)) => {
            amount_round_trips(charge.amount_refunded, Some(&charge.currency));
        }
        (Payload::Unreadable(kind), Some(expected)) => assert_eq!(*kind, expected),
        (Payload::NotUsed, None) => {}
        (payload, expected) => panic!("type {:?} gave {payload:?}, expected {expected:?}", event.kind),
    }
    // Reading is deterministic: the same body gives the same event and payload.
    let again = Event::parse(data).expect("parsed once");
    assert_eq!(again.payload(), payload);
});
