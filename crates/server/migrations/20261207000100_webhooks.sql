-- Outbound webhooks (issue 23): the endpoints a business registers, the events that
-- happened to its objects, and one delivery per event and endpoint. The deliveries
-- table is also the deliverer's queue (webhooks::deliverer): claimed in batches with
-- FOR UPDATE SKIP LOCKED and a lease, like the job queue, so several instances share it.

CREATE TABLE webhook_endpoints (
    business_id              uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id                       uuid NOT NULL,
    url                      text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    description              text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    -- Event type names (webhooks::EventType); at least one.
    events                   text[] NOT NULL CHECK (cardinality(events) >= 1),
    -- The signing secret (whsec_...), sealed by crate::secrets for this row.
    secret_envelope          text NOT NULL,
    -- While a rotated secret overlaps, deliveries are signed with both.
    previous_secret_envelope text,
    previous_secret_until    timestamptz,
    enabled                  boolean NOT NULL DEFAULT true,
    disabled_at              timestamptz,
    disabled_reason          text,
    -- The first failed attempt since the last success: disabling is judged from it.
    failing_since            timestamptz,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    CHECK ((previous_secret_envelope IS NULL) = (previous_secret_until IS NULL))
);

CREATE TABLE webhook_events (
    business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    -- The Standard Webhooks message id (`webhook-id`), the same on every attempt.
    id          uuid NOT NULL,
    -- Order of events, so deliveries about one object go out in the order they happened.
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    event_type  text NOT NULL,
    object_id   uuid NOT NULL,
    -- The JSON body exactly as signed and sent.
    body        text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, id)
);
-- "Has this invoice's overdue event been recorded?" (the daily pass asks).
CREATE INDEX webhook_events_by_object ON webhook_events (business_id, object_id, event_type);

CREATE TABLE webhook_deliveries (
    business_id     uuid NOT NULL,
    id              uuid NOT NULL,
    endpoint_id     uuid NOT NULL,
    event_id        uuid NOT NULL,
    object_id       uuid NOT NULL,
    seq             bigint NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    last_attempt_at timestamptz,
    -- The receiver's HTTP status, or NULL when no answer came (refused, timed out).
    last_status     integer,
    last_error      text,
    -- How long the last attempt took, for the delivery log.
    last_duration_ms integer,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, endpoint_id) REFERENCES webhook_endpoints (business_id, id) ON DELETE CASCADE,
    FOREIGN KEY (business_id, event_id) REFERENCES webhook_events (business_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
-- An earlier undelivered event about the same object holds a later one back.
CREATE INDEX webhook_deliveries_order
    ON webhook_deliveries (business_id, endpoint_id, object_id, seq) WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (business_id, endpoint_id, created_at DESC);
CREATE INDEX webhook_deliveries_of_event ON webhook_deliveries (business_id, event_id);
