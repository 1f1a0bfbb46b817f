-- The audit log (issue 7): one append-only table of security-relevant events, chained
-- by hash per (category, UTC day) so an operator can prove it was not altered, and a
-- head record per closed segment that survives the retention purge.
--
-- Platform-wide: business_id is a plain column (no foreign key), because events must
-- outlive the businesses, users and admins they mention.

CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    category    text NOT NULL CHECK (category IN ('access', 'auth', 'admin', 'dispatch', 'payment', 'security')),
    action      text NOT NULL CHECK (action ~ '^[a-z0-9_.-]{1,80}$'),
    actor_kind  text NOT NULL CHECK (actor_kind IN ('user', 'admin', 'api_token', 'customer_link', 'system', 'anonymous')),
    -- who, as shown: a user or token id, an admin's username, 'cli', 'system', ...
    actor       text NOT NULL,
    business_id uuid,
    target      text NOT NULL DEFAULT '',
    outcome     text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    ip          text NOT NULL DEFAULT '',
    user_agent  text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    -- non-secret details (no codes, tokens, keys, bodies)
    details     jsonb NOT NULL DEFAULT '{}',
    -- The seal, written once by the sealer shortly after the insert (audit::chain):
    -- position in the segment (category, chain_day), the previous event's hash and
    -- SHA-256(prev_hash || canonical event). NULL until sealed.
    chain_day   date,
    seq         bigint,
    prev_hash   bytea,
    hash        bytea,
    CHECK ((hash IS NULL) = (seq IS NULL) AND (hash IS NULL) = (chain_day IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))
);
CREATE INDEX audit_events_unsealed ON audit_events (id) WHERE hash IS NULL;
CREATE UNIQUE INDEX audit_events_chain ON audit_events (category, chain_day, seq);
CREATE INDEX audit_events_at ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_business ON audit_events (business_id, at DESC, id DESC) WHERE business_id IS NOT NULL;

-- One record per closed segment: how many events, the last event's hash, and a hash
-- chained across the days of a category, so dropping a whole middle day is visible.
-- Heads are kept after their events are purged (they hold no personal data).
CREATE TABLE audit_heads (
    category       text NOT NULL,
    day            date NOT NULL,
    event_count    bigint NOT NULL CHECK (event_count > 0),
    last_hash      bytea NOT NULL,
    prev_head_hash bytea NOT NULL,
    head_hash      bytea NOT NULL,
    created_at     timestamptz NOT NULL,
    purged_at      timestamptz,
    PRIMARY KEY (category, day)
);

-- Append-only (LOG-6). Tests and development connect as a superuser, for whom GRANTs
-- mean nothing, so a trigger enforces it for every role: no UPDATE, DELETE or
-- TRUNCATE, except
--   * the one-time seal: an unsealed event gets chain_day/seq/prev_hash/hash and
--     nothing else changes;
--   * the retention purge, which sets the transaction-local `fastfaktura.audit_purge`
--     to 'on' before deleting whole expired segments and marking their heads purged.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('fastfaktura.audit_purge', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_heads' THEN RETURN NEW; END IF;
    END IF;
    -- Nested, because a PL/pgSQL condition is planned whole: OLD.hash must not be
    -- looked at for audit_heads or a TRUNCATE.
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_events' THEN
        IF OLD.hash IS NULL AND NEW.hash IS NOT NULL
           AND (NEW.id, NEW.at, NEW.category, NEW.action, NEW.actor_kind, NEW.actor, NEW.business_id, NEW.target,
                NEW.outcome, NEW.ip, NEW.user_agent, NEW.request_id, NEW.details)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.category, OLD.action, OLD.actor_kind, OLD.actor, OLD.business_id, OLD.target,
                OLD.outcome, OLD.ip, OLD.user_agent, OLD.request_id, OLD.details) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_heads_append_only BEFORE UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- One source of truth: the admin console's event record becomes the audit log's
-- `admin` category. Existing rows move over unsealed; no segment is closed yet, so
-- the sealer chains them into their days on its first pass.
INSERT INTO audit_events (at, category, action, actor_kind, actor, target, outcome, ip, user_agent, details)
SELECT at, 'admin', left(regexp_replace(lower(action), '[^a-z0-9_.-]', '_', 'g'), 80),
       CASE WHEN admin_id IS NOT NULL OR actor = 'cli' THEN 'admin' ELSE 'anonymous' END,
       CASE WHEN admin_id IS NOT NULL OR actor = 'cli' THEN actor ELSE 'anonymous' END, target,
       CASE WHEN action LIKE '%failure%' OR action LIKE '%locked%' THEN 'failure' ELSE 'success' END,
       ip, user_agent,
       CASE WHEN admin_id IS NOT NULL OR actor = 'cli' THEN details ELSE details || jsonb_build_object('username', actor) END
FROM admin_events ORDER BY id;
DROP TABLE admin_events;
