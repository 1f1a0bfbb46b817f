-- The business's logo, printed on its invoices. Kept in PostgreSQL beside the profile:
-- it is small (the upload limit is 512 KiB), needed on every PDF, and so goes into
-- every backup with the rest of the business's data.
CREATE TABLE business_logos (
    business_id  uuid PRIMARY KEY REFERENCES businesses (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    image        bytea NOT NULL CHECK (length(image) BETWEEN 1 AND 524288),
    width        integer NOT NULL CHECK (width BETWEEN 1 AND 2000),
    height       integer NOT NULL CHECK (height BETWEEN 1 AND 2000),
    updated_at   timestamptz NOT NULL
);
