-- How PostgreSQL stores the files of a record (docs/PERFORMANCE.md, "Issuing").
--
-- A PDF's streams and a logo's image are compressed already. Under the default
-- (EXTENDED, pglz) PostgreSQL still tried to compress each 36 kB PDF before storing it
-- as it was: 6 % of all CPU while issuing, for nothing. EXTERNAL keeps them out of line
-- without trying. Only rows written from now on are affected; nothing is rewritten.
ALTER TABLE issued_documents
    ALTER COLUMN pdf SET STORAGE EXTERNAL,
    ALTER COLUMN logo SET STORAGE EXTERNAL;
ALTER TABLE business_logos ALTER COLUMN image SET STORAGE EXTERNAL;

-- The e-invoices compress well (5.5 kB of UBL to 1.5 kB): lz4 does it for a fraction of
-- pglz's CPU. PostgreSQL has it when built --with-lz4 (Debian's, the official images);
-- a server without it keeps pglz, which reads and writes the same rows.
DO $$
BEGIN
    ALTER TABLE issued_documents
        ALTER COLUMN ubl SET COMPRESSION lz4,
        ALTER COLUMN cii SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available in this PostgreSQL: the e-invoices stay compressed with pglz';
END $$;
