-- Security notifications to admins (ADM-11): where to write to, and the addresses
-- each admin has signed in from, so a sign-in from a new one can be told to them.
-- The address is optional: admins created before this have none until one is set,
-- and are then only in the log.
ALTER TABLE admin_users ADD COLUMN email text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$');

CREATE TABLE admin_known_ips (
    admin_id      uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    ip            text NOT NULL,
    first_seen_at timestamptz NOT NULL,
    PRIMARY KEY (admin_id, ip)
);
