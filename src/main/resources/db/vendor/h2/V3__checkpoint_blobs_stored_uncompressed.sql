-- H2 stores binary values uncompressed already; the PostgreSQL migration of the same version sets
-- the checkpoint blobs' storage to EXTERNAL (no pglz compression). This keeps both at version 3.
SELECT 1;
