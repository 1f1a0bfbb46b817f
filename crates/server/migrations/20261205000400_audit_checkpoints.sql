-- Keyed checkpoints over the audit chain and authenticated purge markers (see
-- audit::checkpoints): the database never holds the key, so SQL access alone cannot
-- write a checkpoint or a purge marker that verifies.
ALTER TABLE audit_heads ADD COLUMN purge_mac bytea;

CREATE TABLE audit_checkpoints (
    id    bigserial PRIMARY KEY,
    at    timestamptz NOT NULL,
    -- The chain's state as JSON text, exactly the bytes the MAC covers.
    state text NOT NULL,
    mac   bytea NOT NULL
);
CREATE INDEX audit_checkpoints_at ON audit_checkpoints (at);

CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
