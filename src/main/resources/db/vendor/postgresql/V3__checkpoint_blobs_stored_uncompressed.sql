-- Checkpoint blobs are stored out of line without compression. PostgreSQL's default for bytea
-- (EXTENDED) compresses every value over 2 KB with pglz, which cost about 20 ms per inserted
-- memory image of a guest under load (log_min_duration_statement on the load suite), most of a
-- checkpoint's PERSIST phase. The images hold no all-zero pages already; the device states are a
-- few KB of ring pages and indices.
ALTER TABLE checkpoint_images ALTER COLUMN memory_image SET STORAGE EXTERNAL;
ALTER TABLE checkpoint_devices ALTER COLUMN state_bytes SET STORAGE EXTERNAL;
ALTER TABLE checkpoints ALTER COLUMN config_bytes SET STORAGE EXTERNAL;
