-- Crash recovery: which process holds a run lock and which process runs an audit (host name, process
-- id, process start time), so a lock or a RUNNING run whose process is gone on the same host is known
-- to be dead at once instead of after the lock's expiry. Portable SQL (H2 2.x and PostgreSQL 12+).
-- Numbered after the scheduling migrations (V100..V102), which existing stores have applied already.
ALTER TABLE run_lock ADD COLUMN holder_host VARCHAR(255);
ALTER TABLE run_lock ADD COLUMN holder_pid BIGINT;
ALTER TABLE run_lock ADD COLUMN holder_started TIMESTAMP WITH TIME ZONE;
ALTER TABLE audit_run ADD COLUMN holder_host VARCHAR(255);
ALTER TABLE audit_run ADD COLUMN holder_pid BIGINT;
ALTER TABLE audit_run ADD COLUMN holder_started TIMESTAMP WITH TIME ZONE;
