-- What every instance needs to know about the ACME certificate besides the sealed
-- bytes in `acme_cache`: when it expires, since when renewal keeps failing, and how
-- many certificates were ordered (so several instances can be seen to order once).
-- Keyed like the certificate row in `acme_cache` (directory URL and domains).
CREATE TABLE acme_status (
    cache_key text PRIMARY KEY,
    not_after timestamptz,
    -- Set by the ordering instance on the first failed order, cleared by a success.
    renewal_failing_since timestamptz,
    orders_completed integer NOT NULL DEFAULT 0 CHECK (orders_completed >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
