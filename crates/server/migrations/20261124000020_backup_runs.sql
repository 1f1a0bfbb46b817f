-- Backup, verify and restore runs, for the schedule ("is one due?") and for the admin
-- console (the age of the newest good backup). Instance-wide, not a tenant table.
-- The bucket stays the source of truth for what can be restored: these rows are a log.
CREATE TABLE backup_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('backup', 'verify')),
    trigger      text NOT NULL CHECK (trigger IN ('schedule', 'cli', 'console')),
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    backup_id    text,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    size_bytes   bigint,
    sha256       text,
    detail       text
);

CREATE INDEX backup_runs_by_kind ON backup_runs (kind, started_at DESC);
