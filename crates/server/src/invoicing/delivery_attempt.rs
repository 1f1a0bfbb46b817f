//! How one attempt at a delivery ended, whichever the channel: the email sender
//! (`delivery`) and the SMS sender (`delivery_sms`) both answer with an [`Attempt`], and
//! the delivery job records it.

/// How one attempt at a delivery ended.
pub enum Attempt {
    /// Handed over; for SMS, the provider and its message id.
    Sent(Option<(&'static str, String)>),
    /// Someone else finished it meanwhile.
    AlreadyDone,
    /// Worth another attempt later (the job backs off).
    Retry(String),
    /// Refused for a reason retrying will not change: failed now, with the retry button.
    Refused(String),
}
