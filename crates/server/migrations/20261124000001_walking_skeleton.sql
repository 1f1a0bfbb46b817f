-- Walking skeleton: people, their businesses, one-time-code login, sessions,
-- rate limits, the job queue and outgoing mail.
--
-- Tenant tables carry business_id first in their primary key and in foreign keys
-- between tenant tables, so the schema can later be distributed by business.

CREATE TABLE users (
    id          uuid PRIMARY KEY,
    email       text NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lower CHECK (email = lower(email))
);

CREATE TABLE businesses (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL
);

CREATE TABLE business_members (
    business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('owner', 'member', 'accountant')),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, user_id)
);
CREATE INDEX business_members_user ON business_members (user_id);

-- A pre-authentication challenge: the browser holds a random token (cookie), we keep
-- its SHA-256 and an HMAC of the code bound to challenge, email and purpose. The code
-- itself is never stored.
CREATE TABLE otp_challenges (
    id              uuid PRIMARY KEY,
    challenge_hash  bytea NOT NULL UNIQUE,
    email           text NOT NULL,
    purpose         text NOT NULL CHECK (purpose IN ('login')),
    code_hmac       bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    consumed_at     timestamptz,
    consumed_reason text CHECK (consumed_reason IN ('used', 'locked', 'superseded')),
    requested_ip    text NOT NULL,
    CHECK ((consumed_at IS NULL) = (consumed_reason IS NULL))
);
CREATE INDEX otp_challenges_open ON otp_challenges (email, purpose) WHERE consumed_at IS NULL;
CREATE INDEX otp_challenges_expiry ON otp_challenges (expires_at);

CREATE TABLE sessions (
    token_hash    bytea PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    business_id   uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    ip            text NOT NULL,
    user_agent    text NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Sliding-window rate limits shared by every instance: one row per counted event.
CREATE TABLE rate_limit_events (
    key  text NOT NULL,
    at   timestamptz NOT NULL
);
CREATE INDEX rate_limit_events_key_at ON rate_limit_events (key, at);

-- The job queue behind the `jobs` facade. Enqueued in the caller's transaction.
CREATE TABLE jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL,
    payload       jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL CHECK (max_attempts > 0),
    run_at        timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX jobs_runnable ON jobs (run_at) WHERE status IN ('pending', 'running');

-- Outgoing mail. The body may contain a one-time code, so it is sealed with a key
-- derived from the master key and erased once the message is handed to SMTP.
CREATE TABLE outgoing_emails (
    id            uuid PRIMARY KEY,
    recipient     text NOT NULL,
    subject       text NOT NULL,
    body_sealed   bytea,
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    last_error    text,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz
);
