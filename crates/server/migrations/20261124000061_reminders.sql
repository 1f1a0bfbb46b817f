-- Payment reminders: each business's schedule, the reminder deliveries it causes, and
-- the claimed day that lets one instance run the daily pass.

-- A rule: remind `offset_days` after the due date (negative: before it), by email
-- and/or SMS. A business without rules sends no reminders.
CREATE TABLE reminder_rules (
    business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    offset_days integer NOT NULL CHECK (offset_days BETWEEN -30 AND 90),
    by_email    boolean NOT NULL,
    by_sms      boolean NOT NULL,
    PRIMARY KEY (business_id, offset_days),
    CHECK (by_email OR by_sms)
);

-- A reminder delivery names its rule; at most one per rule, invoice and channel.
ALTER TABLE invoice_deliveries ADD COLUMN reminder_offset integer;
ALTER TABLE invoice_deliveries ADD CONSTRAINT invoice_deliveries_reminder_has_rule
    CHECK ((kind = 'reminder') = (reminder_offset IS NOT NULL));
CREATE UNIQUE INDEX invoice_deliveries_one_reminder_per_rule
    ON invoice_deliveries (business_id, invoice_id, reminder_offset, channel) WHERE reminder_offset IS NOT NULL;
-- A reminder for an invoice paid or credited before it went out is cancelled, not sent.
ALTER TABLE invoice_deliveries DROP CONSTRAINT invoice_deliveries_status_check;
ALTER TABLE invoice_deliveries ADD CONSTRAINT invoice_deliveries_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled'));

-- One row per day the reminder pass ran; inserted in the same transaction as that
-- day's reminders, so exactly one instance does a day, and a crash redoes it.
CREATE TABLE reminder_runs (
    run_on      date PRIMARY KEY,
    finished_at timestamptz NOT NULL,
    queued      integer NOT NULL
);
