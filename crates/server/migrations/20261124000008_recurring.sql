-- Recurring invoices: a template points at an invoice whose customer and lines are
-- copied into a new draft every N months (sending comes with the delivery issue).
CREATE TABLE recurring_invoices (
    business_id        uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    source_invoice_id  uuid NOT NULL,
    every_months       integer NOT NULL CHECK (every_months BETWEEN 1 AND 24),
    next_run_on        date NOT NULL,
    active             boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, source_invoice_id) REFERENCES invoices (business_id, id)
);
CREATE INDEX recurring_due ON recurring_invoices (next_run_on) WHERE active;
