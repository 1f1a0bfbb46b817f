-- Received e-invoices and the bills they become (issue: an inbox of bills to pay).
--
-- Every received document is kept byte for byte as it arrived, with its SHA-256: the
-- same bytes received twice are one row (unique per business), so an upload repeated or
-- a delivery retried by the access point records nothing twice. A document that failed
-- the fatal rules is kept too, marked invalid with the findings in plain words; one that
-- could be read becomes a bill.
CREATE TABLE received_documents (
    business_id  uuid NOT NULL REFERENCES businesses (id),
    id           uuid NOT NULL,
    received_at  timestamptz NOT NULL,
    source       text NOT NULL CHECK (source IN ('upload', 'access_point', 'email')),
    -- The name it came with (an upload's file name), for the export; never trusted.
    file_name    text NOT NULL,
    original     bytea NOT NULL,
    sha256       text NOT NULL,
    format       text NOT NULL CHECK (format IN ('ubl', 'cii', 'facturx_pdf')),
    -- [{"severity": "fatal" | "warning", "rule": "BR-16" | null, "message": "..."}]
    validation   jsonb NOT NULL,
    status       text NOT NULL CHECK (status IN ('valid', 'invalid')),
    received_by  text NOT NULL,
    PRIMARY KEY (business_id, id),
    UNIQUE (business_id, sha256)
);
CREATE INDEX received_documents_newest ON received_documents (business_id, received_at DESC);

CREATE TABLE bills (
    business_id               uuid NOT NULL,
    id                        uuid NOT NULL,
    received_document_id      uuid NOT NULL,
    credit_note               boolean NOT NULL,
    supplier_name             text NOT NULL,
    supplier_vat_id           text,
    supplier_registration_id  text,
    -- scheme:id (0088:5790000436101)
    supplier_participant_id   text,
    -- The VAT id without spaces and punctuation, upper case ('' without one): with the
    -- number, what a duplicate is recognised by (or the name, when one has no VAT id).
    supplier_vat_key          text NOT NULL,
    number                    text NOT NULL,
    issue_date                date NOT NULL,
    due_date                  date,
    currency                  text NOT NULL,
    net                       numeric(20, 4) NOT NULL,
    vat                       numeric(20, 4) NOT NULL,
    total                     numeric(20, 4) NOT NULL,
    -- What is to be paid (BT-115): the total less any prepaid amount.
    payable                   numeric(20, 4) NOT NULL,
    -- [{"category": "S", "rate": "25", "taxable": "100.00", "vat": "25.00"}]
    vat_breakdown             jsonb NOT NULL,
    payment_reference         text,
    iban                      text,
    bic                       text,
    state                     text NOT NULL CHECK (state IN ('to_pay', 'scheduled', 'paid')),
    scheduled_for             date,
    paid_at                   timestamptz,
    -- The earlier bill with the same supplier and number: flagged, not paid twice.
    duplicate_of              uuid,
    created_at                timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    UNIQUE (business_id, received_document_id),
    FOREIGN KEY (business_id, received_document_id) REFERENCES received_documents (business_id, id),
    FOREIGN KEY (business_id, duplicate_of) REFERENCES bills (business_id, id),
    CHECK ((state = 'scheduled') = (scheduled_for IS NOT NULL)),
    CHECK ((state = 'paid') = (paid_at IS NOT NULL))
);
CREATE INDEX bills_by_number ON bills (business_id, number);
CREATE INDEX bills_newest ON bills (business_id, issue_date DESC);
