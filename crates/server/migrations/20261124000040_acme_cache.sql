-- The ACME account key and certificates (with their private keys) of `tls.mode = acme`,
-- shared by every instance. A platform table, not a tenant one: no business_id.
-- `sealed` is AES-256-GCM under a key derived from the master key, bound to
-- (kind, cache_key) as associated data: a database dump alone yields no key.
CREATE TABLE acme_cache (
    kind text NOT NULL CHECK (kind IN ('account', 'certificate')),
    -- SHA-256 (hex) of the directory URL and the domains (certificate) or contacts (account).
    cache_key text NOT NULL,
    sealed bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, cache_key)
);
