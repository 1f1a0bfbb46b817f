-- A recurring invoice can be issued and emailed to the customer on its date without
-- a click, instead of waiting as a draft.
ALTER TABLE recurring_invoices ADD COLUMN auto_send boolean NOT NULL DEFAULT false;
