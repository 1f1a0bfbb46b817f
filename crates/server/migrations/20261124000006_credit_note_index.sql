-- Lists and the dashboard sum credit notes per invoice: index the reference.
CREATE INDEX invoices_credited ON invoices (business_id, credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;
