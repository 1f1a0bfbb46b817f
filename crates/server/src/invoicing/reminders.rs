//! Payment reminders: each business's schedule and the daily pass that queues them.
//!
//! The pass finds issued invoices with something still to pay whose rule day has come
//! and queues one reminder delivery per channel through the same delivery machinery
//! as "Send" (kind `reminder`, the rule in `reminder_offset`). It claims the day in
//! `reminder_runs` in the same transaction as the deliveries it queues, so exactly one
//! instance does a day and a crash leaves the day undone rather than half done; the
//! unique index on (invoice, rule, channel) makes a second reminder for one rule
//! impossible whatever happens. A reminder whose invoice is paid or credited before
//! its job runs is cancelled there (`delivery::deliver`).

use fastfaktura_domain::PhoneNumber;
use time::OffsetDateTime;
use uuid::Uuid;

use super::customer_links;
use crate::{
    db::{self, deliveries::NewDelivery, reminders::Rule},
    integrations::sms_accounts,
    jobs::{self, Job, WorkerContext},
};

/// The rules the settings page offers, in days after the due date.
pub const OFFERED_OFFSETS: [i32; 4] = [-3, 0, 7, 14];

/// What the settings page proposes before a business saves its own schedule: every
/// offered rule by email. Nothing is sent until the business saves a schedule.
pub fn suggested_rules() -> Vec<Rule> {
    OFFERED_OFFSETS.iter().map(|&offset_days| Rule { offset_days, by_email: true, by_sms: false }).collect()
}

/// Runs the pass for `now`'s day unless it already ran; returns how many reminders
/// it queued.
pub async fn run_due(ctx: &WorkerContext, now: OffsetDateTime) -> Result<usize, sqlx::Error> {
    let today = now.date();
    let mut tx = ctx.db.begin().await?;
    if !db::reminders::claim_day(&mut tx, today, now).await? {
        return Ok(0);
    }
    let due = db::reminders::due(&mut tx, today).await?;
    let mut queued = 0usize;
    for reminder in &due {
        let phone = PhoneNumber::parse(&reminder.phone).ok().map(|p| p.as_str().to_owned());
        let sms_ok =
            reminder.by_sms && phone.is_some() && sms_accounts::available(&mut tx, reminder.business_id).await?;
        let email = Some(reminder.email.trim()).filter(|e| reminder.by_email && !e.is_empty());
        let channels = [("email", email.map(str::to_owned)), ("sms", phone.filter(|_| sms_ok))];
        if channels.iter().any(|(_, r)| r.is_some()) {
            // The reminder points at the customer page.
            customer_links::create_first_in(&mut tx, &ctx.link_key, reminder.business_id, reminder.invoice_id, now)
                .await?;
        }
        for (channel, recipient) in channels.iter().filter_map(|(c, r)| r.as_ref().map(|r| (*c, r))) {
            let id = Uuid::new_v4();
            let row = NewDelivery {
                id,
                invoice_id: reminder.invoice_id,
                channel,
                kind: "reminder",
                recipient,
                attach_xml: false,
                requested_by: None,
            };
            if db::deliveries::create_reminder(&mut *tx, reminder.business_id, row, reminder.offset_days, now).await? {
                jobs::enqueue(&mut tx, &Job::DeliverInvoice { business_id: reminder.business_id, delivery_id: id })
                    .await?;
                queued += 1;
            }
        }
    }
    db::reminders::record_count(&mut tx, today, i32::try_from(queued).unwrap_or(i32::MAX)).await?;
    tx.commit().await?;
    tracing::info!(%today, queued, "reminder pass done");
    Ok(queued)
}
