-- The clusters a successful run did not audit, because their (optional) directory could not be read: their names,
-- one a line, every one (a cut list would have the next run take those beyond the cut as audited); null when it
-- audited every cluster, and in runs stored before this migration. The next run does not tell their nodes as
-- joined, nor their findings as new: that run did not read them. Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE audit_run ADD COLUMN unaudited VARCHAR(1000000);
