-- API tokens belong to the member who made them: they work only while that person is
-- still a member of the business and not suspended (checked on every request), and may
-- expire. Removing a member revokes their tokens for good.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
CREATE INDEX api_tokens_creator ON api_tokens (business_id, created_by) WHERE revoked_at IS NULL;
