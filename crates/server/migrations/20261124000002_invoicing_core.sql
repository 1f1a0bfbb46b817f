-- Invoicing core: business profile, customers, numbering series, invoices and credit
-- notes with their lines, and manual payments.
--
-- Tenant tables lead with business_id in the primary key and in foreign keys.
-- Issued documents are immutable, enforced here by triggers as well as in the code.

ALTER TABLE businesses
    ADD COLUMN address_line text NOT NULL DEFAULT '',
    ADD COLUMN postal_code text NOT NULL DEFAULT '',
    ADD COLUMN city text NOT NULL DEFAULT '',
    ADD COLUMN country text NOT NULL DEFAULT 'IS' CHECK (country ~ '^[A-Z]{2}$'),
    ADD COLUMN vat_number text NOT NULL DEFAULT '',
    ADD COLUMN registration_id text NOT NULL DEFAULT '',
    ADD COLUMN iban text NOT NULL DEFAULT '',
    ADD COLUMN bic text NOT NULL DEFAULT '',
    ADD COLUMN default_currency text NOT NULL DEFAULT 'EUR' CHECK (default_currency ~ '^[A-Z]{3}$'),
    ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 14 CHECK (payment_terms_days BETWEEN 0 AND 365),
    ADD COLUMN invoice_language text NOT NULL DEFAULT 'en' CHECK (invoice_language IN ('en', 'is'));

CREATE TABLE customers (
    business_id  uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('business', 'person')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email        text NOT NULL DEFAULT '',
    phone        text NOT NULL DEFAULT '',
    vat_number   text NOT NULL DEFAULT '',
    address_line text NOT NULL DEFAULT '',
    postal_code  text NOT NULL DEFAULT '',
    city         text NOT NULL DEFAULT '',
    country      text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    language     text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'is')),
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    archived_at  timestamptz,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (business_id, id)
);
CREATE INDEX customers_name ON customers (business_id, lower(name));

-- One row per series; the row is locked while a number is taken, so numbers are
-- assigned in commit order without gaps.
CREATE TABLE numbering_series (
    business_id   uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    prefix        text NOT NULL DEFAULT '',
    yearly_reset  boolean NOT NULL DEFAULT true,
    padding       integer NOT NULL DEFAULT 4 CHECK (padding BETWEEN 1 AND 10),
    counter_year  integer NOT NULL,
    last_number   bigint NOT NULL DEFAULT 0 CHECK (last_number >= 0),
    PRIMARY KEY (business_id, kind)
);

CREATE TABLE invoices (
    business_id       uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id                uuid NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    customer_id       uuid NOT NULL,
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    price_entry       text NOT NULL DEFAULT 'net' CHECK (price_entry IN ('net', 'gross')),
    discount_percent  numeric(5, 2) NOT NULL DEFAULT 0,
    note              text NOT NULL DEFAULT '',
    issue_date        date,
    due_date          date,
    number            text,
    number_year       integer,
    number_seq        bigint,
    credited_invoice_id uuid,
    -- Amounts fixed when issued (from the one calculation); NULL while a draft.
    tax_exclusive     numeric(18, 4),
    vat_total         numeric(18, 4),
    payable           numeric(18, 4),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    issued_at         timestamptz,
    voided_at         timestamptz,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id),
    FOREIGN KEY (business_id, credited_invoice_id) REFERENCES invoices (business_id, id),
    CONSTRAINT invoices_number_unique UNIQUE (business_id, kind, number_year, number_seq),
    CHECK ((status = 'draft') = (number IS NULL)),
    CHECK (status = 'draft' OR (issue_date IS NOT NULL AND due_date IS NOT NULL AND payable IS NOT NULL)),
    CHECK ((kind = 'credit_note') = (credited_invoice_id IS NOT NULL))
);
CREATE INDEX invoices_listing ON invoices (business_id, created_at DESC);

CREATE TABLE invoice_lines (
    business_id      uuid NOT NULL,
    invoice_id       uuid NOT NULL,
    position         integer NOT NULL CHECK (position >= 1),
    description      text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
    quantity         numeric(18, 4) NOT NULL,
    unit             text NOT NULL DEFAULT '',
    unit_price       numeric(18, 4) NOT NULL CHECK (unit_price >= 0),
    discount_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
    vat_category     text NOT NULL CHECK (vat_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    vat_rate         numeric(5, 2) NOT NULL CHECK (vat_rate BETWEEN 0 AND 100),
    exemption_reason text NOT NULL DEFAULT '',
    PRIMARY KEY (business_id, invoice_id, position),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id) ON DELETE CASCADE
);

CREATE TABLE payments (
    business_id  uuid NOT NULL,
    id           uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    paid_on      date NOT NULL,
    amount       numeric(18, 4) NOT NULL CHECK (amount > 0),
    method       text NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'card', 'other')),
    reference    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, invoice_id) REFERENCES invoices (business_id, id)
);
CREATE INDEX payments_invoice ON payments (business_id, invoice_id);

-- Issued documents cannot change: only the void marker may be set, once.
CREATE FUNCTION invoices_guard_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
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
CREATE TRIGGER invoices_guard_issued BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_guard_issued();

CREATE FUNCTION invoice_lines_guard_issued() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM invoices
     WHERE business_id = COALESCE(NEW.business_id, OLD.business_id) AND id = COALESCE(NEW.invoice_id, OLD.invoice_id);
    IF parent_status IS DISTINCT FROM 'draft' AND parent_status IS NOT NULL THEN
        RAISE EXCEPTION 'lines of issued invoices cannot change' USING ERRCODE = 'P0001', CONSTRAINT = 'invoice_immutable';
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$;
CREATE TRIGGER invoice_lines_guard_issued BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_guard_issued();
