-- A business's daily limits raised (or lowered) by an operator; without a row the
-- automatic limits apply (app::quotas). Counting itself uses rate_limit_events.
CREATE TABLE business_quotas (
    business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('email', 'sms', 'invitation', 'export')),
    per_day     integer NOT NULL CHECK (per_day BETWEEN 0 AND 1000000),
    set_by      text NOT NULL,
    set_at      timestamptz NOT NULL,
    PRIMARY KEY (business_id, kind)
);
