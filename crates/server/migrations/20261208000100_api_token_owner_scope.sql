-- An owner may give an API token the owner's operations (issue 23): saving numbering,
-- undoing a bank match, removing a payment, reading the audit log. Where money goes
-- stays with a signed-in owner whatever a token may do. The token acts as owner only
-- while its creator still is one (checked at each use, as membership is).
ALTER TABLE api_tokens ADD COLUMN acts_as_owner boolean NOT NULL DEFAULT false;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_owner_writes CHECK (NOT acts_as_owner OR can_write);
