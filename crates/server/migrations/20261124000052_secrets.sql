-- Envelope encryption of provider secrets (security criteria ENC-1 to ENC-7).
-- A data key encrypts values; it is stored only wrapped by the key-encryption key,
-- which is derived from the master key outside the database. `kek_id` says which
-- master key wrapped it (rotation rewraps data keys without touching the values);
-- `encryptions` counts its uses so it is retired long before AES-GCM's nonce limit.
CREATE TABLE data_keys (
    id          uuid PRIMARY KEY,
    kek_id      text NOT NULL,
    wrapped     bytea NOT NULL,
    encryptions bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz
);
CREATE UNIQUE INDEX data_keys_one_current ON data_keys ((true)) WHERE retired_at IS NULL;

-- A business's provider secrets (Stripe secret key, webhook signing secret). Only the
-- envelope and the last four characters (to recognise it in settings) are stored.
CREATE TABLE business_secrets (
    business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name IN ('stripe_secret_key', 'stripe_webhook_secret')),
    envelope    text NOT NULL CHECK (envelope LIKE 'v1.%'),
    last4       text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, name)
);
