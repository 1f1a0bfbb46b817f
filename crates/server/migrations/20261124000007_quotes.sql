-- Quotes: documents of their own series (Q-2026-0001) that convert into invoices.
ALTER TABLE invoices DROP CONSTRAINT invoices_kind_check,
    ADD CONSTRAINT invoices_kind_check CHECK (kind IN ('invoice', 'credit_note', 'quote')),
    ADD COLUMN source_quote_id uuid,
    ADD FOREIGN KEY (business_id, source_quote_id) REFERENCES invoices (business_id, id);
ALTER TABLE numbering_series DROP CONSTRAINT numbering_series_kind_check,
    ADD CONSTRAINT numbering_series_kind_check CHECK (kind IN ('invoice', 'credit_note', 'quote'));
CREATE UNIQUE INDEX invoices_one_conversion ON invoices (business_id, source_quote_id) WHERE source_quote_id IS NOT NULL;
