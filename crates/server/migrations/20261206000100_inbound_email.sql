-- E-invoices sent by email to a business's own inbound address (issue: receive e-invoices).
--
-- The address is `<name>-<token>@<inbound domain>`: only the token says which business
-- it is, so a renamed business keeps receiving at its old address, and a new token (the
-- owner's "new address") stops the old one. The token is random, so the address cannot
-- be guessed from the business's name.
ALTER TABLE businesses ADD COLUMN inbound_email_token text;
CREATE UNIQUE INDEX businesses_inbound_email_token ON businesses (inbound_email_token)
    WHERE inbound_email_token IS NOT NULL;

-- Every email accepted for a business, with what became of each file in it, so the owner
-- can see that the supplier's email arrived even when it carried no e-invoice.
CREATE TABLE received_emails (
    business_id  uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    received_at  timestamptz NOT NULL,
    -- The envelope sender and the From: header: told, never trusted.
    envelope_from text NOT NULL,
    header_from  text,
    subject      text,
    message_id   text,
    -- [{"file_name": "...", "outcome": "bill" | "already_received" | "no_bill" | "refused",
    --   "document_id": uuid | null, "bill_id": uuid | null, "reason": "..." | null}]
    files        jsonb NOT NULL,
    files_left   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, id)
);
CREATE INDEX received_emails_newest ON received_emails (business_id, received_at DESC);

-- A closed business is deleted when its retention ends (gdpr::closure::purge_expired),
-- and everything it owns goes with it. The bank statement and bill tables were created
-- without ON DELETE CASCADE, so that delete failed for any business that had imported a
-- bank file or received a bill; they now cascade like every other tenant table.
ALTER TABLE bank_imports DROP CONSTRAINT bank_imports_business_id_fkey,
    ADD CONSTRAINT bank_imports_business_id_fkey FOREIGN KEY (business_id) REFERENCES businesses (id) ON DELETE CASCADE;
ALTER TABLE received_documents DROP CONSTRAINT received_documents_business_id_fkey,
    ADD CONSTRAINT received_documents_business_id_fkey FOREIGN KEY (business_id) REFERENCES businesses (id) ON DELETE CASCADE;
ALTER TABLE bank_entries DROP CONSTRAINT bank_entries_business_id_import_id_fkey,
    ADD CONSTRAINT bank_entries_business_id_import_id_fkey FOREIGN KEY (business_id, import_id)
        REFERENCES bank_imports (business_id, id) ON DELETE CASCADE;
ALTER TABLE bills DROP CONSTRAINT bills_business_id_received_document_id_fkey,
    ADD CONSTRAINT bills_business_id_received_document_id_fkey FOREIGN KEY (business_id, received_document_id)
        REFERENCES received_documents (business_id, id) ON DELETE CASCADE;
-- Payments and bank claims name their business only through their invoice, whose key
-- does not cascade; they go with the business directly.
ALTER TABLE payments ADD CONSTRAINT payments_business_id_fkey
    FOREIGN KEY (business_id) REFERENCES businesses (id) ON DELETE CASCADE;
ALTER TABLE bank_claims ADD CONSTRAINT bank_claims_business_id_fkey
    FOREIGN KEY (business_id) REFERENCES businesses (id) ON DELETE CASCADE;
