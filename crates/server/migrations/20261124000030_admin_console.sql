-- The admin console (issue 6): operators, their sessions, TOTP, recovery codes,
-- account-level login failure counters, and a record of every admin action.
-- Kept apart from users/sessions on purpose: no admin row is a user and no user
-- session can ever be looked up as an admin session.

CREATE TABLE admin_users (
    id                 uuid PRIMARY KEY,
    username           text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    -- argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
    password_hash      text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled_at        timestamptz,
    -- TOTP secret sealed with the admin-TOTP key (AES-256-GCM, AAD binds the row).
    -- Present but not confirmed during enrolment; confirmed once totp_enabled_at is set.
    totp_secret_sealed bytea,
    totp_algorithm     text NOT NULL DEFAULT 'SHA1' CHECK (totp_algorithm IN ('SHA1', 'SHA256')),
    totp_enabled_at    timestamptz,
    -- The highest time step ever accepted (RFC 6238 §5.2): any step at or below is refused.
    totp_last_step     bigint NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    created_by         text NOT NULL
);

-- SHA-256 of 120-bit random codes (TOTP-10: ≥ 112 bits, so a plain hash suffices).
CREATE TABLE admin_recovery_codes (
    admin_id   uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (admin_id, code_hash)
);

CREATE TABLE admin_sessions (
    token_hash    bytea PRIMARY KEY,
    admin_id      uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    -- false until the second factor was given (or is not required by policy).
    mfa_verified  boolean NOT NULL,
    ip            text NOT NULL,
    user_agent    text NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

-- Consecutive login failures per submitted username, whether or not the account
-- exists, so backoff and lock behave the same for known and unknown names (ADM-5).
CREATE TABLE admin_login_failures (
    username        text PRIMARY KEY,
    consecutive     integer NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    locked_at       timestamptz
);

CREATE TABLE admin_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    admin_id    uuid REFERENCES admin_users (id) ON DELETE SET NULL,
    -- who acted, as shown: a username, "cli", or the username tried at a failed login
    actor       text NOT NULL,
    ip          text NOT NULL,
    user_agent  text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    -- non-secret before/after fields
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_events_at ON admin_events (at DESC);

ALTER TABLE users ADD COLUMN suspended_at timestamptz;
