-- The customer's link to an issued invoice (/i/{token}): no account needed, so the
-- token is the only key. We keep its SHA-256 for lookup and the token itself sealed
-- (AES-256-GCM under a key derived from the master key, bound to this row), so the
-- owner can copy the link again later while a database dump alone opens nothing.
-- Rotating revokes the current link and makes a new one; at most one is live.
CREATE TABLE invoice_links (
    business_id      uuid NOT NULL,
    invoice_id       uuid NOT NULL,
    id               uuid NOT NULL,
    token_hash       bytea NOT NULL UNIQUE,
    token_sealed     bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    first_viewed_at  timestamptz,
    last_viewed_at   timestamptz,
    view_count       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX invoice_links_live ON invoice_links (business_id, invoice_id) WHERE revoked_at IS NULL;
