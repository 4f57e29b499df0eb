-- Whether a MIGRATION_FAILURE_OBSERVED finding reported the pair's failures explained by its delegation findings (its
-- evidence's delegationExplains); false for every other finding. The store finds the runs that explained a pair's
-- failures by it, no longer by searching the message. Rows stored before this migration are set as that search found
-- them: the rule's rows whose message holds "; explained by ". Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE run_finding ADD COLUMN delegation_explains BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE run_finding SET delegation_explains = TRUE
    WHERE rule_id = 'MIGRATION_FAILURE_OBSERVED' AND message LIKE '%; explained by %';
