-- Each time a user sends a document to the customer: one row per channel and send.
-- Its id is the delivery's identity end to end (the job carries it, the email's
-- Message-ID is made from it), so a retried job never sends a second copy once the
-- row says `sent`. The recipient is kept (who got what, for the record); the message
-- itself is made again from the issued document when the job runs.
CREATE TABLE invoice_deliveries (
    business_id  uuid NOT NULL,
    id           uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    channel      text NOT NULL CHECK (channel IN ('email')),
    recipient    text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
    attach_xml   boolean NOT NULL DEFAULT false,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    requested_by uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    sent_at      timestamptz,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id) ON DELETE CASCADE
);
CREATE INDEX invoice_deliveries_invoice ON invoice_deliveries (business_id, invoice_id, created_at);
