-- Documents of record (issue 17).
--
-- 1. Dates and references a draft carries onto its document: delivery date (BT-72) or
--    period (BT-73/74), buyer reference (BT-10), purchase order reference (BT-13). The
--    issue and due dates already exist; a draft may now hold them before it is issued.
-- 2. The issued record: what the document showed of the parties, the payment details,
--    the language and the logo when it was issued, and the files exactly as issued, so
--    that later changes to the profile, the customer or the logo change nothing issued.
-- 3. A customer's answer to a quote, given once on the customer page.
-- 4. Customers get their national registration id (kennitala, organisationsnummer).

ALTER TABLE invoices
    ADD COLUMN delivery_date date,
    ADD COLUMN period_start date,
    ADD COLUMN period_end date,
    ADD COLUMN buyer_reference text NOT NULL DEFAULT '' CHECK (length(buyer_reference) <= 200),
    ADD COLUMN order_reference text NOT NULL DEFAULT '' CHECK (length(order_reference) <= 200),
    ADD COLUMN quote_decision text CHECK (quote_decision IN ('accepted', 'declined')),
    ADD COLUMN quote_decided_at timestamptz,
    ADD CONSTRAINT invoices_period_complete CHECK ((period_start IS NULL) = (period_end IS NULL)),
    ADD CONSTRAINT invoices_period_order CHECK (period_end >= period_start),
    ADD CONSTRAINT invoices_due_after_issue CHECK (due_date >= issue_date),
    ADD CONSTRAINT invoices_decision_on_quotes CHECK (quote_decision IS NULL OR (kind = 'quote' AND status = 'issued')),
    ADD CONSTRAINT invoices_decision_dated CHECK ((quote_decision IS NULL) = (quote_decided_at IS NULL));

ALTER TABLE customers
    ADD COLUMN registration_id text NOT NULL DEFAULT '' CHECK (length(registration_id) <= 40);

-- An issued document's frozen parts and files. Written once in the issuing transaction;
-- never updated; deleted only with its business by the retention purge.
CREATE TABLE issued_documents (
    business_id  uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    -- {"seller": Party, "buyer": Party, "payment": PaymentDetails, "language": "en"|"is",
    --  "payment_terms": text|null} as the documents crate's types serialise them.
    parties      jsonb NOT NULL,
    logo         bytea,
    pdf          bytea NOT NULL,
    -- The e-invoices; quotes have none.
    ubl          text,
    cii          text,
    pdf_sha256   text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (business_id, invoice_id),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id) ON DELETE CASCADE
);

CREATE FUNCTION issued_documents_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_status text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT status INTO parent_status FROM invoices WHERE business_id = NEW.business_id AND id = NEW.invoice_id;
        IF parent_status IS DISTINCT FROM 'issued' THEN
            RAISE EXCEPTION 'only an issued document has a record' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND current_setting('fastfaktura.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'issued documents cannot change' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
END $$;

CREATE TRIGGER issued_documents_guard BEFORE INSERT OR UPDATE OR DELETE ON issued_documents
    FOR EACH ROW EXECUTE FUNCTION issued_documents_guard();
CREATE TRIGGER issued_documents_no_truncate BEFORE TRUNCATE ON issued_documents
    FOR EACH STATEMENT EXECUTE FUNCTION issued_documents_guard();

-- The new columns join the frozen row; a quote's answer may be given once.
CREATE OR REPLACE FUNCTION invoices_guard_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' AND current_setting('fastfaktura.retention_purge', true) IS DISTINCT FROM 'on' THEN
            RAISE EXCEPTION 'issued invoices cannot be deleted' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        ROW(NEW.kind, NEW.status, NEW.customer_id, NEW.currency, NEW.price_entry, NEW.discount_percent, NEW.note,
            NEW.issue_date, NEW.due_date, NEW.number, NEW.number_year, NEW.number_seq, NEW.credited_invoice_id,
            NEW.tax_exclusive, NEW.vat_total, NEW.payable, NEW.issued_at, NEW.delivery_date, NEW.period_start,
            NEW.period_end, NEW.buyer_reference, NEW.order_reference)
        IS DISTINCT FROM
        ROW(OLD.kind, OLD.status, OLD.customer_id, OLD.currency, OLD.price_entry, OLD.discount_percent, OLD.note,
            OLD.issue_date, OLD.due_date, OLD.number, OLD.number_year, OLD.number_seq, OLD.credited_invoice_id,
            OLD.tax_exclusive, OLD.vat_total, OLD.payable, OLD.issued_at, OLD.delivery_date, OLD.period_start,
            OLD.period_end, OLD.buyer_reference, OLD.order_reference)
        OR (OLD.voided_at IS NOT NULL AND NEW.voided_at IS DISTINCT FROM OLD.voided_at)
        OR (OLD.quote_decision IS NOT NULL AND ROW(NEW.quote_decision, NEW.quote_decided_at)
                                              IS DISTINCT FROM ROW(OLD.quote_decision, OLD.quote_decided_at))
    ) THEN
        RAISE EXCEPTION 'issued invoices cannot change' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN NEW;
END $$;

-- An Icelandic business (the default country) invoices in krónur.
ALTER TABLE businesses ALTER COLUMN default_currency SET DEFAULT 'ISK';
