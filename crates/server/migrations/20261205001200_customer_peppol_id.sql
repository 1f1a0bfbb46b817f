-- Peppol participant id on customers (issue 21): typed by the user (validated), or
-- empty to derive it from the registration id or VAT id (`ParticipantId::for_party`).
ALTER TABLE customers ADD COLUMN peppol_id text NOT NULL DEFAULT '';
