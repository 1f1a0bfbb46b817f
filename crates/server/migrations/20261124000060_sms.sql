-- SMS as a second delivery channel, automatic deliveries, and the `sending` state
-- that narrows the window in which a crash could send a message twice
-- (docs/decisions.md, "Exactly once at the SMS provider").
ALTER TABLE invoice_deliveries DROP CONSTRAINT invoice_deliveries_channel_check;
ALTER TABLE invoice_deliveries ADD CONSTRAINT invoice_deliveries_channel_check CHECK (channel IN ('email', 'sms'));
ALTER TABLE invoice_deliveries DROP CONSTRAINT invoice_deliveries_status_check;
ALTER TABLE invoice_deliveries ADD CONSTRAINT invoice_deliveries_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed'));
-- Who asked: a member pressing "Send", or nobody (a reminder, a recurring invoice).
ALTER TABLE invoice_deliveries ALTER COLUMN requested_by DROP NOT NULL;
ALTER TABLE invoice_deliveries
    ADD COLUMN kind text NOT NULL DEFAULT 'send' CHECK (kind IN ('send', 'reminder', 'recurring')),
    -- When the provider call began (status `sending`): a crash after it leaves the
    -- delivery in doubt, and the provider's log since then settles it.
    ADD COLUMN sending_at timestamptz,
    -- How many times a worker found this delivery in doubt after a crash.
    ADD COLUMN interrupted integer NOT NULL DEFAULT 0,
    -- SHA-256 of the SMS text being sent, to find it in the provider's log after a
    -- crash (the text holds the customer link, so only its digest is kept).
    ADD COLUMN body_digest bytea,
    -- Which provider took an SMS, and its id for the message (for support questions).
    ADD COLUMN provider text,
    ADD COLUMN provider_message_id text;
-- One provider message settles at most one delivery: a delivery in doubt that finds
-- its text in the provider's log takes only a message no other delivery has claimed.
CREATE UNIQUE INDEX invoice_deliveries_provider_message
    ON invoice_deliveries (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;

-- The platform's SMS provider, set by an operator in the admin console. One row.
-- The API secret is stored only as an envelope (crate::secrets) with its last four
-- characters; the account name and sender are not secret.
CREATE TABLE sms_provider_settings (
    scope          text PRIMARY KEY CHECK (scope = 'platform'),
    provider       text NOT NULL CHECK (provider IN ('46elks', 'twilio')),
    account        text NOT NULL CHECK (length(account) BETWEEN 1 AND 100),
    sender         text NOT NULL CHECK (length(sender) BETWEEN 1 AND 16),
    secret_envelope text NOT NULL CHECK (secret_envelope LIKE 'v1.%'),
    secret_last4   text NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- A business's own SMS provider account, used instead of the platform's when set.
CREATE TABLE business_sms_providers (
    business_id    uuid PRIMARY KEY REFERENCES businesses (id) ON DELETE CASCADE,
    provider       text NOT NULL CHECK (provider IN ('46elks', 'twilio')),
    account        text NOT NULL CHECK (length(account) BETWEEN 1 AND 100),
    sender         text NOT NULL CHECK (length(sender) BETWEEN 1 AND 16),
    secret_envelope text NOT NULL CHECK (secret_envelope LIKE 'v1.%'),
    secret_last4   text NOT NULL,
    updated_at     timestamptz NOT NULL
);
