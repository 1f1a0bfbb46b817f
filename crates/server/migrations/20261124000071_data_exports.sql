-- GDPR export (issue 7 §6a): a business owner's download of all their business's data.
-- Built by a job into chunks stored here (not on one instance's disk), so any instance
-- can serve the download; deleted when it expires.

CREATE TABLE data_exports (
    business_id  uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    requested_by uuid NOT NULL,
    status       text NOT NULL CHECK (status IN ('queued', 'building', 'ready', 'failed')),
    steps_done   integer NOT NULL DEFAULT 0,
    steps_total  integer NOT NULL DEFAULT 0,
    size_bytes   bigint,
    error        text,
    created_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (business_id, id)
);

CREATE TABLE data_export_chunks (
    business_id uuid NOT NULL,
    export_id   uuid NOT NULL,
    seq         integer NOT NULL,
    data        bytea NOT NULL,
    PRIMARY KEY (business_id, export_id, seq),
    FOREIGN KEY (business_id, export_id) REFERENCES data_exports (business_id, id) ON DELETE CASCADE
);
