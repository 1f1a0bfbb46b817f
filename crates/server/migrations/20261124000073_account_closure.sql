-- Account closure (issue 7 §6b): a closed business keeps only what bookkeeping law
-- needs (issued invoices and credit notes, their customers and payments), hidden from
-- everyone, until retain_until; then the retention purge deletes it.
ALTER TABLE businesses
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN retain_until date;
CREATE INDEX businesses_retain_until ON businesses (retain_until) WHERE closed_at IS NOT NULL;

-- Issued documents stay immutable, except for the purge after retain_until, which sets
-- the transaction-local fastfaktura.retention_purge = 'on' (gdpr::closure).
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
            NEW.tax_exclusive, NEW.vat_total, NEW.payable, NEW.issued_at)
        IS DISTINCT FROM
        ROW(OLD.kind, OLD.status, OLD.customer_id, OLD.currency, OLD.price_entry, OLD.discount_percent, OLD.note,
            OLD.issue_date, OLD.due_date, OLD.number, OLD.number_year, OLD.number_seq, OLD.credited_invoice_id,
            OLD.tax_exclusive, OLD.vat_total, OLD.payable, OLD.issued_at)
        OR (OLD.voided_at IS NOT NULL AND NEW.voided_at IS DISTINCT FROM OLD.voided_at)
    ) THEN
        RAISE EXCEPTION 'issued invoices cannot change' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION invoice_lines_guard_issued() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_status text;
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('fastfaktura.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    SELECT status INTO parent_status FROM invoices
     WHERE business_id = COALESCE(NEW.business_id, OLD.business_id) AND id = COALESCE(NEW.invoice_id, OLD.invoice_id);
    IF parent_status IS DISTINCT FROM 'draft' AND parent_status IS NOT NULL THEN
        RAISE EXCEPTION 'lines of issued invoices cannot change' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$;
