//! Outbound webhooks' rules that need no I/O: which events exist and what their names
//! are on the wire, and when a failed delivery is tried again.
//!
//! The names follow the `object.happening` shape Standard Webhooks recommends, so a
//! receiver can route on the prefix. The retry schedule is exponential, capped at ten
//! hours, and gives up after a little over three days (the promise).

use std::fmt;

/// Every event a business can subscribe an endpoint to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    InvoiceIssued,
    InvoiceSent,
    InvoiceDeliveryFailed,
    InvoiceViewed,
    InvoicePaid,
    InvoicePartiallyPaid,
    InvoiceCredited,
    InvoiceOverdue,
    QuoteAccepted,
    QuoteDeclined,
    BillReceived,
    BankPaymentUnmatched,
}

impl EventType {
    pub const ALL: [EventType; 12] = [
        EventType::InvoiceIssued,
        EventType::InvoiceSent,
        EventType::InvoiceDeliveryFailed,
        EventType::InvoiceViewed,
        EventType::InvoicePaid,
        EventType::InvoicePartiallyPaid,
        EventType::InvoiceCredited,
        EventType::InvoiceOverdue,
        EventType::QuoteAccepted,
        EventType::QuoteDeclined,
        EventType::BillReceived,
        EventType::BankPaymentUnmatched,
    ];

    /// The name on the wire (the payload's `type`) and in settings.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::InvoiceIssued => "invoice.issued",
            EventType::InvoiceSent => "invoice.sent",
            EventType::InvoiceDeliveryFailed => "invoice.delivery_failed",
            EventType::InvoiceViewed => "invoice.viewed",
            EventType::InvoicePaid => "invoice.paid",
            EventType::InvoicePartiallyPaid => "invoice.partially_paid",
            EventType::InvoiceCredited => "invoice.credited",
            EventType::InvoiceOverdue => "invoice.overdue",
            EventType::QuoteAccepted => "quote.accepted",
            EventType::QuoteDeclined => "quote.declined",
            EventType::BillReceived => "bill.received",
            EventType::BankPaymentUnmatched => "bank_payment.unmatched",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Seconds to wait after failed attempt number `attempts` (1 = the first) before the
/// next one; None when the schedule is spent and the delivery has failed for good.
/// 5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h: the 13th attempt comes 77.6 hours
/// after the first, so a receiver that is down for three days still gets the event.
pub fn retry_delay_seconds(attempts: u32) -> Option<u32> {
    const SCHEDULE: [u32; 12] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000, 36_000, 36_000, 36_000, 36_000];
    SCHEDULE.get(usize::try_from(attempts).ok()?.checked_sub(1)?).copied()
}

/// How many attempts a delivery gets in all.
pub const MAX_ATTEMPTS: u32 = 13;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_names_are_distinct() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
            assert!(event.as_str().contains('.'), "{event}");
        }
        let mut names: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
        assert_eq!(EventType::parse("invoice.exploded"), None);
    }

    #[test]
    fn the_schedule_grows_and_covers_three_days() {
        let delays: Vec<u32> = (1..).map_while(retry_delay_seconds).collect();
        assert_eq!(delays.len() as u32 + 1, MAX_ATTEMPTS, "attempts = first + retries");
        assert!(delays.windows(2).all(|w| w[0] <= w[1]), "never shrinks: {delays:?}");
        let total: u32 = delays.iter().sum();
        assert!(total >= 72 * 3600, "three days at least: {total} s");
        assert!(total <= 80 * 3600, "not much more: {total} s");
        assert_eq!(retry_delay_seconds(0), None);
        assert_eq!(retry_delay_seconds(MAX_ATTEMPTS), None);
    }
}
