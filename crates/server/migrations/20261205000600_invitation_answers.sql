-- Invitations are answered, not accepted by signing in (issue 19): the invitee sees each
-- open invitation and joins or declines it. An invitation is open for 14 days.
ALTER TABLE invitations ADD COLUMN declined_at timestamptz;

DROP INDEX invitations_open;
DROP INDEX invitations_email;
CREATE UNIQUE INDEX invitations_open ON invitations (business_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL;
CREATE INDEX invitations_email ON invitations (email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL;

-- A session without a business belongs to someone who has invitations to answer and no
-- business yet: it opens only the invitations page until they join one or start their own.
ALTER TABLE sessions ALTER COLUMN business_id DROP NOT NULL;
