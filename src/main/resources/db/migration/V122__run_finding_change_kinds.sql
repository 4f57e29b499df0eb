-- The kinds of a CHANGED_SINCE_LAST_RUN finding's changes (its evidence's changeKinds: ENTRY_ADDED, PASSWORD_CHANGED …,
-- the names of Drift.Kind), one a line in the order of its changes; null for every other finding. The notice decides
-- whether a run's changes are only computer password changes (Windows changes them every 30 days by itself: no change
-- for notify: on-change) by them, no longer by matching the message. Rows stored before this migration have none
-- (null: not recorded, a change like any other), but for those whose message told a computer password changed and
-- nothing else ("HV03: computer password changed (pwdLastSet … UTC -> … UTC)."), set to PASSWORD_CHANGED as that
-- match found them. Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE run_finding ADD COLUMN change_kinds VARCHAR(1000000);
UPDATE run_finding SET change_kinds = 'PASSWORD_CHANGED'
    WHERE rule_id = 'CHANGED_SINCE_LAST_RUN' AND message LIKE '%: computer password changed (pwdLastSet % UTC -> % UTC).'
      AND message NOT LIKE '%; %';
