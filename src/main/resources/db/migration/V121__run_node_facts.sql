-- What CHANGED_SINCE_LAST_RUN also compares, so that the run after a runbook records every change it made, not only the
-- delegation attributes (null or no row in runs stored before this migration: not recorded, nothing to compare with).
-- run_host.pwd_last_set: a node's pwdLastSet (a computer password reset), null where absent or 0.
-- audit_run.spn_holders_recorded: TRUE where the run wrote the other (non-node) holders of its nodes' SPNs into
-- run_node_fact, so that a node without a row there had none; null before.
-- run_node_fact: per node, fact 'spnHolder' (val the SPN, holder the other account's name; seq numbers them) and its
-- live-migration settings from the Get-VMHost export, facts 'migrationAuthentication', 'migrationPerformance' and
-- 'migrationEnabled' (one row each where the export gives it; holder null). Deleted with its run (run_id) like the
-- other run_* tables. Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE run_host ADD COLUMN pwd_last_set TIMESTAMP WITH TIME ZONE;
ALTER TABLE audit_run ADD COLUMN spn_holders_recorded BOOLEAN;
CREATE TABLE run_node_fact (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    host_name       VARCHAR(255)  NOT NULL,
    fact            VARCHAR(32)   NOT NULL,
    seq             INTEGER       NOT NULL,
    val             VARCHAR(1000) NOT NULL,
    holder          VARCHAR(255),
    PRIMARY KEY (run_id, host_name, fact, seq)
);
