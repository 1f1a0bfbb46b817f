-- Card payments through Stripe Checkout.
--
-- A card payment is an ordinary `payments` row (method 'card') that also names the
-- Stripe PaymentIntent it came from: the unique index makes recording it idempotent,
-- whichever of Stripe's events (or the reconciliation job) arrives first. Refunds
-- are Stripe's cumulative `amount_refunded`, kept beside the payment and only ever
-- raised, so events arriving out of order cannot undo a later state.
ALTER TABLE payments
    ADD COLUMN provider_ref text,
    ADD COLUMN refunded numeric(18, 4) NOT NULL DEFAULT 0,
    ADD CONSTRAINT payments_refund_within_amount CHECK (refunded >= 0 AND refunded <= amount);
CREATE UNIQUE INDEX payments_provider_ref ON payments (business_id, provider_ref) WHERE provider_ref IS NOT NULL;

-- Each "Pay" that needed a new Checkout Session. The row's id is written before
-- Stripe is called and sent as the Idempotency-Key, so a click retried after a
-- timeout gets the same session back instead of a second one. The reconciliation
-- job asks Stripe about rows not yet settled.
CREATE TABLE stripe_checkouts (
    business_id uuid NOT NULL,
    id          uuid NOT NULL,
    invoice_id  uuid NOT NULL,
    amount      numeric(18, 4) NOT NULL CHECK (amount > 0),
    currency    text NOT NULL,
    session_id  text,
    url         text,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL,
    -- Set when the session's payment is recorded or the session can no longer pay.
    settled_at  timestamptz,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX stripe_checkouts_session ON stripe_checkouts (business_id, session_id);
CREATE INDEX stripe_checkouts_unsettled ON stripe_checkouts (created_at) WHERE settled_at IS NULL;

-- Every verified webhook event, inserted in the same transaction as what it changes:
-- a second delivery of the same event finds its row and changes nothing.
CREATE TABLE stripe_events (
    business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    event_id    text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
    type        text NOT NULL,
    received_at timestamptz NOT NULL,
    outcome     text NOT NULL,
    PRIMARY KEY (business_id, event_id)
);

-- A business may hold the webhook secret it is rolling away from (accepted until
-- it expires), and other providers' secrets come in other migrations: the names are
-- the application's to define, the table only insists they look like names.
ALTER TABLE business_secrets DROP CONSTRAINT IF EXISTS business_secrets_name_check;
ALTER TABLE business_secrets ADD CONSTRAINT business_secrets_name_format CHECK (name ~ '^[a-z][a-z0-9_]{2,62}$');
ALTER TABLE business_secrets ADD COLUMN expires_at timestamptz;
