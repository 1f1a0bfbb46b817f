-- The path to Citus (docs/scaling.md, tests/integration/distribution_keys.rs): a tenant
-- table's unique keys must lead with business_id, the distribution column. Three did not.
--
-- API tokens and customer links are found by the hash of a 256-bit random secret before
-- the business is known. Their uniqueness never rested on the index (two equal hashes
-- would need two equal random secrets); the lookup keeps a plain index, which Citus
-- allows and probes on each shard.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_token_hash_key;
CREATE INDEX api_tokens_by_hash ON api_tokens (token_hash);

ALTER TABLE invoice_links DROP CONSTRAINT invoice_links_token_hash_key;
CREATE INDEX invoice_links_by_hash ON invoice_links (token_hash);

-- One provider message settles at most one delivery of a business. Across businesses
-- the message's text tells them apart: an SMS carries the invoice's own link, and a
-- delivery in doubt only claims a message whose text digest is its own
-- (db::deliveries::first_unclaimed still looks across every business).
DROP INDEX invoice_deliveries_provider_message;
CREATE UNIQUE INDEX invoice_deliveries_provider_message
    ON invoice_deliveries (business_id, provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX invoice_deliveries_by_provider_message
    ON invoice_deliveries (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
