-- Bank statement import (issue 20): each imported file, and every payment in it, with
-- what became of it. A payment is stored once per business (its bank id), so a file
-- imported twice, or a notification followed by the day's statement, records nothing
-- twice; a matched payment is recorded on its invoice with the entry named.
CREATE TABLE bank_imports (
    business_id  uuid NOT NULL REFERENCES businesses (id),
    id           uuid NOT NULL,
    format       text NOT NULL,
    file_name    text NOT NULL,
    file_sha256  text NOT NULL,
    payments     integer NOT NULL,
    matched      integer NOT NULL,
    duplicates   integer NOT NULL,
    imported_by  text NOT NULL,
    imported_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, id)
);
CREATE INDEX bank_imports_newest ON bank_imports (business_id, imported_at DESC);

CREATE TABLE bank_entries (
    business_id   uuid NOT NULL,
    id            uuid NOT NULL,
    import_id     uuid NOT NULL,
    bank_id       text NOT NULL,
    account       text NOT NULL,
    booked_on     date NOT NULL,
    amount        numeric(18, 4) NOT NULL CHECK (amount > 0),
    currency      text NOT NULL,
    reference     text,
    reference_key text,
    message       text,
    payer         text,
    -- Why an unmatched payment was not recorded by itself: no_reference,
    -- unknown_reference, ambiguous, already_paid, currency, not_payable.
    reason        text,
    -- unmatched: waits for a person; matched: recorded on invoice_id; dismissed: not
    -- a payment for an invoice (interest, a transfer between own accounts).
    state         text NOT NULL CHECK (state IN ('unmatched', 'matched', 'dismissed')),
    invoice_id    uuid,
    -- What was recorded on the invoice (the rest of an overpayment stays with the entry).
    applied       numeric(18, 4),
    matched_by    text,
    matched_at    timestamptz,
    PRIMARY KEY (business_id, id),
    UNIQUE (business_id, bank_id),
    FOREIGN KEY (business_id, import_id) REFERENCES bank_imports (business_id, id),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id),
    CHECK ((state = 'matched') = (invoice_id IS NOT NULL AND applied IS NOT NULL))
);
CREATE INDEX bank_entries_waiting ON bank_entries (business_id, booked_on DESC) WHERE state = 'unmatched';
CREATE INDEX bank_entries_import ON bank_entries (business_id, import_id);

-- The payment a matched entry recorded: the invoice's payment history names the entry,
-- and undoing the match removes exactly that payment.
ALTER TABLE payments ADD COLUMN bank_entry_id uuid;
ALTER TABLE payments ADD FOREIGN KEY (business_id, bank_entry_id) REFERENCES bank_entries (business_id, id);
CREATE UNIQUE INDEX payments_bank_entry ON payments (business_id, bank_entry_id) WHERE bank_entry_id IS NOT NULL;
