-- Whether a computer held, in the run that wrote the row, the objectSid of the configured node it did not find under
-- another name (the node renamed before the configuration followed). Retention keeps found_run_id only for those: a
-- node deleted or decommissioned (no computer holds its objectSid) is never compared with that run, which was kept
-- until the configuration was edited. The rows written before it are taken as renamed (kept as before), until the next
-- run writes its own. Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE run_missing_node ADD COLUMN renamed BOOLEAN DEFAULT TRUE NOT NULL;
