-- Peppol (issue 21): a business connected to an access point provider sends invoices
-- over the Peppol network; what the network says about a participant is kept so that
-- pages need not ask the network on every view.

-- The business's access point: which provider, the business's legal entity there, and
-- its own participant id when typed (else derived from its registration or VAT id).
-- The provider's API key and webhook secret are sealed in business_secrets.
ALTER TABLE businesses
    ADD COLUMN access_point_provider text NOT NULL DEFAULT ''
        CHECK (access_point_provider IN ('', 'storecove')),
    ADD COLUMN access_point_legal_entity text NOT NULL DEFAULT ''
        CHECK (length(access_point_legal_entity) <= 64),
    ADD COLUMN peppol_id text NOT NULL DEFAULT '' CHECK (length(peppol_id) <= 140);

-- The Peppol directory's last answer for a participant (SML, then its SMP). Public
-- facts about the network, shared by every business, so not keyed by business.
CREATE TABLE peppol_participants (
    -- `0192:987654325`, lower-cased as the network compares it.
    participant    text PRIMARY KEY CHECK (length(participant) BETWEEN 6 AND 140),
    -- registered: its SMP answered and the answer was signed by a trusted SMP;
    -- not_registered: the SML has no such participant; refused: an answer we do not
    -- trust (the reason says why); unreachable: the network did not answer.
    state          text NOT NULL CHECK (state IN ('registered', 'not_registered', 'refused', 'unreachable')),
    -- BIS 3 document types it receives: invoice, credit_note.
    document_types text[] NOT NULL DEFAULT '{}',
    access_point   text,
    reason         text,
    checked_at     timestamptz NOT NULL
);

-- Peppol as a delivery channel. The recipient is the participant id; the provider's
-- submission id is provider_message_id; `delivered` when the receiving access point
-- confirmed it (a failure after submission sets failed with the provider's reason).
ALTER TABLE invoice_deliveries DROP CONSTRAINT invoice_deliveries_channel_check;
ALTER TABLE invoice_deliveries ADD CONSTRAINT invoice_deliveries_channel_check
    CHECK (channel IN ('email', 'sms', 'peppol'));
ALTER TABLE invoice_deliveries DROP CONSTRAINT invoice_deliveries_status_check;
ALTER TABLE invoice_deliveries ADD CONSTRAINT invoice_deliveries_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'));
ALTER TABLE invoice_deliveries ADD COLUMN delivered_at timestamptz;
-- A document goes over Peppol once: a second send is refused while one is under way
-- or done (a failed one may be sent again).
CREATE UNIQUE INDEX invoice_deliveries_one_peppol ON invoice_deliveries (business_id, invoice_id)
    WHERE channel = 'peppol' AND status <> 'failed';
-- The provider's status reports find their delivery by its submission id.
CREATE INDEX invoice_deliveries_peppol_waiting ON invoice_deliveries (business_id)
    WHERE channel = 'peppol' AND status = 'sent';

-- Who to contact at the business, printed on its documents: XRechnung requires the
-- seller's contact (BR-DE-5/6/7), and every invoice is better for naming one.
ALTER TABLE businesses
    ADD COLUMN contact_name text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 100),
    ADD COLUMN contact_email text NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
    ADD COLUMN contact_phone text NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 40);
