-- The cluster a preflight was asked about (kcd-audit preflight --cluster NAME); null for every other run. A preflight
-- audits every cluster of its configuration, so its counts are of all of them, as a run's: history names the cluster
-- its GO/NO-GO was for beside them, so that another cluster's findings do not read as that cluster's. Portable SQL
-- (H2 2.x and PostgreSQL 12+).
ALTER TABLE audit_run ADD COLUMN preflight_cluster VARCHAR(255);
