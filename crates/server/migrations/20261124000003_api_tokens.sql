-- Personal API tokens (stored as SHA-256, shown once) and the Idempotency-Key
-- records that make retried API POSTs safe.

CREATE TABLE api_tokens (
    business_id   uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id            uuid NOT NULL,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash    bytea NOT NULL UNIQUE,
    can_write     boolean NOT NULL,
    created_by    uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    PRIMARY KEY (business_id, id)
);

CREATE TABLE idempotency_keys (
    business_id     uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    bytea NOT NULL,
    response_status integer,
    response_body   bytea,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (business_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
