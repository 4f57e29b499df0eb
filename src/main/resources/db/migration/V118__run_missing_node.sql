-- Per successful run, each configured node it did not find, with the objectSid the last run that found it recorded
-- for it, that run and its end: carried from run to run while the configuration names the node and it is not found,
-- so HOST_NOT_FOUND names the computer that holds that objectSid now under another name (renamed before the
-- configuration followed) in every such run, not only in the first, also once retention has pruned the run that found
-- it (found_run_id names it, with no reference: it may be gone). Deleted with its run (run_id) like the other run_*
-- tables; the last successful run, whose rows the next run reads, is never pruned. Portable SQL (H2 2.x and
-- PostgreSQL 12+).
CREATE TABLE run_missing_node (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    node_name       VARCHAR(255)  NOT NULL,
    object_sid      VARCHAR(200)  NOT NULL,
    found_run_id    VARCHAR(36)   NOT NULL,
    found_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (run_id, node_name)
);
