-- Icelandic bank claims (issue 20): a business connected to its bank's claims API
-- (IOBWS 3) bills ISK invoices as claims in the payer's online bank. The claim of an
-- invoice, the amount it should carry now, and its state; payments the bank reports are
-- recorded once each (their transaction id is unique per business).
ALTER TABLE businesses
    ADD COLUMN claims_api_url text NOT NULL DEFAULT '',
    ADD COLUMN claims_template_code text NOT NULL DEFAULT '';

CREATE TABLE bank_claims (
    business_id   uuid NOT NULL,
    invoice_id    uuid NOT NULL,
    claimant      text NOT NULL,
    bank          text NOT NULL,
    claim_number  text NOT NULL,
    due_date      date NOT NULL,
    payor         text NOT NULL,
    -- What the claim should ask for now (the invoice's open amount); 0: cancel it.
    amount        numeric(18, 4) NOT NULL CHECK (amount >= 0),
    -- What the bank has: created (open), paid, cancelled; pending before the first
    -- answer; failed when the bank refused (the reason in last_error).
    state         text NOT NULL CHECK (state IN ('pending', 'open', 'paid', 'cancelled', 'failed')),
    bank_amount   numeric(18, 4),
    claim_id      text,
    -- The X-Request-ID of the create, kept so a retry after a lost answer is the same request.
    request_id    uuid NOT NULL,
    last_error    text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (business_id, invoice_id),
    UNIQUE (business_id, bank, claim_number, due_date),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id)
);
CREATE INDEX bank_claims_open ON bank_claims (business_id) WHERE state IN ('pending', 'open');

ALTER TABLE payments ADD COLUMN claim_transaction_id text;
CREATE UNIQUE INDEX payments_claim_transaction ON payments (business_id, claim_transaction_id)
    WHERE claim_transaction_id IS NOT NULL;
