-- Erasure of one customer's personal data (issue 7 §6c). A customer with no issued
-- document is anonymised in place; one whose details are on issued invoices or credit
-- notes keeps them there (bookkeeping law), is hidden, and the reason is noted here
-- and in the audit log, while drafts move to an anonymised copy.
ALTER TABLE customers
    ADD COLUMN erased_at timestamptz,
    ADD COLUMN erasure_note text NOT NULL DEFAULT '';
