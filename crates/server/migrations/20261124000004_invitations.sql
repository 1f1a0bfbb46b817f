-- Members join a business by invitation: the owner invites an address with a role;
-- the invitation is accepted when that address next signs in with a code.

CREATE TABLE invitations (
    business_id  uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    email        text NOT NULL CHECK (email = lower(email)),
    role         text NOT NULL CHECK (role IN ('member', 'accountant')),
    invited_by   uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (business_id, id)
);
CREATE UNIQUE INDEX invitations_open ON invitations (business_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_email ON invitations (email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
