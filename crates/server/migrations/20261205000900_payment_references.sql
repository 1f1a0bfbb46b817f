-- Nordic payment references (issue 20): the business chooses its scheme (automatic:
-- its country's usual one) and the domestic payee numbers the schemes need; every
-- invoice carries its reference from issue on, with the key payments are matched by.
ALTER TABLE businesses
    ADD COLUMN payment_reference_scheme text NOT NULL DEFAULT 'automatic'
        CHECK (payment_reference_scheme IN ('automatic', 'rf', 'kid_mod10', 'kid_mod11', 'se_ocr',
                                            'fi_reference', 'dk_fik71', 'invoice_number')),
    ADD COLUMN bankgiro text NOT NULL DEFAULT '',
    ADD COLUMN fik_creditor text NOT NULL DEFAULT '';

ALTER TABLE invoices
    ADD COLUMN payment_reference text,
    ADD COLUMN payment_reference_key text;

-- What documents issued before this printed as their reference (BT-83) was the number.
UPDATE invoices
   SET payment_reference = number,
       payment_reference_key = CASE
           WHEN regexp_replace(number, '[^A-Za-z0-9]', '', 'g') ~ '^[0-9]*$'
           THEN ltrim(regexp_replace(number, '[^A-Za-z0-9]', '', 'g'), '0')
           ELSE upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g')) END
 WHERE status <> 'draft' AND kind = 'invoice' AND number IS NOT NULL;

-- Not unique: references generated with check digits are unique by construction, and a
-- business that prints plain invoice numbers may repeat one across series; a payment
-- is recorded automatically only when its key names exactly one open invoice.
CREATE INDEX invoices_payment_reference_key ON invoices (business_id, payment_reference_key)
    WHERE payment_reference_key IS NOT NULL;

-- The reference joins the frozen row.
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
            NEW.period_end, NEW.buyer_reference, NEW.order_reference, NEW.payment_reference, NEW.payment_reference_key)
        IS DISTINCT FROM
        ROW(OLD.kind, OLD.status, OLD.customer_id, OLD.currency, OLD.price_entry, OLD.discount_percent, OLD.note,
            OLD.issue_date, OLD.due_date, OLD.number, OLD.number_year, OLD.number_seq, OLD.credited_invoice_id,
            OLD.tax_exclusive, OLD.vat_total, OLD.payable, OLD.issued_at, OLD.delivery_date, OLD.period_start,
            OLD.period_end, OLD.buyer_reference, OLD.order_reference, OLD.payment_reference, OLD.payment_reference_key)
        OR (OLD.voided_at IS NOT NULL AND NEW.voided_at IS DISTINCT FROM OLD.voided_at)
        OR (OLD.quote_decision IS NOT NULL AND ROW(NEW.quote_decision, NEW.quote_decided_at)
                                              IS DISTINCT FROM ROW(OLD.quote_decision, OLD.quote_decided_at))
    ) THEN
        RAISE EXCEPTION 'issued invoices cannot change' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN NEW;
END $$;
