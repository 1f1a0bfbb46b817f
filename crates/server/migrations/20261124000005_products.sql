-- The catalogue of products and services a business sells, with default price,
-- unit and VAT. Archived instead of deleted.

CREATE TABLE products (
    business_id  uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit         text NOT NULL DEFAULT '',
    unit_price   numeric(18, 4) NOT NULL CHECK (unit_price >= 0),
    vat_category text NOT NULL CHECK (vat_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    vat_rate     numeric(5, 2) NOT NULL CHECK (vat_rate BETWEEN 0 AND 100),
    archived_at  timestamptz,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (business_id, id)
);
CREATE INDEX products_name ON products (business_id, lower(name));
